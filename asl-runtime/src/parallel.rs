//! Parallel states: every branch runs concurrently on the state's arguments; the output is the
//! array of branch outputs in branch order. The first branch to fail fails the state and drops
//! (cancels) its siblings with their timers and tasks.

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;

use crate::catch::{self, Catcher};
use crate::cx::Cx;
use crate::error::Failure;
use crate::execution::failure_details;
use crate::io::DataFlow;
use crate::machine::{Flow, Started};
use crate::retry::RetryState;

pub use asl_syntax::spec::ParallelSpec;

/// Runs a Parallel state: `branch` starts each branch at its first state.
pub async fn run<'m, S, F>(spec: &ParallelSpec, catchers: &[Catcher<S>], branches: &[S], input: Value, cx: &mut Cx, branch: F) -> Result<Flow<S>, Failure>
where
    S: Copy,
    F: Fn(S, Value, Cx) -> Started<'m>,
{
    let mut retry = RetryState::new(&spec.retry);
    // Without a retry (which makes the arguments again) and with nothing reading the input
    // afterwards, the input moves into the arguments; the last branch takes them, the others a copy.
    let consume = spec.retry.is_empty() && catch::input_unread_after(&spec.io, catchers);
    let mut input = input;
    let outcome = loop {
        cx.event("ParallelStateStarted", || Value::Object(Default::default()));
        let attempt = async {
            let mut args = if consume { spec.io.arguments_owned(std::mem::take(&mut input), cx)? } else { spec.io.arguments(&input, cx)? };
            let mut outputs = vec![Value::Null; branches.len()];
            let mut running = FuturesUnordered::new();
            // One snapshot of the variables for all branches: they read the values from the state's start.
            let outer_vars = std::sync::Arc::new(cx.vars.clone());
            for (i, &start) in branches.iter().enumerate() {
                let branch_input = if i + 1 == branches.len() { std::mem::take(&mut args) } else { args.clone() };
                match branch(start, branch_input, cx.nested_in(outer_vars.clone())) {
                    // A branch that failed without waiting fails the state before the next starts.
                    Started::Done(r) => outputs[i] = r?,
                    Started::Running(fut) => running.push(async move { (i, fut.await) }),
                }
            }
            while let Some((i, r)) = running.next().await {
                outputs[i] = r?;
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
    match outcome {
        Ok(result) => spec.io.output(input, result, cx).map(Flow::Done),
        Err(f) => catch::handle(catchers, f, input, cx),
    }
}
