//! Parking: an execution waiting on a long Wait or on a task token leaves memory (no tokio
//! task, no lease) and is resumed from its frames when due, answered (here or by another
//! engine), timed out or stopped; its history is the one an execution kept in memory records.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asl_engine::store::{Execution, ExecutionStatus};
use asl_engine::{Engine, EngineOptions};
use asl_runtime::{Handlers, TaskContext, Value, json};
use common::{Db, finished};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:P";

/// A Wait of 2 s between two Pass states.
const NAP: &str = r#"{"StartAt":"Before","States":{
  "Before":{"Type":"Pass","Parameters":{"n.$":"$.n"},"Next":"Nap"},
  "Nap":{"Type":"Wait","Seconds":2,"Next":"After"},
  "After":{"Type":"Pass","Parameters":{"n.$":"$.n","woke":true},"End":true}}}"#;

/// A callback token, then a Pass.
const CALLBACK: &str = r#"{"StartAt":"Ask","States":{
  "Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
         "Parameters":{"token.$":"$$.Task.Token"},"ResultPath":"$.answer","Next":"Done"},
  "Done":{"Type":"Pass","End":true}}}"#;

/// Parks anything due at least 300 ms ahead (a token after 300 ms without an answer).
fn parking(claim_poll: Duration) -> EngineOptions {
    EngineOptions { lease_ms: 5_000, token_poll: Duration::from_millis(50), park_threshold: Some(Duration::from_millis(300)), claim_poll, ..Default::default() }
}

fn in_memory() -> EngineOptions {
    EngineOptions { park_threshold: None, ..parking(Duration::from_millis(100)) }
}

/// Handlers that hand each token out through `sent`.
fn token_sink(sent: &Arc<Mutex<Vec<String>>>) -> Handlers {
    let s = sent.clone();
    Handlers::new().fallback(move |input: Value, _: TaskContext| {
        let s = s.clone();
        async move {
            s.lock().unwrap().push(input["token"].as_str().unwrap_or_default().to_owned());
            Ok(json!({"MessageId": "m"}))
        }
    })
}

