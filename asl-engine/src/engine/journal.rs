//! The [`Journal`] and [`Observer`] of one execution: positions and events become frames and
//! history rows, committed in order (each batch behind `Write::CheckOwner`) by a writer task of
//! the execution's own.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use std::time::{Duration, SystemTime};

use asl_runtime::durable::{Ended, Journal, Position, ScopeKey, Waiting};
use asl_runtime::{BoxFuture, Event, Failure, Observer, TaskContext, Value};
use tokio::sync::{Notify, mpsc, oneshot};

use super::frames::{ended_frame, millis, now, position_frame};
use super::tokens::{Tokens, task_row};
use crate::store::{Committer, HistoryEvent, Millis, Store, StoreError, Write};

pub(crate) type Batch = (Vec<Write>, oneshot::Sender<Result<(), StoreError>>);

/// When an execution leaves memory (see [`Journal::parked`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ParkRule {
    /// A wait due sooner than this stays in memory; a token unanswered this long parks.
    pub(crate) threshold: Duration,
    /// The execution's `TimeoutSeconds` deadline: a parked execution wakes by then.
    pub(crate) deadline: Option<Millis>,
}

/// A park the execution asked for: its wake time, the token it waits for, and when the engine
/// takes it out of memory.
#[derive(Debug)]
pub(crate) struct Park {
    pub(crate) wake_at: Option<Millis>,
    pub(crate) token: Option<String>,
    at: tokio::time::Instant,
}

pub(crate) struct ExecJournal {
    pub(crate) arn: String,
    owner: String,
    pending: Mutex<Vec<Write>>,
    positions: Mutex<HashMap<String, Position>>,
    /// Tokens whose task row exists already (handed out before a restart, or inserted here).
    known_tokens: Mutex<HashSet<String>>,
    /// Tokens handed out by activity resources: their row is written by the activity handler.
    activity_tokens: Mutex<HashSet<String>>,
    /// Scopes whose branches or iterations may have frames in the store: they go when the scope
    /// enters its next state, retries its Parallel or Map, or ends successfully (not when its
    /// Parallel or Map ends: a failure that ends the execution keeps them for a redrive).
    parents: Mutex<HashSet<String>>,
    pub(crate) last_event: AtomicU64,
    /// The latest timestamp of the events recorded here: a late-recorded activity start is
    /// stamped no earlier.
    last_timestamp: std::sync::atomic::AtomicI64,
    /// Notified when a batch is refused because this process no longer holds the execution.
    pub(crate) lost: Arc<Notify>,
    /// The history reached AWS's quota: later events are not recorded, the execution fails.
    pub(crate) history_full: std::sync::atomic::AtomicBool,
    pub(crate) full: Arc<Notify>,
    /// An `ExecutionTimedOut` event was seen (the execution ends TIMED_OUT, not FAILED).
    pub(crate) timed_out: std::sync::atomic::AtomicBool,
    writer: mpsc::UnboundedSender<Batch>,
    tokens: Arc<Tokens>,
    store: Arc<dyn Store>,
    rule: Option<ParkRule>,
    /// Set by `parked`, cleared by any progress of the execution (an event, a position).
    park: Mutex<Option<Park>>,
    park_set: Notify,
}

