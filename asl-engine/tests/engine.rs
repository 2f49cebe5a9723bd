//! The engine on SQLite files: start / describe / list / history, task tokens answered from
//! another engine, activities, stop, and a restart that resumes executions where they were.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_engine::store::{Activity, ExecutionStatus, Write};
use asl_engine::{Engine, EngineError};
use asl_runtime::{Handlers, TaskContext, Value, json};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:M";

mod common;
use common::{Db, finished, options};

async fn start_describe_list_history(db: Db) {
    let engine = Engine::with_options(db.open().await, "p1".into(), options(5_000));
    let def = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$.a"},"Next":"T"},
        "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:T","End":true}}}"#;
    let handlers = Handlers::new().fallback(|input: Value, _: TaskContext| async move { Ok(json!({"got": input})) });
    engine.register_definition(MACHINE, def, &handlers).unwrap();
    let arn = engine.start(MACHINE, Some("one".into()), json!({"a": 1})).await.unwrap();
    assert!(arn.ends_with(":execution:M:one"), "{arn}");
    let e = finished(&engine, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Succeeded);
    assert_eq!(e.output, Some(json!({"got": {"x": 1}})));
    assert!(e.stop_date.is_some());
    // The name is taken now that it ended; another input is refused too.
    assert!(matches!(engine.start(MACHINE, Some("one".into()), json!({"a": 2})).await, Err(EngineError::ExecutionAlreadyExists(_))));
    let other = engine.start(MACHINE, None, json!({"a": 2})).await.unwrap();
    finished(&engine, &other).await;
    let page = engine.list(Some(MACHINE), None, 10, None).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].arn, other, "newest first");
    let done = engine.list(Some(MACHINE), Some(ExecutionStatus::Succeeded), 1, None).await.unwrap();
    assert_eq!(done.items.len(), 1);
    assert!(done.next_token.is_some());
    let h = engine.history(&arn, false, 100, None).await.unwrap();
    let kinds: Vec<&str> = h.items.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"ExecutionStarted"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"ExecutionSucceeded"), "{kinds:?}");
    assert!(kinds.contains(&"LambdaFunctionScheduled") && kinds.contains(&"PassStateEntered"), "{kinds:?}");
    let ids: Vec<i64> = h.items.iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>());
    let rev = engine.history(&arn, true, 2, None).await.unwrap();
    assert_eq!(rev.items[0].event_type, "ExecutionSucceeded");
    // The frames are gone once it ended.
    assert!(engine.store().frames(&arn).await.unwrap().is_empty());
}

async fn the_same_name_and_input_while_running_is_the_same_execution(db: Db) {
    let engine = Engine::with_options(db.open().await, "p1".into(), options(5_000));
    let def = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}"#;
    engine.register_definition(MACHINE, def, &Handlers::new()).unwrap();
    let a = engine.start(MACHINE, Some("n".into()), json!({"a": 1})).await.unwrap();
    let b = engine.start(MACHINE, Some("n".into()), json!({"a": 1})).await.unwrap();
    assert_eq!(a, b);
    assert!(matches!(engine.start(MACHINE, Some("n".into()), json!({"a": 2})).await, Err(EngineError::ExecutionAlreadyExists(_))));
    // Running (a start is run a moment later: `tests/start.rs` stops one before it runs).
    for _ in 0..200 {
        if !engine.store().frames(&a).await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Stop: ABORTED, ExecutionAborted last in the history, the task gone.
    let e = engine.stop(&a, Some("Why".into()), Some("because".into())).await.unwrap();
    assert_eq!(e.status, ExecutionStatus::Aborted);
    assert_eq!(e.error.as_deref(), Some("Why"));
    assert!(!engine.is_running_here(&a));
    let h = engine.history(&a, true, 1, None).await.unwrap();
    assert_eq!(h.items[0].event_type, "ExecutionAborted");
    assert_eq!(h.items[0].details, json!({"error": "Why", "cause": "because"}));
    // The frames stay for a redrive.
    assert!(!engine.store().frames(&a).await.unwrap().is_empty());

    // The machine's TimeoutSeconds: TIMED_OUT.
    let late = "arn:aws:states:us-east-1:111111111111:stateMachine:Late";
    let def = r#"{"TimeoutSeconds":1,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}"#;
    engine.register_definition(late, def, &Handlers::new()).unwrap();
    let t = engine.start(late, None, json!({})).await.unwrap();
    let e = finished(&engine, &t).await;
    assert_eq!(e.status, ExecutionStatus::TimedOut, "{e:?}");
}

