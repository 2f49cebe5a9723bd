//! RedriveExecution: a failed execution goes on from where it failed, inside Parallel branches
//! and Map iterations too, without running again what had succeeded; AWS's rules on what can be
//! redriven; `$$.Execution.RedriveCount`, `ExecutionRedriven`, the redrive columns.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_engine::store::{Execution, ExecutionStatus};
use asl_engine::{Engine, EngineError, RedriveStatus};
use asl_runtime::{Failure, Handlers, TaskContext, Value, json};
use common::{Db, finished, options};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:R";

const FLOW: &str = r#"{"StartAt":"A","States":{
  "A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:a","ResultPath":"$.a","Next":"P"},
  "P":{"Type":"Parallel","ResultPath":"$.p","Next":"M","Branches":[
    {"StartAt":"S0","States":{"S0":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:s0","End":true}}},
    {"StartAt":"S1a","States":{
      "S1a":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:s1a","Next":"S1b"},
      "S1b":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:flaky","End":true}}}]},
  "M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"ResultPath":"$.m","Next":"Z",
    "Iterator":{"StartAt":"I","States":{"I":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:item","End":true}}}},
  "Z":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:z",
    "Parameters":{"redrives.$":"$$.Execution.RedriveCount","p.$":"$.p","m.$":"$.m"},"End":true}}}"#;

struct Switches {
    flaky_fails: AtomicBool,
    item_two_fails: AtomicBool,
    calls: Mutex<Vec<String>>,
}

fn handlers(s: &Arc<Switches>) -> Handlers {
    let s = s.clone();
    Handlers::new().fallback(move |input: Value, ctx: TaskContext| {
        let s = s.clone();
        async move {
            let name = ctx.resource.rsplit(':').next().unwrap().to_owned();
            let call = if name == "item" { format!("item{input}") } else { name.clone() };
            s.calls.lock().unwrap().push(call);
            match name.as_str() {
                "flaky" if s.flaky_fails.load(Ordering::SeqCst) => Err(Failure::new("Flaky", "down")),
                "item" if input == json!(2) && s.item_two_fails.load(Ordering::SeqCst) => Err(Failure::new("ItemTwo", "broken")),
                "item" => Ok(json!(input.as_u64().unwrap() * 10)),
                _ => Ok(input.get("redrives").map_or_else(|| json!(name), |_| input.clone())),
            }
        }
    })
}

fn count(s: &Switches, call: &str) -> usize {
    s.calls.lock().unwrap().iter().filter(|c| *c == call).count()
}

async fn kinds(engine: &Engine, arn: &str) -> Vec<(i64, i64, String, Value)> {
    let h = engine.history(arn, false, 1000, None).await.unwrap();
    h.items.into_iter().map(|e| (e.id, e.previous_id, e.event_type, e.details)).collect()
}

async fn failed_parallel_branches_and_map_iterations_are_redriven(db: Db) {
    let engine = Engine::with_options(db.open().await, "p1".into(), options(5_000));
    let s = Arc::new(Switches { flaky_fails: AtomicBool::new(true), item_two_fails: AtomicBool::new(true), calls: Mutex::new(Vec::new()) });
    engine.register_definition(MACHINE, FLOW, &handlers(&s)).unwrap();
    let arn = engine.start(MACHINE, Some("r".into()), json!({"items": [1, 2, 3]})).await.unwrap();

    // 1. The second branch of P fails at its second state.
    let e = finished(&engine, &arn).await;
    assert_eq!((e.status, e.error.as_deref()), (ExecutionStatus::Failed, Some("Flaky")), "{e:?}");
    assert_eq!(e.redrive_count, 0);
    assert_eq!(engine.redrive_status(&arn).await.unwrap(), RedriveStatus::Redrivable);
    assert_eq!((count(&s, "a"), count(&s, "s0"), count(&s, "s1a"), count(&s, "flaky")), (1, 1, 1, 1));

    // 2. Redriven: only S1b runs again in P; then item 2 of M fails.
    s.flaky_fails.store(false, Ordering::SeqCst);
    let r = engine.redrive(&arn).await.unwrap();
    assert_eq!(r.status, ExecutionStatus::Running);
    assert_eq!(r.redrive_count, 1);
    assert!(r.redrive_date.is_some() && r.stop_date.is_none() && r.error.is_none());
    // Not twice while it runs.
    assert!(matches!(engine.redrive(&arn).await, Err(EngineError::ExecutionNotRedrivable(_))));
    let e = finished(&engine, &arn).await;
    assert_eq!((e.status, e.error.as_deref()), (ExecutionStatus::Failed, Some("ItemTwo")), "{e:?}");
    assert_eq!((count(&s, "a"), count(&s, "s0"), count(&s, "s1a"), count(&s, "flaky")), (1, 1, 1, 2), "{:?}", s.calls.lock().unwrap());
    assert_eq!((count(&s, "item1"), count(&s, "item2"), count(&s, "item3")), (1, 1, 0));

    // 3. Redriven again: item 1 keeps its result, item 2 runs again, then item 3 and Z.
    s.item_two_fails.store(false, Ordering::SeqCst);
    engine.redrive(&arn).await.unwrap();
    let e = finished(&engine, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Succeeded, "{e:?}");
    assert_eq!(e.output, Some(json!({"redrives": 2, "p": ["s0", "flaky"], "m": [10, 20, 30]})));
    assert_eq!((count(&s, "item1"), count(&s, "item2"), count(&s, "item3"), count(&s, "z")), (1, 2, 1, 1));
    assert_eq!((count(&s, "a"), count(&s, "s0"), count(&s, "s1a"), count(&s, "flaky")), (1, 1, 1, 2));
    assert_eq!(e.redrive_count, 2);
    assert!(e.redrive_date.is_some());

    // The history goes on across the redrives: ids 1..n, one ExecutionStarted, two failures,
    // each followed by ExecutionRedriven with its count.
    let h = kinds(&engine, &arn).await;
    let ids: Vec<i64> = h.iter().map(|e| e.0).collect();
    assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>());
    assert!(h.iter().all(|e| e.1 < e.0));
    let types: Vec<&str> = h.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(types.iter().filter(|t| **t == "ExecutionStarted").count(), 1);
    let redriven: Vec<(usize, &Value)> = h.iter().enumerate().filter(|(_, e)| e.2 == "ExecutionRedriven").map(|(i, e)| (i, &e.3)).collect();
    assert_eq!(redriven.len(), 2, "{types:?}");
    assert_eq!(redriven[0].1, &json!({"redriveCount": 1}));
    assert_eq!(redriven[1].1, &json!({"redriveCount": 2}));
    for (i, _) in &redriven {
        assert_eq!(types[i - 1], "ExecutionFailed", "{types:?}");
        assert_eq!(h[*i].1, h[i - 1].0, "ExecutionRedriven follows the failure");
    }
    assert_eq!(types.last(), Some(&"ExecutionSucceeded"));

    // A succeeded execution is not redrivable; its frames are gone.
    let no = RedriveStatus::NotRedrivable("Execution is SUCCEEDED and cannot be redriven".into());
    assert_eq!(engine.redrive_status(&arn).await.unwrap(), no);
    assert_eq!(engine.redrive(&arn).await.unwrap_err(), EngineError::ExecutionNotRedrivable("Execution is SUCCEEDED and cannot be redriven".into()));
    assert!(engine.store().frames(&arn).await.unwrap().is_empty());
}

const CALLBACK: &str = r#"{"StartAt":"Ask","States":{"Ask":{"Type":"Task",
    "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters":{"token.$":"$$.Task.Token","n.$":"$$.Execution.RedriveCount"},"End":true}}}"#;

async fn an_aborted_execution_is_redriven_with_a_new_token(db: Db) {
    let engine = Engine::with_options(db.open().await, "p1".into(), options(5_000));
    let sent = Arc::new(Mutex::new(Vec::<Value>::new()));
    let s = sent.clone();
    let handlers = Handlers::new().fallback(move |input: Value, _: TaskContext| {
        let s = s.clone();
        async move {
            s.lock().unwrap().push(input);
            Ok(json!({}))
        }
    });
    engine.register_definition(MACHINE, CALLBACK, &handlers).unwrap();
    let arn = engine.start(MACHINE, None, json!({})).await.unwrap();
    let sent_n = |n: usize| {
        let sent = sent.clone();
        async move {
            for _ in 0..200 {
                if let Some(v) = sent.lock().unwrap().get(n).cloned() {
                    return v;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            panic!("no token {n}");
        }
    };
    let first = sent_n(0).await;
    assert_eq!(first["n"], json!(0));
    let running = engine.redrive(&arn).await.unwrap_err();
    assert_eq!(running, EngineError::ExecutionNotRedrivable("Execution is RUNNING and cannot be redriven".into()));
    let e = engine.stop(&arn, Some("Stop".into()), None).await.unwrap();
    assert_eq!(e.status, ExecutionStatus::Aborted);
    assert_eq!(engine.redrive_status(&arn).await.unwrap(), RedriveStatus::Redrivable);
    engine.redrive(&arn).await.unwrap();
    // The Task is scheduled again, with a new token; the old one is dead.
    let second = sent_n(1).await;
    assert_eq!(second["n"], json!(1));
    assert_ne!(first["token"], second["token"]);
    assert!(engine.send_task_success(first["token"].as_str().unwrap(), json!(1)).await.is_err());
    engine.send_task_success(second["token"].as_str().unwrap(), json!({"ok": true})).await.unwrap();
    let e = finished(&engine, &arn).await;
    assert_eq!((e.status, e.output.clone(), e.redrive_count), (ExecutionStatus::Succeeded, Some(json!({"ok": true})), 1));
    let types: Vec<String> = kinds(&engine, &arn).await.into_iter().map(|e| e.2).collect();
    let at = types.iter().position(|t| t == "ExecutionRedriven").unwrap();
    assert_eq!(types[at - 1], "ExecutionAborted");
}

async fn a_timed_out_execution_gets_its_timeout_again(db: Db) {
    let engine = Engine::with_options(db.open().await, "p1".into(), options(5_000));
    let def = r#"{"TimeoutSeconds":1,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}"#;
    engine.register_definition(MACHINE, def, &Handlers::new()).unwrap();
    let arn = engine.start(MACHINE, None, json!({})).await.unwrap();
    let e = finished(&engine, &arn).await;
    assert_eq!(e.status, ExecutionStatus::TimedOut);
    tokio::time::sleep(Duration::from_millis(300)).await;
    engine.redrive(&arn).await.unwrap();
    // The timeout counts from the redrive (over a second after the start): still running.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(engine.describe(&arn).await.unwrap().status, ExecutionStatus::Running);
    let e = finished(&engine, &arn).await;
    assert_eq!((e.status, e.redrive_count), (ExecutionStatus::TimedOut, 1));
}

/// A redriven execution that crashes resumes from the redrive's frames, not from the failure.
async fn a_redriven_execution_survives_a_crash(db: Db) {
    let s = Arc::new(Switches { flaky_fails: AtomicBool::new(true), item_two_fails: AtomicBool::new(false), calls: Mutex::new(Vec::new()) });
    let arn = {
        let engine = Engine::with_options(db.open().await, "p1".into(), options(300));
        engine.register_definition(MACHINE, FLOW, &handlers(&s)).unwrap();
        let arn = engine.start(MACHINE, None, json!({"items": [1, 2, 3]})).await.unwrap();
        assert_eq!(finished(&engine, &arn).await.status, ExecutionStatus::Failed);
        s.flaky_fails.store(false, Ordering::SeqCst);
        engine.redrive(&arn).await.unwrap();
        engine.crash();
        arn
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let engine = Engine::with_options(db.open().await, "p2".into(), options(300));
    engine.register_definition(MACHINE, FLOW, &handlers(&s)).unwrap();
    assert_eq!(engine.recover().await.unwrap(), vec![arn.clone()]);
    let e = finished(&engine, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Succeeded, "{e:?}");
    assert_eq!(e.output, Some(json!({"redrives": 1, "p": ["s0", "flaky"], "m": [10, 20, 30]})));
    assert_eq!((count(&s, "a"), count(&s, "s0"), count(&s, "s1a")), (1, 1, 1));
}

fn ended(status: ExecutionStatus, start: i64, stop: i64) -> Execution {
    let mut e = Execution::new("arn:x", MACHINE, "x", json!({}), start);
    e.status = status;
    e.stop_date = Some(stop);
    e
}

#[test]
fn aws_rules_on_what_can_be_redriven() {
    use asl_engine::engine::{MAX_OPEN_MS, REDRIVABLE_PERIOD_MS, redrive_status};
    let day = 24 * 3600 * 1000;
    let now = 400 * day;
    let no = |r: &str| RedriveStatus::NotRedrivable(r.into());
    for s in [ExecutionStatus::Failed, ExecutionStatus::TimedOut, ExecutionStatus::Aborted] {
        assert_eq!(redrive_status(&ended(s, now - day, now - 1), 100, now), RedriveStatus::Redrivable);
    }
    assert_eq!(redrive_status(&ended(ExecutionStatus::Succeeded, now - day, now - 1), 10, now), no("Execution is SUCCEEDED and cannot be redriven"));
    assert_eq!(redrive_status(&ended(ExecutionStatus::Running, now - day, now - 1), 10, now), no("Execution is RUNNING and cannot be redriven"));
    // 14 days from the end.
    assert_eq!(redrive_status(&ended(ExecutionStatus::Failed, now - 20 * day, now - 14 * day), 10, now), RedriveStatus::Redrivable);
    assert_eq!(redrive_status(&ended(ExecutionStatus::Failed, now - 20 * day, now - REDRIVABLE_PERIOD_MS - 1), 10, now), no("Execution redrivable period exceeded"));
    // Room for ExecutionRedriven and one more event under 25,000.
    assert_eq!(redrive_status(&ended(ExecutionStatus::Failed, now - day, now - 1), 24_998, now), RedriveStatus::Redrivable);
    assert_eq!(redrive_status(&ended(ExecutionStatus::Failed, now - day, now - 1), 24_999, now), no("Execution history event limit exceeded"));
    // Open for more than a year.
    assert_eq!(redrive_status(&ended(ExecutionStatus::Failed, now - MAX_OPEN_MS - 1, now - 1), 10, now), no("Execution has exceeded the max execution time"));
}

mod sqlite {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn failed_parallel_branches_and_map_iterations_are_redriven() {
        super::failed_parallel_branches_and_map_iterations_are_redriven(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_aborted_execution_is_redriven_with_a_new_token() {
        super::an_aborted_execution_is_redriven_with_a_new_token(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_timed_out_execution_gets_its_timeout_again() {
        super::a_timed_out_execution_gets_its_timeout_again(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_redriven_execution_survives_a_crash() {
        super::a_redriven_execution_survives_a_crash(Db::sqlite()).await
    }
}

/// Run when `ASL_TEST_POSTGRES` is set (skipped otherwise).
mod postgres {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn failed_parallel_branches_and_map_iterations_are_redriven() {
        let Some(db) = Db::postgres() else { return };
        super::failed_parallel_branches_and_map_iterations_are_redriven(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_aborted_execution_is_redriven_with_a_new_token() {
        let Some(db) = Db::postgres() else { return };
        super::an_aborted_execution_is_redriven_with_a_new_token(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_timed_out_execution_gets_its_timeout_again() {
        let Some(db) = Db::postgres() else { return };
        super::a_timed_out_execution_gets_its_timeout_again(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_redriven_execution_survives_a_crash() {
        let Some(db) = Db::postgres() else { return };
        super::a_redriven_execution_survives_a_crash(db).await
    }
}
