//! Executions of a mock configuration's test case (StartExecution on
//! `<stateMachineArn>#<TestCase>`, as Step Functions Local runs them), on the engine.
//!
//! The execution records its test case in its run key ([`super::revisions::RunKey`]), so a
//! restarted server, or another one on the same database, runs it under the same test case.
//! Its Task states go through [`asl_mock::handler::Mocked`], with a [`Durable`] ledger: the
//! invocations of each state are numbered from what the execution's history records (each
//! attempt that ended: `TaskSucceeded`, `TaskFailed`, `TaskTimedOut`), read the first time
//! one of its mocked states runs in this process, then counted in memory. An attempt in flight
//! when a server stopped has recorded no end: it runs again under the same number.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use asl_engine::{Engine, WeakEngine};
use asl_mock::handler::{Counted, Ledger, Mocked};
use asl_runtime::{BoxFuture, Failure, Handlers, TaskContext, Value};

use crate::MockConfig;

/// Each state's invocation count, per execution (filled from its history on first use).
type Counts = Arc<tokio::sync::Mutex<Option<HashMap<String, u64>>>>;

/// The ledger of test-case executions on the engine: shared by all of them.
pub(crate) struct Durable {
    engine: WeakEngine,
    runs: Mutex<HashMap<String, Counts>>,
    /// How many executions were kept after the last pruning (prune again at twice as many).
    kept: AtomicUsize,
}

impl Durable {
    pub(crate) fn new(engine: &Engine) -> Arc<Self> {
        Arc::new(Durable { engine: engine.downgrade(), runs: Mutex::new(HashMap::new()), kept: AtomicUsize::new(0) })
    }

    fn counts(&self, arn: &str, engine: Option<&Engine>) -> Counts {
        let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = runs.get(arn) {
            return c.clone();
        }
        // Executions that left this process (ended, parked, taken over) are read again from
        // their history if they come back.
        if let Some(engine) = engine
            && runs.len() >= 2 * self.kept.load(Ordering::Relaxed).max(64)
        {
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
        let counts = self.counts(ctx.execution_id(), engine.as_ref());
        let (arn, state) = (ctx.execution_id().to_string(), ctx.state_name.to_string());
        Box::pin(async move {
            let mut counts = counts.lock().await;
            if counts.is_none() {
                let engine = engine.ok_or_else(gone)?;
                *counts = Some(recorded_attempts(&engine, &arn).await.map_err(|e| Failure::runtime(format!("cannot read the execution's history to number the mocked invocations: {e}")))?);
            }
            let c = counts.get_or_insert_default().entry(state).or_insert(0);
            *c += 1;
            Ok(*c - 1)
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

/// How many attempts of each state ended, by the execution's history: a Task event belongs to
/// the state whose `…StateEntered` event its chain of previous events leads back to.
async fn recorded_attempts(engine: &Engine, arn: &str) -> Result<HashMap<String, u64>, asl_engine::EngineError> {
    let (mut state_of, mut counts) = (HashMap::<i64, String>::new(), HashMap::<String, u64>::new());
    let mut token = None;
    loop {
        let page = engine.history(arn, false, 1000, token).await?;
        for e in &page.items {
            let state = if e.event_type.ends_with("StateEntered") { e.details["name"].as_str().map(str::to_string) } else { state_of.get(&e.previous_id).cloned() };
            let Some(state) = state else { continue };
            if matches!(e.event_type.as_str(), "TaskSucceeded" | "TaskFailed" | "TaskTimedOut") {
                *counts.entry(state.clone()).or_insert(0) += 1;
            }
            state_of.insert(e.id, state);
        }
        token = page.next_token;
        if token.is_none() {
            return Ok(counts);
        }
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