async fn nth_token(sent: &Arc<Mutex<Vec<String>>>, n: usize) -> String {
    for _ in 0..500 {
        if let Some(t) = sent.lock().unwrap().get(n).cloned() {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("token {n} was not handed out");
}

/// Waits until `arn` is parked: not in `engine`'s memory, no owner, still RUNNING, and not
/// runnable (a start not yet claimed is all of the rest).
async fn parked(engine: &Engine, arn: &str) -> Execution {
    for _ in 0..300 {
        let e = engine.describe(arn).await.unwrap();
        if !engine.is_running_here(arn) && e.owner.is_none() && e.status == ExecutionStatus::Running && !e.runnable {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{arn} did not park");
}

/// (id, type, previous id) of every event, and the details of those that carry no token or time.
async fn history(engine: &Engine, arn: &str) -> Vec<(i64, String, i64)> {
    engine.history(arn, false, 1000, None).await.unwrap().items.into_iter().map(|e| (e.id, e.event_type, e.previous_id)).collect()
}

/// The same machine and input run with parking off: its output and history.
async fn unparked(def: &str, input: Value, answer: Option<Value>) -> (Execution, Vec<(i64, String, i64)>) {
    let db = Db::sqlite();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let engine = Engine::with_options(db.open().await, "mem".into(), in_memory());
    engine.register_definition(MACHINE, def, &token_sink(&sent)).unwrap();
    let arn = engine.start(MACHINE, None, input).await.unwrap();
    if let Some(a) = answer {
        let token = nth_token(&sent, 0).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(engine.is_running_here(&arn), "parking is off");
        engine.send_task_success(&token, a).await.unwrap();
    }
    let e = finished(&engine, &arn).await;
    (e, history(&engine, &arn).await)
}

async fn a_long_wait_parks_and_wakes_when_due(db: Db) {
    let engine = Engine::with_options(db.open().await, "a".into(), parking(Duration::from_millis(100)));
    engine.register_definition(MACHINE, NAP, &Handlers::new()).unwrap();
    let t = Instant::now();
    let arn = engine.start(MACHINE, None, json!({"n": 5})).await.unwrap();
    let row = parked(&engine, &arn).await;
    assert_eq!(engine.running_here(), 0, "a parked execution holds no task");
    let due = row.wake_at.expect("the wake time is stored");
    assert!((due - row.start_date - 2000).abs() < 1000, "wake_at {due} is the Wait's end (started {})", row.start_date);
    assert_eq!(engine.describe(&arn).await.unwrap().status, ExecutionStatus::Running);
    let e = finished(&engine, &arn).await;
    assert!(t.elapsed() >= Duration::from_secs(2), "woke early: {:?}", t.elapsed());
    assert_eq!(e.status, ExecutionStatus::Succeeded);
    assert_eq!(e.output, Some(json!({"n": 5, "woke": true})));
    let (mem, mem_history) = unparked(NAP, json!({"n": 5}), None).await;
    assert_eq!(e.output, mem.output);
    assert_eq!(history(&engine, &arn).await, mem_history, "parking shows in the history");
    assert!(engine.store().frames(&arn).await.unwrap().is_empty());
    assert_eq!(engine.running_here(), 0);
}

async fn a_token_parks_and_another_engine_answers(db: Db) {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let a = Engine::with_options(db.open().await, "a".into(), parking(Duration::from_millis(100)));
    let b = Engine::with_options(db.open().await, "b".into(), parking(Duration::from_millis(100)));
    for e in [&a, &b] {
        e.register_definition(MACHINE, CALLBACK, &token_sink(&sent)).unwrap();
    }
    let arn = a.start(MACHINE, None, json!({"q": 1})).await.unwrap();
    let token = nth_token(&sent, 0).await;
    let row = parked(&a, &arn).await;
    assert_eq!(row.wake_at, None, "a token has no wake time");
    assert_eq!((a.running_here(), b.running_here()), (0, 0));
    b.send_task_success(&token, json!({"ok": true})).await.unwrap();
    let e = finished(&a, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Succeeded, "{e:?}");
    assert_eq!(e.output, Some(json!({"q": 1, "answer": {"ok": true}})));
    let (_, mem_history) = unparked(CALLBACK, json!({"q": 1}), Some(json!({"ok": true}))).await;
    assert_eq!(history(&a, &arn).await, mem_history);
    // The token was handed out once: the resumed Task did not call the handler again.
    assert_eq!(sent.lock().unwrap().len(), 1);
    assert!(b.send_task_success(&token, json!(1)).await.is_err(), "a finished token is refused");

    // A failure sent to the engine that parked it wakes it at once, long before the next poll.
    let slow = Engine::with_options(db.open().await, "slow".into(), parking(Duration::from_secs(30)));
    slow.register_definition(MACHINE, CALLBACK, &token_sink(&sent)).unwrap();
    let arn = slow.start(MACHINE, None, json!({"q": 2})).await.unwrap();
    let token = nth_token(&sent, 1).await;
    parked(&slow, &arn).await;
    // Let the other engines' polls pass so that only `slow`'s wake-up can take it.
    drop((a, b));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t = Instant::now();
    slow.send_task_failure(&token, Some("Denied".into()), Some("no".into())).await.unwrap();
    let e = finished(&slow, &arn).await;
    assert!(t.elapsed() < Duration::from_secs(10), "woken by the 30 s poll, not at once: {:?}", t.elapsed());
    assert_eq!(e.status, ExecutionStatus::Failed);
    assert_eq!(e.error.as_deref(), Some("Denied"));
}

async fn the_execution_timeout_fires_while_parked(db: Db) {
    let engine = Engine::with_options(db.open().await, "a".into(), parking(Duration::from_millis(100)));
    let def = r#"{"TimeoutSeconds":3,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}"#;
    engine.register_definition(MACHINE, def, &Handlers::new()).unwrap();
    let arn = engine.start(MACHINE, None, json!({})).await.unwrap();
    let row = parked(&engine, &arn).await;
    let wake = row.wake_at.unwrap();
    assert!((wake - row.start_date - 3000).abs() < 500, "wakes at the timeout, not at the Wait's end: {wake} vs start {}", row.start_date);
    assert_eq!(engine.running_here(), 0);
    let e = finished(&engine, &arn).await;
    assert_eq!(e.status, ExecutionStatus::TimedOut, "{e:?}");
    let h = history(&engine, &arn).await;
    assert_eq!(h.last().unwrap().1, "ExecutionTimedOut");
    assert_eq!(h.iter().map(|e| e.0).collect::<Vec<_>>(), (1..=h.len() as i64).collect::<Vec<_>>());

    // A token's Task parks with the execution's deadline as its wake time too.
    let sent = Arc::new(Mutex::new(Vec::new()));
    let timed = "arn:aws:states:us-east-1:111111111111:stateMachine:Timed";
    let def = CALLBACK.replacen('{', r#"{"TimeoutSeconds":3,"#, 1);
    engine.register_definition(timed, &def, &token_sink(&sent)).unwrap();
    let arn = engine.start(timed, None, json!({})).await.unwrap();
    let row = parked(&engine, &arn).await;
    assert!(row.wake_at.is_some());
    let e = finished(&engine, &arn).await;
    assert_eq!(e.status, ExecutionStatus::TimedOut, "{e:?}");
}

async fn a_parked_execution_is_stopped(db: Db) {
    let a = Engine::with_options(db.open().await, "a".into(), parking(Duration::from_millis(100)));
    let b = Engine::with_options(db.open().await, "b".into(), parking(Duration::from_millis(100)));
    let def = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}"#;
    for e in [&a, &b] {
        e.register_definition(MACHINE, def, &Handlers::new()).unwrap();
    }
    let arn = a.start(MACHINE, None, json!({})).await.unwrap();
    parked(&a, &arn).await;
    let e = b.stop(&arn, Some("Halt".into()), None).await.unwrap();
    assert_eq!(e.status, ExecutionStatus::Aborted);
    let h = history(&b, &arn).await;
    assert_eq!(h.last().unwrap().1, "ExecutionAborted");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(a.recover().await.unwrap().is_empty() && b.recover().await.unwrap().is_empty());
    assert_eq!((a.running_here(), b.running_here()), (0, 0));
    assert_eq!(history(&b, &arn).await, h, "nothing written after the stop");

    // And by the engine that parked it.
    let arn = a.start(MACHINE, None, json!({"again": 1})).await.unwrap();
    parked(&a, &arn).await;
    assert_eq!(a.stop(&arn, None, None).await.unwrap().status, ExecutionStatus::Aborted);
}

/// A Parallel retried after a branch failed: its 2 s backoff parks like a Task's.
const PARALLEL_RETRY: &str = r#"{"StartAt":"Both","States":{
  "Both":{"Type":"Parallel","Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":2,"MaxAttempts":2}],"Next":"After","Branches":[
    {"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:flaky","End":true}}},
    {"StartAt":"Fixed","States":{"Fixed":{"Type":"Pass","Result":"b","End":true}}}]},
  "After":{"Type":"Pass","End":true}}}"#;

