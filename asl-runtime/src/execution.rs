//! Starting an execution: its identity (name, ARNs), its clock, and the machine-level timeout.

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use serde_json::{Value, json};

use crate::clock::Clock;
use crate::cx::{Cx, ExecutionInfo, ctx};
use crate::durable::{Journal, Resume};
use crate::error::{Failure, names};
use crate::history::Observer;
use crate::machine::{BoxFuture, Machine, run_scope};
use std::sync::atomic::AtomicU64;

/// How an execution is identified and observed. The defaults follow AWS's shapes in region
/// `us-east-1`, account `111111111111`, with a random UUID as the name.
#[derive(Clone)]
pub struct ExecutionOptions {
    /// The execution's name (`$$.Execution.Name`); a UUID when absent.
    pub name: Option<String>,
    /// The region in ARNs (default `us-east-1`).
    pub region: String,
    /// The account in ARNs (default `111111111111`).
    pub account: String,
    /// `$$.Execution.RoleArn`; a role of the account when absent.
    pub role_arn: Option<String>,
    /// The clock (real or virtual) the execution's timers and timestamps use.
    pub clock: Option<Clock>,
    /// Sees every event of the execution.
    pub observer: Option<Arc<dyn Observer>>,
    /// Overrides the workflow's top-level `TimeoutSeconds`.
    pub timeout: Option<Duration>,
    /// The directory standing in for S3 in a Distributed Map's `ItemReader` and `ResultWriter`:
    /// bucket `b`, key `k` is the file `<s3_root>/b/k`. None: `$ASL_S3_ROOT`, else `./s3`.
    pub s3_root: Option<std::path::PathBuf>,
    /// The largest payload (execution input, state output, task result, assigned variables),
    /// in bytes of JSON text: AWS's 256 KiB by default; `None` accepts any size (benchmarks with
    /// large inputs).
    pub max_payload_bytes: Option<usize>,
    /// A durable engine's journal: it records every transition (see [`crate::durable`]).
    pub journal: Option<Arc<dyn Journal>>,
    /// Where a restarted execution resumes from (its recorded positions).
    pub resume: Option<Arc<Resume>>,
    /// Fields of the context object given by the caller (TestState's `context`): each part
    /// (`Execution`, `State`, …) given replaces the runtime's fields of the same name.
    pub context: Option<Arc<Value>>,
}

impl Default for ExecutionOptions {
    fn default() -> Self {
        ExecutionOptions {
            name: None,
            region: "us-east-1".into(),
            account: "111111111111".into(),
            role_arn: None,
            clock: None,
            observer: None,
            timeout: None,
            s3_root: None,
            max_payload_bytes: Some(crate::limits::MAX_PAYLOAD_BYTES),
            journal: None,
            resume: None,
            context: None,
        }
    }
}

impl ExecutionOptions {
    /// The identity of one execution of `machine`; `context` says which parts of the context
    /// object its states read (`ctx::ALL` when unknown): without `ctx::EXECUTION` the input is
    /// not kept for `$$.Execution.Input`.
    pub fn info(&self, machine: &str, input: Value, context: u8) -> ExecutionInfo {
        // A clock made here starts now: its origin is the start time (no second reading).
        let (clock, start_time) = match &self.clock {
            Some(c) => (c.clone(), c.now()),
            None => {
                let c = Clock::new();
                let at = c.origin();
                (c, at)
            }
        };
        let start_time = self.resume.as_ref().and_then(|r| r.start_time).unwrap_or(start_time);
        let (state_machine_id, state_machine_name, role_arn) = self.machine_ids(machine);
        ExecutionInfo {
            arn: Default::default(),
            given_name: self.name.clone(),
            random: fastrand::u128(..),
            state_machine_id,
            state_machine_name,
            role_arn,
            input: (context & ctx::EXECUTION != 0).then(|| Box::new(input)),
            context,
            start_time,
            clock,
            observer: self.observer.clone(),
            s3_root: self.s3_root.clone(),
            max_payload_bytes: self.max_payload_bytes,
            events: AtomicU64::new(self.resume.as_ref().map_or(0, |r| r.last_event)),
            journal: self.journal.clone(),
            resume: self.resume.clone(),
            given_context: self.context.clone(),
        }
    }

