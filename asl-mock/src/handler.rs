//! A test case as a task handler: Task states the test case names get their mocked response,
//! the others go to the handlers they would use without it. `asl run --mock` and asl-server
//! (StartExecution and StartSyncExecution on `<stateMachineArn>#<TestCase>`) both run this.
//!
//! What differs between them is kept in a [`Ledger`]: how an execution's invocations of a
//! state are numbered (in memory for a run that lives in one process, from the recorded
//! history for a durable one), and how a mocked answer reaches a task whose result comes back
//! through its token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use asl_runtime::{BoxFuture, Failure, Handler, Handlers, TaskContext, Value};

use crate::mock::{Lookup, MockConfig, MockResult};

/// What a mocked run keeps per execution.
pub trait Ledger: Send + Sync + 'static {
    /// The number of this invocation of `ctx.state_name` in `ctx`'s execution: 0 for the
    /// first, retries and Map iterations included (Step Functions Local's count).
    fn next(&self, ctx: &TaskContext) -> BoxFuture<'static, Result<u64, Failure>>;

    /// Called with a mocked state's answer before the handler returns it. A durable engine
    /// ends a task that has a token (`.waitForTaskToken`) with the answer to that token, not
    /// with the handler's result: its ledger answers the token here.
    fn answered(&self, _ctx: &TaskContext, _answer: &Result<Value, Failure>) -> BoxFuture<'static, Result<(), Failure>> {
        Box::pin(async { Ok(()) })
    }
}

/// Invocations counted in memory: for runs whose whole execution lives in this process.
#[derive(Default)]
pub struct Counted {
    counts: Mutex<HashMap<(String, String), u64>>,
}

impl Counted {
    /// The next invocation number of `state` in `execution`.
    pub fn take(&self, execution: &str, state: &str) -> u64 {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let c = counts.entry((execution.to_string(), state.to_string())).or_insert(0);
        *c += 1;
        *c - 1
    }
}

impl Ledger for Counted {
    fn next(&self, ctx: &TaskContext) -> BoxFuture<'static, Result<u64, Failure>> {
        let n = self.take(ctx.execution_id(), ctx.state_name);
        Box::pin(async move { Ok(n) })
    }
}

/// Whether a Task resource is an activity (Step Functions Local does not mock those).
fn is_activity(resource: &str) -> bool {
    resource.starts_with("arn:aws:states:") && resource.split(':').nth(5) == Some("activity")
}

/// A state's answer under a test case, for invocation `invocation`: `None` when the test case
/// does not mock the state. A response with no entry for the invocation, or a mocked activity,
/// fails the execution with `States.Runtime`, as Step Functions Local does.
pub fn answer(config: &MockConfig, machine: &str, case: &str, state: &str, resource: &str, invocation: u64) -> Option<Result<Value, Failure>> {
    match config.lookup(machine, case, state, invocation)? {
        Lookup::NotMocked => None,
        // Step Functions Local's own words.
        _ if is_activity(resource) => Some(Err(Failure::runtime("Activity state cannot be mocked. Please remove mocks mapped for all activity state in the mock config file."))),
        Lookup::Mocked(MockResult::Return(v)) => Some(Ok(v.clone())),
        Lookup::Mocked(MockResult::Throw { error, cause }) => Some(Err(Failure::new(error.clone(), cause.clone()))),
        Lookup::NoEntry { response, invocation } => Some(Err(Failure::runtime(format!("the mocked response '{response}' has no entry for invocation {invocation} of state '{state}'")))),
    }
}

/// Serves every Task resource of a machine run under one test case.
pub struct Mocked {
    config: Arc<MockConfig>,
    machine: String,
    case: String,
    /// What serves the states the test case does not mock.
    inner: Handlers,
    ledger: Arc<dyn Ledger>,
}

impl Mocked {
    /// `None` when `config` has no test case `case` for the machine named `machine`.
    pub fn new(config: Arc<MockConfig>, machine: &str, case: &str, inner: Handlers, ledger: Arc<dyn Ledger>) -> Option<Self> {
        config.test_case(machine, case)?;
        Some(Mocked { config, machine: machine.to_string(), case: case.to_string(), inner, ledger })
    }

    /// Handlers that send every resource here.
    pub fn handlers(self) -> Handlers {
        Handlers::new().fallback(self)
    }

    fn mocks(&self, state: &str) -> bool {
        self.config.test_case(&self.machine, &self.case).is_some_and(|tc| tc.states.contains_key(state))
    }
}

impl Handler for Mocked {
    fn call(&self, input: Value, ctx: TaskContext) -> BoxFuture<'static, Result<Value, Failure>> {
        if !self.mocks(ctx.state_name) {
            return match self.inner.find(ctx.resource) {
                Some(h) => h.call(input, ctx),
                None => {
                    let cause = format!("state '{}' is not mocked by the test case and nothing serves the resource '{}'", ctx.state_name, ctx.resource);
                    Box::pin(async move { Err(Failure::runtime(cause)) })
                }
            };
        }
        let (config, ledger) = (self.config.clone(), self.ledger.clone());
        let (machine, case) = (self.machine.clone(), self.case.clone());
        Box::pin(async move {
            let n = ledger.next(&ctx).await?;
            let r = answer(&config, &machine, &case, ctx.state_name, ctx.resource, n).unwrap_or_else(|| Err(Failure::runtime("the test case changed during the run")));
            ledger.answered(&ctx, &r).await?;
            r
        })
    }
}
