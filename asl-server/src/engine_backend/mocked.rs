//! Executions of a mock configuration's test case (StartExecution on
//! `<stateMachineArn>#<TestCase>`, as Step Functions Local runs them), on the engine.
//!
//! The execution records its test case in its run key ([`super::revisions::RunKey`]), so a
//! restarted server, or another one on the same database, runs it under the same test case.
//! Its Task states go through [`asl_mock::handler::Mocked`], with a [`Durable`] ledger: the
//! invocations of each state are numbered from what the execution's history records (each
//! attempt that ended: `TaskSucceeded`, `TaskFailed`, `TaskTimedOut`) and from the numbers
//! this process handed out whose end is not recorded yet (attempts in flight): the larger.
//! The history is read once in full when one of the execution's mocked states first runs in
//! this process, then only its new events at each call; so a restarted server, or one that
//! takes the execution over from another, goes on from where the history is, and an attempt
//! in flight when a server stopped (no end recorded) runs again under the same number.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use asl_engine::{Engine, WeakEngine};
use asl_mock::handler::{Counted, Ledger, Mocked};
use asl_runtime::{BoxFuture, Failure, Handlers, TaskContext, Value};

use crate::MockConfig;

/// What the ledger knows of one execution.
#[derive(Default)]
struct Seen {
    /// The last history event read.
    last_id: i64,
    /// The state each event read belongs to (later events point back to earlier ones).
    state_of: HashMap<i64, String>,
    /// Attempts of each state whose end the history records.
    ended: HashMap<String, u64>,
    /// The next number this process hands out for each state.
    issued: HashMap<String, u64>,
}

impl Seen {
    /// Reads the events recorded since the last call: the history, newest first, down to the
    /// last event read.
    async fn catch_up(&mut self, engine: &Engine, arn: &str) -> Result<(), asl_engine::EngineError> {
        let (mut new, mut token) = (Vec::new(), None);
        'pages: loop {
            let page = engine.history(arn, true, 100, token).await?;
            for e in page.items {
                if e.id <= self.last_id {
                    break 'pages;
                }
                new.push(e);
            }
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        for e in new.into_iter().rev() {
            let state = if e.event_type.ends_with("StateEntered") { e.details["name"].as_str().map(str::to_string) } else { self.state_of.get(&e.previous_id).cloned() };
            self.last_id = self.last_id.max(e.id);
            let Some(state) = state else { continue };
            if matches!(e.event_type.as_str(), "TaskSucceeded" | "TaskFailed" | "TaskTimedOut") {
                *self.ended.entry(state.clone()).or_insert(0) += 1;
            }
            self.state_of.insert(e.id, state);
        }
        Ok(())
    }

    fn take(&mut self, state: &str) -> u64 {
        let n = self.ended.get(state).copied().unwrap_or(0).max(self.issued.get(state).copied().unwrap_or(0));
        self.issued.insert(state.to_string(), n + 1);
        n
    }
}

type Shared = Arc<tokio::sync::Mutex<Seen>>;

/// The ledger of test-case executions on the engine: shared by all of them.
pub(crate) struct Durable {
    engine: WeakEngine,
    runs: Mutex<HashMap<String, Shared>>,
    /// How many executions were kept after the last pruning (prune again at twice as many).
    kept: AtomicUsize,
}

impl Durable {
    pub(crate) fn new(engine: &Engine) -> Arc<Self> {
        Arc::new(Durable { engine: engine.downgrade(), runs: Mutex::new(HashMap::new()), kept: AtomicUsize::new(0) })
    }

    fn seen(&self, arn: &str, engine: &Engine) -> Shared {
        let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = runs.get(arn) {
            return c.clone();
        }
        // Executions no longer here (ended, parked, taken over) are read in full again if they
        // come back.
        if runs.len() >= 2 * self.kept.load(Ordering::Relaxed).max(64) {
            runs.retain(|a, _| engine.is_running_here(a));
            self.kept.store(runs.len(), Ordering::Relaxed);
        }
        runs.entry(arn.to_string()).or_default().clone()
    }
}

fn gone() -> Failure {
    Failure::runtime("the server is shutting down")
}

impl Ledger for Durable {
    fn next(&self, ctx: &TaskContext) -> BoxFuture<'static, Result<u64, Failure>> {
        let engine = self.engine.upgrade();
        let seen = engine.as_ref().map(|e| self.seen(ctx.execution_id(), e));
        let (arn, state) = (ctx.execution_id().to_string(), ctx.state_name.to_string());
        Box::pin(async move {
            let (Some(engine), Some(seen)) = (engine, seen) else { return Err(gone()) };
            let mut seen = seen.lock().await;
            seen.catch_up(&engine, &arn).await.map_err(|e| Failure::runtime(format!("cannot read the execution's history to number the mocked invocations: {e}")))?;
            Ok(seen.take(&state))
        })
    }

    fn answered(&self, ctx: &TaskContext, answer: &Result<Value, Failure>) -> BoxFuture<'static, Result<(), Failure>> {
        // The engine ends a task with a token by the answer to it: a mocked result is that
        // answer (a mocked failure fails the attempt directly).
        let (Some(token), Ok(v)) = (ctx.token.clone(), answer) else { return Box::pin(async { Ok(()) }) };
        let (engine, v) = (self.engine.upgrade(), v.clone());
        Box::pin(async move {
            let engine = engine.ok_or_else(gone)?;
            engine.send_task_success(&token, v).await.map_err(|e| Failure::runtime(format!("the mocked answer to the task token was not recorded: {e}")))
        })
    }
}

/// What serves a durable execution of `machine`'s test case `case`: `None` when the server's
/// mock configuration has no such test case (any more).
pub(crate) fn durable_handlers(mock: Option<&Arc<MockConfig>>, machine: &str, case: &str, inner: Handlers, ledger: Arc<Durable>) -> Option<Handlers> {
    Mocked::new(mock?.clone(), machine, case, inner, ledger).map(Mocked::handlers)
}

/// What serves one StartSyncExecution of a test case (its whole run in memory).
pub(crate) fn sync_handlers(mock: Option<&Arc<MockConfig>>, machine: &str, case: &str, inner: Handlers) -> Option<Handlers> {
    Mocked::new(mock?.clone(), machine, case, inner, Arc::new(Counted::default())).map(Mocked::handlers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_history_or_the_attempts_in_flight_whichever_is_further() {
        let mut seen = Seen::default();
        // Attempts in flight here, their ends not recorded yet.
        assert_eq!((seen.take("S"), seen.take("S"), seen.take("T")), (0, 1, 0));
        // The history caught up with them.
        seen.ended.insert("S".into(), 2);
        assert_eq!(seen.take("S"), 2);
        // The execution ran elsewhere meanwhile: five attempts of S ended there.
        seen.ended.insert("S".into(), 8);
        assert_eq!(seen.take("S"), 8);
        assert_eq!(seen.take("T"), 1);
    }
}