    /// The state machine's ARN, its name and the role ARN: the same for every execution of a
    /// machine under these options, so shared (the last ones made on this thread are reused).
    fn machine_ids(&self, machine: &str) -> (Arc<str>, Arc<str>, Arc<str>) {
        type Ids = (String, String, String, Option<String>, (Arc<str>, Arc<str>, Arc<str>));
        thread_local!(static LAST: std::cell::RefCell<Option<Ids>> = const { std::cell::RefCell::new(None) });
        LAST.with_borrow_mut(|last| {
            if let Some((m, region, account, role, ids)) = last.as_ref()
                && m == machine
                && *region == self.region
                && *account == self.account
                && *role == self.role_arn
            {
                return ids.clone();
            }
            let ids: (Arc<str>, Arc<str>, Arc<str>) = (
                format!("arn:aws:states:{}:{}:stateMachine:{machine}", self.region, self.account).into(),
                machine.into(),
                self.role_arn.clone().unwrap_or_else(|| format!("arn:aws:iam::{}:role/StepFunctionsRole", self.account)).into(),
            );
            *last = Some((machine.to_owned(), self.region.clone(), self.account.clone(), self.role_arn.clone(), ids.clone()));
            ids
        })
    }
}

/// Runs an execution of `m` from its `StartAt` to the end; with `opts.resume`, from where the
/// restarted execution was.
pub fn execute<'a, M: Machine>(m: &'a M, input: Value, opts: &'a ExecutionOptions, timeout_seconds: Option<u64>) -> impl Future<Output = Result<Value, Failure>> + Send + 'a {
    // A plain function returning the inner future: no layer of its own in a parked execution.
    let (state, input) = match opts.resume.as_ref().and_then(|r| r.positions.get("")).and_then(|p| Some((m.state_named(&p.state)?, p.input.clone()))) {
        Some(at) => at,
        None => (m.start_state(), input),
    };
    execute_from(m, state, input, opts, timeout_seconds)
}

/// Runs executions of a machine whose type is not known (a compiled machine or a loaded one,
/// behind one `dyn`), each with options of its own (its name, observer, journal).
pub trait Execute: Send + Sync {
    /// Runs one execution with `options` (see [`execute`]).
    fn execute(&self, input: Value, options: ExecutionOptions) -> BoxFuture<'_, Result<Value, Failure>>;
    /// The machine's own `TimeoutSeconds` (a durable engine wakes a parked execution by then).
    fn execution_timeout(&self) -> Option<Duration> {
        None
    }
}

impl<M: Machine> Execute for M {
    fn execute(&self, input: Value, options: ExecutionOptions) -> BoxFuture<'_, Result<Value, Failure>> {
        Box::pin(async move { execute(self, input, &options, self.timeout_seconds()).await })
    }
    fn execution_timeout(&self) -> Option<Duration> {
        self.timeout_seconds().map(Duration::from_secs)
    }
}

/// Runs an execution entered at `state` (any state of the top-level scope) with `input`.
pub fn execute_from<'a, M: Machine>(m: &'a M, state: M::State, input: Value, opts: &'a ExecutionOptions, timeout_seconds: Option<u64>) -> impl Future<Output = Result<Value, Failure>> + Send + 'a {
    // Boxed on the way in: an `async fn` keeps its arguments for its whole life, so a parked
    // execution would hold the input's slot here as well as where the input really is.
    run_execution(m, state, Box::new(input), opts, timeout_seconds)
}

