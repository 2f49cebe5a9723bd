//! Cancellation and timing rules, on virtual time: a failing Parallel branch cancels its
//! siblings, dropping an execution cancels everything it started, FULL jitter stays in bounds.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::{Failure, TaskContext, Value, json};
use tokio::time::Instant;

asl_runtime::asl!("flows/cancel.json");
asl_runtime::asl!("flows/jitter.json");

#[derive(Default)]
struct Effects {
    side_effects: AtomicUsize,
}

impl cancel::Tasks for Arc<Effects> {
    async fn fail_soon(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Err(Failure::new("Branch.Broke", "after a second"))
    }

    async fn side_effect(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        self.side_effects.fetch_add(1, Ordering::SeqCst);
        Ok(input)
    }
}

#[tokio::test(start_paused = true)]
async fn a_failing_branch_cancels_its_siblings() {
    let effects = Arc::new(Effects::default());
    let start = Instant::now();
    let e = cancel::Cancel::new(effects.clone()).start(json!({})).await.unwrap_err();
    assert_eq!(e.error, "Branch.Broke");
    assert_eq!(start.elapsed().as_secs(), 1, "fails as soon as the branch fails");
    // The sibling's Wait would have ended at 3 s; its Task must never run.
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(effects.side_effects.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn dropping_an_execution_cancels_everything_it_started() {
    let effects = Arc::new(Effects::default());
    let flow = Arc::new(cancel::Cancel::new(effects.clone()));
    let running = tokio::spawn({
        let flow = flow.clone();
        async move { flow.start(json!({})).await }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(effects.side_effects.load(Ordering::SeqCst), 0);
}

struct Fails(Mutex<Vec<Instant>>);

impl jitter::Tasks for Fails {
    async fn fails(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        self.0.lock().unwrap().push(Instant::now());
        Err(Failure::new("Always", "fails"))
    }
}

#[tokio::test(start_paused = true)]
async fn full_jitter_draws_each_delay_within_its_bound() {
    let mut all_gaps = Vec::new();
    for _ in 0..20 {
        let flow = jitter::Jitter::new(Fails(Mutex::new(vec![])));
        assert_eq!(flow.start(json!({})).await.unwrap_err().error, "Always");
        let calls = flow.tasks().0.lock().unwrap().clone();
        assert_eq!(calls.len(), 5, "1 attempt + 4 retries");
        let gaps: Vec<f64> = calls.windows(2).map(|w| (w[1] - w[0]).as_secs_f64()).collect();
        // Bounds: 10, 20, 40, then 80 capped at 50.
        for (gap, bound) in gaps.iter().zip([10.0, 20.0, 40.0, 50.0]) {
            assert!((0.0..=bound).contains(gap), "{gap} not in [0, {bound}]");
        }
        all_gaps.extend(gaps);
    }
    // Jitter really varies the delays (80 draws are never all at the bound).
    assert!(all_gaps.iter().any(|g| ![10.0, 20.0, 40.0, 50.0].contains(g)));
}

asl_runtime::asl!("flows/slow_machine.json");

#[tokio::test(start_paused = true)]
async fn the_machine_timeout_fails_the_execution_with_states_timeout() {
    let history = Arc::new(asl_runtime::History::new());
    let opts = asl_runtime::ExecutionOptions { observer: Some(history.clone()), ..Default::default() };
    let start = Instant::now();
    let e = slow_machine::SlowMachine::with_options((), opts).start(json!({})).await.unwrap_err();
    assert_eq!(e.error, "States.Timeout");
    assert_eq!(start.elapsed().as_secs(), 5);
    assert_eq!(history.kinds().last(), Some(&"ExecutionTimedOut"));
}

asl_runtime::asl!("flows/endless_loop.json");

/// States that never wait run without futures; a long run of them still pauses every so often,
/// so the execution's timeout (and other executions on the thread) get a turn.
#[test]
fn a_loop_of_states_that_never_wait_still_times_out() {
    let started = std::time::Instant::now();
    // On a thread of its own: were the loop never to pause, this test would still end.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let _ = tx.send(rt.block_on(endless_loop::EndlessLoop::new(()).start(json!({}))));
    });
    let e = rx.recv_timeout(std::time::Duration::from_secs(30)).expect("the machine timeout fired").unwrap_err();
    assert_eq!(e.error, "States.Timeout");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}
