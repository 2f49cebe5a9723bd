//! Starting an execution: its identity (name, ARNs), its clock, and the machine-level timeout.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::clock::Clock;
use crate::cx::{ctx, Cx, ExecutionInfo};
use crate::history::Observer;
use crate::error::{names, Failure};
use crate::machine::{run_scope, Machine};

/// How an execution is identified and observed. The defaults follow AWS's shapes in region
/// `us-east-1`, account `111111111111`, with a random UUID as the name.
#[derive(Clone)]
pub struct ExecutionOptions {
    pub name: Option<String>,
    pub region: String,
    pub account: String,
    pub role_arn: Option<String>,
    pub clock: Option<Clock>,
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
}

impl Default for ExecutionOptions {
    fn default() -> Self {
        ExecutionOptions { name: None, region: "us-east-1".into(), account: "111111111111".into(), role_arn: None, clock: None, observer: None, timeout: None, s3_root: None, max_payload_bytes: Some(crate::limits::MAX_PAYLOAD_BYTES) }
    }
}

impl ExecutionOptions {
    /// The identity of one execution of `machine`; `context` says which parts of the context
    /// object its states read (`ctx::ALL` when unknown): without `ctx::EXECUTION` the input is
    /// not kept for `$$.Execution.Input`.
    pub fn info(&self, machine: &str, input: Value, context: u8) -> ExecutionInfo {
        let name = self.name.clone().unwrap_or_else(|| crate::ids::uuid_v4());
        let clock = self.clock.clone().unwrap_or_default();
        ExecutionInfo {
            id: format!("arn:aws:states:{}:{}:execution:{machine}:{name}", self.region, self.account).into(),
            state_machine_id: format!("arn:aws:states:{}:{}:stateMachine:{machine}", self.region, self.account),
            state_machine_name: machine.to_owned(),
            role_arn: self.role_arn.clone().unwrap_or_else(|| format!("arn:aws:iam::{}:role/StepFunctionsRole", self.account)),
            name,
            input: if context & ctx::EXECUTION != 0 { input } else { Value::Null },
            context,
            start_time: clock.now(),
            clock,
            observer: self.observer.clone(),
            s3_root: self.s3_root.clone(),
            max_payload_bytes: self.max_payload_bytes,
            events: Default::default(),
        }
    }
}

/// Runs an execution of `m` from its `StartAt` to the end.
pub async fn execute<M: Machine>(m: &M, input: Value, opts: &ExecutionOptions, timeout_seconds: Option<u64>) -> Result<Value, Failure> {
    execute_from(m, M::START, input, opts, timeout_seconds).await
}

/// Runs an execution entered at `state` (any state of the top-level scope) with `input`.
pub async fn execute_from<M: Machine>(m: &M, state: M::State, input: Value, opts: &ExecutionOptions, timeout_seconds: Option<u64>) -> Result<Value, Failure> {
    if let Some(limit) = opts.max_payload_bytes.filter(|l| crate::limits::exceeds(&input, *l)) {
        return Err(Failure::new(names::DATA_LIMIT_EXCEEDED, format!("The execution input exceeds the maximum number of bytes service limit ({limit}).")));
    }
    let kept = if M::CONTEXT & ctx::EXECUTION != 0 { input.clone() } else { Value::Null };
    let info = Arc::new(opts.info(M::NAME, kept, M::CONTEXT));
    let mut cx = Cx::new(info);
    cx.event("ExecutionStarted", || json!({"input": input.to_string()}));
    let timeout = opts.timeout.or(timeout_seconds.map(Duration::from_secs));
    // The scope's future is built in each arm (not bound once and moved into `timeout`), so
    // the execution's future holds one copy of it: a parked execution stays small.
    let (outcome, timed_out) = match timeout {
        None => (run_scope(m, state, input, &mut cx).await, false),
        Some(t) => match tokio::time::timeout(t, run_scope(m, state, input, &mut cx)).await {
            Ok(r) => (r, false),
            Err(_) => (Err(Failure::bare(names::TIMEOUT)), true),
        },
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
