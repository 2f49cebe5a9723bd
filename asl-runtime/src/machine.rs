//! The machine loop: drives a generated `step` function from state to state. Every transition
//! passes through [`run_scope`], the one place where history events, checkpoints and
//! cancellation attach.

use std::fmt::Debug;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;

use serde_json::Value;

use crate::cx::Cx;
use crate::error::Failure;

/// A boxed future, used where Parallel branches and Map iterations re-enter the machine loop
/// (the recursion needs a type-erased future).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The states of a generated machine (all scopes share one enum; names are unique).
pub trait StateId: Copy + Eq + Hash + Debug + Send + Sync + 'static {
    /// The state's name as written in the workflow.
    fn name(self) -> &'static str;
    /// The state's `Type` (`Pass`, `Task`, …).
    fn type_name(self) -> &'static str;
    fn from_name(name: &str) -> Option<Self>;
}

/// Where a state leads.
#[derive(Debug)]
pub enum Next<S> {
    /// Continue at `S` with this input.
    Go(S, Value),
    /// The scope (execution, branch or iteration) ends with this output.
    End(Value),
}

pub type Step<S> = Result<Next<S>, Failure>;

/// The outcome of a state with Catch: either its own result, or a catcher's target.
#[derive(Debug)]
pub enum Flow<S> {
    Done(Value),
    Caught(S, Value),
}

impl<S> Flow<S> {
    /// `next` is the state's `Next` (`None` for `End`).
    pub fn then(self, next: Option<S>) -> Next<S> {
        match self {
            Flow::Done(v) => match next {
                Some(s) => Next::Go(s, v),
                None => Next::End(v),
            },
            Flow::Caught(s, v) => Next::Go(s, v),
        }
    }
}

/// A generated state machine.
pub trait Machine: Send + Sync + 'static {
    type State: StateId;
    /// The top-level `StartAt`.
    const START: Self::State;
    /// The workflow's name (from the file name, or as given to `asl!`).
    const NAME: &'static str;

    /// Runs one state.
    fn step<'a>(&'a self, state: Self::State, input: Value, cx: &'a mut Cx) -> impl Future<Output = Step<Self::State>> + Send + 'a;
}

/// Runs states from `start` until the scope ends or fails.
pub async fn run_scope<M: Machine>(m: &M, start: M::State, mut input: Value, cx: &mut Cx) -> Result<Value, Failure> {
    let mut state = start;
    loop {
        cx.enter_state(state.name(), state.type_name(), &input);
        // A Fail state has no exit event: its error ends the scope.
        match m.step(state, input, cx).await {
            Ok(Next::Go(_, output)) | Ok(Next::End(output)) if cx.too_large(&output) => {
                return Err(cx.locate(output_too_large(state.name())));
            }
            Ok(Next::Go(next, output)) => {
                cx.exit_state(state.name(), state.type_name(), &output);
                state = next;
                input = output;
            }
            Ok(Next::End(output)) => {
                cx.exit_state(state.name(), state.type_name(), &output);
                return Ok(output);
            }
            Err(f) => return Err(cx.locate(f)),
        }
    }
}

/// A state's output over AWS's payload limit (256 KiB).
fn output_too_large(state: &str) -> Failure {
    Failure::new(
        crate::error::names::DATA_LIMIT_EXCEEDED,
        format!("The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit."),
    )
}

/// Boxes [`run_scope`] for a Parallel branch or a Map iteration.
pub fn run_boxed<M: Machine>(m: &M, start: M::State, input: Value, mut cx: Cx) -> BoxFuture<'_, Result<Value, Failure>> {
    Box::pin(async move { run_scope(m, start, input, &mut cx).await })
}
