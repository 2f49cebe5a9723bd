//! Durable storage for executions: one [`Store`] trait, three implementations
//! ([`MemoryStore`] for tests, [`SqliteStore`] the embedded default, [`PostgresStore`] for
//! several processes sharing the work), and a group-commit writer ([`Committer`]) on top.
//!
//! # The model
//!
//! | table | key | holds |
//! | --- | --- | --- |
//! | `state_machines` | arn | name, type, definition text, role, dates, revision, status, tags, attributes. Versions and aliases are rows of their own whose `attributes` point at a definition. |
//! | `executions` | arn, unique (machine arn, name) | status, input/output/error/cause, dates, redrive count, and the scheduling columns `wake_at`, `runnable`, `owner`, `lease_until` |
//! | `frames` | (execution arn, scope) | the checkpoint: one JSON frame per scope (the root scope is `""`, Parallel branches and Map iterations have keys of their own chosen by the engine); all frames of an execution are read in one query, and a finished Parallel/Map deletes its frames by key prefix |
//! | `history_events` | (execution arn, id) | AWS's history: type, timestamp, previous event id, details |
//! | `activities` | arn | name, created date, tags |
//! | `tasks` | token | task tokens: activity tasks (activity arn set) and `.waitForTaskToken` callbacks (activity arn null), with status, outcome, worker and deadlines |
//!
//! JSON values are opaque to the store and kept as TEXT in both databases (PostgreSQL's
//! JSONB would reorder object keys, and ASL output keeps them in order). Times are
//! milliseconds since the Unix epoch ([`Millis`]).
//!
//! # Writes
//!
//! Every change is a [`Write`]; [`Store::apply`] commits a batch in one transaction, so a
//! transition's frame, history events and execution update become visible together or not at
//! all. [`Store::apply_groups`] commits several callers' batches in ONE transaction, each group
//! inside its own savepoint so that one group's failure (say, an owner check) rolls back only that
//! group. [`Committer`] is the group-commit writer built on it: concurrent callers queue their
//! batches, a background task commits whatever is queued at once, and one fsync (SQLite) or one
//! round of commit (PostgreSQL) serves them all. Durability costs a disk flush per commit, not per
//! transition; that is what lets a 2-core machine do tens of thousands of durable transitions per
//! second.
//!
//! # Several processes: leases and `SKIP LOCKED`
//!
//! An execution is run by at most one process at a time: its `owner` with a lease that expires at
//! `lease_until`. [`Store::claim`] hands out RUNNING executions that have something to do
//! (`runnable`, or a timer due: `wake_at <= now`) and that nobody holds, plus those whose
//! owner's lease has expired (that process died or stalled), setting owner and lease in the same
//! statement. On PostgreSQL the candidate rows are locked with `FOR UPDATE SKIP LOCKED`, so two
//! processes claiming at the same moment skip each other's rows instead of waiting or getting the
//! same one. A process renews its leases well before they expire ([`Store::renew`], which tells it
//! which ones it lost) and releases an execution when it parks ([`Write::Release`]); a parked
//! execution costs no memory anywhere and is claimed again when it is runnable or due. Each batch
//! an owner writes starts with [`Write::CheckOwner`], so a process whose lease was taken over
//! cannot write over the new owner's work: its batch fails with [`StoreError::Conflict`].
//! Activity tasks are claimed the same way ([`Store::claim_activity_task`]): each task goes to one
//! worker. A transaction that changes an execution and its tasks locks the execution's row
//! first (an owner's batch, an answer, the expiry of deadlines, a purge), so that on PostgreSQL
//! no two of them deadlock.
//!
//! # Schema and errors
//!
//! Each database store creates its tables when it opens, from embedded SQL migrations recorded in
//! a `schema_version` table (PostgreSQL migrates under an advisory lock, so processes starting
//! together do it once); a database of a newer version than the build is refused. Every failure
//! is a [`StoreError`]; [`StoreError::is_transient`] tells the engine what to retry (lock
//! contention, connection lost, disk full) from what retrying cannot fix.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use asl_engine::store::*;
//! use serde_json::json;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let store: Arc<dyn Store> = Arc::new(MemoryStore::new()); // or SqliteStore::open(path)?
//! let committer = Committer::new(store.clone());
//! let arn = "arn:aws:states:us-east-1:123456789012:execution:m:e1";
//! let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:m";
//! store.apply(vec![Write::InsertExecution(Execution::new(arn, machine, "e1", json!({}), 0))]).await?;
//!
//! // A worker process takes it, checkpoints one transition, and parks it until a timer.
//! let mine = store.claim("worker-1", 1_000, 30_000, 100).await?;
//! assert_eq!(mine.len(), 1);
//! committer
//!     .commit(vec![
//!         Write::CheckOwner { arn: arn.into(), owner: "worker-1".into() },
//!         Write::PutFrame { execution_arn: arn.into(), scope: "".into(), frame: json!({"state": "Wait"}) },
//!         Write::UpdateExecution {
//!             arn: arn.into(),
//!             patch: ExecutionPatch { runnable: Some(false), wake_at: Some(Some(60_000)), ..Default::default() },
//!         },
//!         Write::Release { arn: arn.into(), owner: "worker-1".into() },
//!     ])
//!     .await?;
//! assert!(store.claim("worker-2", 59_999, 30_000, 100).await?.is_empty());
//! assert_eq!(store.claim("worker-2", 60_000, 30_000, 100).await?.len(), 1);
//! assert_eq!(store.frames(arn).await?, vec![("".to_string(), json!({"state": "Wait"}))]);
//! # Ok::<(), StoreError>(())
//! # }).unwrap();
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

