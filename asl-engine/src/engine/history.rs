//! AWS's hard quota of 25,000 events in an execution's history: "If the event number 25,000 is
//! ExecutionSucceeded, the execution finishes successfully. If the event number 25,000 isn't
//! ExecutionSucceeded, the ExecutionFailed event is logged and the state machine execution
//! fails because of reaching the history limit" (AWS's `bp-history-limit` page). The failure
//! is `States.Runtime`, "The execution reached the maximum number of history events (25000).",
//! as AWS records it.

use asl_runtime::Failure;
use serde_json::json;

use crate::store::{HistoryEvent, Millis, Write};

/// The most events an execution's history holds.
pub const HISTORY_LIMIT: u64 = 25_000;

const CAUSE: &str = "The execution reached the maximum number of history events (25000).";

/// Whether event `id` of type `kind` is past the quota (and so is not recorded).
pub(crate) fn over_limit(id: u64, kind: &str) -> bool {
    id > HISTORY_LIMIT || id == HISTORY_LIMIT && kind != "ExecutionSucceeded"
}

pub(crate) fn limit_failure() -> Failure {
    Failure::new("States.Runtime", CAUSE)
}

/// The `ExecutionFailed` event that takes the quota's last place.
pub(crate) fn limit_event(arn: &str, at: Millis) -> Write {
    Write::AppendEvent(HistoryEvent {
        execution_arn: arn.to_owned(),
        id: HISTORY_LIMIT as i64,
        event_type: "ExecutionFailed".into(),
        timestamp: at,
        previous_id: HISTORY_LIMIT as i64 - 1,
        details: json!({"error": "States.Runtime", "cause": CAUSE}),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_execution_succeeded_takes_the_last_place() {
        assert!(!over_limit(24_999, "PassStateEntered"));
        assert!(!over_limit(25_000, "ExecutionSucceeded"));
        assert!(over_limit(25_000, "PassStateEntered"));
        assert!(over_limit(25_000, "ExecutionFailed"));
        assert!(over_limit(25_001, "ExecutionSucceeded"));
    }
}
