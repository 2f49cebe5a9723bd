//! RedriveExecution: an execution that FAILED, TIMED_OUT or was ABORTED goes on from where it
//! stopped, with what had completed kept (AWS's rules; see [`redrive_status`]).

use serde_json::json;

use super::frames::{self, from_millis, now};
use super::{Engine, EngineError};
use crate::store::{Execution, ExecutionPatch, ExecutionStatus, HistoryEvent, MachineType, Millis, StoreError, Write};

const DAY_MS: Millis = 24 * 60 * 60 * 1000;
/// AWS: "Your workflow execution has not exceeded the redrivable period of 14 days", counted
/// from the execution's end.
pub const REDRIVABLE_PERIOD_MS: Millis = 14 * DAY_MS;
/// AWS: "The workflow execution has not exceeded the maximum open time of one year."
pub const MAX_OPEN_MS: Millis = 365 * DAY_MS;
/// AWS: "The execution event history count is less than 24,999" (room for `ExecutionRedriven`
/// and one more event under the 25,000-event quota).
pub const REDRIVE_HISTORY_LIMIT: u64 = 24_999;

/// DescribeExecution's `redriveStatus`, with `redriveStatusReason` when it is not redrivable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedriveStatus {
    Redrivable,
    NotRedrivable(String),
}

impl RedriveStatus {
    /// `REDRIVABLE` / `NOT_REDRIVABLE`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RedriveStatus::Redrivable => "REDRIVABLE",
            RedriveStatus::NotRedrivable(_) => "NOT_REDRIVABLE",
        }
    }

    /// AWS's `redriveStatusReason`.
    pub fn reason(&self) -> Option<&str> {
        match self {
            RedriveStatus::Redrivable => None,
            RedriveStatus::NotRedrivable(r) => Some(r),
        }
    }
}

/// Whether `e`, whose last history event is `last_event`, can be redriven at `now`: AWS's
/// conditions, with its `redriveStatusReason` texts.
pub fn redrive_status(e: &Execution, last_event: u64, now: Millis) -> RedriveStatus {
    let no = |r: &str| RedriveStatus::NotRedrivable(r.to_owned());
    match e.status {
        ExecutionStatus::Running | ExecutionStatus::PendingRedrive => return no("Execution is RUNNING and cannot be redriven"),
        ExecutionStatus::Succeeded => return no("Execution is SUCCEEDED and cannot be redriven"),
        ExecutionStatus::Failed | ExecutionStatus::TimedOut | ExecutionStatus::Aborted => {}
    }
    if last_event >= REDRIVE_HISTORY_LIMIT {
        return no("Execution history event limit exceeded");
    }
    if now - e.start_date > MAX_OPEN_MS {
        return no("Execution has exceeded the max execution time");
    }
    if now - e.stop_date.unwrap_or(e.start_date) > REDRIVABLE_PERIOD_MS {
        return no("Execution redrivable period exceeded");
    }
    RedriveStatus::Redrivable
}

impl Engine {
    /// DescribeExecution's `redriveStatus` of `arn` now.
    pub async fn redrive_status(&self, arn: &str) -> Result<RedriveStatus, EngineError> {
        let e = self.describe(arn).await?;
        self.redrive_status_of(&e).await
    }

    async fn redrive_status_of(&self, e: &Execution) -> Result<RedriveStatus, EngineError> {
        if let Some(m) = self.0.store.get_machine(&e.machine_arn).await? {
            if m.status == "DELETING" {
                return Ok(RedriveStatus::NotRedrivable("State machine is in DELETING status".into()));
            }
            if m.machine_type == MachineType::Express {
                return Ok(RedriveStatus::NotRedrivable("Executions of EXPRESS state machines cannot be redriven".into()));
            }
        }
        let last = self.last_event(&e.arn).await?;
        Ok(redrive_status(e, last, now()))
    }

    async fn last_event(&self, arn: &str) -> Result<u64, EngineError> {
        Ok(self.0.store.history(arn, true, 1, None).await?.items.first().map_or(0, |h| h.id as u64))
    }

    /// RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution runs again here from the
    /// states that failed or were stopped (inside Parallel branches and Map iterations too);
    /// what had succeeded is not run again. Appends `ExecutionRedriven` (with `redriveCount`),
    /// sets status RUNNING, `redrive_count` + 1 and `redrive_date`; the machine-level timeout
    /// counts from the redrive. `ExecutionNotRedrivable` (AWS's reason) when
    /// [`redrive_status`] says no; the machine must be registered with this engine.
    pub async fn redrive(&self, arn: &str) -> Result<Execution, EngineError> {
        let e = self.describe(arn).await?;
        let machine = self.machine_of(&e)?;
        if let RedriveStatus::NotRedrivable(reason) = self.redrive_status_of(&e).await? {
            return Err(EngineError::ExecutionNotRedrivable(reason));
        }
        let last = self.last_event(arn).await?;
        let t = now();
        let count = e.redrive_count + 1;
        let framed = frames::redrive(self.0.store.frames(arn).await?);
        let mut writes = vec![
            // Both fail if another redrive (here or elsewhere) got there first.
            Write::Acquire { arn: arn.to_owned(), owner: self.0.owner.clone(), now: t, lease_until: t + self.0.options.lease_ms },
            Write::AppendEvent(HistoryEvent {
                execution_arn: arn.to_owned(),
                id: last as i64 + 1,
                event_type: "ExecutionRedriven".into(),
                timestamp: t,
                previous_id: last as i64,
                details: json!({"redriveCount": count}),
            }),
            Write::UpdateExecution {
                arn: arn.to_owned(),
                patch: ExecutionPatch {
                    status: Some(ExecutionStatus::Running),
                    output: Some(None),
                    error: Some(None),
                    cause: Some(None),
                    stop_date: Some(None),
                    redrive_count: Some(count),
                    redrive_date: Some(Some(t)),
                    wake_at: Some(None),
                    runnable: Some(false),
                },
            },
        ];
        writes.extend(framed.iter().map(|(scope, frame)| Write::PutFrame { execution_arn: arn.to_owned(), scope: scope.clone(), frame: frame.clone() }));
        match self.0.store.apply(writes).await {
            Ok(()) => {}
            Err(StoreError::AlreadyExists { .. } | StoreError::Conflict(_)) => return Err(EngineError::ExecutionNotRedrivable("Execution is RUNNING and cannot be redriven".into())),
            Err(err) => return Err(err.into()),
        }
        let mut resume = frames::resume(framed, e.input.clone(), e.start_date, last + 1);
        resume.redrive_count = count as u32;
        resume.redriven_at = Some(from_millis(t));
        let e = self.describe(arn).await?;
        self.0.open.opened();
        self.spawn(machine, e.clone(), Some(resume));
        Ok(e)
    }
}