mod committer;
mod memory;
mod postgres;
mod sql;
mod sqlite;

pub use committer::Committer;
pub use memory::MemoryStore;
pub use postgres::{PostgresOptions, PostgresStore};
pub use sqlite::{SqliteStore, SqliteSync};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// The future every [`Store`] method returns: boxed so that the trait is object safe.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The most a page of history or a list may hold (AWS's `maxResults` limit).
pub const MAX_PAGE: usize = 1000;

/// A Standard or Express state machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MachineType {
    Standard,
    Express,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StateMachine {
    pub arn: String,
    pub name: String,
    pub machine_type: MachineType,
    pub definition: String,
    pub role_arn: String,
    pub created: Millis,
    pub revision_id: String,
    /// AWS's `ACTIVE` / `DELETING`.
    pub status: String,
    pub tags: Value,
    /// Whatever else the engine keeps (version number, alias routing, logging configuration...).
    pub attributes: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExecutionStatus {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
    PendingRedrive,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Execution {
    pub arn: String,
    pub machine_arn: String,
    pub name: String,
    pub status: ExecutionStatus,
    pub input: Value,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub start_date: Millis,
    pub stop_date: Option<Millis>,
    pub redrive_count: i64,
    pub redrive_date: Option<Millis>,
    /// The next timer due (a Wait, a retry back-off, a task deadline), if any.
    pub wake_at: Option<Millis>,
    /// There is something to do now (a token was answered, the execution was just started).
    pub runnable: bool,
    /// The process running it, while its lease lasts.
    pub owner: Option<String>,
    pub lease_until: Option<Millis>,
    /// The key of the registered machine that runs it, when it is not `machine_arn` (a version,
    /// or the revision of the definition it started on: see [`Engine::start_with`](crate::Engine::start_with)).
    pub runs: Option<String>,
}

impl Execution {
    /// A new RUNNING, runnable execution with no owner.
    pub fn new(arn: &str, machine_arn: &str, name: &str, input: Value, start_date: Millis) -> Self {
        Execution {
            arn: arn.into(),
            machine_arn: machine_arn.into(),
            name: name.into(),
            status: ExecutionStatus::Running,
            input,
            output: None,
            error: None,
            cause: None,
            start_date,
            stop_date: None,
            redrive_count: 0,
            redrive_date: None,
            wake_at: None,
            runnable: true,
            owner: None,
            lease_until: None,
            runs: None,
        }
    }
}

/// A partial update of an execution: `None` leaves a column as it is; for nullable columns
/// `Some(None)` sets NULL. Owner and lease are changed only by claim / renew / release.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecutionPatch {
    pub status: Option<ExecutionStatus>,
    pub output: Option<Option<Value>>,
    pub error: Option<Option<String>>,
    pub cause: Option<Option<String>>,
    pub stop_date: Option<Option<Millis>>,
    pub redrive_count: Option<i64>,
    pub redrive_date: Option<Option<Millis>>,
    pub wake_at: Option<Option<Millis>>,
    pub runnable: Option<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEvent {
    pub execution_arn: String,
    /// 1, 2, 3... within the execution.
    pub id: i64,
    pub event_type: String,
    pub timestamp: Millis,
    /// 0 when there is none (AWS's `previousEventId`).
    pub previous_id: i64,
    pub details: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    pub arn: String,
    pub name: String,
    pub created: Millis,
    pub tags: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskStatus {
    Scheduled,
    Started,
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
}

impl TaskStatus {
    /// Still waiting for an answer.
    pub fn is_open(self) -> bool {
        matches!(self, TaskStatus::Scheduled | TaskStatus::Started)
    }
}

/// A task token: an activity task (`activity_arn` set) or a `.waitForTaskToken` callback.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub token: String,
    pub execution_arn: String,
    /// The frame scope that waits for it.
    pub scope: String,
    pub activity_arn: Option<String>,
    pub input: Value,
    pub status: TaskStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// The activity worker that took it.
    pub worker: Option<String>,
    /// HeartbeatSeconds, in ms: a claim and each heartbeat move the heartbeat deadline to now + this.
    pub heartbeat_ms: Option<i64>,
    pub heartbeat_deadline: Option<Millis>,
    pub timeout_deadline: Option<Millis>,
    pub created: Millis,
    /// When an activity worker took it (GetActivityTask).
    pub started: Option<Millis>,
    /// The history event recording that start (`TaskStarted`, AWS's `ActivityStarted`), once
    /// the execution's owner has written it.
    pub started_event: Option<i64>,
}

impl Task {
    /// A new SCHEDULED task without deadlines.
    pub fn new(token: &str, execution_arn: &str, scope: &str, activity_arn: Option<&str>, input: Value, created: Millis) -> Self {
        Task {
            token: token.into(),
            execution_arn: execution_arn.into(),
            scope: scope.into(),
            activity_arn: activity_arn.map(Into::into),
            input,
            status: TaskStatus::Scheduled,
            output: None,
            error: None,
            cause: None,
            worker: None,
            heartbeat_ms: None,
            heartbeat_deadline: None,
            timeout_deadline: None,
            created,
            started: None,
            started_event: None,
        }
    }
}

/// The answer to a task token (`SendTaskSuccess` / `SendTaskFailure`).
#[derive(Clone, Debug, PartialEq)]
pub enum TaskOutcome {
    Success(Value),
    Failure { error: Option<String>, cause: Option<String> },
}

/// One change; a `Vec<Write>` is committed atomically by [`Store::apply`].
#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    /// Insert; [`StoreError::AlreadyExists`] if the arn is taken.
    InsertMachine(StateMachine),
    /// Replace an existing machine; [`StoreError::NotFound`] if there is none.
    UpdateMachine(StateMachine),
    /// Delete a machine (no error if it is absent; AWS's delete is idempotent).
    DeleteMachine(String),
    InsertActivity(Activity),
    DeleteActivity(String),
    /// Insert; [`StoreError::AlreadyExists`] if the arn or (machine arn, name) is taken.
    InsertExecution(Execution),
    /// [`StoreError::NotFound`] if there is no such execution.
    UpdateExecution {
        arn: String,
        patch: ExecutionPatch,
    },
    /// Fails the batch with [`StoreError::Conflict`] unless `owner` holds the execution: put it
    /// first in every batch an owner writes, so a process that lost its lease writes nothing.
    CheckOwner {
        arn: String,
        owner: String,
    },
    /// Takes the lease for `owner` until `lease_until` when nobody holds the execution, its
    /// holder's lease ended before `now`, or `owner` holds it already (a redrive of an ended
    /// execution); [`StoreError::Conflict`] when another owner holds it.
    Acquire {
        arn: String,
        owner: String,
        now: Millis,
        lease_until: Millis,
    },
    /// Give up the lease (the execution parks); nothing happens if `owner` does not hold it.
    Release {
        arn: String,
        owner: String,
    },
    /// Parks an execution `owner` holds: gives up the lease and sets `wake_at`; `runnable`
    /// becomes whether the task of `token` (the one it waits for, if any) is already answered or
    /// expired, read inside the transaction, so that an answer committed just before is not
    /// lost. Nothing happens if `owner` does not hold it.
    Park {
        arn: String,
        owner: String,
        wake_at: Option<Millis>,
        token: Option<String>,
    },
    /// Insert or replace the frame of one scope.
    PutFrame {
        execution_arn: String,
        scope: String,
        frame: Value,
    },
    /// Delete every frame whose scope starts with `prefix` (a plain string prefix; "" deletes all).
    DeleteFrames {
        execution_arn: String,
        prefix: String,
    },
    /// [`StoreError::AlreadyExists`] if the event id is taken.
    AppendEvent(HistoryEvent),
    /// [`StoreError::AlreadyExists`] if the token is taken.
    InsertTask(Task),
    /// The execution's owner recorded the start of an activity task (taken by a worker) as
    /// history event `event_id`: written in the event's batch, so it is recorded once.
    TaskStartRecorded {
        token: String,
        event_id: i64,
    },
    /// Open tasks of the execution whose scope starts with `scope_prefix` become CANCELLED (an
    /// execution stopped, a branch abandoned): their tokens then answer `TaskDoesNotExist`.
    CancelTasks {
        execution_arn: String,
        scope_prefix: String,
    },
}

/// What an execution resumes from: its frames and its last history event id.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    pub execution_arn: String,
    pub frames: Vec<(String, Value)>,
    pub last_event: i64,
}

