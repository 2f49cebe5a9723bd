//! Retention: ended executions, with their history, frames and tasks, are purged once they
//! have been closed longer than `EngineOptions::retention` (AWS's 90 days by default); running
//! ones and recently ended ones stay, and the name can be used again.

mod common;

use std::time::Duration;

use asl_engine::store::ExecutionStatus;
use asl_engine::{Engine, EngineOptions};
use asl_runtime::{Failure, Handlers, TaskContext, Value, json};
use common::{Db, finished};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:Keep";

const FLOW: &str = r#"{"StartAt":"T","States":{
  "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:t","Next":"Ask"},
  "Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
     "Parameters":{"token.$":"$$.Task.Token","fail.$":"$.fail"},"End":true}}}"#;

#[test]
fn aws_keeps_closed_executions_ninety_days() {
    assert_eq!(EngineOptions::default().retention, Some(Duration::from_secs(90 * 24 * 3600)));
}

async fn ended_executions_are_purged_after_the_retention(db: Db) {
    let options =
        EngineOptions { lease_ms: 5_000, token_poll: Duration::from_millis(50), retention: Some(Duration::from_millis(1_500)), purge_every: Duration::from_millis(200), ..Default::default() };
    let engine = Engine::with_options(db.open().await, "p1".into(), options);
    // T passes its input on; Ask (the callback) fails when asked to, else waits for its token.
    let handlers = Handlers::new().fallback(|input: Value, ctx: TaskContext| async move {
        match (ctx.token.is_some(), input.get("fail")) {
            (true, Some(Value::Bool(true))) => Err(Failure::new("Nope", "no")),
            (true, _) => Ok(json!({})),
            (false, _) => Ok(input),
        }
    });
    engine.register_definition(MACHINE, FLOW, &handlers).unwrap();
    // One that fails (frames kept for a redrive, a callback task row), one left running.
    let failed = engine.start(MACHINE, Some("failed".into()), json!({"fail": true})).await.unwrap();
    assert_eq!(finished(&engine, &failed).await.status, ExecutionStatus::Failed);
    let running = engine.start(MACHINE, Some("running".into()), json!({"fail": false})).await.unwrap();
    let s = engine.store();
    assert!(!s.frames(&failed).await.unwrap().is_empty());
    assert!(!s.tasks(&failed).await.unwrap().is_empty());
    // Not yet past the retention.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(s.get_execution(&failed).await.unwrap().is_some());
    // Past it: gone, with its history and frames; the running one stays.
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    assert!(s.get_execution(&failed).await.unwrap().is_none(), "not purged");
    assert!(s.history(&failed, false, 0, None).await.unwrap().items.is_empty());
    assert!(s.frames(&failed).await.unwrap().is_empty());
    assert!(s.tasks(&failed).await.unwrap().is_empty());
    let r = s.get_execution(&running).await.unwrap().unwrap();
    assert_eq!(r.status, ExecutionStatus::Running);
    assert!(!s.history(&running, false, 0, None).await.unwrap().items.is_empty());
    // The name is free again.
    let again = engine.start(MACHINE, Some("failed".into()), json!({"fail": true})).await.unwrap();
    assert_eq!(again, failed);
    assert_eq!(finished(&engine, &again).await.status, ExecutionStatus::Failed);
    // A purge by hand finds nothing more to do now.
    assert_eq!(engine.purge_expired().await.unwrap().executions, 0);
}

async fn no_retention_keeps_them(db: Db) {
    let options = EngineOptions { retention: None, purge_every: Duration::from_millis(50), ..common::options(5_000) };
    let engine = Engine::with_options(db.open().await, "p1".into(), options);
    let def = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#;
    engine.register_definition(MACHINE, def, &Handlers::new()).unwrap();
    let arn = engine.start(MACHINE, None, json!({})).await.unwrap();
    finished(&engine, &arn).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(engine.describe(&arn).await.is_ok());
    assert_eq!(engine.purge_expired().await.unwrap().executions, 0);
}

mod sqlite {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ended_executions_are_purged_after_the_retention() {
        super::ended_executions_are_purged_after_the_retention(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_retention_keeps_them() {
        super::no_retention_keeps_them(Db::sqlite()).await
    }
}

/// Run when `ASL_TEST_POSTGRES` is set (skipped otherwise).
mod postgres {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ended_executions_are_purged_after_the_retention() {
        let Some(db) = Db::postgres() else { return };
        super::ended_executions_are_purged_after_the_retention(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_retention_keeps_them() {
        let Some(db) = Db::postgres() else { return };
        super::no_retention_keeps_them(db).await
    }
}
