//! AWS's `ActivityStarted`: recorded when a worker takes an activity task (with the workerName
//! it gave GetActivityTask and the time it took it), not when the task is scheduled; by the
//! execution's owner, with the next event id, whichever process the worker asked; once, even
//! when the owner dies and another process resumes the execution.

mod common;

use std::time::Duration;

use asl_engine::Engine;
use asl_engine::store::{Activity, ExecutionStatus, HistoryEvent, Write};
use asl_runtime::{Handlers, json};
use common::{Db, finished, options};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:A";
const ACTIVITY: &str = "arn:aws:states:us-east-1:111111111111:activity:approve";

fn definition() -> String {
    format!(r#"{{"StartAt":"Approve","States":{{"Approve":{{"Type":"Task","Resource":"{ACTIVITY}","Next":"Done"}},"Done":{{"Type":"Pass","End":true}}}}}}"#)
}

async fn history(engine: &Engine, arn: &str) -> Vec<HistoryEvent> {
    engine.history(arn, false, 1000, None).await.unwrap().items
}

fn of_type<'a>(h: &'a [HistoryEvent], t: &str) -> Vec<&'a HistoryEvent> {
    h.iter().filter(|e| e.event_type == t).collect()
}

fn gapless(h: &[HistoryEvent]) {
    let ids: Vec<i64> = h.iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=h.len() as i64).collect::<Vec<_>>());
}

async fn setup(db: &Db) {
    db.open().await.apply(vec![Write::InsertActivity(Activity { arn: ACTIVITY.into(), name: "approve".into(), created: 0, tags: json!({}) })]).await.unwrap();
}

