//! StartSyncExecution: an EXPRESS execution run to its end in memory while the caller waits, as
//! AWS runs synchronous Express workflows (no history kept, nothing in the store).

use std::sync::Arc;

use asl_runtime::{Execute, ExecutionOptions, Handlers, History, Value};

use super::convert::timestamp;
use crate::model::*;

pub(crate) async fn run(machine_arn: &str, machine_name: &str, name: Option<String>, definition: &str, input: Value, handlers: &Handlers, place: super::machines::Place) -> StartSyncExecutionOutput {
    let name = name.unwrap_or_else(crate::ids::new_id);
    let execution_arn = format!("arn:aws:states:{}:{}:express:{machine_name}:{name}:{}", place.region, place.account, crate::ids::new_id());
    let start = now_ms();
    let history = Arc::new(History::new());
    let mut options = ExecutionOptions { name: Some(name.clone()), observer: Some(history.clone()), ..Default::default() };
    place.apply(&mut options);
    let result = match super::machines::load(definition, machine_name).and_then(|w| w.machine(handlers, options.clone())) {
        Ok(m) => m.execute(input.clone(), options).await,
        // Checked when the machine was created: only a changed loader gets here.
        Err(e) => Err(asl_runtime::Failure::new("States.Runtime", e.to_string())),
    };
    let (status, output, error, cause) = match result {
        Ok(v) => (SyncExecutionStatus::Succeeded, Some(v.to_string()), None, None),
        Err(f) if history.kinds().contains(&"ExecutionTimedOut") => (SyncExecutionStatus::TimedOut, None, Some(f.error), f.cause),
        Err(f) => (SyncExecutionStatus::Failed, None, Some(f.error), f.cause),
    };
    let stop = now_ms();
    StartSyncExecutionOutput {
        execution_arn,
        state_machine_arn: Some(machine_arn.into()),
        name: Some(name),
        start_date: timestamp(start),
        stop_date: timestamp(stop),
        status,
        error,
        cause,
        input: Some(input.to_string()),
        input_details: Some(CloudWatchEventsExecutionDataDetails { included: Some(true) }),
        output_details: output.as_ref().map(|_| CloudWatchEventsExecutionDataDetails { included: Some(true) }),
        output,
        trace_header: None,
        billing_details: Some(BillingDetails { billed_memory_used_in_mb: Some(64), billed_duration_in_milliseconds: Some(((stop - start).max(1) + 99) / 100 * 100) }),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
