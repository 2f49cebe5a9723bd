//! Task tokens: executions waiting for SendTaskSuccess / SendTaskFailure (from this process,
//! woken at once, or from another one, seen by polling the task row), heartbeats passed on to
//! the running Task, the built-in handler of activity resources, and the record of an activity
//! worker taking a task.
//!
//! AWS records `ActivityStarted` (with the `workerName` given to GetActivityTask) when a worker
//! takes the task, not when it is scheduled. The process handing the task out does not own the
//! execution, and event ids are the owner's sequence (its runtime numbers them, and a batch is
//! written only behind `CheckOwner`), so the claim writes no event: it stamps the task row
//! (`worker`, `started`) and marks the execution runnable. The owner's waiter sees the row (at
//! once when the claim was made in this process, otherwise at its next poll; a parked execution
//! is claimed and resumed first) and records `TaskStarted` with the worker's name and the claim's
//! time through `TaskContext::record_event`, numbered after its last event; the same batch sets
//! the row's `started_event` (`Write::TaskStartRecorded`), so an owner that resumes the
//! execution after a crash does not record it twice. asl-server shows it as `ActivityStarted`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::{BoxFuture, Event, Failure, TaskContext, Value};
use tokio::sync::{Notify, mpsc, oneshot};

use super::frames::{from_millis, now};
use super::journal::Batch;
use crate::store::{Millis, Store, StoreError, Task, TaskOutcome, TaskStatus, Write, deadline_passed};

struct Waiter {
    execution_arn: String,
    scope: String,
    /// The scope's frame naming the token (an activity's, written with its task row).
    frame: Option<Value>,
    activity: Option<String>,
    ctx: TaskContext,
    tx: Option<oneshot::Sender<Result<Value, Failure>>>,
    writer: mpsc::UnboundedSender<Batch>,
    /// Poked when a worker of this process takes the activity task.
    taken: Arc<Notify>,
}

/// The tokens this process's executions wait for.
pub(crate) struct Tokens {
    waiters: Mutex<HashMap<String, Waiter>>,
    pub(crate) poll: Duration,
}

pub(crate) fn failure_of(t: &Task) -> Failure {
    // A deadline that passed fails the Task as the runtime's own timers do (an empty cause).
    let cause = if t.status == TaskStatus::TimedOut { Some(t.cause.clone().unwrap_or_default()) } else { t.cause.clone() };
    Failure { error: t.error.clone().unwrap_or_default(), cause }
}

/// A task row for `token` with the Task's deadlines as absolute due times (so that they still
/// fire after a restart): `TimeoutSeconds` from now, and for a callback `HeartbeatSeconds`
/// from now (an activity's heartbeat deadline is set when a worker takes the task).
pub(crate) fn task_row(token: &str, execution_arn: &str, scope: &str, activity: Option<&str>, input: Value, ctx: Option<&TaskContext>, now: Millis) -> Task {
    let mut t = Task::new(token, execution_arn, scope, activity, input, now);
    if let Some(ctx) = ctx {
        t.timeout_deadline = ctx.timeout.map(|d| now + d.as_millis() as Millis);
        t.heartbeat_ms = ctx.heartbeat.map(|d| d.as_millis() as i64);
        if activity.is_none() {
            t.heartbeat_deadline = t.heartbeat_ms.map(|h| now + h);
        }
    }
    t
}

impl Tokens {
    pub(crate) fn new(poll: Duration) -> Self {
        Tokens { waiters: Mutex::new(HashMap::new()), poll }
    }

    pub(crate) fn set_frame(&self, token: &str, frame: Value) {
        if let Some(w) = self.waiters.lock().unwrap().get_mut(token) {
            w.frame = Some(frame);
        }
    }

    /// The Task context the waiter of `token` was given (its timeouts).
    pub(crate) fn context(&self, token: &str) -> Option<TaskContext> {
        self.waiters.lock().unwrap().get(token).map(|w| w.ctx.clone())
    }

    pub(crate) fn set_scope(&self, token: &str, scope: &str) {
        if let Some(w) = self.waiters.lock().unwrap().get_mut(token) {
            w.scope = scope.to_owned();
        }
    }

