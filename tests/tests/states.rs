//! Every state type, run through `asl!` on tokio's paused (virtual) clock, with asserted outputs.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::{Failure, TaskContext, Value, json};
use tokio::time::Instant;

asl_runtime::asl!("flows/pass.json");
asl_runtime::asl!("flows/choice.json");
asl_runtime::asl!("flows/choice_nomatch.json");
asl_runtime::asl!("flows/wait.json");
asl_runtime::asl!("flows/fail.json");
asl_runtime::asl!("flows/task.json");
asl_runtime::asl!("flows/many_waits.json");
asl_runtime::asl!("flows/map_items.json");
asl_runtime::asl!("flows/timeout.json");
asl_runtime::asl!("flows/parallel.json");
asl_runtime::asl!("flows/map.json");

#[tokio::test]
async fn pass_result_parameters_and_paths() {
    let out = pass::Pass::new(()).start(json!({"order": {"id": 7, "lines": [{"qty": 3}]}})).await.unwrap();
    assert_eq!(
        out,
        json!({
            "deep": {"id": 7, "fixed": [1, {"a": true}], "nested": {"qty": 3}},
            "wasEmpty": {}
        })
    );
}

#[tokio::test]
async fn choice_rules_and_default() {
    let flow = choice::Choice::new(());
    let run = |input: Value| {
        let flow = &flow;
        async move { flow.start(input).await.unwrap() }
    };
    assert_eq!(run(json!({"n": 11, "vip": false})).await, "big");
    assert_eq!(run(json!({"n": 11, "vip": true, "kind": "x"})).await, "special");
    assert_eq!(run(json!({"n": 1, "vip": false, "kind": "gift"})).await, "special");
    assert_eq!(run(json!({"n": -4, "vip": false, "kind": "x"})).await, "negative");
    assert_eq!(run(json!({"n": 4, "vip": false, "kind": "x", "optional": null})).await, "optional");
    assert_eq!(run(json!({"n": 4, "vip": false, "kind": "x"})).await, "plain");
    // As on AWS, a comparison whose Variable finds nothing fails the state.
    let e = flow.start(json!({"n": 4})).await.unwrap_err();
    assert_eq!(e.error, "States.Runtime");
    assert!(e.cause.unwrap().ends_with("Invalid path '$.kind': The choice state's condition path references an invalid value."));
}

#[tokio::test]
async fn choice_without_match_fails() {
    let err = choice_nomatch::ChoiceNomatch::new(()).start(json!({"n": 2})).await.unwrap_err();
    assert_eq!(err.error, "States.NoChoiceMatched");
}

#[tokio::test(start_paused = true)]
async fn wait_all_four_forms_on_virtual_time() {
    let start = Instant::now();
    let until = asl_runtime::clock::format_timestamp(std::time::SystemTime::now() + Duration::from_secs(3 * 86_400));
    let out = wait::Wait::new(()).start(json!({"delay": 60, "until": until})).await.unwrap();
    assert_eq!(out, json!(60));
    let waited = start.elapsed();
    // 30 days + 60 s, then up to the timestamp 3 days out (already passed); the fixed past timestamp is immediate.
    assert!(waited >= Duration::from_secs(30 * 86_400 + 60), "{waited:?}");
    assert!(waited < Duration::from_secs(30 * 86_400 + 120), "{waited:?}");
}

#[tokio::test]
async fn fail_literal_and_paths() {
    let flow = fail::Fail::new(());
    let e = flow.start(json!({"literal": true})).await.unwrap_err();
    assert_eq!((e.error.as_str(), e.cause.as_deref()), ("Custom.Error", Some("it broke")));
    let e = flow.start(json!({"literal": false, "e": "From.Input", "c": "because"})).await.unwrap_err();
    assert_eq!((e.error.as_str(), e.cause.as_deref()), ("From.Input", Some("because")));
}

/// Fails its first `attemptsToFail` calls, recording when each call happened.
struct Flaky {
    calls: Mutex<Vec<Instant>>,
}

impl task::Tasks for Flaky {
    async fn flaky(&self, input: Value, ctx: TaskContext) -> Result<Value, Failure> {
        let n = {
            let mut calls = self.calls.lock().unwrap();
            calls.push(Instant::now());
            calls.len() as u64
        };
        assert_eq!(u64::from(ctx.retry_count) + 1, n);
        if n <= input["attemptsToFail"].as_u64().unwrap() {
            return Err(Failure::new("Flaky.Error", format!("attempt {n}")));
        }
        Ok(json!({"value": n, "noise": "dropped by ResultSelector"}))
    }
}

fn gaps(calls: &[Instant]) -> Vec<u64> {
    calls.windows(2).map(|w| (w[1] - w[0]).as_secs()).collect()
}

#[tokio::test(start_paused = true)]
async fn task_retries_with_backoff_then_succeeds() {
    let flow = task::Task::new(Flaky { calls: Mutex::new(vec![]) });
    let out = flow.start(json!({"fail": 2})).await.unwrap();
    assert_eq!(out, json!({"fail": 2, "result": {"value": 3}}));
    assert_eq!(gaps(&flow.tasks().calls.lock().unwrap()), [3, 6]);
}

