//! StartExecution, as AWS does it: a start only records the execution (its row, RUNNING and
//! runnable, held by nobody, and its `ExecutionStarted` event) through the group-commit writer,
//! and answers once that is durable. Running it is the claimers' business: this engine is woken
//! at once and claims it when it has room (`EngineOptions::max_running`), or any engine on the
//! store does (another process on PostgreSQL, this one after a restart). A burst of starts
//! builds a backlog of runnable rows rather than slowing the starts down.

use std::sync::atomic::{AtomicU64, Ordering};

use asl_runtime::Value;
use serde_json::json;

use super::frames::now;
use super::{Engine, EngineError, execution_arn};
use crate::store::{Execution, ExecutionStatus, HistoryEvent, Millis, StoreError, Write};

static NAMES: AtomicU64 = AtomicU64::new(0);

/// A UUID (version 7: the time first), so that the rows of executions started one after another
/// sit side by side in every index keyed by ARN (executions, frames, history): an insert touches
/// the B-trees' last pages, not a random page of a large table.
pub(crate) fn fresh_name() -> String {
    let ms = now().max(0) as u64;
    let n = NAMES.fetch_add(1, Ordering::Relaxed);
    let r = fastrand::u64(..) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!("{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}", (ms >> 16) as u32, (ms & 0xffff) as u16, (n & 0xfff) as u16, 0x8000 | (r >> 48) as u16 & 0x3fff, r & 0xffff_ffff_ffff)
}

/// The `ExecutionStarted` event a start records: the runtime's own (id 1, the input as text),
/// at the start date.
pub(crate) fn started_event(arn: &str, input: &Value, at: Millis) -> HistoryEvent {
    HistoryEvent { execution_arn: arn.to_owned(), id: 1, event_type: "ExecutionStarted".into(), timestamp: at, previous_id: 0, details: json!({"input": input.to_string()}) }
}

impl Engine {
    /// StartExecution: a new RUNNING execution, recorded and then run (here or by another engine
    /// on the store); the same name with the same input returns the running execution, otherwise
    /// `ExecutionAlreadyExists`.
    pub async fn start(&self, machine_arn: &str, name: Option<String>, input: Value) -> Result<String, EngineError> {
        Ok(self.start_with(machine_arn, None, name, input).await?.0)
    }

    /// [`start`](Self::start) on the machine registered (or resolved) as `runs` rather than as
    /// `machine_arn`: a version, or the revision of the definition current now. The execution
    /// belongs to `machine_arn` (its ARN, listings, names) and runs `runs`, also when resumed.
    /// Answers its ARN and start date. With `max_open_executions`, a new execution beyond it is
    /// `ExecutionLimitExceeded` (a repeated start of a running one is not new).
    pub async fn start_with(&self, machine_arn: &str, runs: Option<String>, name: Option<String>, input: Value) -> Result<(String, Millis), EngineError> {
        let machine = self.machine(runs.as_deref().unwrap_or(machine_arn))?;
        let same = |e: &Execution| -> Result<(String, Millis), EngineError> {
            if e.input == input && e.status == ExecutionStatus::Running { Ok((e.arn.clone(), e.start_date)) } else { Err(EngineError::ExecutionAlreadyExists(e.arn.clone())) }
        };
        // A name of ours is new: no need to look for it first.
        let name = match name {
            Some(name) => {
                if let Some(e) = self.0.store.find_execution(machine_arn, &name).await? {
                    return same(&e);
                }
                name
            }
            None => fresh_name(),
        };
        let limit = self.0.options.max_open_executions;
        if let Some(limit) = limit {
            self.0.open.ready(&self.0.store).await?;
            if !self.0.open.try_reserve(limit) {
                return Err(EngineError::ExecutionLimitExceeded(limit));
            }
        }
        let arn = execution_arn(machine_arn, &name);
        let t = now();
        let mut e = Execution::new(&arn, machine_arn, &name, input.clone(), t);
        e.runs = runs;
        // Outside a burst, with room here, this engine runs it at once: the row is inserted
        // held by it (no claim to make, no other engine takes it meanwhile).
        let starting = self.0.admission.starting();
        let here = self.0.admission.runs_at_once(self.running_here(), self.0.options.max_running);
        if here {
            e.runnable = false;
            e.owner = Some(self.0.owner.clone());
            e.lease_until = Some(t + self.0.options.lease_ms);
        }
        let writes = vec![Write::InsertExecution(e.clone()), Write::AppendEvent(started_event(&arn, &input, t))];
        // Through the group-commit writer: starts arriving together share one commit. Claims
        // wait while starts are being committed (see `admission`).
        let r = self.0.committer.commit(writes).await;
        drop(starting);
        if r.is_err() && limit.is_some() {
            self.0.open.closed();
        }
        if r.is_err() && here {
            self.0.admission.spawned();
        }
        match r {
            Ok(()) => {}
            Err(StoreError::AlreadyExists { .. }) => {
                return match self.0.store.find_execution(machine_arn, &name).await? {
                    Some(e) => same(&e),
                    None => Err(EngineError::ExecutionAlreadyExists(arn)),
                };
            }
            Err(err) => return Err(err.into()),
        }
        if limit.is_none() {
            self.0.open.opened();
        }
        if here {
            // Its `ExecutionStarted` is recorded: the runtime goes on from it.
            self.spawn(machine, e, Some(super::frames::resume(Vec::new(), input, t, 1)));
            self.0.admission.spawned();
        } else {
            // Claimed here when there is room (and the starts pause), or by another engine.
            self.0.wake.notify_one();
        }
        Ok((arn, t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_names_are_uuids_in_time_order() {
        let a = fresh_name();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = fresh_name();
        assert!(a < b, "{a} {b}");
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('7') && "89ab".contains(&parts[3][..1]), "{a}");
        assert_ne!(fresh_name(), fresh_name());
    }
}