impl ExecJournal {
    pub(crate) fn new(
        arn: String,
        owner: String,
        committer: Committer,
        store: Arc<dyn Store>,
        tokens: Arc<Tokens>,
        resumed: Option<&asl_runtime::durable::Resume>,
        rule: Option<ParkRule>,
    ) -> Arc<Self> {
        let (writer, mut rx) = mpsc::unbounded_channel::<Batch>();
        let lost = Arc::new(Notify::new());
        {
            let (arn, owner, lost) = (arn.clone(), owner.clone(), lost.clone());
            tokio::spawn(async move {
                // A batch holding a task row is committed alone: the activity handler takes its
                // AlreadyExists as done, which must not roll back other batches' writes.
                let alone = |w: &[Write]| w.iter().any(|w| matches!(w, Write::InsertTask(_)));
                let mut held: Option<Batch> = None;
                loop {
                    let (mut writes, done) = match held.take() {
                        Some(b) => b,
                        None => match rx.recv().await {
                            Some(b) => b,
                            None => return,
                        },
                    };
                    // Everything queued meanwhile goes in the same commit, in order: an
                    // execution that runs ahead of its writer costs one commit, not one each.
                    let mut dones = vec![done];
                    if !alone(&writes) {
                        while writes.len() < MERGE_MAX {
                            match rx.try_recv() {
                                Ok((more, d)) if !alone(&more) => {
                                    writes.extend(more);
                                    dones.push(d);
                                }
                                Ok(b) => {
                                    held = Some(b);
                                    break;
                                }
                                Err(_) => break,
                            }
                        }
                        if dones.len() > 1 {
                            last_frames_only(&mut writes);
                        }
                    }
                    let r = if writes.is_empty() {
                        Ok(())
                    } else {
                        writes.insert(0, Write::CheckOwner { arn: arn.clone(), owner: owner.clone() });
                        let mut r = committer.commit(writes.clone()).await;
                        // Lock contention and a lost connection are retried (a few times).
                        let mut tries = 0;
                        while matches!(&r, Err(e) if e.is_transient()) && tries < 20 {
                            tries += 1;
                            tokio::time::sleep(std::time::Duration::from_millis(50 * tries)).await;
                            r = committer.commit(writes.clone()).await;
                        }
                        if matches!(r, Err(StoreError::Conflict(_))) {
                            // Another process stopped the execution or took it over: it ends here.
                            lost.notify_one();
                        }
                        r
                    };
                    for d in dones {
                        let _ = d.send(r.clone());
                    }
                }
            });
        }
        let mut known = HashSet::new();
        let mut positions = HashMap::new();
        let mut last = 0;
        let mut parents = HashSet::new();
        if let Some(r) = resumed {
            for (k, p) in &r.positions {
                if let Some(t) = &p.wait.token {
                    known.insert(t.clone());
                }
                positions.insert(k.clone(), p.clone());
            }
            for k in r.positions.keys().chain(r.ended.keys()) {
                if let Some(parent) = parent_of(k) {
                    parents.insert(parent.to_owned());
                }
            }
            last = r.last_event;
        }
        Arc::new(ExecJournal {
            arn,
            owner,
            pending: Mutex::new(Vec::new()),
            positions: Mutex::new(positions),
            known_tokens: Mutex::new(known),
            activity_tokens: Mutex::new(HashSet::new()),
            parents: Mutex::new(parents),
            lost,
            history_full: std::sync::atomic::AtomicBool::new(false),
            full: Arc::new(Notify::new()),
            last_event: AtomicU64::new(last),
            last_timestamp: std::sync::atomic::AtomicI64::new(0),
            timed_out: std::sync::atomic::AtomicBool::new(false),
            writer,
            tokens,
            store,
            rule,
            park: Mutex::new(None),
            park_set: Notify::new(),
        })
    }

    /// Resolves when the execution should leave memory: it asked to park (a long wait at once,
    /// a token after `threshold`) and has not moved since.
    pub(crate) async fn park_due(&self) -> Park {
        loop {
            let at = self.park.lock().unwrap().as_ref().map(|p| p.at);
            match at {
                None => self.park_set.notified().await,
                Some(at) if at > tokio::time::Instant::now() => tokio::time::sleep_until(at).await,
                Some(_) => {
                    let p = self.park.lock().unwrap().take();
                    // A deadline that passes while the token waited its threshold fires here.
                    if let Some(p) = p.filter(|p| p.wake_at.is_none_or(|w| w > now())) {
                        return p;
                    }
                }
            }
        }
    }

    /// The execution moved on: a park asked for before no longer holds.
    fn unpark(&self) {
        let mut p = self.park.lock().unwrap();
        if p.is_some() {
            *p = None;
        }
    }

    pub(crate) fn owner(&self) -> &str {
        &self.owner
    }

    fn push(&self, w: Write) {
        self.pending.lock().unwrap().push(w);
    }

    pub(crate) fn take_pending(&self) -> Vec<Write> {
        std::mem::take(&mut *self.pending.lock().unwrap())
    }