/// A page of results and the token for the next one (None at the end).
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// What to list: executions newest first, optionally of one machine and one status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecutionFilter {
    pub machine_arn: Option<String>,
    pub status: Option<ExecutionStatus>,
}

/// What [`Store::purge`] removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub executions: u64,
    pub events: u64,
}

/// Why a store operation failed.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    NotFound {
        what: &'static str,
        key: String,
    },
    AlreadyExists {
        what: &'static str,
        key: String,
    },
    /// The write contradicts the stored state (another owner holds the execution). Not transient:
    /// retrying the same write fails again.
    Conflict(String),
    /// Lock contention, a serialization failure or a deadlock: retry the transaction.
    Busy(String),
    /// The database cannot be reached or written (connection lost, server restarting, disk full,
    /// read-only file). Retry later; nothing of the failed transaction was committed.
    Unavailable(String),
    /// Stored data cannot be read back (bad JSON, unknown enum value, a damaged database file).
    Corrupt(String),
    /// Any other database error (a bug or a schema that does not match): not transient.
    Database(String),
    /// A bad argument, such as a pagination token this store did not issue (AWS's InvalidToken).
    InvalidArgument(String),
    /// No task has this token (AWS's `TaskDoesNotExist`).
    TaskDoesNotExist(String),
    /// The task was already answered or cancelled; AWS answers `TaskDoesNotExist` for it too.
    TaskFinished {
        token: String,
        status: TaskStatus,
    },
    /// The task's timeout or heartbeat deadline passed (AWS's `TaskTimedOut`).
    TaskTimedOut(String),
}