const TOKEN_FLOW: &str = r#"{"StartAt":"Ask","States":{"Ask":{"Type":"Task",
    "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters":{"token.$":"$$.Task.Token"},"End":true}}}"#;

async fn a_token_answered_by_another_engine(db: Db) {
    let a = Engine::with_options(db.open().await, "a".into(), options(5_000));
    let b = Engine::with_options(db.open().await, "b".into(), options(5_000));
    let sent = Arc::new(Mutex::new(Vec::<String>::new()));
    let s = sent.clone();
    let handlers = Handlers::new().fallback(move |input: Value, _: TaskContext| {
        let s = s.clone();
        async move {
            s.lock().unwrap().push(input["token"].as_str().unwrap().to_owned());
            Ok(json!({"MessageId": "m"}))
        }
    });
    a.register_definition(MACHINE, TOKEN_FLOW, &handlers).unwrap();
    let arn = a.start(MACHINE, None, json!({})).await.unwrap();
    let token = loop {
        if let Some(t) = sent.lock().unwrap().first().cloned() {
            break t;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // The row exists before the token is handed out.
    let task = b.store().get_task(&token).await.unwrap().expect("the task row");
    assert_eq!(task.execution_arn, arn);
    b.send_task_heartbeat(&token).await.unwrap();
    b.send_task_success(&token, json!({"approved": true})).await.unwrap();
    let e = finished(&a, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Succeeded);
    assert_eq!(e.output, Some(json!({"approved": true})));
    // A finished token is refused.
    assert!(b.send_task_success(&token, json!(1)).await.is_err());

    // A failure answered in the same process ends the execution FAILED.
    let arn = a.start(MACHINE, None, json!({})).await.unwrap();
    let token = loop {
        if let Some(t) = sent.lock().unwrap().get(1).cloned() {
            break t;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    a.send_task_failure(&token, Some("Denied".into()), Some("no".into())).await.unwrap();
    let e = finished(&a, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Failed);
    assert_eq!(e.error.as_deref(), Some("Denied"));
}

async fn an_activity_fetched_and_answered(db: Db) {
    let store = db.open().await;
    let activity = "arn:aws:states:us-east-1:111111111111:activity:approve";
    store.apply(vec![Write::InsertActivity(Activity { arn: activity.into(), name: "approve".into(), created: 0, tags: json!({}) })]).await.unwrap();
    let engine = Engine::with_options(store, "p".into(), options(5_000));
    let def = format!(
        r#"{{"StartAt":"Approve","States":{{"Approve":{{"Type":"Task","Resource":"{activity}","Next":"Done"}},
        "Done":{{"Type":"Pass","End":true}}}}}}"#
    );
    engine.register_definition(MACHINE, &def, &Handlers::new()).unwrap();
    let arn = engine.start(MACHINE, None, json!({"promote": "v2"})).await.unwrap();
    let worker = Engine::with_options(db.open().await, "worker".into(), options(5_000));
    let task = worker.get_activity_task(activity, "w1", Duration::from_secs(10)).await.unwrap().expect("a task");
    assert_eq!(task.input, json!({"promote": "v2"}));
    assert_eq!(task.execution_arn, arn);
    // Nobody else gets it.
    assert!(worker.get_activity_task(activity, "w2", Duration::from_millis(200)).await.unwrap().is_none());
    worker.send_task_success(&task.token, json!({"approved": "yes"})).await.unwrap();
    let e = finished(&engine, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Succeeded);
    assert_eq!(e.output, Some(json!({"approved": "yes"})));

    // Stopping an execution waiting on an activity cancels its task.
    let arn = engine.start(MACHINE, None, json!({"promote": "v3"})).await.unwrap();
    let task = worker.get_activity_task(activity, "w1", Duration::from_secs(10)).await.unwrap().expect("a task");
    engine.stop(&arn, None, None).await.unwrap();
    assert!(worker.send_task_success(&task.token, json!(1)).await.is_err());
}