#[tokio::test(start_paused = true)]
async fn task_retries_exhausted_then_caught() {
    let flow = task::Task::new(Flaky { calls: Mutex::new(vec![]) });
    let out = flow.start(json!({"fail": 10})).await.unwrap();
    assert_eq!(out, json!({"fail": 10, "error": {"Error": "Flaky.Error", "Cause": "attempt 4"}}));
    // 3 s, 6 s, then 12 s capped by MaxDelaySeconds at 10 s.
    assert_eq!(gaps(&flow.tasks().calls.lock().unwrap()), [3, 6, 10]);
}

struct Slow {
    beats: u32,
}

impl timeout::Tasks for Slow {
    async fn slow(&self, _input: Value, ctx: TaskContext) -> Result<Value, Failure> {
        for _ in 0..self.beats {
            tokio::time::sleep(Duration::from_secs(2)).await;
            ctx.heartbeat();
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(json!("too late"))
    }
}

#[tokio::test(start_paused = true)]
async fn heartbeat_timeout_then_task_timeout() {
    let start = Instant::now();
    let e = timeout::Timeout::new(Slow { beats: 0 }).start(json!({})).await.unwrap_err();
    assert_eq!(e.error, "States.HeartbeatTimeout");
    assert_eq!(start.elapsed().as_secs(), 3);

    let start = Instant::now();
    let e = timeout::Timeout::new(Slow { beats: 100 }).start(json!({})).await.unwrap_err();
    assert_eq!(e.error, "States.Timeout");
    assert_eq!(start.elapsed().as_secs(), 10);
}

struct Left {
    fail: bool,
    finished: AtomicUsize,
}

impl parallel::Tasks for Left {
    async fn left(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        if self.fail {
            return Err(Failure::new("Left.Broke", "no"));
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
        self.finished.fetch_add(1, Ordering::SeqCst);
        Ok(json!({"side": "left", "in": input["x"]}))
    }
}

#[tokio::test(start_paused = true)]
async fn parallel_outputs_in_branch_order() {
    let flow = parallel::Parallel::new(Left { fail: false, finished: AtomicUsize::new(0) });
    let out = flow.start(json!({"x": 1})).await.unwrap();
    assert_eq!(out, json!({"left": {"side": "left", "in": 1}, "right": {"side": "right", "in": 1}}));
}

#[tokio::test(start_paused = true)]
async fn parallel_branch_failure_fails_the_state() {
    let flow = parallel::Parallel::new(Left { fail: true, finished: AtomicUsize::new(0) });
    let e = flow.start(json!({"x": 1})).await.unwrap_err();
    assert_eq!((e.error.as_str(), e.cause.as_deref()), ("Left.Broke", Some("no")));
}

struct Work {
    running: AtomicUsize,
    peak: AtomicUsize,
}

impl map::Tasks for Work {
    async fn work(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(10 * (5 - input["index"].as_u64().unwrap()))).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        Ok(json!(format!("{}{}{}", input["tag"].as_str().unwrap(), input["index"], input["value"])))
    }
}

#[tokio::test(start_paused = true)]
async fn map_keeps_item_order_and_concurrency_bound() {
    let flow = map::Map::new(Arc::new(Work { running: AtomicUsize::new(0), peak: AtomicUsize::new(0) }));
    let out = flow.start(json!({"tag": "#", "items": ["a", "b", "c", "d", "e"]})).await.unwrap();
    assert_eq!(out, json!(["#0\"a\"", "#1\"b\"", "#2\"c\"", "#3\"d\"", "#4\"e\""]));
    assert_eq!(flow.tasks().peak.load(Ordering::SeqCst), 2);
}

impl<T: map::Tasks> map::Tasks for Arc<T> {
    fn work(&self, input: Value, ctx: TaskContext) -> impl std::future::Future<Output = Result<Value, Failure>> + Send {
        (**self).work(input, ctx)
    }
}

struct Big;

impl task::Tasks for Big {
    async fn flaky(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!({"value": "a".repeat(257 * 1024)}))
    }
}

#[tokio::test]
async fn oversized_task_result_is_data_limit_exceeded_and_catchable() {
    let out = task::Task::new(Big).start(json!({"fail": 0})).await.unwrap();
    assert_eq!(out["error"]["Error"], "States.DataLimitExceeded");
    let e = pass::Pass::new(()).start(json!({"big": "a".repeat(300 * 1024)})).await.unwrap_err();
    assert_eq!(e.error, "States.DataLimitExceeded");
}

asl_runtime::asl!("flows/distributed.json");

