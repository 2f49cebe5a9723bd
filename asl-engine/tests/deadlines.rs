//! Task deadlines kept as absolute due times in the task rows: `TimeoutSeconds` and
//! `HeartbeatSeconds` of `.waitForTaskToken` and activity Tasks still fire after a crash and a
//! recovery, at the time they were due, not a whole timeout after the restart.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asl_engine::store::{Activity, ExecutionStatus, Store, StoreError, TaskStatus, Write};
use asl_engine::{Engine, EngineError};
use asl_runtime::{Handlers, TaskContext, Value, json};
use common::{Db, finished, options};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:D";
const ACTIVITY: &str = "arn:aws:states:us-east-1:111111111111:activity:slow";

fn callback(timeouts: &str) -> String {
    format!(
        r#"{{"StartAt":"Ask","States":{{"Ask":{{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",{timeouts},
        "Parameters":{{"token.$":"$$.Task.Token"}},"End":true}}}}}}"#
    )
}

fn activity(timeouts: &str) -> String {
    format!(r#"{{"StartAt":"Act","States":{{"Act":{{"Type":"Task","Resource":"{ACTIVITY}",{timeouts},"End":true}}}}}}"#)
}

fn recording(sent: &Arc<Mutex<Vec<String>>>) -> Handlers {
    let s = sent.clone();
    Handlers::new().fallback(move |input: Value, _: TaskContext| {
        let s = s.clone();
        async move {
            s.lock().unwrap().push(input["token"].as_str().unwrap_or_default().to_owned());
            Ok(json!({}))
        }
    })
}

/// Starts `def` on engine A, waits until its task row exists, crashes A, waits until `due`
/// after the start, recovers on engine B, and returns B, the execution's ARN, the row's token and
/// how long B took to end the execution.
async fn crash_then_recover(db: &Db, def: &str, due: Duration) -> (Engine, String, String, Duration) {
    let store: Arc<dyn Store> = db.open().await;
    store.apply(vec![Write::InsertActivity(Activity { arn: ACTIVITY.into(), name: "slow".into(), created: 0, tags: json!({}) })]).await.ok();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let a = Engine::with_options(store, "A".into(), options(300));
    a.register_definition(MACHINE, def, &recording(&sent)).unwrap();
    let arn = a.start(MACHINE, None, json!({})).await.unwrap();
    let task = loop {
        if let Some(t) = a.store().tasks(&arn).await.unwrap().pop() {
            break t;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    a.crash();
    tokio::time::sleep(due.saturating_sub(started.elapsed())).await;
    let b = Engine::with_options(db.open().await, "B".into(), options(300));
    b.register_definition(MACHINE, def, &recording(&sent)).unwrap();
    let t0 = Instant::now();
    assert_eq!(b.recover().await.unwrap(), vec![arn.clone()]);
    finished(&b, &arn).await;
    (b, arn, task.token, t0.elapsed())
}

async fn a_callback_timeout_fires_after_a_restart(db: Db) {
    let (b, arn, token, took) = crash_then_recover(&db, &callback(r#""TimeoutSeconds":3"#), Duration::from_millis(3_300)).await;
    let e = b.describe(&arn).await.unwrap();
    assert_eq!((e.status, e.error.as_deref()), (ExecutionStatus::Failed, Some("States.Timeout")), "{e:?}");
    // Due during the downtime: it fires at once, not 3 s after the restart.
    assert!(took < Duration::from_millis(1_500), "took {took:?}");
    let row = b.store().get_task(&token).await.unwrap().unwrap();
    assert_eq!(row.timeout_deadline.map(|d| d - row.created), Some(3_000));
    assert!(matches!(row.status, TaskStatus::TimedOut | TaskStatus::Cancelled), "{row:?}");
    let err = b.send_task_success(&token, json!(1)).await.unwrap_err();
    assert!(matches!(err, EngineError::Store(StoreError::TaskTimedOut(_) | StoreError::TaskFinished { .. })), "{err}");
    let h = b.history(&arn, false, 100, None).await.unwrap();
    assert!(h.items.iter().any(|e| e.event_type == "TaskTimedOut" && e.details["error"] == "States.Timeout"), "{:?}", h.items);
}

async fn a_callback_heartbeat_fires_after_a_restart(db: Db) {
    let (b, arn, token, took) = crash_then_recover(&db, &callback(r#""TimeoutSeconds":100,"HeartbeatSeconds":2"#), Duration::from_millis(2_300)).await;
    let e = b.describe(&arn).await.unwrap();
    assert_eq!((e.status, e.error.as_deref()), (ExecutionStatus::Failed, Some("States.HeartbeatTimeout")), "{e:?}");
    assert!(took < Duration::from_millis(1_500), "took {took:?}");
    let row = b.store().get_task(&token).await.unwrap().unwrap();
    assert_eq!(row.heartbeat_ms, Some(2_000));
}

async fn an_activity_timeout_fires_after_a_restart(db: Db) {
    let (b, arn, token, took) = crash_then_recover(&db, &activity(r#""TimeoutSeconds":3"#), Duration::from_millis(3_300)).await;
    let e = b.describe(&arn).await.unwrap();
    assert_eq!((e.status, e.error.as_deref()), (ExecutionStatus::Failed, Some("States.Timeout")), "{e:?}");
    assert!(took < Duration::from_millis(1_500), "took {took:?}");
    // A worker polling now gets nothing: the task is over.
    assert!(b.get_activity_task(ACTIVITY, "w", Duration::from_millis(10)).await.unwrap().is_none());
    let row = b.store().get_task(&token).await.unwrap().unwrap();
    assert_eq!(row.timeout_deadline.map(|d| d - row.created), Some(3_000));
}

/// Not yet due at the restart: it fires when due, not earlier, and not a full timeout later.
async fn a_deadline_not_yet_due_fires_on_time(db: Db) {
    let started = Instant::now();
    let (b, arn, _, _) = crash_then_recover(&db, &callback(r#""TimeoutSeconds":3"#), Duration::from_millis(1_000)).await;
    let e = b.describe(&arn).await.unwrap();
    assert_eq!(e.error.as_deref(), Some("States.Timeout"));
    let total = started.elapsed();
    assert!(total >= Duration::from_millis(2_900) && total < Duration::from_millis(3_900), "ended after {total:?}");
}

mod sqlite {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_callback_timeout_fires_after_a_restart() {
        super::a_callback_timeout_fires_after_a_restart(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_callback_heartbeat_fires_after_a_restart() {
        super::a_callback_heartbeat_fires_after_a_restart(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_activity_timeout_fires_after_a_restart() {
        super::an_activity_timeout_fires_after_a_restart(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_deadline_not_yet_due_fires_on_time() {
        super::a_deadline_not_yet_due_fires_on_time(Db::sqlite()).await
    }
}

/// Run when `ASL_TEST_POSTGRES` is set (skipped otherwise).
mod postgres {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_callback_timeout_fires_after_a_restart() {
        let Some(db) = Db::postgres() else { return };
        super::a_callback_timeout_fires_after_a_restart(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_callback_heartbeat_fires_after_a_restart() {
        let Some(db) = Db::postgres() else { return };
        super::a_callback_heartbeat_fires_after_a_restart(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_activity_timeout_fires_after_a_restart() {
        let Some(db) = Db::postgres() else { return };
        super::an_activity_timeout_fires_after_a_restart(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_deadline_not_yet_due_fires_on_time() {
        let Some(db) = Db::postgres() else { return };
        super::a_deadline_not_yet_due_fires_on_time(db).await
    }
}