/// A Map (one item at a time) retried after an iteration failed.
const MAP_RETRY: &str = r#"{"StartAt":"Each","States":{
  "Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":2,"MaxAttempts":2}],"End":true,
    "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:flaky","End":true}}}}}}"#;

/// A handler failing its first call with `Flaky`, echoing its input after; counts its calls.
fn flaky(calls: &Arc<Mutex<u32>>) -> Handlers {
    let calls = calls.clone();
    Handlers::new().fallback(move |input: Value, _: TaskContext| {
        let calls = calls.clone();
        async move {
            let n = {
                let mut c = calls.lock().unwrap();
                *c += 1;
                *c
            };
            if n == 1 { Err(asl_runtime::Failure::new("Flaky", "the first call fails")) } else { Ok(json!({"echo": input})) }
        }
    })
}

/// A Parallel's and a Map's retry backoff park like a Task's: the execution leaves memory until
/// the next attempt is due, which then runs afresh (the failed attempt's children are not
/// resumed) with the attempts counted so far; output and history are an in-memory run's.
async fn a_parallel_or_map_retry_backoff_parks(db: Db) {
    for (def, input) in [(PARALLEL_RETRY, json!({"n": 1})), (MAP_RETRY, json!({"items": [1, 2]}))] {
        let calls = Arc::new(Mutex::new(0));
        let engine = Engine::with_options(db.open().await, "a".into(), parking(Duration::from_millis(50)));
        engine.register_definition(MACHINE, def, &flaky(&calls)).unwrap();
        let t = Instant::now();
        let arn = engine.start(MACHINE, None, input.clone()).await.unwrap();
        let row = parked(&engine, &arn).await;
        assert_eq!(engine.running_here(), 0, "parked in the backoff");
        let due = row.wake_at.expect("the next attempt's time");
        assert!((due - row.start_date - 2000).abs() < 1000, "wake_at {due} is the backoff's end (started {})", row.start_date);
        assert_eq!(*calls.lock().unwrap(), 1);
        let e = finished(&engine, &arn).await;
        assert!(t.elapsed() >= Duration::from_secs(2), "retried early: {:?}", t.elapsed());
        assert_eq!(e.status, ExecutionStatus::Succeeded, "{e:?}");
        let in_memory = {
            let db = Db::sqlite();
            let mem_calls = Arc::new(Mutex::new(0));
            let m = Engine::with_options(db.open().await, "mem".into(), in_memory());
            m.register_definition(MACHINE, def, &flaky(&mem_calls)).unwrap();
            let arn = m.start(MACHINE, None, input).await.unwrap();
            let e = finished(&m, &arn).await;
            assert_eq!(*calls.lock().unwrap(), *mem_calls.lock().unwrap(), "as many calls as in memory");
            (e.output, history(&m, &arn).await)
        };
        assert_eq!(e.output, in_memory.0);
        assert_eq!(history(&engine, &arn).await, in_memory.1, "parking shows in the history");
        engine.crash();
    }
}

