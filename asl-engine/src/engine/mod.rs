//! The execution engine: executions that outlive the process.
//!
//! An [`Engine`] owns executions in a [`Store`]: it starts them, runs them on tokio with a
//! journal that checkpoints every transition (frames and history events through the
//! [`Committer`], each batch behind `Write::CheckOwner`), holds their task tokens, and after a
//! crash [`recover`](Engine::recover)s every RUNNING execution whose lease expired, resuming it
//! from its frames.

mod admission;
mod frames;
mod history;
mod journal;
mod open;
mod redrive;
mod start;
mod tokens;

pub use history::HISTORY_LIMIT;
pub use redrive::{MAX_OPEN_MS, REDRIVABLE_PERIOD_MS, REDRIVE_HISTORY_LIMIT, RedriveStatus, redrive_status};

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

use asl_runtime::durable::{Journal, Resume};
use asl_runtime::{Execute, ExecutionOptions, Handlers, Observer, Value, Workflow};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::store::{Checkpoint, Committer, Execution, ExecutionFilter, ExecutionPatch, ExecutionStatus, HistoryEvent, Millis, Page, Purged, Store, StoreError, Task, TaskOutcome, Write};
use frames::now;
use journal::{ExecJournal, ParkRule};
use tokens::Tokens;

/// Finds a machine by a key nobody registered.
type Resolver = Arc<dyn Fn(&str) -> Option<Arc<dyn Execute>> + Send + Sync>;

/// Why an engine call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    /// No machine registered under this ARN (`StateMachineDoesNotExist`).
    UnknownMachine(String),
    /// The name is taken by an execution with another input, or one that ended.
    ExecutionAlreadyExists(String),
    /// No such execution (`ExecutionDoesNotExist`).
    ExecutionDoesNotExist(String),
    /// A workflow definition that does not load.
    InvalidDefinition(String),
    Store(StoreError),
    /// RedriveExecution refused, with AWS's reason (`ExecutionNotRedrivable`).
    ExecutionNotRedrivable(String),
    /// A new execution would pass `max_open_executions` (AWS's `ExecutionLimitExceeded`).
    ExecutionLimitExceeded(usize),
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        EngineError::Store(e)
    }
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::UnknownMachine(a) => write!(f, "StateMachineDoesNotExist: {a}"),
            EngineError::ExecutionAlreadyExists(a) => write!(f, "ExecutionAlreadyExists: {a}"),
            EngineError::ExecutionDoesNotExist(a) => write!(f, "ExecutionDoesNotExist: {a}"),
            EngineError::InvalidDefinition(m) => write!(f, "InvalidDefinition: {m}"),
            EngineError::Store(e) => write!(f, "{e}"),
            EngineError::ExecutionNotRedrivable(r) => write!(f, "ExecutionNotRedrivable: {r}"),
            EngineError::ExecutionLimitExceeded(n) => write!(f, "ExecutionLimitExceeded: at most {n} open executions"),
        }
    }
}

impl std::error::Error for EngineError {}

/// Tuning of an [`Engine`].
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// How long a lease lasts without renewal: another process takes a dead one's executions
    /// over this long after its last renewal (renewed every third of it).
    pub lease_ms: i64,
    /// How often a waiting token's row is read for an answer written by another process.
    pub token_poll: Duration,
    /// How long an ended execution (its row, history, frames and tasks) is kept: AWS keeps
    /// them 90 days. `None` keeps them for ever.
    pub retention: Option<Duration>,
    /// How often ended executions past `retention` are purged (by every engine on the store;
    /// each purge deletes what it finds, so several engines do not conflict).
    pub purge_every: Duration,
    /// Parking: a top-level wait (a Wait, a Task's retry backoff) due at least this far ahead,
    /// or a task token unanswered for this long, leaves memory: the execution is made durable,
    /// its lease released, its future dropped, and it is resumed from its frames when due,
    /// answered, or stopped. `None` keeps every execution in memory until it ends.
    pub park_threshold: Option<Duration>,
    /// How often the store is polled for parked executions that are due or were answered in
    /// another process (an answer sent to this engine wakes its execution at once).
    pub claim_poll: Duration,
    /// A claimed execution whose machine this engine does not know (nor its resolver) is left
    /// for an engine that does: released, and claimable again this long after (not at every
    /// poll of every engine).
    pub unknown_machine_backoff: Duration,
    /// The most executions this engine holds in memory at once: started (and woken) executions
    /// beyond it wait in the store, runnable, until one ends here or another engine claims them.
    pub max_running: usize,
    /// The open-executions quota: a start of a new execution while this many are RUNNING is
    /// refused ([`EngineError::ExecutionLimitExceeded`]). `None`: no quota.
    pub max_open_executions: Option<usize>,
    /// How often the quota's count is read again from the store (for stores shared with other
    /// processes; `None`: counted once, then kept here).
    pub open_recount: Option<Duration>,
}