    /// Queues `writes` after everything queued before (in order), resolving once committed.
    pub(crate) fn commit(&self, writes: Vec<Write>) -> impl std::future::Future<Output = Result<(), StoreError>> + Send + 'static {
        let (tx, rx) = oneshot::channel();
        let sent = self.writer.send((writes, tx));
        async move {
            sent.map_err(|_| StoreError::Unavailable("the execution's writer has stopped".into()))?;
            rx.await.map_err(|_| StoreError::Unavailable("the execution's writer has stopped".into()))?
        }
    }

    /// Deletes the frames of `scope`'s branches and iterations, if it may have some.
    fn drop_children(&self, scope: &str) {
        if self.parents.lock().unwrap().remove(scope) {
            self.push(Write::DeleteFrames { execution_arn: self.arn.clone(), prefix: format!("{scope}/") });
        }
    }

    fn put(&self, scope: &str, frame: Value) {
        if let Some(parent) = parent_of(scope) {
            let mut parents = self.parents.lock().unwrap();
            if !parents.contains(parent) {
                parents.insert(parent.to_owned());
            }
        }
        self.push(Write::PutFrame { execution_arn: self.arn.clone(), scope: scope.to_owned(), frame });
    }

    /// Hands what is recorded so far to the writer without waiting: every transition is
    /// committed (group commit shares the fsync), so a finished branch or a Task's result is not
    /// lost while a sibling waits.
    fn flush(&self) {
        let writes = self.take_pending();
        if !writes.is_empty() {
            let (tx, _) = oneshot::channel();
            let _ = self.writer.send((writes, tx));
        }
    }
}

impl Journal for ExecJournal {
    fn entered(&self, scope: &ScopeKey, position: &Position) {
        self.unpark();
        self.positions.lock().unwrap().insert(scope.to_string(), position.clone());
        self.drop_children(scope);
        self.put(scope, position_frame(position));
        self.flush();
    }

    fn waiting(&self, scope: &ScopeKey, waiting: &Waiting) {
        self.unpark();
        let (frame, tokenless) = {
            let mut ps = self.positions.lock().unwrap();
            let Some(p) = ps.get_mut(&**scope) else { return };
            p.wait = waiting.clone();
            let mut bare = p.clone();
            bare.wait.token = None;
            (position_frame(p), position_frame(&bare))
        };
        if !waiting.attempts.is_empty() {
            // A retry: a Parallel or Map runs its branches or iterations afresh.
            self.drop_children(scope);
        }
        let mut frame = Some(frame);
        if let Some(t) = &waiting.token {
            let new = self.known_tokens.lock().unwrap().insert(t.clone());
            let activity = self.activity_tokens.lock().unwrap().contains(t);
            self.tokens.set_scope(t, scope);
            if new && !activity {
                // A callback token: its row exists before the handler hands it out (sync comes
                // between).
                let ctx = self.tokens.context(t);
                self.push(Write::InsertTask(task_row(t, &self.arn, scope, None, Value::Null, ctx.as_ref(), now())));
            } else if new {
                // An activity task's row is written by the activity handler, which has the
                // input, in one batch with the frame that names the token: until then the frame
                // has no token, so a crash in between hands a new one out after the restart
                // instead of waiting for a task that was never scheduled.
                self.tokens.set_frame(t, frame.take().unwrap_or_default());
                frame = Some(tokenless);
            }
        }
        if let Some(f) = frame {
            self.put(scope, f);
        }
        self.flush();
    }

    fn ended(&self, scope: &ScopeKey, ended: &Ended) {
        self.unpark();
        let at = self.positions.lock().unwrap().remove(&**scope);
        if matches!(ended, Ended::Succeeded(_)) {
            self.drop_children(scope);
        }
        self.put(scope, ended_frame(ended, at.as_ref()));
        self.flush();
    }

    fn children_done(&self, scope: &ScopeKey, state: &str) {
        // The frames stay until the scope moves on (see `parents`): if this failure ends the
        // execution, a redrive reruns only the branches or iterations that did not succeed.
        let prefix = format!("{scope}/{state}#");
        self.positions.lock().unwrap().retain(|k, _| !k.starts_with(&prefix));
    }

