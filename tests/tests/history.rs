//! AWS-style history events and AWS's location prefix on runtime errors.

use std::sync::{Arc, Mutex};

use asl_runtime::{ExecutionOptions, Failure, History, TaskContext, Value, json};

asl_runtime::asl!("flows/task.json");
asl_runtime::asl!("flows/runtime_error.json");
asl_runtime::asl!("flows/map.json");

struct FailTwice(Mutex<u32>);

impl task::Tasks for FailTwice {
    async fn flaky(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let mut n = self.0.lock().unwrap();
        *n += 1;
        if *n <= 2 {
            return Err(Failure::new("Flaky.Error", "again"));
        }
        Ok(json!({"value": *n}))
    }
}

fn observed() -> (Arc<History>, ExecutionOptions) {
    let history = Arc::new(History::new());
    let opts = ExecutionOptions { observer: Some(history.clone()), ..Default::default() };
    (history, opts)
}

#[tokio::test(start_paused = true)]
async fn task_with_retries_records_each_attempt() {
    let (history, opts) = observed();
    task::Task::with_options(FailTwice(Mutex::new(0)), opts).start(json!({"fail": 0})).await.unwrap();
    assert_eq!(
        history.kinds(),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionFailed",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionFailed",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded",
        ]
    );
    let events = history.events();
    assert!(events.iter().enumerate().all(|(i, e)| e.id == i as u64 + 1));
    assert_eq!(events[1].details["name"], "Flaky");
}

#[tokio::test]
async fn runtime_errors_name_the_state_and_its_entered_event() {
    let (history, opts) = observed();
    let e = runtime_error::RuntimeError::with_options((), opts).start(json!({"x": 1})).await.unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    let cause = e.cause.unwrap();
    assert!(cause.starts_with("An error occurred while executing the state 'Second' (entered at the event id #4). "), "{cause}");
    // As AWS records it: EvaluationFailed is for JSONata evaluations only.
    assert_eq!(history.kinds(), ["ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "ExecutionFailed"]);
}

struct Echo;

impl map::Tasks for Echo {
    async fn work(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(input["value"].clone())
    }
}

#[tokio::test]
async fn map_records_iterations() {
    let (history, opts) = observed();
    let out = map::Map::with_options(Echo, opts).start(json!({"tag": "t", "items": [1, 2]})).await.unwrap();
    assert_eq!(out, json!([1, 2]));
    let kinds = history.kinds();
    assert_eq!(kinds.iter().filter(|k| **k == "MapIterationStarted").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "MapIterationSucceeded").count(), 2);
    assert_eq!(&kinds[..3], ["ExecutionStarted", "MapStateEntered", "MapStateStarted"]);
    assert_eq!(&kinds[kinds.len() - 3..], ["MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]);
}

/// A Map over 100,000 items makes about 700,000 events: the history keeps AWS's 25,000 (the
/// first ones) and counts the rest, instead of growing with the item count (1,000,000 items once
/// recorded 4,000,006 events, 4.6 GB).
#[tokio::test]
async fn a_huge_map_keeps_aws_quota_of_events() {
    let (history, opts) = observed();
    let items: Vec<u64> = (0..100_000).collect();
    let opts = ExecutionOptions { max_payload_bytes: None, ..opts };
    let out = map::Map::with_options(Echo, opts).start(json!({"tag": "t", "items": items})).await.unwrap();
    assert_eq!(out.as_array().map(Vec::len), Some(100_000));
    let kinds = history.kinds();
    // AWS's quota on one execution's history
    assert_eq!(kinds.len(), 25_000);
    assert_eq!(&kinds[..3], ["ExecutionStarted", "MapStateEntered", "MapStateStarted"]);
    // every item starts an iteration and a task and ends both: at least 6 events each
    assert!(history.left_out() >= 6 * 100_000 - 25_000, "{}", history.left_out());
}

/// Two executions started at once with their own names and one shared observer: each event
/// says which execution it belongs to, and each execution numbers its own events from 1.
#[tokio::test(start_paused = true)]
async fn concurrent_executions_have_their_own_names_and_events() {
    let history = Arc::new(History::new());
    let flow = task::Task::new(FailTwice(Mutex::new(2)));
    let opts = |name: &str| ExecutionOptions { name: Some(name.into()), observer: Some(history.clone()), ..Default::default() };
    let (a, b) = tokio::join!(flow.start_with(json!({"fail": 0}), opts("first")), flow.start_with(json!({"fail": 0}), opts("second")));
    assert!(a.is_ok() && b.is_ok());
    let events = history.events();
    for name in ["first", "second"] {
        let arn = format!("arn:aws:states:us-east-1:111111111111:execution:task:{name}");
        let ids: Vec<u64> = events.iter().filter(|e| *e.execution == *arn).map(|e| e.id).collect();
        assert!(!ids.is_empty(), "no events for {arn}");
        assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>(), "{name}");
    }
    assert_eq!(events.iter().filter(|e| e.kind == "ExecutionStarted").count(), 2);
}
