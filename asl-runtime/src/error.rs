//! Errors as ASL names them: an error name (`States.Timeout`, `Lambda.ServiceException`, a user's
//! own) and an optional cause text.

use std::fmt;

/// Names of the errors that the Step Functions runtime itself raises.
pub mod names {
    /// Matches every error but `States.Runtime`.
    pub const ALL: &str = "States.ALL";
    /// Matches every error a task can fail with, but timeouts.
    pub const TASK_FAILED: &str = "States.TaskFailed";
    /// A task or execution ran past its `TimeoutSeconds`.
    pub const TIMEOUT: &str = "States.Timeout";
    /// A task sent no heartbeat within its `HeartbeatSeconds`.
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    /// A run-time error no catcher can take (bad path, bad type).
    pub const RUNTIME: &str = "States.Runtime";
    /// A payload over AWS's 256 KiB limit.
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    /// Not allowed (IAM, in AWS).
    pub const PERMISSIONS: &str = "States.Permissions";
    /// `ResultPath` cannot be applied to the state's input.
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    /// A path in `Parameters` found nothing.
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    /// A Parallel branch failed.
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    /// No Choice rule matched and there is no `Default`.
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    /// An intrinsic function failed.
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    /// A Map's failed items exceeded its tolerated failures.
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    /// A Distributed Map's `ItemReader` failed.
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    /// A Distributed Map's `ResultWriter` failed.
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    /// A JSONata expression failed.
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
}

/// A failure as it travels through a workflow: what Retry and Catch match on, and what an
/// execution that fails reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The error name (`States.Timeout`, `Payment.Declined`, …).
    pub error: String,
    /// The cause, a human-readable text (AWS omits an absent one).
    pub cause: Option<String>,
}

impl Failure {
    /// A failure with an error name and a cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Failure { error: error.into(), cause: Some(cause.into()) }
    }

    /// A failure with an error name and no cause (a Fail state without `Cause`).
    pub fn bare(error: impl Into<String>) -> Self {
        Failure { error: error.into(), cause: None }
    }

    /// A `States.Runtime` failure with this cause.
    pub fn runtime(cause: impl Into<String>) -> Self {
        Failure::new(names::RUNTIME, cause)
    }

    /// The error output that Catch hands on: `{"Error": …, "Cause": …}`.
    pub fn to_error_output(&self) -> serde_json::Value {
        self.clone().into_error_output()
    }

    /// [`to_error_output`](Self::to_error_output), moving the strings. The two-key map is
    /// cloned from one made once per thread (no key hashed per error).
    pub fn into_error_output(self) -> serde_json::Value {
        use serde_json::{Map, Value};
        thread_local!(static SHAPES: [Map<String, Value>; 2] = [
            [("Error".to_owned(), Value::Null)].into_iter().collect(),
            [("Error".to_owned(), Value::Null), ("Cause".to_owned(), Value::Null)].into_iter().collect(),
        ]);
        let mut m = SHAPES.with(|s| s[usize::from(self.cause.is_some())].clone());
        let mut values = m.values_mut();
        if let Some(slot) = values.next() {
            *slot = Value::String(self.error);
        }
        if let (Some(slot), Some(c)) = (values.next(), self.cause) {
            *slot = Value::String(c);
        }
        Value::Object(m)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Some(c) => write!(f, "{}: {}", self.error, c),
            None => f.write_str(&self.error),
        }
    }
}

impl std::error::Error for Failure {}