async fn run_execution<M: Machine>(m: &M, state: M::State, input: Box<Value>, opts: &ExecutionOptions, timeout_seconds: Option<u64>) -> Result<Value, Failure> {
    if let Some(limit) = opts.max_payload_bytes.filter(|l| crate::limits::exceeds(&input, *l)) {
        return Err(Failure::new(names::DATA_LIMIT_EXCEEDED, format!("The execution input exceeds the maximum number of bytes service limit ({limit}).")));
    }
    let context = m.context();
    let kept = match &opts.resume {
        _ if context & ctx::EXECUTION == 0 => Value::Null,
        Some(r) => r.execution_input.clone(),
        None => (*input).clone(),
    };
    let info = Arc::new(opts.info(m.machine_name(), kept, context));
    let mut cx = Cx::new(info);
    // A restarted execution goes on from its top-level position; a new one starts.
    let resumed = opts.resume.as_ref().and_then(|r| r.positions.get(""));
    match resumed {
        Some(p) => cx.resume_at(p),
        // Events recorded but no position: started (a durable engine records `ExecutionStarted`
        // when it starts the execution, and runs it later) or stopped before its first state.
        // It runs from its first state; `ExecutionStarted` is not recorded again.
        None if opts.resume.as_ref().is_some_and(|r| r.last_event > 0) => cx.follow_last_recorded(),
        None => {
            cx.event("ExecutionStarted", || json!({"input": input.to_string()}));
        }
    }
    // A restarted execution's timeout counts from its first start.
    // A redriven one's counts from the redrive (AWS resets it).
    let from = opts.resume.as_ref().and_then(|r| r.redriven_at).unwrap_or(cx.exec.start_time);
    let ran = cx.exec.clock.now().duration_since(from).unwrap_or_default();
    let timeout = opts.timeout.or(timeout_seconds.map(Duration::from_secs)).map(|t| t.saturating_sub(ran));
    // The machine timeout's timer is boxed apart, and only when there is one: the execution's
    // future (what a parked execution holds) carries no timer of its own otherwise.
    let mut deadline = timeout.map(|t| Box::pin(tokio::time::sleep(t)));
    let finished = {
        let run = {
            let input = *input;
            run_scope(m, state, input, &mut cx)
        };
        let mut run = std::pin::pin!(run);
        std::future::poll_fn(|task| {
            if let Poll::Ready(r) = run.as_mut().poll(task) {
                return Poll::Ready(Some(r));
            }
            match deadline.as_mut().map(|d| d.as_mut().poll(task)) {
                Some(Poll::Ready(())) => Poll::Ready(None),
                _ => Poll::Pending,
            }
        })
        .await
    };
    let (outcome, timed_out) = match finished {
        Some(r) => (r, false),
        None => (Err(Failure::bare(names::TIMEOUT)), true),
    };
    // An empty cause is no cause at the API (AWS omits it: `timeouts__test_fixed_timeout_lambda`).
    let outcome = outcome.map_err(|mut f| {
        if f.cause.as_deref() == Some("") {
            f.cause = None;
        }
        f
    });
    match &outcome {
        Ok(output) => cx.event("ExecutionSucceeded", || json!({"output": output.to_string()})),
        Err(f) if timed_out => cx.event("ExecutionTimedOut", || failure_details(f)),
        Err(f) => cx.event("ExecutionFailed", || failure_details(f)),
    };
    outcome
}

/// `{"error": …, "cause": …}` as failure events carry them.
pub(crate) fn failure_details(f: &Failure) -> Value {
    let mut m = serde_json::Map::new();
    if !f.error.is_empty() {
        m.insert("error".into(), f.error.clone().into());
    }
    if let Some(c) = &f.cause {
        m.insert("cause".into(), c.clone().into());
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identity_made_on_first_read_is_the_same_on_every_read() {
        let opts = ExecutionOptions::default();
        let info = opts.info("Flow", Value::Null, 0);
        let id = info.id().clone();
        assert_eq!(info.id(), &id);
        let name = info.name().to_owned();
        assert_eq!(&*id, format!("arn:aws:states:us-east-1:111111111111:execution:Flow:{name}"));
        assert_eq!(uuid::Uuid::parse_str(&name).unwrap().get_version_num(), 4);
        // Another execution has another name.
        assert_ne!(opts.info("Flow", Value::Null, 0).name(), name);
    }

    #[test]
    fn a_given_name_and_region_make_the_arn() {
        let opts = ExecutionOptions { name: Some("run-1".into()), region: "eu-west-2".into(), account: "222222222222".into(), ..Default::default() };
        let info = opts.info("Orders", Value::Null, 0);
        assert_eq!(&**info.id(), "arn:aws:states:eu-west-2:222222222222:execution:Orders:run-1");
        assert_eq!(info.name(), "run-1");
        assert_eq!(&*info.state_machine_id, "arn:aws:states:eu-west-2:222222222222:stateMachine:Orders");
    }
}
