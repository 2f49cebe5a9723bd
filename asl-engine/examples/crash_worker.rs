//! A worker for the crash tests (`tests/crash.rs`, `tests/two_workers.rs`): it runs executions
//! of a workflow (Parallel with a Wait, Map with a Retry, Task) and of one with an activity, a
//! callback and a Wait, on an SQLite file or a PostgreSQL schema, starting them if the store has
//! none, resuming the others (`recover`) until every one has ended, then prints `DONE`. Each
//! Task appends a line to a log when it completes (`<execution> <task> <attempt> <pid>`), so the
//! test counts the tasks that ran twice and sees which process ran them.
//!
//! `crash_worker <db> <log> [executions] [prefix] [lease_ms] [desc]`, where `<db>` is a file or
//! `postgres:<schema>` (connecting to `ASL_TEST_POSTGRES`), `prefix` starts the execution names
//! and `desc` starts them from the last (so that two workers each start some); or
//! `crash_worker --plain` to print the output of an uninterrupted in-memory run.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use asl_engine::store::{ExecutionStatus, PostgresOptions, PostgresStore, SqliteStore, Store};
use asl_engine::{Engine, EngineOptions};
use asl_runtime::{ExecutionOptions, Handlers, TaskContext, Value, Workflow, json};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:Crash";
const TOKENS: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:Tokens";
const ACTIVITY: &str = "arn:aws:states:us-east-1:111111111111:activity:approve";

/// An activity, then a callback, then a Wait: answered by this process's own worker loop
/// (which dies with it). A worker killed between taking the activity task and answering it
/// never answers: as on AWS, the task's TimeoutSeconds ends that attempt, and a retry
/// schedules it again for a live worker.
const TOKEN_FLOW: &str = r#"{"StartAt":"Approve","States":{
  "Approve":{"Type":"Task","Resource":"arn:aws:states:us-east-1:111111111111:activity:approve","TimeoutSeconds":2,
             "Retry":[{"ErrorEquals":["States.Timeout"],"IntervalSeconds":1,"MaxAttempts":20}],"ResultPath":"$.approval","Next":"Call"},
  "Call":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"t.$":"$$.Task.Token"},"ResultPath":"$.cb","Next":"Nap"},
  "Nap":{"Type":"Wait","Seconds":1,"End":true}}}"#;

const FLOW: &str = r#"{"StartAt":"Fan","States":{
  "Fan":{"Type":"Parallel","Branches":[
     {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:A","Next":"Nap"},
                              "Nap":{"Type":"Wait","Seconds":1,"Next":"A2"},
                              "A2":{"Type":"Pass","Parameters":{"a.$":"$"},"End":true}}},
     {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:B","End":true}}}],
   "Next":"Each"},
  "Each":{"Type":"Map","ItemsPath":"$[1].items","ItemProcessor":{"StartAt":"M","States":{
     "M":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:M",
          "Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":1,"MaxAttempts":2}],"End":true}}},"Next":"C"},
  "C":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:C","End":true}}}"#;

