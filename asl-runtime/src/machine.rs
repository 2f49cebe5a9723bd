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
    /// The state with this name, if any.
    fn from_name(name: &str) -> Option<Self>;
    /// Whether the state's output is always its input, unchanged, and its input was already
    /// measured against the payload limit (a top-level Choice, Wait, Succeed or plain Pass with
    /// no paths): its output is not measured again. Generated code knows; the default is no.
    fn keeps_input(self) -> bool {
        false
    }
}

/// Where a state leads.
#[derive(Debug)]
pub enum Next<S> {
    /// Continue at `S` with this input.
    Go(S, Value),
    /// The scope (execution, branch or iteration) ends with this output.
    End(Value),
}

/// What a state leads to, or how it failed.
pub type Step<S> = Result<Next<S>, Failure>;

/// The outcome of a state with Catch: either its own result, or a catcher's target.
#[derive(Debug)]
pub enum Flow<S> {
    /// The state's own output.
    Done(Value),
    /// A catcher took the failure: where it leads, with the error output placed.
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
    /// The machine's states.
    type State: StateId;
    /// The top-level `StartAt`.
    fn start_state(&self) -> Self::State;
    /// The workflow's name (from the file name, or as given to `asl!`).
    fn machine_name(&self) -> &str;
    /// The parts of the context object (`$$`, `$states.context`) any of its states reads, as
    /// [`ctx`](crate::cx::ctx) bits; the lowering knows them, the default assumes all.
    fn context(&self) -> u8 {
        crate::cx::ctx::ALL
    }

    /// The workflow's top-level `TimeoutSeconds`.
    fn timeout_seconds(&self) -> Option<u64> {
        None
    }

    /// The state named `name` (a restart finds where each scope was by name).
    fn state_named(&self, name: &str) -> Option<Self::State> {
        Self::State::from_name(name)
    }

    /// Runs one state.
    fn step<'a>(&'a self, state: Self::State, input: Value, cx: &'a mut Cx) -> impl Future<Output = Step<Self::State>> + Send + 'a;

    /// Runs one state that never waits (Pass, Choice, Succeed, Fail) without building a
    /// future; gives the input back for the others, which go through [`step`](Self::step).
    fn step_now(&self, state: Self::State, input: Value, cx: &mut Cx) -> Result<Step<Self::State>, Value> {
        let _ = (state, cx);
        Err(input)
    }
}

/// Runs states from `start` until the scope ends or fails. The states that never wait run
/// right away; the future is what follows (no layer of its own in a parked execution).
pub fn run_scope<'a, M: Machine>(m: &'a M, start: M::State, input: Value, cx: &'a mut Cx) -> impl Future<Output = Result<Value, Failure>> + Send + 'a {
    let now = run_now(m, start, input, cx);
    run_from(m, now, cx)
}

/// Goes on from where [`run_now`] stopped until the scope ends or fails.
async fn run_from<M: Machine>(m: &M, mut now: Now<M::State>, cx: &mut Cx) -> Result<Value, Failure> {
    loop {
        now = match now {
            Now::Ended(r) => return r,
            Now::Paused(state, input) => {
                // A long run of states that never wait gives other executions (and the
                // execution's own timeout) a turn.
                tokio::task::yield_now().await;
                run_now(m, state, input, cx)
            }
            Now::Waits(state, input) => {
                let step = match cx.exec.journal.is_some() {
                    false => m.step(state, input, cx).await,
                    true => durable_step(m, state, input, cx).await,
                };
                match settle(state, step, cx) {
                    Ok(Next::Go(next, output)) => run_now(m, next, output, cx),
                    Ok(Next::End(output)) => return Ok(output),
                    Err(f) => return Err(f),
                }
            }
        };
    }
}

/// [`Machine::step`] in a durable execution: what the state does is seen outside the execution,
/// so the positions recorded so far are made durable first. Boxed: a plain execution's future
/// (held by every parked execution) does not carry this path's state.
fn durable_step<'a, M: Machine>(m: &'a M, state: M::State, input: Value, cx: &'a mut Cx) -> BoxFuture<'a, Step<M::State>> {
    Box::pin(async move {
        if let Some(j) = cx.exec.journal.clone() {
            j.sync().await?;
        }
        m.step(state, input, cx).await
    })
}

