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