    /// The answer to `token`: a local SendTask* call wakes it at once; otherwise the task row
    /// is read every `poll` (an answer from another process, a deadline passed).
    pub(crate) fn wait(
        self: &Arc<Self>,
        token: &str,
        execution_arn: &str,
        activity: Option<String>,
        ctx: TaskContext,
        store: Arc<dyn Store>,
        writer: mpsc::UnboundedSender<Batch>,
    ) -> BoxFuture<'static, Result<Value, Failure>> {
        let (tx, mut rx) = oneshot::channel();
        let (is_activity, taken) = (activity.is_some(), Arc::new(Notify::new()));
        let waiter = Waiter { execution_arn: execution_arn.to_owned(), scope: String::new(), frame: None, activity, ctx: ctx.clone(), tx: Some(tx), writer, taken: taken.clone() };
        self.waiters.lock().unwrap().insert(token.to_owned(), waiter);
        let (token, poll, this) = (token.to_owned(), self.poll, self.clone());
        Box::pin(async move {
            let mut beat = None;
            let mut next = poll;
            let mut start_recorded = !is_activity;
            let r = loop {
                tokio::select! {
                    r = &mut rx => break r.unwrap_or_else(|_| Err(Failure::new("States.Runtime", "the task's waiter was dropped"))),
                    _ = tokio::time::sleep(next) => {}
                    _ = taken.notified() => {}
                }
                if let Ok(Some(t)) = store.get_task(&token).await {
                    if !start_recorded {
                        start_recorded = record_start(&t, &ctx, &*store).await;
                    }
                    match t.status {
                        TaskStatus::Succeeded => break Ok(t.output.clone().unwrap_or(Value::Null)),
                        TaskStatus::Failed | TaskStatus::TimedOut | TaskStatus::Cancelled => break Err(failure_of(&t)),
                        TaskStatus::Scheduled | TaskStatus::Started => {
                            // A deadline kept in the row passed (perhaps while no process ran
                            // the execution): the row becomes TIMED_OUT and the Task fails.
                            let at = now();
                            if let Some(error) = deadline_passed(&t, at) {
                                let _ = store.expire_tasks(at, 100).await;
                                break Err(Failure::new(error, ""));
                            }
                            let due = [t.timeout_deadline, t.heartbeat_deadline].into_iter().flatten().min();
                            next = due.map_or(poll, |d| poll.min(Duration::from_millis((d - at).max(1) as u64)));
                            // A heartbeat sent to another process moved the deadline.
                            if t.heartbeat_deadline.is_some() && beat.is_some() && beat != t.heartbeat_deadline {
                                ctx.heartbeat();
                            }
                            beat = t.heartbeat_deadline;
                        }
                    }
                }
            };
            // Answered (here at once, or seen in the row) before the start was seen: it goes
            // first in the history.
            if !start_recorded && let Ok(Some(t)) = store.get_task(&token).await {
                record_start(&t, &ctx, &*store).await;
            }
            this.waiters.lock().unwrap().remove(&token);
            r
        })
    }

    /// A worker of this process took the activity task `token`: its waiter records the start now.
    pub(crate) fn taken(&self, token: &str) {
        if let Some(w) = self.waiters.lock().unwrap().get(token) {
            w.taken.notify_one();
        }
    }

    /// Wakes the local waiter of an answered token, if any.
    pub(crate) fn deliver(&self, t: &Task) {
        let tx = self.waiters.lock().unwrap().get_mut(&t.token).and_then(|w| w.tx.take());
        if let Some(tx) = tx {
            let r = match t.status {
                TaskStatus::Succeeded => Ok(t.output.clone().unwrap_or(Value::Null)),
                _ => Err(failure_of(t)),
            };
            let _ = tx.send(r);
        }
    }

    pub(crate) fn heartbeat(&self, token: &str) {
        if let Some(w) = self.waiters.lock().unwrap().get(token) {
            w.ctx.heartbeat();
        }
    }

    pub(crate) fn forget_execution(&self, arn: &str) {
        self.waiters.lock().unwrap().retain(|_, w| w.execution_arn != arn);
    }

    /// The handler of activity resources: it writes the activity task (with its input) for a
    /// worker to fetch, and returns; the Journal's `answer` carries the waiting.
    pub(crate) fn activity_handler(self: &Arc<Self>) -> impl Fn(Value, TaskContext) -> BoxFuture<'static, Result<Value, Failure>> + Send + Sync + 'static {
        let this = self.clone();
        move |input: Value, ctx: TaskContext| {
            let this = this.clone();
            Box::pin(async move {
                let token = ctx.token.as_deref().ok_or_else(|| Failure::new("States.Runtime", "an activity task without a token"))?.to_owned();
                let found = this.waiters.lock().unwrap().get(&token).map(|w| {
                    let task = task_row(&token, &w.execution_arn, &w.scope, w.activity.as_deref(), input.clone(), Some(&w.ctx), now());
                    let mut writes = vec![Write::InsertTask(task)];
                    if let Some(frame) = w.frame.clone() {
                        writes.push(Write::PutFrame { execution_arn: w.execution_arn.clone(), scope: w.scope.clone(), frame });
                    }
                    (writes, w.writer.clone())
                });
                let Some((writes, writer)) = found else {
                    return Err(Failure::new("States.Runtime", "activity resources run only under asl-engine"));
                };
                let (tx, rx) = oneshot::channel();
                writer.send((writes, tx)).map_err(|_| Failure::new("States.Runtime", "the execution's writer has stopped"))?;
                match rx.await {
                    Ok(Ok(())) | Ok(Err(StoreError::AlreadyExists { .. })) => Ok(Value::Null),
                    Ok(Err(e)) => Err(Failure::new("States.Runtime", format!("could not schedule the activity task: {e}"))),
                    Err(_) => Err(Failure::new("States.Runtime", "the execution's writer has stopped")),
                }
            }) as BoxFuture<'static, Result<Value, Failure>>
        }
    }
}