impl StoreError {
    /// Worth retrying the same call: the failure was about the database, not the request.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Busy(_) | StoreError::Unavailable(_))
    }

    /// The AWS Step Functions error code this maps to, where there is one.
    pub fn aws_code(&self) -> Option<&'static str> {
        Some(match self {
            StoreError::TaskDoesNotExist(_) | StoreError::TaskFinished { .. } => "TaskDoesNotExist",
            StoreError::TaskTimedOut(_) => "TaskTimedOut",
            StoreError::InvalidArgument(_) => "InvalidToken",
            StoreError::AlreadyExists { what: "execution", .. } => "ExecutionAlreadyExists",
            StoreError::AlreadyExists { what: "state machine", .. } => "StateMachineAlreadyExists",
            StoreError::NotFound { what: "execution", .. } => "ExecutionDoesNotExist",
            StoreError::NotFound { what: "state machine", .. } => "StateMachineDoesNotExist",
            StoreError::NotFound { what: "activity", .. } => "ActivityDoesNotExist",
            _ => return None,
        })
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound { what, key } => write!(f, "{what} does not exist: {key}"),
            StoreError::AlreadyExists { what, key } => write!(f, "{what} already exists: {key}"),
            StoreError::Conflict(m) => write!(f, "conflict: {m}"),
            StoreError::Busy(m) => write!(f, "database busy, retry: {m}"),
            StoreError::Unavailable(m) => write!(f, "database unavailable: {m}"),
            StoreError::Corrupt(m) => write!(f, "stored data is corrupt: {m}"),
            StoreError::Database(m) => write!(f, "database error: {m}"),
            StoreError::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            StoreError::TaskDoesNotExist(t) => write!(f, "task does not exist: {t}"),
            StoreError::TaskFinished { token, status } => {
                write!(f, "task {token} is already {}", status.as_str())
            }
            StoreError::TaskTimedOut(t) => write!(f, "task timed out: {t}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// Durable storage of state machines, executions, checkpoints, history, activities and tasks.
///
/// Every method is one transaction. Implementations never panic on a database error: they
/// return a [`StoreError`].
pub trait Store: Send + Sync {
    /// Commits each group in its own savepoint inside one transaction. The outer error means
    /// nothing was committed (the transaction itself failed); otherwise each group's result says
    /// whether that group was committed or rolled back.
    fn apply_groups(&self, groups: Vec<Vec<Write>>) -> StoreFuture<'_, Vec<Result<(), StoreError>>>;

    /// Commits one batch atomically.
    fn apply(&self, writes: Vec<Write>) -> StoreFuture<'_, ()> {
        let fut = self.apply_groups(vec![writes]);
        Box::pin(async move { fut.await?.pop().unwrap_or(Ok(())) })
    }

    fn get_machine(&self, arn: &str) -> StoreFuture<'_, Option<StateMachine>>;
    /// By arn, ascending.
    fn list_machines(&self, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<StateMachine>>;

    fn get_activity(&self, arn: &str) -> StoreFuture<'_, Option<Activity>>;
    /// By arn, ascending.
    fn list_activities(&self, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<Activity>>;

    fn get_execution(&self, arn: &str) -> StoreFuture<'_, Option<Execution>>;
    /// The execution of that machine with that name (for `ExecutionAlreadyExists`).
    fn find_execution(&self, machine_arn: &str, name: &str) -> StoreFuture<'_, Option<Execution>>;
    /// Newest first (start date, then arn, descending).
    fn list_executions(&self, filter: ExecutionFilter, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<Execution>>;
    /// How many executions are RUNNING (the open-executions quota's count). The database stores
    /// count them in the `executions_open` index; this default pages through the list.
    fn count_open(&self) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let (mut n, mut token) = (0, None);
            loop {
                let filter = ExecutionFilter { machine_arn: None, status: Some(ExecutionStatus::Running) };
                let page = self.list_executions(filter, MAX_PAGE, token).await?;
                n += page.items.len() as u64;
                token = page.next_token;
                if token.is_none() {
                    return Ok(n);
                }
            }
        })
    }

    /// All frames of an execution, by scope key, in one query.
    fn frames(&self, execution_arn: &str) -> StoreFuture<'_, Vec<(String, Value)>>;

    /// A page of history (AWS's GetExecutionHistory): `max_results` 1..=1000 (0 means 100).
    fn history(&self, execution_arn: &str, reverse: bool, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<HistoryEvent>>;

    /// Deletes up to `limit` executions that ended before `before`, with their history, frames
    /// and tasks. Call it again while it deletes `limit`.
    fn purge(&self, before: Millis, limit: usize) -> StoreFuture<'_, Purged>;

    /// Leases to `owner` until `now + lease_ms` up to `limit` RUNNING executions, oldest first:
    /// those nobody holds that are runnable or due, and those whose owner's lease has expired
    /// (whatever their state: the new owner resumes them from their frames). Executions under a
    /// live lease, `owner`'s own included, are not returned: the holder already has them.
    /// `owner`'s own lapsed leases are left out until they lapsed a whole `lease_ms` ago (it runs
    /// them, and its renewal is only late under load; a new process that reuses a dead one's name
    /// takes that one's executions then), and come after every other owner's: a claim under load
    /// takes a dead process's executions first, not the claimer's own again.
    fn claim(&self, owner: &str, now: Millis, lease_ms: i64, limit: usize) -> StoreFuture<'_, Vec<Execution>>;
    /// Like [`claim`](Self::claim), but only executions nobody holds that are runnable or due:
    /// parked executions woken by an answer, an expired task or their `wake_at` (an expired lease
    /// is left to [`claim`](Self::claim), which the engine's recovery runs).
    fn claim_woken(&self, owner: &str, now: Millis, lease_ms: i64, limit: usize) -> StoreFuture<'_, Vec<Execution>>;
    /// The frames and the last history event id (0 if none) of each execution of `arns`, to
    /// resume a batch of executions in a few queries.
    fn checkpoints(&self, arns: Vec<String>) -> StoreFuture<'_, Vec<Checkpoint>> {
        Box::pin(async move {
            let mut out = Vec::with_capacity(arns.len());
            for arn in arns {
                let frames = self.frames(&arn).await?;
                let last_event = self.history(&arn, true, 1, None).await?.items.first().map_or(0, |h| h.id);
                out.push(Checkpoint { execution_arn: arn, frames, last_event });
            }
            Ok(out)
        })
    }
    /// Extends `owner`'s leases on `arns` to `now + lease_ms`; returns the arns it still held.
    fn renew(&self, owner: &str, arns: Vec<String>, now: Millis, lease_ms: i64) -> StoreFuture<'_, Vec<String>>;
    /// Gives up the lease; false if `owner` did not hold it.
    fn release(&self, owner: &str, arn: &str) -> StoreFuture<'_, bool> {
        let check = Write::CheckOwner { arn: arn.into(), owner: owner.into() };
        let release = Write::Release { arn: arn.into(), owner: owner.into() };
        let fut = self.apply(vec![check, release]);
        Box::pin(async move {
            match fut.await {
                Ok(()) => Ok(true),
                Err(StoreError::Conflict(_)) => Ok(false),
                Err(e) => Err(e),
            }
        })
    }

    fn get_task(&self, token: &str) -> StoreFuture<'_, Option<Task>>;
    /// The tasks of an execution, oldest first.
    fn tasks(&self, execution_arn: &str) -> StoreFuture<'_, Vec<Task>>;
    /// The oldest SCHEDULED task of the activity, now STARTED by `worker` at `now` (each task goes
    /// to one worker); its heartbeat deadline moves to `now + heartbeat_ms`, and its execution is
    /// marked runnable: its owner (or, when it is parked, whoever claims it) records the start in
    /// the history (AWS's `ActivityStarted` with the worker's name).
    fn claim_activity_task(&self, activity_arn: &str, worker: &str, now: Millis) -> StoreFuture<'_, Option<Task>>;
    /// Records the answer and marks the execution runnable (if a live process holds it, that
    /// process sees the flag on its next read; a parked one is claimed); the task as it now is.
    /// Errors:
    /// [`StoreError::TaskDoesNotExist`], [`StoreError::TaskFinished`], [`StoreError::TaskTimedOut`]
    /// (a deadline passed, even if the engine has not failed the task yet).
    fn answer_task(&self, token: &str, outcome: TaskOutcome, now: Millis) -> StoreFuture<'_, Task>;
    /// Moves the heartbeat deadline to `now + heartbeat_ms`; the same errors as `answer_task`.
    fn heartbeat(&self, token: &str, now: Millis) -> StoreFuture<'_, Task>;
    /// Open tasks whose timeout or heartbeat deadline is `<= now` become TIMED_OUT (error
    /// `States.Timeout` or `States.HeartbeatTimeout`) and their executions runnable; returns up to
    /// `limit` of them. Each expired task is returned to one caller only.
    fn expire_tasks(&self, now: Millis, limit: usize) -> StoreFuture<'_, Vec<Task>>;
}