    fn sync(&self) -> BoxFuture<'static, Result<(), Failure>> {
        let writes = self.take_pending();
        let done = self.commit(writes);
        Box::pin(async move { done.await.map_err(|e| Failure::new("States.Runtime", format!("checkpoint failed: {e}"))) })
    }

    fn answer(&self, token: &str, ctx: &TaskContext) -> Option<BoxFuture<'static, Result<Value, Failure>>> {
        let activity = is_activity(ctx.resource);
        if activity {
            self.activity_tokens.lock().unwrap().insert(token.to_owned());
        }
        Some(self.tokens.wait(token, &self.arn, activity.then(|| ctx.resource.to_owned()), ctx.clone(), self.store.clone(), self.writer.clone()))
    }

    fn parked(&self, until: Option<SystemTime>) {
        let Some(rule) = self.rule else { return };
        let t = now();
        let due = until.map(millis);
        let wake_at = match (due, rule.deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // Due soon: it stays in memory, where its own timer fires on time.
        if wake_at.is_some_and(|w| w - t < rule.threshold.as_millis() as Millis) {
            return;
        }
        // A token: an answer often comes soon, so the execution parks only after `threshold`
        // without one; the answer makes the parked row runnable (no wake time of its own).
        let (token, at) = match due {
            Some(_) => (None, tokio::time::Instant::now()),
            None => (self.positions.lock().unwrap().get("").and_then(|p| p.wait.token.clone()), tokio::time::Instant::now() + rule.threshold),
        };
        *self.park.lock().unwrap() = Some(Park { wake_at, token, at });
        self.park_set.notify_one();
    }
}

impl Observer for ExecJournal {
    fn event(&self, e: &Event) {
        self.unpark();
        if super::history::over_limit(e.id, e.kind) || self.history_full.load(Ordering::SeqCst) {
            // AWS records the 25,000th event only if it is ExecutionSucceeded; otherwise that
            // event is ExecutionFailed (written by the engine as the execution ends).
            if !self.history_full.swap(true, Ordering::SeqCst) {
                self.full.notify_one();
            }
            return;
        }
        self.last_event.fetch_max(e.id, Ordering::SeqCst);
        if e.kind == "ExecutionTimedOut" {
            self.timed_out.store(true, Ordering::SeqCst);
        }
        let (details, started) = super::tokens::start_marker(e);
        let mut timestamp = millis(e.timestamp);
        let latest = self.last_timestamp.fetch_max(timestamp, Ordering::SeqCst);
        if started.is_some() {
            // An activity's start, stamped with the claim's time but numbered now.
            timestamp = timestamp.max(latest);
        }
        self.push(Write::AppendEvent(HistoryEvent { execution_arn: self.arn.clone(), id: e.id as i64, event_type: e.kind.to_owned(), timestamp, previous_id: e.previous_event_id as i64, details }));
        if let Some(w) = started {
            self.push(w);
        }
    }
}

pub(crate) fn is_activity(resource: &str) -> bool {
    let parts: Vec<&str> = resource.splitn(7, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "states", r, a, "activity", n] if !r.is_empty() && !a.is_empty() && !n.is_empty())
}

/// The scope a branch or iteration key belongs to (`"/P#0/M#3"` → `"/P#0"`, `"/P#0"` → `""`).
pub(crate) fn parent_of(key: &str) -> Option<&str> {
    key.rfind('/').map(|i| &key[..i])
}

/// The most writes merged into one commit of an execution's writer.
const MERGE_MAX: usize = 2000;

/// In merged batches, a scope's frame written twice keeps only its last write (when nothing
/// deletes frames in between, which could remove the later one's key).
fn last_frames_only(writes: &mut Vec<Write>) {
    if writes.iter().any(|w| matches!(w, Write::DeleteFrames { .. })) {
        return;
    }
    let mut seen = HashSet::new();
    let mut keep: Vec<bool> = writes
        .iter()
        .rev()
        .map(|w| match w {
            Write::PutFrame { scope, .. } => seen.insert(scope.clone()),
            _ => true,
        })
        .collect();
    keep.reverse();
    let mut i = 0;
    writes.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}