/// Records that a worker took the activity task `t` (a `TaskStarted` event with its name, at the
/// claim's time), unless that is recorded already; whether it is recorded (or has nothing to
/// record: never taken and already answered). The event takes the next id, so its timestamp is
/// no earlier than the last event's (written since the claim, perhaps by an owner before a
/// restart): AWS's timestamps follow the ids (the journal does the same for events of its own
/// not yet committed).
async fn record_start(t: &Task, ctx: &TaskContext, store: &dyn Store) -> bool {
    if t.started_event.is_some() {
        return true;
    }
    let Some(claimed) = t.started else { return !t.status.is_open() };
    let last = match store.history(&t.execution_arn, true, 1, None).await {
        Ok(page) => page.items.first().map_or(0, |e| e.timestamp),
        Err(_) => 0,
    };
    let at = claimed.max(last);
    // The token goes to the journal's `start_marker`, not into the history; a worker that gave
    // no name has none in the event (AWS's `workerName` is optional).
    let mut details = serde_json::json!({"resource": ctx.resource, START_TOKEN: t.token});
    if let Some(w) = t.worker.as_deref().filter(|w| !w.is_empty()) {
        details["workerName"] = w.into();
    }
    let _ = ctx.record_event("TaskStarted", from_millis(at), details).await;
    true
}

const START_TOKEN: &str = "__startedToken";

/// The history details of event `e`, and for the `TaskStarted` an activity's waiter records,
/// the write that marks its task row recorded (in the same batch, so that it is written once).
pub(crate) fn start_marker(e: &Event) -> (Value, Option<Write>) {
    let mut details = e.details.clone();
    if e.kind != "TaskStarted" {
        return (details, None);
    }
    let token = details.as_object_mut().and_then(|d| d.remove(START_TOKEN));
    let marker = token.and_then(|t| t.as_str().map(|token| Write::TaskStartRecorded { token: token.to_owned(), event_id: e.id as i64 }));
    (details, marker)
}

/// Outcome of a send-task-* call.
pub(crate) fn outcome_success(output: Value) -> TaskOutcome {
    TaskOutcome::Success(output)
}