const FLOW: &str = r#"{"StartAt":"Fan","States":{
  "Fan":{"Type":"Parallel","Branches":[
     {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:A","Next":"Nap"},
                              "Nap":{"Type":"Wait","Seconds":1,"Next":"A2"},
                              "A2":{"Type":"Pass","Parameters":{"a.$":"$"},"End":true}}},
     {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:B","End":true}}}],
   "Next":"Each"},
  "Each":{"Type":"Map","ItemsPath":"$[1].items","ItemProcessor":{"StartAt":"M","States":{
     "M":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:M","End":true}}},"Next":"C"},
  "C":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:C","End":true}}}"#;

/// Handlers that count their calls; `M` sleeps `n` × 300 ms on item `n`.
fn counting(calls: &Arc<Mutex<Vec<String>>>) -> Handlers {
    let c = calls.clone();
    Handlers::new().fallback(move |input: Value, ctx: TaskContext| {
        let c = c.clone();
        async move {
            let name = ctx.resource.rsplit(':').next().unwrap().to_owned();
            c.lock().unwrap().push(format!("{name}{}", if name == "M" { input.to_string() } else { String::new() }));
            match name.as_str() {
                "B" => Ok(json!({"items": [3, 1, 2]})),
                "M" => {
                    tokio::time::sleep(Duration::from_millis(300 * input.as_u64().unwrap())).await;
                    Ok(json!(input.as_u64().unwrap() * 10))
                }
                _ => Ok(json!(name)),
            }
        }
    })
}

async fn a_restarted_engine_resumes_where_the_dead_one_was(outer: Db) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    // The uninterrupted run.
    let expected = {
        let tmp = Db::sqlite();
        let engine = Engine::with_options(tmp.open().await, "p0".into(), options(5_000));
        engine.register_definition(MACHINE, FLOW, &counting(&calls)).unwrap();
        let arn = engine.start(MACHINE, None, json!({"order": 7})).await.unwrap();
        let e = finished(&engine, &arn).await;
        assert_eq!(e.status, ExecutionStatus::Succeeded, "{e:?}");
        e.output.unwrap()
    };
    // Crash points: during the Wait in the Parallel (branch B's end checkpointed), and in the
    // Map (item 1's end checkpointed, items 2 and 3 running).
    for (crash_when, scope, in_map) in [("/Fan#1", "ended", false), ("/Each#1", "ended", true)] {
        calls.lock().unwrap().clear();
        let db = if matches!(outer, Db::Sqlite(_)) { Db::sqlite() } else { Db::postgres().unwrap() };
        let first = Engine::with_options(db.open().await, "first".into(), options(600));
        first.register_definition(MACHINE, FLOW, &counting(&calls)).unwrap();
        let arn = first.start(MACHINE, Some("x".into()), json!({"order": 7})).await.unwrap();
        let crash_after = format!("{crash_when} {scope}");
        // Crash as soon as the store shows the checkpoint.
        let mut seen = false;
        for _ in 0..400 {
            let frames = first.store().frames(&arn).await.unwrap();
            if frames.iter().any(|(k, v)| k == crash_when && v.get(scope).is_some()) {
                seen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(seen, "no checkpoint {crash_after}");
        first.crash();
        drop(first);
        let before = calls.lock().unwrap().clone();
        assert_eq!(before.iter().filter(|c| *c == "C").count(), 0, "{before:?}");

        let second = Engine::with_options(db.open().await, "second".into(), options(600));
        second.register_definition(MACHINE, FLOW, &counting(&calls)).unwrap();
        // Under a live lease nothing is taken over.
        assert!(second.recover().await.unwrap().is_empty());
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(second.recover().await.unwrap(), vec![arn.clone()]);
        let e = finished(&second, &arn).await;
        assert_eq!(e.status, ExecutionStatus::Succeeded, "{e:?}");
        assert_eq!(e.output.as_ref(), Some(&expected), "crash after {crash_after:?}");
        let all = calls.lock().unwrap().clone();
        for once in ["A", "B", "C"] {
            assert_eq!(all.iter().filter(|c| *c == once).count(), 1, "{once} after a crash at {crash_after:?}: {all:?} (before: {before:?})");
        }
        if in_map {
            assert!(before.contains(&"M1".to_owned()), "{before:?}");
            assert_eq!(all.iter().filter(|c| *c == "M1").count(), 1, "a checkpointed item ran again: {all:?}");
        }
        // The history goes on where it stopped: ids 1..n without a gap or a repeat.
        let h = second.history(&arn, false, 1000, None).await.unwrap();
        let ids: Vec<i64> = h.items.iter().map(|e| e.id).collect();
        assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>());
        assert_eq!(h.items.last().unwrap().event_type, "ExecutionSucceeded");
        assert_eq!(h.items.iter().filter(|e| e.event_type == "ExecutionStarted").count(), 1);
    }
}

async fn a_token_out_at_a_crash_is_answered_after_the_restart(db: Db) {
    let sent = Arc::new(Mutex::new(Vec::<String>::new()));
    let handlers = {
        let s = sent.clone();
        Handlers::new().fallback(move |input: Value, _: TaskContext| {
            let s = s.clone();
            async move {
                s.lock().unwrap().push(input["token"].as_str().unwrap().to_owned());
                Ok(json!({"MessageId": "m"}))
            }
        })
    };
    let first = Engine::with_options(db.open().await, "first".into(), options(300));
    first.register_definition(MACHINE, TOKEN_FLOW, &handlers).unwrap();
    let arn = first.start(MACHINE, None, json!({})).await.unwrap();
    let token = loop {
        if let Some(t) = sent.lock().unwrap().first().cloned() {
            break t;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    first.crash();
    drop(first);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = Engine::with_options(db.open().await, "second".into(), options(300));
    second.register_definition(MACHINE, TOKEN_FLOW, &handlers).unwrap();
    assert_eq!(second.recover().await.unwrap(), vec![arn.clone()]);
    // Answered from a third engine (another process, say): the resumed execution sees it.
    let other = Engine::with_options(db.open().await, "other".into(), options(300));
    other.send_task_success(&token, json!({"ok": 1})).await.unwrap();
    let e = finished(&second, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Succeeded);
    assert_eq!(e.output, Some(json!({"ok": 1})));
    // The message with the token was not sent again.
    assert_eq!(sent.lock().unwrap().len(), 1);
}

async fn an_activity_out_at_a_crash_is_answered_after_the_restart(db: Db) {
    let activity = "arn:aws:states:us-east-1:111111111111:activity:approve";
    db.open().await.apply(vec![Write::InsertActivity(Activity { arn: activity.into(), name: "approve".into(), created: 0, tags: json!({}) })]).await.unwrap();
    let def = format!(r#"{{"StartAt":"Approve","States":{{"Approve":{{"Type":"Task","Resource":"{activity}","End":true}}}}}}"#);
    let first = Engine::with_options(db.open().await, "first".into(), options(300));
    first.register_definition(MACHINE, &def, &Handlers::new()).unwrap();
    let arn = first.start(MACHINE, None, json!({"v": 2})).await.unwrap();
    let worker = Engine::with_options(db.open().await, "worker".into(), options(300));
    let task = worker.get_activity_task(activity, "w", Duration::from_secs(10)).await.unwrap().expect("a task");
    first.crash();
    drop(first);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = Engine::with_options(db.open().await, "second".into(), options(300));
    second.register_definition(MACHINE, &def, &Handlers::new()).unwrap();
    assert_eq!(second.recover().await.unwrap(), vec![arn.clone()]);
    // No second task is scheduled; the worker's answer ends the execution.
    assert!(worker.get_activity_task(activity, "w2", Duration::from_millis(300)).await.unwrap().is_none());
    worker.send_task_failure(&task.token, Some("Denied".into()), Some("no".into())).await.unwrap();
    let e = finished(&second, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Failed);
    assert_eq!(e.error.as_deref(), Some("Denied"));
}

mod sqlite {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn start_describe_list_history() {
        super::start_describe_list_history(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_same_name_and_input_while_running_is_the_same_execution() {
        super::the_same_name_and_input_while_running_is_the_same_execution(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_token_answered_by_another_engine() {
        super::a_token_answered_by_another_engine(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_activity_fetched_and_answered() {
        super::an_activity_fetched_and_answered(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_restarted_engine_resumes_where_the_dead_one_was() {
        super::a_restarted_engine_resumes_where_the_dead_one_was(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_token_out_at_a_crash_is_answered_after_the_restart() {
        super::a_token_out_at_a_crash_is_answered_after_the_restart(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_activity_out_at_a_crash_is_answered_after_the_restart() {
        super::an_activity_out_at_a_crash_is_answered_after_the_restart(Db::sqlite()).await
    }
}

/// Run when `ASL_TEST_POSTGRES` is set (skipped otherwise).
mod postgres {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn start_describe_list_history() {
        let Some(db) = Db::postgres() else { return };
        super::start_describe_list_history(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_same_name_and_input_while_running_is_the_same_execution() {
        let Some(db) = Db::postgres() else { return };
        super::the_same_name_and_input_while_running_is_the_same_execution(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_token_answered_by_another_engine() {
        let Some(db) = Db::postgres() else { return };
        super::a_token_answered_by_another_engine(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_activity_fetched_and_answered() {
        let Some(db) = Db::postgres() else { return };
        super::an_activity_fetched_and_answered(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_restarted_engine_resumes_where_the_dead_one_was() {
        let Some(db) = Db::postgres() else { return };
        super::a_restarted_engine_resumes_where_the_dead_one_was(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_token_out_at_a_crash_is_answered_after_the_restart() {
        let Some(db) = Db::postgres() else { return };
        super::a_token_out_at_a_crash_is_answered_after_the_restart(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_activity_out_at_a_crash_is_answered_after_the_restart() {
        let Some(db) = Db::postgres() else { return };
        super::an_activity_out_at_a_crash_is_answered_after_the_restart(db).await
    }
}
