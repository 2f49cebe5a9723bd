//! AWS's 25,000-event history quota: an execution that would record a 25,000th event other than
//! `ExecutionSucceeded` fails with `States.Runtime` instead, that `ExecutionFailed` being event
//! 25,000, and it cannot be redriven.

mod common;

use std::time::Duration;

use asl_engine::store::ExecutionStatus;
use asl_engine::{Engine, RedriveStatus};
use asl_runtime::{Handlers, json};
use common::{Db, options};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:Loop";

/// Four events a round, for ever.
const LOOP: &str = r#"{"StartAt":"Inc","States":{
  "Inc":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"More"},
  "More":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":-1,"Next":"Inc"}],"Default":"Done"},
  "Done":{"Type":"Succeed"}}}"#;

async fn a_runaway_loop_fails_at_the_quota(db: Db) {
    let engine = Engine::with_options(db.open().await, "p1".into(), options(10_000));
    engine.register_definition(MACHINE, LOOP, &Handlers::new()).unwrap();
    let arn = engine.start(MACHINE, None, json!({"n": 0})).await.unwrap();
    let mut e = engine.describe(&arn).await.unwrap();
    for _ in 0..1200 {
        if e.status != ExecutionStatus::Running {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        e = engine.describe(&arn).await.unwrap();
    }
    assert_eq!(e.status, ExecutionStatus::Failed, "{e:?}");
    assert_eq!(e.error.as_deref(), Some("States.Runtime"));
    assert_eq!(e.cause.as_deref(), Some("The execution reached the maximum number of history events (25000)."));
    let last = engine.history(&arn, true, 2, None).await.unwrap();
    assert_eq!((last.items[0].id, last.items[0].previous_id, last.items[0].event_type.as_str()), (25_000, 24_999, "ExecutionFailed"));
    assert_eq!(last.items[0].details, json!({"error": "States.Runtime", "cause": "The execution reached the maximum number of history events (25000)."}));
    assert_eq!(last.items[1].id, 24_999);
    // Every id from 1 to 25,000 once.
    let mut n = 0;
    let mut token = None;
    loop {
        let page = engine.history(&arn, false, 1000, token).await.unwrap();
        for ev in &page.items {
            n += 1;
            assert_eq!(ev.id, n);
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(n, 25_000);
    assert!(!engine.is_running_here(&arn));
    assert_eq!(engine.redrive_status(&arn).await.unwrap(), RedriveStatus::NotRedrivable("Execution history event limit exceeded".into()));
}

mod sqlite {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_runaway_loop_fails_at_the_quota() {
        super::a_runaway_loop_fails_at_the_quota(Db::sqlite()).await
    }
}

/// Run when `ASL_TEST_POSTGRES` is set (skipped otherwise).
mod postgres {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_runaway_loop_fails_at_the_quota() {
        let Some(db) = Db::postgres() else { return };
        super::a_runaway_loop_fails_at_the_quota(db).await
    }
}