/// The default of [`EngineOptions::max_running`].
pub const DEFAULT_MAX_RUNNING: usize = 2000;

/// AWS's retention of closed executions: 90 days.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(90 * 24 * 3600);

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            lease_ms: 30_000,
            token_poll: Duration::from_millis(500),
            retention: Some(DEFAULT_RETENTION),
            purge_every: Duration::from_secs(3600),
            park_threshold: Some(Duration::from_secs(1)),
            claim_poll: Duration::from_millis(200),
            unknown_machine_backoff: Duration::from_secs(10),
            max_running: DEFAULT_MAX_RUNNING,
            max_open_executions: None,
            open_recount: None,
        }
    }
}

struct Running {
    task: JoinHandle<()>,
    journal: Arc<ExecJournal>,
}

struct Inner {
    store: Arc<dyn Store>,
    committer: Committer,
    owner: String,
    options: EngineOptions,
    machines: RwLock<HashMap<String, Arc<dyn Execute>>>,
    /// Finds the machines not registered (see [`Engine::set_resolver`]).
    resolver: RwLock<Option<Resolver>>,
    running: Mutex<HashMap<String, Running>>,
    tokens: Arc<Tokens>,
    renewer: Mutex<Option<JoinHandle<()>>>,
    purger: Mutex<Option<JoinHandle<()>>>,
    /// Polls for parked executions to wake (every `claim_poll`, or at once when notified).
    waker: Mutex<Option<JoinHandle<()>>>,
    wake: Notify,
    /// When and how much the claims take (see `admission`).
    admission: admission::Admission,
    /// The open-executions count (see `open`).
    open: open::OpenCount,
    recounter: Mutex<Option<JoinHandle<()>>>,
}

impl Inner {
    /// Forgets the execution `journal` runs here (if it still runs here), aborting its task.
    fn drop_running(&self, arn: &str, journal: &Arc<ExecJournal>) {
        let mut running = self.running.lock().unwrap();
        if running.get(arn).is_some_and(|r| Arc::ptr_eq(&r.journal, journal)) {
            if let Some(r) = running.remove(arn) {
                r.task.abort();
            }
            self.tokens.forget_execution(arn);
        }
    }

    /// An execution left memory here: if a claim stopped at `max_running`, claim again.
    fn room_made(&self) {
        if self.admission.room_made() {
            self.wake.notify_one();
        }
    }

    /// Takes a parked execution out of memory: everything recorded is committed with the park
    /// (wake time, lease released) behind the owner check. It is forgotten here first: until the
    /// release commits no one else can claim it, so a new copy never meets this one.
    async fn park(&self, arn: &str, journal: &Arc<ExecJournal>, p: journal::Park) {
        {
            let mut running = self.running.lock().unwrap();
            if !running.get(arn).is_some_and(|r| Arc::ptr_eq(&r.journal, journal)) {
                return;
            }
            running.remove(arn);
            self.tokens.forget_execution(arn);
        }
        let mut writes = journal.take_pending();
        writes.push(Write::Park { arn: arn.to_owned(), owner: self.owner.clone(), wake_at: p.wake_at, token: p.token });
        // Refused (stopped or taken over meanwhile): nothing to do. Failed otherwise: the lease
        // is still ours and lapses; recovery resumes it then.
        let _ = journal.commit(writes).await;
    }
}

