//! Parallel states: every branch runs concurrently on the state's arguments; the output is the
//! array of branch outputs in branch order. The first branch to fail fails the state and drops
//! (cancels) its siblings with their timers and tasks.

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;

use crate::catch::{self, Catcher};
use crate::cx::Cx;
use crate::durable::{self, Ended};
use crate::error::Failure;
use crate::execution::failure_details;
use crate::io::DataFlow;
use crate::machine::{Flow, Machine, Started, start_scope};
use crate::retry::RetryState;

pub use asl_syntax::spec::ParallelSpec;

/// Runs a Parallel state: `branch` starts each branch at its first state.
pub async fn run<M: Machine>(spec: &ParallelSpec, catchers: &[Catcher<M::State>], branches: &[M::State], input: Value, cx: &mut Cx, m: &M) -> Result<Flow<M::State>, Failure> {
    let mut retry = RetryState::new(&spec.retry);
    retry.parks = true;
    // On a restart into this state, the branches go on from where they were (once: a retry
    // starts them afresh), or, restarted in a retry's backoff, the rest of it is waited out.
    let mut resuming = match cx.resumed_wait.take() {
        Some(w) => resume_retry(&mut retry, &w, cx).await,
        None => false,
    };
    // Without a retry (which makes the arguments again) and with nothing reading the input
    // afterwards, the input moves into the arguments; the last branch takes them, the others a copy.
    let consume = spec.retry.is_empty() && catch::input_unread_after(&spec.io, catchers);
    let mut input = input;
    let outcome = loop {
        // A restart into the state goes on with the attempt it records as started already.
        if !resuming {
            retry.attempt_begins(cx);
            cx.event("ParallelStateStarted", || Value::Object(Default::default()));
        }
        let attempt = async {
            let mut args = if consume { spec.io.arguments_owned(std::mem::take(&mut input), cx)? } else { spec.io.arguments(&input, cx)? };
            let mut outputs = vec![Value::Null; branches.len()];
            let mut running = FuturesUnordered::new();
            // One snapshot of the variables for all branches: they read the values from the state's start.
            let outer_vars = std::sync::Arc::new(cx.vars.clone());
            let resume = if std::mem::take(&mut resuming) { cx.exec.resume.clone() } else { None };
            let mut keys = Vec::with_capacity(branches.len());
            for (i, &start) in branches.iter().enumerate() {
                let branch_input = if i + 1 == branches.len() { std::mem::take(&mut args) } else { args.clone() };
                let key = durable::child_key(&cx.scope, cx.state_name(), i);
                keys.push(key.clone());
                let (start, branch_input, child) = match durable::resume_child(resume.as_deref(), &key, m) {
                    Some(durable::Child::Ended(Ended::Succeeded(v))) => {
                        outputs[i] = v;
                        continue;
                    }
                    Some(durable::Child::Ended(Ended::Failed(f))) => return Err(f),
                    Some(durable::Child::At(state, p)) => {
                        let mut child = cx.nested_in(outer_vars.clone(), key);
                        child.resume_at(&p);
                        (state, p.input, child)
                    }
                    None => (start, branch_input, cx.nested_in(outer_vars.clone(), key)),
                };
                match start_scope(m, start, branch_input, child) {
                    // A branch that failed without waiting fails the state before the next starts.
                    Started::Done(r) => outputs[i] = durable::ended(cx, &keys[i], r)?,
                    Started::Running(fut) => running.push(async move { (i, fut.await) }),
                }
            }
            while let Some((i, r)) = running.next().await {
                outputs[i] = durable::ended(cx, &keys[i], r)?;
            }
            Ok(Value::Array(outputs))
        };
        match attempt.await {
            Ok(v) => break Ok(v),
            Err(f) => {
                if let Some(f) = retry.retry_or_give_up(&spec.retry, f, cx).await {
                    if catchers.is_empty() {
                        cx.event("ParallelStateFailed", || failure_details(&f));
                    }
                    break Err(f);
                }
            }
        }
    };
    if let Some(j) = cx.journal() {
        j.children_done(&cx.scope, cx.state_name());
    }
    match outcome {
        Ok(result) => spec.io.output(input, result, cx).map(Flow::Done),
        Err(f) => catch::handle(catchers, f, input, cx),
    }
}

/// A Parallel or Map restarted: with its attempts so far; in a retry's backoff (a due time), the
/// rest of it is waited out (the execution may park) and the next attempt's first event follows
/// the scope's last one, then the attempt starts afresh (false); otherwise the attempt under
/// way goes on with its branches or iterations (true).
pub(crate) async fn resume_retry(retry: &mut RetryState, w: &crate::durable::Waiting, cx: &mut Cx) -> bool {
    if w.due.is_none() {
        retry.restore(w, cx);
        return true;
    }
    retry.resume(w, cx).await;
    if w.last_event > 0 {
        cx.set_last_event(w.last_event);
    }
    false
}