#[tokio::test]
async fn distributed_map_tolerates_failures_up_to_the_threshold() {
    let flow = distributed::Distributed::new(());
    let out = flow.start(json!({"items": [1, 3, 2, 4], "tolerated": 2})).await.unwrap();
    assert_eq!(out, json!([1, {"Error": "Item.TooBig", "Cause": "over 2"}, 2, {"Error": "Item.TooBig", "Cause": "over 2"}]));
    let e = flow.start(json!({"items": [1, 3, 2, 4], "tolerated": 1})).await.unwrap_err();
    assert_eq!(e.error, "States.ExceedToleratedFailureThreshold");
    let e = flow.start(json!({"items": [1], "tolerated": -1})).await.unwrap_err();
    assert_eq!(e.cause.as_deref(), Some("An error occurred while executing the state 'Each' (entered at the event id #2). ToleratedFailureCount cannot be negative."));
}

asl_runtime::asl!("flows/assign.json");

#[tokio::test]
async fn jsonpath_variables_flow_between_states_and_into_branches() {
    let out = assign::Assign::new(()).start(json!({"order": {"id": "A-1"}})).await.unwrap();
    assert_eq!(out, json!({"id": "A-1", "fixed": "x", "n": 3, "inner": {"seen": "A-1", "route": "three"}, "fmt": "order A-1"}));
}

asl_runtime::asl!("flows/scopes.json");

#[tokio::test]
async fn a_branch_assignment_stays_in_the_branch() {
    let out = scopes::Scopes::new(()).start(json!({})).await.unwrap();
    assert_eq!(out, json!({"branches": [2, 1], "x": 1}));
}

asl_runtime::asl!("flows/double.json");

#[tokio::test]
async fn a_state_output_over_256_kib_is_data_limit_exceeded() {
    let s = "x".repeat(200 * 1024);
    let e = double::Double::new(()).start(json!({ "s": s })).await.unwrap_err();
    assert_eq!(e.error, "States.DataLimitExceeded");
    // The limit can be lifted (benchmarks with large payloads).
    let opts = asl_runtime::ExecutionOptions { max_payload_bytes: None, ..Default::default() };
    let out = double::Double::with_options((), opts).start(json!({ "s": s })).await.unwrap();
    assert_eq!(out["b"].as_str().map(str::len), Some(200 * 1024));
}

struct Adder;

impl many_waits::Tasks for Adder {
    async fn add(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!(input["n"].as_u64().unwrap() + input["by"].as_u64().unwrap()))
    }
}

/// 150 waiting states: the generated `step` awaits them through groups of 64; every one runs,
/// in order (the sum of the Task indices, the Waits' 3 s on the virtual clock).
#[tokio::test(start_paused = true)]
async fn a_machine_with_many_waiting_states_runs_each_once() {
    let flow = many_waits::ManyWaits::new(Adder);
    let t = Instant::now();
    let out = flow.start(json!({"n": 0})).await.unwrap();
    let expected: u64 = (0..150).filter(|k| k % 50 != 25).sum();
    assert_eq!(out, json!({"n": expected}));
    assert_eq!(t.elapsed().as_secs(), 3);
}

/// A Task's general path (retries, timers) is boxed apart: an execution's future, which every
/// `.await` moves and every parked execution holds, is sized by the lean path only.
#[test]
fn an_execution_future_holding_a_task_stays_small() {
    let flow = task::Task::new(Flaky { calls: Mutex::new(vec![]) });
    let size = std::mem::size_of_val(&flow.start(json!({"fail": 0})));
    eprintln!("execution future: {size} bytes");
    assert!(size <= 1280, "{size} bytes");
}

/// Records where each item's text lives, to tell a moved item from a copy.
struct See {
    seen: Mutex<Vec<usize>>,
}

impl map_items::Tasks for See {
    async fn see(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        self.seen.lock().unwrap().push(input["s"].as_str().unwrap().as_ptr() as usize);
        Ok(json!(input["s"].as_str().unwrap().len()))
    }
}

/// A Map without ItemSelector whose result replaces its input hands each item to its iteration
/// (the same text in memory); one whose ResultPath keeps the input hands out copies. Both give
/// the outputs AWS would.
#[tokio::test]
async fn map_items_move_into_iterations_when_the_input_is_not_kept() {
    for keep in [false, true] {
        let flow = map_items::MapItems::new(See { seen: Mutex::new(vec![]) });
        let input = json!({"keep": keep, "items": [{"s": "a".repeat(100)}, {"s": "b".repeat(200)}]});
        let sent = input.clone();
        let texts: Vec<usize> = (0..2).map(|i| sent["items"][i]["s"].as_str().unwrap().as_ptr() as usize).collect();
        let out = flow.start(sent).await.unwrap();
        let seen = flow.tasks().seen.lock().unwrap().clone();
        if keep {
            assert_eq!(out, json!({"keep": true, "items": input["items"], "out": [100, 200]}));
            assert!(seen.iter().zip(&texts).all(|(a, b)| a != b), "copies expected");
        } else {
            assert_eq!(out, json!([100, 200]));
            assert_eq!(seen, texts, "the items themselves expected");
        }
    }
}