fn handlers(log: Option<std::path::PathBuf>) -> Handlers {
    Handlers::new().fallback(move |input: Value, ctx: TaskContext| {
        let log = log.clone();
        async move {
            let name = ctx.resource.rsplit(':').next().unwrap().to_owned();
            let out = match name.as_str() {
                "B" => json!({"items": [3, 1, 2, 4]}),
                "M" => {
                    let n = input.as_u64().unwrap();
                    tokio::time::sleep(Duration::from_millis(150 * n)).await;
                    // Item 2 fails its first attempt: the retry count is checkpointed too.
                    if n == 2 && ctx.retry_count == 0 {
                        return Err(asl_runtime::Failure::new("Flaky", "first attempt"));
                    }
                    json!(n * 10)
                }
                _ => json!(name),
            };
            if let Some(log) = log {
                let mut f = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
                let key = if name == "M" { format!("{name}{input}") } else { name };
                // One write: lines of two processes appending at once do not interleave.
                let line = format!("{} {key} {} {}\n", ctx.execution_name(), ctx.retry_count, std::process::id());
                f.write_all(line.as_bytes()).unwrap();
            }
            Ok(out)
        }
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--plain") {
        // The outputs of uninterrupted in-memory runs, by execution name.
        let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(4);
        let m = Workflow::from_json(FLOW).unwrap().machine(&handlers(None), ExecutionOptions::default()).unwrap();
        let plain =
            Handlers::new().on(ACTIVITY, |input: Value, _: TaskContext| async move { Ok(json!({"approved": input})) }).fallback(|_: Value, _: TaskContext| async move { Ok(json!("called back")) });
        let t = Workflow::from_json(TOKEN_FLOW).unwrap().machine(&plain, ExecutionOptions::default()).unwrap();
        let mut out = serde_json::Map::new();
        for i in 0..n {
            out.insert(format!("e{i}"), m.start(json!({})).await.unwrap());
            out.insert(format!("t{i}"), t.start(json!({"n": i})).await.unwrap());
        }
        println!("{}", Value::Object(out));
        return;
    }
    let (db, log) = (&args[0], std::path::PathBuf::from(&args[1]));
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(4);
    let prefix = args.get(3).cloned().unwrap_or_default();
    let lease_ms: i64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(400);
    let descending = args.get(5).is_some_and(|s| s == "desc");
    let store: Arc<dyn Store> = match db.strip_prefix("postgres:") {
        Some(schema) => {
            let conn = std::env::var("ASL_TEST_POSTGRES").expect("ASL_TEST_POSTGRES");
            Arc::new(PostgresStore::connect_with(&conn, PostgresOptions { schema: Some(schema.into()), ..Default::default() }).await.unwrap())
        }
        None => Arc::new(SqliteStore::open(db).unwrap()),
    };
    let owner = format!("worker-{}", std::process::id());
    let engine = Engine::with_options(
        store.clone(),
        owner,
        EngineOptions {
            lease_ms,
            token_poll: Duration::from_millis(100),
            // The top-level 1 s Wait and tokens unanswered for 200 ms park: kills hit parked executions too.
            park_threshold: Some(Duration::from_millis(200)),
            ..Default::default()
        },
    );
    engine.register_definition(MACHINE, FLOW, &handlers(Some(log))).unwrap();
    let _ = store.apply(vec![asl_engine::store::Write::InsertActivity(asl_engine::store::Activity { arn: ACTIVITY.into(), name: "approve".into(), created: 0, tags: json!({}) })]).await;
    // The callback's handler sends nothing: the answering loop finds its task row.
    let quiet = Handlers::new().fallback(|_: Value, _: TaskContext| async move { Ok(json!({})) });
    engine.register_definition(TOKENS, TOKEN_FLOW, &quiet).unwrap();
    for k in 0..n {
        let i = if descending { n - 1 - k } else { k };
        // Idempotent: the same name and input is the same execution (or taken, once it ended).
        let _ = engine.start(MACHINE, Some(format!("{prefix}e{i}")), json!({})).await;
        let _ = engine.start(TOKENS, Some(format!("{prefix}t{i}")), json!({"n": i})).await;
    }
    // The activity worker and the callback answerer, in this process (killed with it).
    let answerer = engine.clone();
    tokio::spawn(async move {
        loop {
            if let Ok(Some(t)) = answerer.get_activity_task(ACTIVITY, &format!("w-{}", std::process::id()), Duration::from_millis(100)).await {
                let _ = answerer.send_task_success(&t.token, json!({"approved": t.input})).await;
            }
            let Ok(running) = answerer.list(Some(TOKENS), Some(ExecutionStatus::Running), 100, None).await else { continue };
            for e in running.items {
                for t in answerer.store().tasks(&e.arn).await.unwrap_or_default() {
                    if t.activity_arn.is_none() && t.status.is_open() {
                        let _ = answerer.send_task_success(&t.token, json!("called back")).await;
                    } else if t.status == asl_engine::store::TaskStatus::Started {
                        // Taken by the worker of a process killed before it answered: nobody
                        // else will (the task has no deadline). The same answer; if this
                        // process's worker answers first, this one is refused.
                        let _ = answerer.send_task_success(&t.token, json!({"approved": t.input})).await;
                    }
                }
            }
        }
    });
    loop {
        engine.recover().await.unwrap();
        let running = engine.list(None, Some(ExecutionStatus::Running), 100, None).await.unwrap();
        if running.items.is_empty() {
            println!("DONE");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