/// The engine; cheap to clone.
#[derive(Clone)]
pub struct Engine(Arc<Inner>);

/// An [`Engine`] handle that does not keep it alive: for task handlers the engine itself
/// holds (through its machines), which would otherwise never let it go.
#[derive(Clone)]
pub struct WeakEngine(Weak<Inner>);

impl WeakEngine {
    /// The engine, while it exists.
    pub fn upgrade(&self) -> Option<Engine> {
        self.0.upgrade().map(Engine)
    }
}

/// How many executions one claim takes (recovery, waking parked ones).
const CLAIM_BATCH: usize = 1000;

/// `arn:aws:states:R:A:execution:<machine>:<name>` from the machine's ARN.
pub fn execution_arn(machine_arn: &str, name: &str) -> String {
    match machine_arn.split_once(":stateMachine:") {
        Some((head, machine)) => format!("{head}:execution:{machine}:{name}"),
        None => format!("{machine_arn}:execution:{name}"),
    }
}

impl Engine {
    /// An engine owning executions as `owner` (unique per process). Must be called within tokio.
    pub fn new(store: Arc<dyn Store>, owner: String) -> Self {
        Self::with_options(store, owner, EngineOptions::default())
    }

    pub fn with_options(store: Arc<dyn Store>, owner: String, options: EngineOptions) -> Self {
        let inner = Arc::new(Inner {
            committer: Committer::new(store.clone()),
            store,
            owner,
            tokens: Arc::new(Tokens::new(options.token_poll)),
            options,
            machines: RwLock::new(HashMap::new()),
            resolver: RwLock::new(None),
            running: Mutex::new(HashMap::new()),
            renewer: Mutex::new(None),
            purger: Mutex::new(None),
            waker: Mutex::new(None),
            wake: Notify::new(),
            admission: admission::Admission::default(),
            open: open::OpenCount::default(),
            recounter: Mutex::new(None),
        });
        let weak: Weak<Inner> = Arc::downgrade(&inner);
        let every = Duration::from_millis((inner.options.lease_ms / 3).max(10) as u64);
        let renewer = tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(inner) = weak.upgrade() else { return };
                let held: Vec<(String, Arc<ExecJournal>)> = inner.running.lock().unwrap().iter().map(|(a, r)| (a.clone(), r.journal.clone())).collect();
                if held.is_empty() {
                    continue;
                }
                let arns = held.iter().map(|(a, _)| a.clone()).collect();
                let Ok(kept) = inner.store.renew(&inner.owner, arns, now(), inner.options.lease_ms).await else { continue };
                let kept: std::collections::HashSet<String> = kept.into_iter().collect();
                // Lost: stopped by another process (it released the lease) or taken over. They
                // end here without writing anything more.
                for (arn, journal) in held.into_iter().filter(|(a, _)| !kept.contains(a)) {
                    inner.drop_running(&arn, &journal);
                }
            }
        });
        *inner.renewer.lock().unwrap() = Some(renewer);
        let weak = Arc::downgrade(&inner);
        let every = inner.options.claim_poll.max(Duration::from_millis(1));
        let waker = tokio::spawn(async move {
            loop {
                {
                    let Some(inner) = weak.upgrade() else { return };
                    let _ = tokio::time::timeout(every, inner.wake.notified()).await;
                }
                let Some(inner) = weak.upgrade() else { return };
                // A failed poll is tried again at the next.
                let _ = Engine(inner).wake_parked().await;
            }
        });
        *inner.waker.lock().unwrap() = Some(waker);
        if let (Some(_), Some(every)) = (inner.options.max_open_executions, inner.options.open_recount) {
            let weak = Arc::downgrade(&inner);
            let recounter = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    let Some(inner) = weak.upgrade() else { return };
                    // A failed count is tried again next time.
                    let _ = inner.open.recount(&inner.store).await;
                }
            });
            *inner.recounter.lock().unwrap() = Some(recounter);
        }
        if inner.options.retention.is_some() {
            let weak = Arc::downgrade(&inner);
            let every = inner.options.purge_every.max(Duration::from_millis(10));
            let purger = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    let Some(inner) = weak.upgrade() else { return };
                    // A failed purge is tried again next time.
                    let _ = Engine(inner).purge_expired().await;
                }
            });
            *inner.purger.lock().unwrap() = Some(purger);
        }
        Engine(inner)
    }

    /// A handle that does not keep the engine alive.
    pub fn downgrade(&self) -> WeakEngine {
        WeakEngine(Arc::downgrade(&self.0))
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.0.store
    }

    pub fn owner(&self) -> &str {
        &self.0.owner
    }

    /// Registers the machine that runs executions of `machine_arn`. A compiled machine must route
    /// activity resources to [`activity_handler`](Self::activity_handler).
    pub fn register(&self, machine_arn: &str, machine: Arc<dyn Execute>) {
        self.0.machines.write().unwrap().insert(machine_arn.to_owned(), machine);
    }

    /// Sets what finds a machine by a key nobody registered (the answer is registered under that
    /// key): a host that starts executions on keys of its own ([`start_with`](Self::start_with))
    /// loads their machines when an execution needs one, also when it resumes after a restart.
    pub fn set_resolver(&self, resolver: impl Fn(&str) -> Option<Arc<dyn Execute>> + Send + Sync + 'static) {
        *self.0.resolver.write().unwrap() = Some(Arc::new(resolver));
    }

    /// Loads `definition` and registers it with `handlers` (activity resources get the engine's
    /// built-in handler).
    pub fn register_definition(&self, machine_arn: &str, definition: &str, handlers: &Handlers) -> Result<(), EngineError> {
        let wf = Workflow::from_json(definition).map_err(|e| EngineError::InvalidDefinition(e.to_string()))?;
        let handlers = handlers.clone().on("arn:aws:states:*:*:activity:*", self.activity_handler());
        let m = wf.machine(&handlers, ExecutionOptions::default()).map_err(|e| EngineError::InvalidDefinition(e.to_string()))?;
        self.register(machine_arn, Arc::new(m));
        Ok(())
    }

    /// The handler for activity resources: it schedules the task for `get_activity_task`.
    pub fn activity_handler(&self) -> impl asl_runtime::Handler {
        self.0.tokens.activity_handler()
    }

    fn machine(&self, key: &str) -> Result<Arc<dyn Execute>, EngineError> {
        if let Some(m) = self.0.machines.read().unwrap().get(key) {
            return Ok(m.clone());
        }
        let resolver = self.0.resolver.read().unwrap().clone();
        let m = resolver.and_then(|r| r(key)).ok_or_else(|| EngineError::UnknownMachine(key.to_owned()))?;
        self.0.machines.write().unwrap().insert(key.to_owned(), m.clone());
        Ok(m)
    }

    /// The machine an execution runs.
    fn machine_of(&self, e: &Execution) -> Result<Arc<dyn Execute>, EngineError> {
        self.machine(e.runs.as_deref().unwrap_or(&e.machine_arn))
    }

    fn spawn(&self, machine: Arc<dyn Execute>, e: Execution, resume: Option<Resume>) {
        let inner = &self.0;
        // The machine's timeout counts from the start, or from the last redrive.
        let from = resume.as_ref().and_then(|r| r.redriven_at).map_or(e.start_date, frames::millis);
        let rule = inner.options.park_threshold.map(|threshold| ParkRule { threshold, deadline: machine.execution_timeout().map(|t| from + t.as_millis() as i64) });
        let journal = ExecJournal::new(e.arn.clone(), inner.owner.clone(), inner.committer.clone(), inner.store.clone(), inner.tokens.clone(), resume.as_ref(), rule);
        let options = ExecutionOptions {
            name: Some(e.name.clone()),
            journal: Some(journal.clone() as Arc<dyn Journal>),
            observer: Some(journal.clone() as Arc<dyn Observer>),
            resume: resume.map(Arc::new),
            ..Default::default()
        };
        let weak = Arc::downgrade(&self.0);
        let j = journal.clone();
        let arn = e.arn.clone();
        let mut running = inner.running.lock().unwrap();
        let task = tokio::spawn(async move {
            let (lost, full) = (j.lost.clone(), j.full.clone());
            enum Next {
                Ended(Result<Value, asl_runtime::Failure>),
                Lost,
                Park(journal::Park),
            }
            let next = tokio::select! {
                // The execution first: one that moved on since it asked to park is not parked.
                biased;
                r = machine.execute(e.input.clone(), options) => Next::Ended(r),
                // A batch was refused: another process stopped the execution or holds it.
                _ = lost.notified() => Next::Lost,
                // The history quota was reached: the execution ends here (below).
                _ = full.notified() => Next::Ended(Err(history::limit_failure())),
                // Only a due time or an answer moves it on: it leaves memory (its future is
                // dropped with this select).
                p = j.park_due() => Next::Park(p),
            };
            let mut r = match next {
                Next::Ended(r) => r,
                Next::Lost => {
                    if let Some(inner) = weak.upgrade() {
                        inner.drop_running(&e.arn, &j);
                        inner.room_made();
                    }
                    return;
                }
                Next::Park(p) => {
                    if let Some(inner) = weak.upgrade() {
                        inner.park(&e.arn, &j, p).await;
                        inner.room_made();
                    }
                    return;
                }
            };
            let mut last_words = None;
            if j.history_full.load(Ordering::SeqCst) {
                r = Err(history::limit_failure());
                last_words = Some(history::limit_event(&e.arn, now()));
            }
            let mut patch = ExecutionPatch { stop_date: Some(Some(now())), ..Default::default() };
            match r {
                Ok(v) => {
                    patch.status = Some(ExecutionStatus::Succeeded);
                    patch.output = Some(Some(v));
                }
                Err(f) => {
                    let timed_out = j.timed_out.load(Ordering::SeqCst);
                    patch.status = Some(if timed_out { ExecutionStatus::TimedOut } else { ExecutionStatus::Failed });
                    patch.error = Some(Some(f.error.clone()));
                    patch.cause = f.cause.clone().map(Some);
                }
            }
            let succeeded = patch.status == Some(ExecutionStatus::Succeeded);
            let mut writes = j.take_pending();
            writes.extend(last_words);
            writes.push(Write::UpdateExecution { arn: e.arn.clone(), patch });
            writes.push(Write::CancelTasks { execution_arn: e.arn.clone(), scope_prefix: String::new() });
            // A failed or timed-out execution keeps its frames: a redrive starts from them.
            if succeeded {
                writes.push(Write::DeleteFrames { execution_arn: e.arn.clone(), prefix: String::new() });
            }
            writes.push(Write::Release { arn: e.arn.clone(), owner: j.owner().to_owned() });
            // A lost lease (Conflict) writes nothing: the new owner finishes the execution.
            let ended = j.commit(writes).await.is_ok();
            if let Some(inner) = weak.upgrade() {
                inner.running.lock().unwrap().remove(&e.arn);
                inner.tokens.forget_execution(&e.arn);
                if ended {
                    inner.open.closed();
                }
                inner.room_made();
            }
        });
        running.insert(arn, Running { task, journal });
    }

    /// DescribeExecution.
    pub async fn describe(&self, arn: &str) -> Result<Execution, EngineError> {
        self.0.store.get_execution(arn).await?.ok_or_else(|| EngineError::ExecutionDoesNotExist(arn.to_owned()))
    }

    /// ListExecutions: newest first, by machine and status, paged.
    pub async fn list(&self, machine_arn: Option<&str>, status: Option<ExecutionStatus>, max: usize, token: Option<String>) -> Result<Page<Execution>, EngineError> {
        let filter = ExecutionFilter { machine_arn: machine_arn.map(Into::into), status };
        Ok(self.0.store.list_executions(filter, max, token).await?)
    }

    /// GetExecutionHistory.
    pub async fn history(&self, arn: &str, reverse: bool, max: usize, token: Option<String>) -> Result<Page<HistoryEvent>, EngineError> {
        Ok(self.0.store.history(arn, reverse, max, token).await?)
    }

    /// Whether this engine is running `arn` now (a parked execution is not running anywhere).
    pub fn is_running_here(&self, arn: &str) -> bool {
        self.0.running.lock().unwrap().contains_key(arn)
    }

    /// The open (RUNNING) executions as this engine counts them for `max_open_executions`
    /// (counted in the store at the first start under a quota, then kept; see `open`).
    pub fn open_executions(&self) -> u64 {
        self.0.open.get()
    }

    /// How many executions this engine holds in memory now (parked ones are not counted).
    pub fn running_here(&self) -> usize {
        self.0.running.lock().unwrap().len()
    }

    /// StopExecution: aborts the execution's task, appends `ExecutionAborted`, status ABORTED,
    /// cancels its tokens.
    pub async fn stop(&self, arn: &str, error: Option<String>, cause: Option<String>) -> Result<Execution, EngineError> {
        let e = self.describe(arn).await?;
        if e.status != ExecutionStatus::Running {
            return Ok(e);
        }
        let local = self.0.running.lock().unwrap().remove(arn);
        let t = now();
        let patch = ExecutionPatch { status: Some(ExecutionStatus::Aborted), error: Some(error.clone()), cause: Some(cause.clone()), stop_date: Some(Some(t)), ..Default::default() };
        let mut details = serde_json::Map::new();
        if let Some(er) = &error {
            details.insert("error".into(), er.clone().into());
        }
        if let Some(c) = &cause {
            details.insert("cause".into(), c.clone().into());
        }
        let event = |last: u64| {
            Write::AppendEvent(HistoryEvent {
                execution_arn: arn.to_owned(),
                id: last as i64 + 1,
                event_type: "ExecutionAborted".into(),
                timestamp: t,
                previous_id: last as i64,
                details: Value::Object(details.clone()),
            })
        };
        let tail = |mut w: Vec<Write>, last: u64| {
            w.push(event(last));
            w.push(Write::UpdateExecution { arn: arn.to_owned(), patch: patch.clone() });
            w.push(Write::CancelTasks { execution_arn: arn.to_owned(), scope_prefix: String::new() });
            // The frames stay for a redrive.
            w
        };
        match local {
            Some(r) => {
                r.task.abort();
                let _ = r.task.await;
                self.0.tokens.forget_execution(arn);
                let pending = r.journal.take_pending();
                let last = r.journal.last_event.load(Ordering::SeqCst);
                let mut w = tail(pending, last);
                w.push(Write::Release { arn: arn.to_owned(), owner: self.0.owner.clone() });
                r.journal.commit(w).await?;
                self.0.open.closed();
                self.0.room_made();
            }
            None => {
                // Held by nobody, by a process that is gone, or by another live process: written
                // directly, behind a check of the holder, whose lease is released, so that its
                // next batch (or lease renewal) fails and it stops running the execution. A race
                // with its writes (a new holder, an event id taken) is tried again.
                let mut tries = 0;
                loop {
                    let e = self.describe(arn).await?;
                    if e.status != ExecutionStatus::Running {
                        return Ok(e);
                    }
                    let last = self.0.store.history(arn, true, 1, None).await?.items.first().map_or(0, |h| h.id as u64);
                    let mut w = Vec::new();
                    // Held by nobody (parked, or started and not yet claimed): taken for the
                    // stop, so that a claim made meanwhile makes it try again as the holder's.
                    let holder = e.owner.clone().unwrap_or_else(|| self.0.owner.clone());
                    match &e.owner {
                        Some(h) => w.push(Write::CheckOwner { arn: arn.to_owned(), owner: h.clone() }),
                        None => w.push(Write::Acquire { arn: arn.to_owned(), owner: holder.clone(), now: t, lease_until: t + self.0.options.lease_ms }),
                    }
                    w = tail(w, last);
                    w.push(Write::Release { arn: arn.to_owned(), owner: holder });
                    match self.0.store.apply(w).await {
                        Ok(()) => {
                            self.0.open.closed();
                            break;
                        }
                        Err(StoreError::Conflict(_) | StoreError::AlreadyExists { .. }) if tries < 20 => tries += 1,
                        Err(err) => return Err(err.into()),
                    }
                }
            }
        }
        self.describe(arn).await
    }

    /// SendTaskSuccess.
    pub async fn send_task_success(&self, token: &str, output: Value) -> Result<(), EngineError> {
        self.answer_task(token, tokens::outcome_success(output)).await
    }

    /// Records an answer and wakes the execution. The store locks the execution's row before
    /// the task's, as the owner's batches do, so the two no longer deadlock; a `Busy` (lock
    /// contention, or a deadlock with something else) rolled everything back: tried again.
    async fn answer_task(&self, token: &str, outcome: TaskOutcome) -> Result<(), EngineError> {
        let mut tries = 0;
        let t = loop {
            match self.0.store.answer_task(token, outcome.clone(), now()).await {
                Err(StoreError::Busy(_)) if tries < 5 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(10 * tries)).await;
                }
                r => break r?,
            }
        };
        self.0.tokens.deliver(&t);
        // Parked here or elsewhere, the execution is runnable now: claim it at once.
        self.0.wake.notify_one();
        Ok(())
    }

    /// SendTaskFailure.
    pub async fn send_task_failure(&self, token: &str, error: Option<String>, cause: Option<String>) -> Result<(), EngineError> {
        self.answer_task(token, TaskOutcome::Failure { error, cause }).await
    }

    /// SendTaskHeartbeat.
    pub async fn send_task_heartbeat(&self, token: &str) -> Result<(), EngineError> {
        self.0.store.heartbeat(token, now()).await?;
        self.0.tokens.heartbeat(token);
        Ok(())
    }

    /// GetActivityTask: the oldest scheduled task of the activity, waiting up to `wait` for one.
    pub async fn get_activity_task(&self, activity_arn: &str, worker: &str, wait: Duration) -> Result<Option<Task>, EngineError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(t) = self.0.store.claim_activity_task(activity_arn, worker, now()).await? {
                // The owner records `ActivityStarted` (see `tokens`): at once if it is here.
                self.0.tokens.taken(&t.token);
                return Ok(Some(t));
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(None);
            }
            tokio::time::sleep(Duration::from_millis(100).min(deadline - tokio::time::Instant::now())).await;
        }
    }

    /// Takes over the RUNNING executions nobody holds (a dead process's, once its lease expired;
    /// runnable or due ones) and resumes each from its frames. Call at startup and periodically.
    /// Returns the ARNs resumed.
    pub async fn recover(&self) -> Result<Vec<String>, EngineError> {
        let _ = self.0.store.expire_tasks(now(), 1000).await;
        let mut resumed = Vec::new();
        loop {
            // The backlog of starts is claimed here too: starts first (see `admission`).
            let batch = self.0.admission.starts_first(CLAIM_BATCH).await;
            let Some(room) = self.0.admission.room(|| self.running_here(), self.0.options.max_running, batch) else { return Ok(resumed) };
            let claimed = self.0.store.claim(&self.0.owner, now(), self.0.options.lease_ms, room).await?;
            let n = claimed.len();
            resumed.extend(self.resume_claimed(claimed).await?);
            if n < room {
                return Ok(resumed);
            }
        }
    }

    /// Resumes the parked executions that are due or answered (their tasks' deadlines expired
    /// first); run every `claim_poll` and when an answer arrives here. Returns how many.
    async fn wake_parked(&self) -> Result<usize, EngineError> {
        // Each start wakes this: deadlines are looked at once per poll, not at each.
        if self.0.admission.expiry_due(self.0.options.claim_poll) {
            let _ = self.0.store.expire_tasks(now(), 1000).await;
        }
        let mut woken = 0;
        loop {
            let batch = self.0.admission.starts_first(CLAIM_BATCH).await;
            let Some(room) = self.0.admission.room(|| self.running_here(), self.0.options.max_running, batch) else { return Ok(woken) };
            let claimed = self.0.store.claim_woken(&self.0.owner, now(), self.0.options.lease_ms, room).await?;
            let n = claimed.len();
            woken += self.resume_claimed(claimed).await?.len();
            if n < room {
                return Ok(woken);
            }
        }
    }

    /// Runs executions just claimed, from their checkpoints (read for the whole batch at once).
    async fn resume_claimed(&self, claimed: Vec<Execution>) -> Result<Vec<String>, EngineError> {
        let mut todo = Vec::with_capacity(claimed.len());
        for e in claimed {
            // Ours already (its lease lapsed under load and the claim renewed it): one copy
            // runs, not two.
            if self.is_running_here(&e.arn) {
                continue;
            }
            match self.machine_of(&e) {
                Ok(m) => todo.push((e, m)),
                Err(_) => {
                    // Another process may know this machine: released, due again after the
                    // backoff (claimable by any engine then; a runnable flag would have every
                    // engine claim it at every poll). Nothing is lost: an answer or an expired
                    // deadline is in its task row, read when it resumes.
                    let wake_at = now() + self.0.options.unknown_machine_backoff.as_millis() as Millis;
                    let patch = ExecutionPatch { runnable: Some(false), wake_at: Some(Some(wake_at)), ..Default::default() };
                    let w = vec![
                        Write::CheckOwner { arn: e.arn.clone(), owner: self.0.owner.clone() },
                        Write::UpdateExecution { arn: e.arn.clone(), patch },
                        Write::Release { arn: e.arn.clone(), owner: self.0.owner.clone() },
                    ];
                    let _ = self.0.store.apply(w).await;
                }
            }
        }
        if todo.is_empty() {
            return Ok(Vec::new());
        }
        let arns = todo.iter().map(|(e, _)| e.arn.clone()).collect();
        let mut points: HashMap<String, Checkpoint> = self.0.store.checkpoints(arns).await?.into_iter().map(|c| (c.execution_arn.clone(), c)).collect();
        let mut resumed = Vec::with_capacity(todo.len());
        for (e, machine) in todo {
            let (framed, last) = points.remove(&e.arn).map_or((Vec::new(), 0), |c| (c.frames, c.last_event.max(0) as u64));
            // A started one that never ran has no frames and its start's `ExecutionStarted`: it
            // runs from its first state (the runtime records no second `ExecutionStarted`).
            let resume = (!framed.is_empty() || last > 0).then(|| {
                let mut r = frames::resume(framed, e.input.clone(), e.start_date, last);
                r.redrive_count = e.redrive_count.max(0) as u32;
                r.redriven_at = e.redrive_date.map(frames::from_millis);
                r
            });
            resumed.push(e.arn.clone());
            self.spawn(machine, e, resume);
        }
        Ok(resumed)
    }

    /// Runs [`recover`](Self::recover) every `every` in the background.
    pub fn spawn_recovery(&self, every: Duration) -> JoinHandle<()> {
        let weak = Arc::downgrade(&self.0);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(inner) = weak.upgrade() else { return };
                let _ = Engine(inner).recover().await;
            }
        })
    }

    /// Deletes the executions that ended more than `retention` ago, with their history, frames
    /// and tasks (run every `purge_every` in the background); what it deleted.
    pub async fn purge_expired(&self) -> Result<Purged, EngineError> {
        let Some(keep) = self.0.options.retention else { return Ok(Purged::default()) };
        let before = now() - keep.as_millis() as i64;
        let mut total = Purged::default();
        loop {
            let p = self.0.store.purge(before, 500).await?;
            total.executions += p.executions;
            total.events += p.events;
            if p.executions < 500 {
                return Ok(total);
            }
        }
    }

    /// Simulates a crash: aborts every execution and the lease renewal without writing
    /// anything; the leases expire and another engine takes the executions over.
    pub fn crash(&self) {
        if let Some(r) = self.0.renewer.lock().unwrap().take() {
            r.abort();
        }
        if let Some(p) = self.0.purger.lock().unwrap().take() {
            p.abort();
        }
        if let Some(w) = self.0.waker.lock().unwrap().take() {
            w.abort();
        }
        for (_, r) in self.0.running.lock().unwrap().drain() {
            r.task.abort();
        }
    }
}
