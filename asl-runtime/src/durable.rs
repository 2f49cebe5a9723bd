//! What a durable engine sees of an execution, and what it hands back on a restart.
//!
//! The runtime tells a [`Journal`] where every scope is (the state it entered, with its input
//! and variables), what each waiting state is waiting for (a due time, a task token, retry
//! counts), and when nested scopes end. Before a state that has effects outside the execution
//! (a Task, a Wait, a Parallel or Map starting its children) it awaits [`Journal::sync`], so
//! the positions recorded so far are durable before anything they lead to is visible. After a
//! crash the engine rebuilds a [`Resume`] from what it stored, and the execution continues from
//! there: a scope re-enters the state it was in (a Task in flight runs again, at least once, as
//! AWS documents), finished branches and iterations keep their outputs, a Wait keeps its due
//! time, a Task keeps its token and retry counts.
//!
//! Scopes are named by [`ScopeKey`]s: `""` for the execution's top level, then
//! `<parent>/<state>#<index>` for branch or iteration `index` of the Parallel or Map `state`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::error::Failure;
use crate::machine::BoxFuture;
use crate::task::TaskContext;

/// Names a scope: `""`, or `<parent>/<state>#<index>`.
pub type ScopeKey = Arc<str>;

/// The key of branch or iteration `index` of the Parallel or Map state `state` in `parent`.
pub fn child_key(parent: &str, state: &str, index: usize) -> ScopeKey {
    format!("{parent}/{state}#{index}").into()
}

/// A scope's position: the state it is in, entered with this input and these variables (its
/// own, not those it reads from enclosing scopes), and what that state is waiting for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Position {
    /// The state's name.
    pub state: String,
    /// The state's input.
    pub input: Value,
    /// The variables the scope had set when it entered the state.
    pub vars: Map<String, Value>,
    /// The id of the state's `…StateEntered` event (AWS's error causes name it).
    pub entered_event: u64,
    /// What the state waits for.
    pub wait: Waiting,
}

/// What a state is waiting for, kept so that a restart waits for the same thing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Waiting {
    /// A Wait's end, or the next attempt after a retry's backoff.
    pub due: Option<SystemTime>,
    /// The task token of a `.waitForTaskToken` or activity Task, handed out already.
    pub token: Option<String>,
    /// Attempts made per retrier.
    pub attempts: Vec<u64>,
    /// `$$.State.RetryCount`.
    pub retry_count: u32,
    /// A retry's backoff: the scope's last event id when it began (0 if not known), so that the
    /// next attempt's first event follows it after a restart, as in a run never stopped.
    pub last_event: u64,
}

/// How a nested scope ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Ended {
    /// With this output.
    Succeeded(Value),
    /// With this failure.
    Failed(Failure),
}

/// What a durable engine records of an execution. Every method but [`sync`](Self::sync) and
/// [`answer`](Self::answer) is called on the execution's own task and must not block.
pub trait Journal: Send + Sync {
    /// `scope` entered a state (its position replaces the scope's last one).
    fn entered(&self, scope: &ScopeKey, position: &Position);
    /// The state `scope` is in waits for `waiting` (a due time, a token, retry counts). With
    /// attempts (a retry's backoff, or the attempt after it begins), the records of the state's
    /// branches or iterations so far are obsolete: a Parallel or Map resumed after this must not
    /// be handed them (the retry runs them afresh).
    fn waiting(&self, scope: &ScopeKey, waiting: &Waiting);
    /// A branch or iteration ended. Kept until its Parallel or Map ends, so a restart does not
    /// run it again.
    fn ended(&self, scope: &ScopeKey, ended: &Ended);
    /// The Parallel or Map state `state` of `scope` ended: its branches' or iterations' records
    /// can go.
    fn children_done(&self, scope: &ScopeKey, state: &str);
    /// Resolves when everything recorded so far is durable.
    fn sync(&self) -> BoxFuture<'static, Result<(), Failure>>;
    /// The answer to a task token handed out by a `.waitForTaskToken` or activity Task, when
    /// the engine holds tokens (answered with SendTaskSuccess / SendTaskFailure, perhaps by
    /// another process); `None` leaves the handler's own result as the answer. `ctx` lets the
    /// engine pass heartbeats on.
    fn answer(&self, token: &str, ctx: &TaskContext) -> Option<BoxFuture<'static, Result<Value, Failure>>>;
    /// The execution's top-level scope is parked: only a due time or a token answer moves it
    /// on. An engine may drop the execution's future here and resume it later.
    fn parked(&self, until: Option<SystemTime>) {
        let _ = until;
    }
}

/// The positions and ended scopes an execution resumes from.
#[derive(Clone, Debug, Default)]
pub struct Resume {
    /// Each live scope's position, by [`ScopeKey`].
    pub positions: HashMap<String, Position>,
    /// The branches and iterations that had ended, by [`ScopeKey`].
    pub ended: HashMap<String, Ended>,
    /// The last event id recorded before the restart (events go on from there).
    pub last_event: u64,
    /// The execution's own input (`$$.Execution.Input`).
    pub execution_input: Value,
    /// When the execution first started: its machine-level timeout and
    /// `$$.Execution.StartTime` count from there.
    pub start_time: Option<SystemTime>,
    /// How many times the execution was redriven (`$$.Execution.RedriveCount`).
    pub redrive_count: u32,
    /// When it was last redriven: the machine-level timeout counts from there, as AWS resets it
    /// on a redrive.
    pub redriven_at: Option<SystemTime>,
}

/// Where a branch or iteration resumes, on a restart into its Parallel or Map state.
pub(crate) enum Child<S> {
    /// It had ended.
    Ended(Ended),
    /// It was at this state.
    At(S, Position),
}

/// What `resume` says of the scope `key`, with its state found in `m`.
pub(crate) fn resume_child<M: crate::machine::Machine>(resume: Option<&Resume>, key: &str, m: &M) -> Option<Child<M::State>> {
    let r = resume?;
    if let Some(e) = r.ended.get(key) {
        return Some(Child::Ended(e.clone()));
    }
    let p = r.positions.get(key)?;
    Some(Child::At(m.state_named(&p.state)?, p.clone()))
}

/// Records how a branch or iteration ended (when journaled) and hands its outcome on.
pub(crate) fn ended(cx: &crate::cx::Cx, key: &ScopeKey, r: Result<Value, Failure>) -> Result<Value, Failure> {
    if let Some(j) = cx.journal() {
        match &r {
            Ok(v) => j.ended(key, &Ended::Succeeded(v.clone())),
            Err(f) => j.ended(key, &Ended::Failed(f.clone())),
        }
    }
    r
}