/// How far [`run_now`] got.
pub enum Now<S> {
    /// The scope ended (its output) or failed.
    Ended(Result<Value, Failure>),
    /// At a state that waits, already entered, with its input: [`Machine::step`] runs it.
    Waits(S, Value),
    /// At a state not yet entered, after [`NOW_BUDGET`] transitions without a pause.
    Paused(S, Value),
}

/// Transitions [`run_now`] makes before it pauses.
pub const NOW_BUDGET: u32 = 1024;

/// Runs states that never wait (Pass, Choice, Succeed, Fail), from `state`, without a future:
/// until the scope ends, a state that waits is entered, or the budget is spent.
pub fn run_now<M: Machine>(m: &M, mut state: M::State, mut input: Value, cx: &mut Cx) -> Now<M::State> {
    for _ in 0..NOW_BUDGET {
        cx.enter_state(state.name(), state.type_name(), &input);
        let step = match m.step_now(state, input, cx) {
            Ok(step) => step,
            Err(input) => return Now::Waits(state, input),
        };
        match settle(state, step, cx) {
            Ok(Next::Go(next, output)) => {
                state = next;
                input = output;
            }
            Ok(Next::End(output)) => return Now::Ended(Ok(output)),
            Err(f) => return Now::Ended(Err(f)),
        }
    }
    Now::Paused(state, input)
}

/// After a state ran: its output checked against the payload limit and its exit recorded, or
/// its error located. A Fail state has no exit event: its error ends the scope.
#[inline(always)]
fn settle<S: StateId>(state: S, step: Step<S>, cx: &mut Cx) -> Step<S> {
    match step {
        Ok(Next::Go(_, output)) | Ok(Next::End(output)) if !state.keeps_input() && cx.too_large(&output) => Err(cx.locate(output_too_large(state.name()))),
        Ok(next) => {
            let output = match &next {
                Next::Go(_, v) | Next::End(v) => v,
            };
            cx.exit_state(state.name(), state.type_name(), output);
            Ok(next)
        }
        Err(f) => Err(cx.locate(f)),
    }
}

/// A state's output over AWS's payload limit (256 KiB).
fn output_too_large(state: &str) -> Failure {
    Failure::new(crate::error::names::DATA_LIMIT_EXCEEDED, format!("The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit."))
}

/// A waiting state's future (Task, Parallel, Map) mapped to its transition. A combinator, not
/// an `async` block: awaiting inside a block would store the inner future twice.
pub fn then_next<S, F>(run: F, next: Option<S>) -> futures_util::future::Map<F, impl FnOnce(Result<Flow<S>, Failure>) -> Step<S>>
where
    F: Future<Output = Result<Flow<S>, Failure>>,
{
    futures_util::FutureExt::map(run, move |r| Ok(r?.then(next)))
}

/// [`then_next`] for a state whose future yields its output (Wait).
pub fn output_then_next<S, F>(run: F, next: Option<S>) -> futures_util::future::Map<F, impl FnOnce(Result<Value, Failure>) -> Step<S>>
where
    F: Future<Output = Result<Value, Failure>>,
{
    futures_util::FutureExt::map(run, move |r| Ok(Flow::Done(r?).then(next)))
}

/// A nested scope (a Parallel branch or a Map iteration) once started.
pub enum Started<'a> {
    /// It met no state that waits: its outcome, with no future built.
    Done(Result<Value, Failure>),
    /// The rest of it, boxed (the recursion needs a type-erased future).
    Running(BoxFuture<'a, Result<Value, Failure>>),
}

/// Starts a Parallel branch or a Map iteration at `start`: runs it here as far as it goes
/// without waiting, and boxes the rest only if there is a rest.
pub fn start_scope<M: Machine>(m: &M, start: M::State, input: Value, mut cx: Cx) -> Started<'_> {
    match run_now(m, start, input, &mut cx) {
        Now::Ended(r) => Started::Done(r),
        now => Started::Running(Box::pin(async move { run_from(m, now, &mut cx).await })),
    }
}