/// Polls the history until a `TaskStarted` appears.
async fn started(engine: &Engine, arn: &str) -> Vec<HistoryEvent> {
    for _ in 0..100 {
        let h = history(engine, arn).await;
        if !of_type(&h, "TaskStarted").is_empty() {
            return h;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no TaskStarted recorded: {:#?}", history(engine, arn).await);
}

async fn recorded_when_another_process_hands_the_task_out(db: Db) {
    setup(&db).await;
    let owner = Engine::with_options(db.open().await, "owner".into(), options(5_000));
    owner.register_definition(MACHINE, &definition(), &Handlers::new()).unwrap();
    let arn = owner.start(MACHINE, None, json!({"v": 1})).await.unwrap();
    // Scheduled: no start yet, however long nobody takes it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let h = history(&owner, &arn).await;
    assert_eq!(of_type(&h, "TaskScheduled").len(), 1, "{h:#?}");
    assert!(of_type(&h, "TaskStarted").is_empty(), "started before a worker took it: {h:#?}");

    let server = Engine::with_options(db.open().await, "server".into(), options(5_000));
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let task = server.get_activity_task(ACTIVITY, "worker-7", Duration::from_secs(5)).await.unwrap().expect("a task");
    assert_eq!(task.worker.as_deref(), Some("worker-7"));
    let claimed = task.started.expect("the claim's time");
    assert!(claimed >= before);
    let h = started(&owner, &arn).await;
    let s = of_type(&h, "TaskStarted")[0];
    let scheduled = of_type(&h, "TaskScheduled")[0];
    assert_eq!(s.details["workerName"], "worker-7");
    assert_eq!(s.details["resource"], ACTIVITY);
    assert!(s.details.get("__startedToken").is_none(), "the marker stays out of the history");
    assert_eq!(s.timestamp, claimed);
    assert_eq!(s.id, h.last().unwrap().id, "the next event id of the execution");
    assert_eq!(s.previous_id, scheduled.id);
    let row = server.store().get_task(&task.token).await.unwrap().unwrap();
    assert_eq!(row.started_event, Some(s.id));

    server.send_task_success(&task.token, json!("ok")).await.unwrap();
    let e = finished(&owner, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Succeeded);
    let h = history(&owner, &arn).await;
    gapless(&h);
    assert_eq!(of_type(&h, "TaskStarted").len(), 1);
    let succeeded = of_type(&h, "TaskSucceeded")[0];
    assert!(succeeded.id > s.id);
    assert_eq!(succeeded.previous_id, s.id, "the result follows the start");
}

async fn recorded_before_the_answer_when_taken_and_answered_here(db: Db) {
    setup(&db).await;
    let engine = Engine::with_options(db.open().await, "p".into(), options(5_000));
    engine.register_definition(MACHINE, &definition(), &Handlers::new()).unwrap();
    let arn = engine.start(MACHINE, None, json!({})).await.unwrap();
    let task = engine.get_activity_task(ACTIVITY, "local", Duration::from_secs(5)).await.unwrap().expect("a task");
    engine.send_task_success(&task.token, json!(1)).await.unwrap();
    finished(&engine, &arn).await;
    let h = history(&engine, &arn).await;
    gapless(&h);
    let kinds: Vec<&str> = h.iter().map(|e| e.event_type.as_str()).collect();
    let at = |k: &str| kinds.iter().position(|x| *x == k).unwrap();
    assert!(at("TaskScheduled") < at("TaskStarted") && at("TaskStarted") < at("TaskSucceeded"), "{kinds:?}");
    assert_eq!(of_type(&h, "TaskStarted")[0].details["workerName"], "local");
}

/// The owner dies while a worker holds the task: the process that resumes the execution records
/// the start (once), and a later owner does not record it again.
async fn recorded_once_across_owners(db: Db) {
    setup(&db).await;
    let first = Engine::with_options(db.open().await, "first".into(), options(300));
    first.register_definition(MACHINE, &definition(), &Handlers::new()).unwrap();
    let arn = first.start(MACHINE, None, json!({})).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    first.crash();
    drop(first);
    let server = Engine::with_options(db.open().await, "server".into(), options(300));
    let task = server.get_activity_task(ACTIVITY, "w-after-crash", Duration::from_secs(5)).await.unwrap().expect("a task");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = Engine::with_options(db.open().await, "second".into(), options(300));
    second.register_definition(MACHINE, &definition(), &Handlers::new()).unwrap();
    assert_eq!(second.recover().await.unwrap(), vec![arn.clone()]);
    let h = started(&second, &arn).await;
    assert_eq!(of_type(&h, "TaskStarted")[0].details["workerName"], "w-after-crash");
    // No second TaskScheduled on the restart either: the token was out.
    assert_eq!(of_type(&h, "TaskScheduled").len(), 1, "{h:#?}");
    second.crash();
    drop(second);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let third = Engine::with_options(db.open().await, "third".into(), options(300));
    third.register_definition(MACHINE, &definition(), &Handlers::new()).unwrap();
    assert_eq!(third.recover().await.unwrap(), vec![arn.clone()]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.send_task_success(&task.token, json!(2)).await.unwrap();
    let e = finished(&third, &arn).await;
    assert_eq!(e.status, ExecutionStatus::Succeeded);
    let h = history(&third, &arn).await;
    gapless(&h);
    assert_eq!(of_type(&h, "TaskStarted").len(), 1, "{h:#?}");
    assert_eq!(of_type(&h, "TaskScheduled").len(), 1, "{h:#?}");
}

/// Events written between the claim and the owner's record of it (a sibling branch moving on)
/// come before it in the history: its timestamp is no earlier than theirs, so the history's
/// timestamps never decrease in id order, as AWS's.
async fn timestamps_follow_the_ids(db: Db) {
    setup(&db).await;
    let def = format!(
        r#"{{"StartAt":"Both","States":{{"Both":{{"Type":"Parallel","End":true,"Branches":[
          {{"StartAt":"Approve","States":{{"Approve":{{"Type":"Task","Resource":"{ACTIVITY}","End":true}}}}}},
          {{"StartAt":"Nap","States":{{"Nap":{{"Type":"Wait","Seconds":1,"Next":"Note"}},"Note":{{"Type":"Pass","End":true}}}}}}]}}}}}}"#
    );
    // The owner reads the task row every 2 s: the branch with the Wait moves on in between.
    let slow = asl_engine::EngineOptions { token_poll: Duration::from_secs(2), park_threshold: None, ..options(5_000) };
    let owner = Engine::with_options(db.open().await, "owner".into(), slow);
    owner.register_definition(MACHINE, &def, &Handlers::new()).unwrap();
    let arn = owner.start(MACHINE, None, json!({})).await.unwrap();
    let server = Engine::with_options(db.open().await, "server".into(), options(5_000));
    let task = server.get_activity_task(ACTIVITY, "w", Duration::from_secs(5)).await.unwrap().expect("a task");
    let h = started(&owner, &arn).await;
    let s = of_type(&h, "TaskStarted")[0];
    let exited = of_type(&h, "WaitStateExited")[0];
    assert!(exited.id < s.id && exited.timestamp > task.started.unwrap(), "the Wait ended after the claim, recorded before the start: {h:#?}");
    server.send_task_success(&task.token, json!("ok")).await.unwrap();
    assert_eq!(finished(&owner, &arn).await.status, ExecutionStatus::Succeeded);
    let h = history(&owner, &arn).await;
    gapless(&h);
    for w in h.windows(2) {
        assert!(w[0].timestamp <= w[1].timestamp, "#{} {} at {} before #{} {} at {}", w[0].id, w[0].event_type, w[0].timestamp, w[1].id, w[1].event_type, w[1].timestamp);
    }
}

mod sqlite {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn recorded_when_another_process_hands_the_task_out() {
        super::recorded_when_another_process_hands_the_task_out(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn recorded_before_the_answer_when_taken_and_answered_here() {
        super::recorded_before_the_answer_when_taken_and_answered_here(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn recorded_once_across_owners() {
        super::recorded_once_across_owners(Db::sqlite()).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn timestamps_follow_the_ids() {
        super::timestamps_follow_the_ids(Db::sqlite()).await
    }
}

mod postgres {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn recorded_when_another_process_hands_the_task_out() {
        let Some(db) = Db::postgres() else { return };
        super::recorded_when_another_process_hands_the_task_out(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn recorded_before_the_answer_when_taken_and_answered_here() {
        let Some(db) = Db::postgres() else { return };
        super::recorded_before_the_answer_when_taken_and_answered_here(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn recorded_once_across_owners() {
        let Some(db) = Db::postgres() else { return };
        super::recorded_once_across_owners(db).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn timestamps_follow_the_ids() {
        let Some(db) = Db::postgres() else { return };
        super::timestamps_follow_the_ids(db).await
    }
}
