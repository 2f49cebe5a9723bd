//! StopExecution through another process's engine: the process running the execution notices
//! (on its next checkpoint, or at its next lease renewal while it waits) and stops running it,
//! writing nothing after the `ExecutionAborted` record.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_engine::Engine;
use asl_engine::store::ExecutionStatus;
use asl_runtime::{Handlers, TaskContext, Value, json};
use common::{Db, options};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:S";

/// A loop of Tasks: a checkpoint every 50 ms or so.
const BUSY: &str = r#"{"StartAt":"T","States":{
  "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:t","ResultPath":null,"Next":"Again"},
  "Again":{"Type":"Choice","Choices":[{"Variable":"$.forever","BooleanEquals":true,"Next":"T"}],"Default":"Done"},
  "Done":{"Type":"Succeed"}}}"#;

/// A long Wait: nothing is written until the lease renewal.
const WAITING: &str = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"Next":"T"},
  "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:t","End":true}}}"#;

fn counting(calls: &Arc<AtomicUsize>) -> Handlers {
    let c = calls.clone();
    Handlers::new().fallback(move |input: Value, _: TaskContext| {
        let c = c.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            c.fetch_add(1, Ordering::SeqCst);
            Ok(input)
        }
    })
}

async fn last_event(engine: &Engine, arn: &str) -> (i64, String) {
    let h = engine.history(arn, true, 1, None).await.unwrap();
    (h.items[0].id, h.items[0].event_type.clone())
}

async fn stopped_elsewhere_while_it_runs(db: Db) {
    // A renews every 2 s: a stop seen sooner than that was seen at a checkpoint.
    let a = Engine::with_options(db.open().await, "A".into(), options(6_000));
    let b = Engine::with_options(db.open().await, "B".into(), options(6_000));
    let calls = Arc::new(AtomicUsize::new(0));
    a.register_definition(MACHINE, BUSY, &counting(&calls)).unwrap();
    let arn = a.start(MACHINE, None, json!({"forever": true})).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(calls.load(Ordering::SeqCst) > 2);
    let e = b.stop(&arn, Some("Halt".into()), Some("from B".into())).await.unwrap();
    assert_eq!(e.status, ExecutionStatus::Aborted);
    assert_eq!(e.owner, None, "the holder's lease is released");
    let aborted = last_event(&b, &arn).await;
    assert_eq!(aborted.1, "ExecutionAborted");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(!a.is_running_here(&arn), "A still runs the execution");
    let n = calls.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(calls.load(Ordering::SeqCst), n, "A goes on calling tasks");
    // Nothing after the ExecutionAborted record, and the row stays ABORTED.
    assert_eq!(last_event(&b, &arn).await, aborted);
    let e = b.describe(&arn).await.unwrap();
    assert_eq!((e.status, e.error.as_deref(), e.owner), (ExecutionStatus::Aborted, Some("Halt"), None));
}

async fn stopped_elsewhere_while_it_waits(db: Db) {
    // Renewal every 300 ms; kept in memory (not parked: `tests/parking.rs` stops parked ones).
    let a = Engine::with_options(db.open().await, "A".into(), asl_engine::EngineOptions { park_threshold: None, ..options(900) });
    let b = Engine::with_options(db.open().await, "B".into(), options(900));
    let calls = Arc::new(AtomicUsize::new(0));
    a.register_definition(MACHINE, WAITING, &counting(&calls)).unwrap();
    let arn = a.start(MACHINE, None, json!({})).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(a.is_running_here(&arn));
    b.stop(&arn, None, None).await.unwrap();
    let aborted = last_event(&b, &arn).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(!a.is_running_here(&arn), "A did not notice at its lease renewal");
    assert_eq!(last_event(&b, &arn).await, aborted);
    // B cannot claim it either: an ABORTED execution is not resumed.
    assert!(b.recover().await.unwrap().is_empty());
}

mod sqlite {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stopped_elsewhere_while_it_runs() {
        super::stopped_elsewhere_while_it_runs(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stopped_elsewhere_while_it_waits() {
        super::stopped_elsewhere_while_it_waits(Db::sqlite()).await
    }
}

/// Run when `ASL_TEST_POSTGRES` is set (skipped otherwise).
mod postgres {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stopped_elsewhere_while_it_runs() {
        let Some(db) = Db::postgres() else { return };
        super::stopped_elsewhere_while_it_runs(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stopped_elsewhere_while_it_waits() {
        let Some(db) = Db::postgres() else { return };
        super::stopped_elsewhere_while_it_waits(db).await
    }
}