// ---- shared helpers of the implementations ----

impl MachineType {
    pub fn as_str(self) -> &'static str {
        match self {
            MachineType::Standard => "STANDARD",
            MachineType::Express => "EXPRESS",
        }
    }
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "STANDARD" => MachineType::Standard,
            "EXPRESS" => MachineType::Express,
            _ => {
                return Err(StoreError::Corrupt(format!("unknown state machine type {s:?}")));
            }
        })
    }
}

impl ExecutionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "RUNNING",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Aborted => "ABORTED",
            ExecutionStatus::PendingRedrive => "PENDING_REDRIVE",
        }
    }
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "RUNNING" => ExecutionStatus::Running,
            "SUCCEEDED" => ExecutionStatus::Succeeded,
            "FAILED" => ExecutionStatus::Failed,
            "TIMED_OUT" => ExecutionStatus::TimedOut,
            "ABORTED" => ExecutionStatus::Aborted,
            "PENDING_REDRIVE" => ExecutionStatus::PendingRedrive,
            _ => {
                return Err(StoreError::Corrupt(format!("unknown execution status {s:?}")));
            }
        })
    }
    /// Ended: counts for retention.
    pub fn is_final(self) -> bool {
        !matches!(self, ExecutionStatus::Running | ExecutionStatus::PendingRedrive)
    }
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Scheduled => "SCHEDULED",
            TaskStatus::Started => "STARTED",
            TaskStatus::Succeeded => "SUCCEEDED",
            TaskStatus::Failed => "FAILED",
            TaskStatus::TimedOut => "TIMED_OUT",
            TaskStatus::Cancelled => "CANCELLED",
        }
    }
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "SCHEDULED" => TaskStatus::Scheduled,
            "STARTED" => TaskStatus::Started,
            "SUCCEEDED" => TaskStatus::Succeeded,
            "FAILED" => TaskStatus::Failed,
            "TIMED_OUT" => TaskStatus::TimedOut,
            "CANCELLED" => TaskStatus::Cancelled,
            _ => return Err(StoreError::Corrupt(format!("unknown task status {s:?}"))),
        })
    }
}

