//! Starts record executions; claims run them: a start answers once its row and its
//! `ExecutionStarted` are durable, runs later (here, in another engine, after a restart), and a
//! burst builds a backlog run `max_running` at a time. The open-executions quota.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_engine::store::ExecutionStatus;
use asl_engine::{Engine, EngineError, EngineOptions};
use asl_runtime::{Handlers, TaskContext, Value, json};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:M";
const CHAIN: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"ResultPath":"$.a","Next":"B"},"B":{"Type":"Pass","Result":2,"ResultPath":"$.b","End":true}}}"#;
const WAIT: &str = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}"#;

mod common;
use common::{Db, finished, options};

fn holding(max_running: usize) -> EngineOptions {
    EngineOptions { max_running, ..options(300) }
}

async fn history(engine: &Engine, arn: &str) -> Vec<(i64, String, i64)> {
    engine.history(arn, false, 1000, None).await.unwrap().items.into_iter().map(|e| (e.id, e.event_type, e.previous_id)).collect()
}

/// The history of the chain run without a pause between its start and its run.
fn chain_history() -> Vec<(i64, String, i64)> {
    let kinds = ["ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"];
    kinds.iter().enumerate().map(|(i, k)| (i as i64 + 1, k.to_string(), i as i64)).collect()
}

async fn a_start_is_recorded_before_it_runs(db: Db) {
    // Runs nothing: every start stays in the backlog.
    let engine = Engine::with_options(db.open().await, "held".into(), holding(0));
    engine.register_definition(MACHINE, CHAIN, &Handlers::new()).unwrap();
    let arn = engine.start(MACHINE, None, json!({"x": 1})).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let e = engine.describe(&arn).await.unwrap();
    assert_eq!((e.status, e.owner.as_deref(), e.runnable), (ExecutionStatus::Running, None, true));
    assert!(!engine.is_running_here(&arn));
    let h = engine.history(&arn, false, 10, None).await.unwrap().items;
    assert_eq!(h.len(), 1);
    assert_eq!((h[0].id, h[0].event_type.as_str(), h[0].previous_id, h[0].timestamp), (1, "ExecutionStarted", 0, e.start_date));
    assert_eq!(h[0].details, json!({"input": "{\"x\":1}"}));
    // Stopped before it ran: ABORTED, and no engine runs it afterwards.
    let stopped = engine.stop(&arn, Some("E".into()), None).await.unwrap();
    assert_eq!(stopped.status, ExecutionStatus::Aborted);
    let runner = Engine::with_options(db.open().await, "runner".into(), options(300));
    runner.register_definition(MACHINE, CHAIN, &Handlers::new()).unwrap();
    runner.recover().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let kinds: Vec<String> = history(&runner, &arn).await.into_iter().map(|h| h.1).collect();
    assert_eq!(kinds, ["ExecutionStarted", "ExecutionAborted"]);
    assert_eq!(runner.describe(&arn).await.unwrap().status, ExecutionStatus::Aborted);
}

async fn an_acknowledged_start_runs_after_a_restart(db: Db) {
    let first = Engine::with_options(db.open().await, "first".into(), holding(0));
    first.register_definition(MACHINE, CHAIN, &Handlers::new()).unwrap();
    let named = first.start(MACHINE, Some("named".into()), json!({})).await.unwrap();
    let unnamed = first.start(MACHINE, None, json!({"y": 2})).await.unwrap();
    first.crash();
    drop(first);
    let second = Engine::with_options(db.open().await, "second".into(), options(300));
    second.register_definition(MACHINE, CHAIN, &Handlers::new()).unwrap();
    // Runnable and held by nobody: the poll claims them (recover would too).
    for arn in [&named, &unnamed] {
        let e = finished(&second, arn).await;
        assert_eq!(e.status, ExecutionStatus::Succeeded, "{arn}");
        assert_eq!(history(&second, arn).await, chain_history(), "{arn}: one ExecutionStarted, ids in order");
    }
    assert_eq!(second.describe(&unnamed).await.unwrap().output, Some(json!({"y": 2, "a": 1, "b": 2})));
    // A name is not taken again once its execution ended (AWS's ExecutionAlreadyExists).
    assert!(matches!(second.start(MACHINE, Some("named".into()), json!({})).await, Err(EngineError::ExecutionAlreadyExists(_))));
}