/// A parked execution due on an engine that does not know its machine is left for one that
/// does, due again after `unknown_machine_backoff`, not claimed at every poll.
async fn an_unknown_machine_backs_off(db: Db) {
    let def = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","Result":"woke","End":true}}}"#;
    let a = Engine::with_options(db.open().await, "a".into(), parking(Duration::from_millis(50)));
    a.register_definition(MACHINE, def, &Handlers::new()).unwrap();
    let arn = a.start(MACHINE, None, json!({})).await.unwrap();
    let due = parked(&a, &arn).await.wake_at.expect("parked until the Wait's end");
    a.crash();
    let backoff = Duration::from_millis(1_500);
    let options = EngineOptions { unknown_machine_backoff: backoff, ..parking(Duration::from_millis(50)) };
    let stranger = Engine::with_options(db.open().await, "stranger".into(), options.clone());
    // Once due, the stranger claims it, knows no such machine, and pushes its wake time on.
    let mut row = stranger.describe(&arn).await.unwrap();
    for _ in 0..200 {
        if row.wake_at.is_some_and(|w| w > due) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        row = stranger.describe(&arn).await.unwrap();
    }
    let later = row.wake_at.filter(|w| *w > due).unwrap_or_else(|| panic!("not backed off: {row:?}"));
    assert!(later - due >= backoff.as_millis() as i64 - 100, "due {due}, again at {later}");
    assert_eq!((row.owner.as_deref(), row.runnable, row.status), (None, false, ExecutionStatus::Running));
    // Ten polls later it was not claimed again (a claim would have moved the wake time).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = stranger.describe(&arn).await.unwrap();
    assert_eq!((again.wake_at, again.owner, again.runnable), (Some(later), None, false));
    // An engine that knows the machine runs it when it is due again.
    let b = Engine::with_options(db.open().await, "b".into(), options);
    b.register_definition(MACHINE, def, &Handlers::new()).unwrap();
    let e = finished(&b, &arn).await;
    assert_eq!((e.status, e.output), (ExecutionStatus::Succeeded, Some(json!("woke"))));
    assert!(e.stop_date.unwrap() >= later, "ended at {:?}, before it was due again ({later})", e.stop_date);
    stranger.crash();
}

macro_rules! suites {
    ($($name:ident),*) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(Db::sqlite()).await
                }
            )*
        }

        /// Run when `ASL_TEST_POSTGRES` is set (skipped otherwise).
        mod postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = Db::postgres() else { return };
                    super::$name(db).await
                }
            )*
        }
    };
}

suites!(
    a_long_wait_parks_and_wakes_when_due,
    a_token_parks_and_another_engine_answers,
    the_execution_timeout_fires_while_parked,
    a_parked_execution_is_stopped,
    an_unknown_machine_backs_off,
    a_parallel_or_map_retry_backoff_parks
);