pub(crate) fn json_text(v: &Value) -> String {
    v.to_string()
}

pub(crate) fn parse_json(s: &str) -> Result<Value, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("stored JSON does not parse: {e}")))
}

pub(crate) fn page_size(max_results: usize) -> usize {
    match max_results {
        0 => 100,
        n => n.min(MAX_PAGE),
    }
}

/// The error an answer or heartbeat gets for a task, if any.
pub(crate) fn task_answer_error(task: &Task, now: Millis) -> Option<StoreError> {
    if task.status == TaskStatus::TimedOut || task.status.is_open() && deadline_passed(task, now).is_some() {
        return Some(StoreError::TaskTimedOut(task.token.clone()));
    }
    if !task.status.is_open() {
        return Some(StoreError::TaskFinished { token: task.token.clone(), status: task.status });
    }
    None
}

/// Which deadline of an open task has passed: the error the engine reports for it.
pub(crate) fn deadline_passed(task: &Task, now: Millis) -> Option<&'static str> {
    if task.timeout_deadline.is_some_and(|d| d <= now) {
        Some("States.Timeout")
    } else if task.heartbeat_deadline.is_some_and(|d| d <= now) {
        Some("States.HeartbeatTimeout")
    } else {
        None
    }
}

/// Pagination tokens: opaque to callers, `<kind>:<payload>` here so that a token of one list is
/// refused by another.
pub(crate) fn make_token(kind: &str, payload: &str) -> String {
    format!("{kind}:{payload}")
}

pub(crate) fn read_token<'a>(kind: &str, token: &'a str) -> Result<&'a str, StoreError> {
    token.strip_prefix(kind).and_then(|t| t.strip_prefix(':')).ok_or_else(|| StoreError::InvalidArgument(format!("invalid pagination token {token:?}")))
}

/// An execution list token holds the last (start date, arn) shown.
pub(crate) fn execution_token(e: &Execution) -> String {
    make_token("x", &format!("{}:{}", e.start_date, e.arn))
}

pub(crate) fn read_execution_token(token: &str) -> Result<(Millis, String), StoreError> {
    let body = read_token("x", token)?;
    let bad = || StoreError::InvalidArgument(format!("invalid pagination token {token:?}"));
    let (start, arn) = body.split_once(':').ok_or_else(bad)?;
    Ok((start.parse().map_err(|_| bad())?, arn.to_string()))
}

pub(crate) fn read_event_token(token: &str) -> Result<i64, StoreError> {
    read_token("h", token)?.parse().map_err(|_| StoreError::InvalidArgument(format!("invalid pagination token {token:?}")))
}