async fn a_burst_runs_max_running_at_a_time(db: Db) {
    let engine = Engine::with_options(db.open().await, "p".into(), holding(4));
    let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (n, m) = (now.clone(), most.clone());
    // A Task whose handler counts the executions in it at once.
    let handlers = Handlers::new().fallback(move |v: Value, _: TaskContext| {
        let (n, m) = (n.clone(), m.clone());
        async move {
            let k = n.fetch_add(1, Ordering::SeqCst) + 1;
            m.fetch_max(k, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            n.fetch_sub(1, Ordering::SeqCst);
            Ok(v)
        }
    });
    let def = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f","End":true}}}"#;
    engine.register_definition(MACHINE, def, &handlers).unwrap();
    let starts: Vec<_> = (0..40)
        .map(|i| {
            let engine = engine.clone();
            tokio::spawn(async move { engine.start(MACHINE, None, json!({"i": i})).await.unwrap() })
        })
        .collect();
    let mut arns = Vec::new();
    for s in starts {
        arns.push(s.await.unwrap());
    }
    for (i, arn) in arns.iter().enumerate() {
        let e = finished(&engine, arn).await;
        assert_eq!((e.status, e.output.clone()), (ExecutionStatus::Succeeded, Some(json!({"i": i}))));
    }
    let most = most.load(Ordering::SeqCst);
    assert!((1..=4).contains(&most), "{most} ran at once");
}

async fn the_open_executions_quota(db: Db) {
    let engine = Engine::with_options(db.open().await, "p".into(), EngineOptions { max_open_executions: Some(2), ..options(300) });
    engine.register_definition(MACHINE, WAIT, &Handlers::new()).unwrap();
    let a = engine.start(MACHINE, Some("a".into()), json!({})).await.unwrap();
    engine.start(MACHINE, Some("b".into()), json!({})).await.unwrap();
    assert_eq!(engine.start(MACHINE, Some("c".into()), json!({})).await, Err(EngineError::ExecutionLimitExceeded(2)));
    // A repeated start of a running one is not new.
    assert_eq!(engine.start(MACHINE, Some("a".into()), json!({})).await.unwrap(), a);
    assert_eq!(engine.open_executions(), 2);
    engine.stop(&a, None, None).await.unwrap();
    engine.start(MACHINE, Some("c".into()), json!({})).await.unwrap();
    // Counted from the store by a new engine on it (the RUNNING rows: b and c).
    let other = Engine::with_options(db.open().await, "other".into(), EngineOptions { max_open_executions: Some(3), ..options(300) });
    other.register_definition(MACHINE, WAIT, &Handlers::new()).unwrap();
    other.start(MACHINE, None, json!({})).await.unwrap();
    assert_eq!(other.open_executions(), 3);
    assert!(matches!(other.start(MACHINE, None, json!({})).await, Err(EngineError::ExecutionLimitExceeded(3))));
}

mod sqlite {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_start_is_recorded_before_it_runs() {
        super::a_start_is_recorded_before_it_runs(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_acknowledged_start_runs_after_a_restart() {
        super::an_acknowledged_start_runs_after_a_restart(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_runs_max_running_at_a_time() {
        super::a_burst_runs_max_running_at_a_time(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_open_executions_quota() {
        super::the_open_executions_quota(Db::sqlite()).await
    }
}

mod postgres {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_start_is_recorded_before_it_runs() {
        let Some(db) = Db::postgres() else { return };
        super::a_start_is_recorded_before_it_runs(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_acknowledged_start_runs_after_a_restart() {
        let Some(db) = Db::postgres() else { return };
        super::an_acknowledged_start_runs_after_a_restart(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_runs_max_running_at_a_time() {
        let Some(db) = Db::postgres() else { return };
        super::a_burst_runs_max_running_at_a_time(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_open_executions_quota() {
        let Some(db) = Db::postgres() else { return };
        super::the_open_executions_quota(db).await
    }
}
