//! The in-memory store, for tests: the same semantics as the databases, nothing kept.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use super::*;

#[derive(Default)]
struct Tables {
    machines: BTreeMap<String, StateMachine>,
    activities: BTreeMap<String, Activity>,
    executions: BTreeMap<String, Execution>,
    frames: BTreeMap<(String, String), Value>,
    events: BTreeMap<(String, i64), HistoryEvent>,
    tasks: BTreeMap<String, Task>,
}

/// The old value of one row, to put back when a group rolls back.
enum Undo {
    Machine(String, Option<StateMachine>),
    Activity(String, Option<Activity>),
    Execution(String, Option<Execution>),
    Frame((String, String), Option<Value>),
    Event((String, i64), Option<HistoryEvent>),
    Task(String, Option<Task>),
}

/// Sets `map[key] = new` (or removes it) and logs the old value.
fn set<K: Ord + Clone, V>(map: &mut BTreeMap<K, V>, key: K, new: Option<V>, undo: &mut Vec<Undo>, wrap: fn(K, Option<V>) -> Undo) {
    let old = match new {
        Some(v) => map.insert(key.clone(), v),
        None => map.remove(&key),
    };
    undo.push(wrap(key, old));
}

impl Tables {
    fn rollback(&mut self, undo: Vec<Undo>) {
        fn put<K: Ord, V>(map: &mut BTreeMap<K, V>, k: K, v: Option<V>) {
            match v {
                Some(v) => map.insert(k, v),
                None => map.remove(&k),
            };
        }
        for u in undo.into_iter().rev() {
            match u {
                Undo::Machine(k, v) => put(&mut self.machines, k, v),
                Undo::Activity(k, v) => put(&mut self.activities, k, v),
                Undo::Execution(k, v) => put(&mut self.executions, k, v),
                Undo::Frame(k, v) => put(&mut self.frames, k, v),
                Undo::Event(k, v) => put(&mut self.events, k, v),
                Undo::Task(k, v) => put(&mut self.tasks, k, v),
            }
        }
    }

    fn write(&mut self, w: Write, undo: &mut Vec<Undo>) -> Result<(), StoreError> {
        match w {
            Write::InsertMachine(m) => {
                if self.machines.contains_key(&m.arn) {
                    return Err(StoreError::AlreadyExists { what: "state machine", key: m.arn });
                }
                set(&mut self.machines, m.arn.clone(), Some(m), undo, Undo::Machine);
            }
            Write::UpdateMachine(m) => {
                if !self.machines.contains_key(&m.arn) {
                    return Err(StoreError::NotFound { what: "state machine", key: m.arn });
                }
                set(&mut self.machines, m.arn.clone(), Some(m), undo, Undo::Machine);
            }
            Write::DeleteMachine(arn) => set(&mut self.machines, arn, None, undo, Undo::Machine),
            Write::InsertActivity(a) => {
                if self.activities.contains_key(&a.arn) {
                    return Err(StoreError::AlreadyExists { what: "activity", key: a.arn });
                }
                set(&mut self.activities, a.arn.clone(), Some(a), undo, Undo::Activity);
            }
            Write::DeleteActivity(arn) => set(&mut self.activities, arn, None, undo, Undo::Activity),
            Write::InsertExecution(e) => {
                let taken = self.executions.contains_key(&e.arn) || self.executions.values().any(|x| x.machine_arn == e.machine_arn && x.name == e.name);
                if taken {
                    return Err(StoreError::AlreadyExists { what: "execution", key: e.arn });
                }
                set(&mut self.executions, e.arn.clone(), Some(e), undo, Undo::Execution);
            }
            Write::UpdateExecution { arn, patch } => {
                let Some(mut e) = self.executions.get(&arn).cloned() else {
                    return Err(StoreError::NotFound { what: "execution", key: arn });
                };
                let p = patch;
                if let Some(v) = p.status {
                    e.status = v
                }
                if let Some(v) = p.output {
                    e.output = v
                }
                if let Some(v) = p.error {
                    e.error = v
                }
                if let Some(v) = p.cause {
                    e.cause = v
                }
                if let Some(v) = p.stop_date {
                    e.stop_date = v
                }
                if let Some(v) = p.redrive_count {
                    e.redrive_count = v
                }
                if let Some(v) = p.redrive_date {
                    e.redrive_date = v
                }
                if let Some(v) = p.wake_at {
                    e.wake_at = v
                }
                if let Some(v) = p.runnable {
                    e.runnable = v
                }
                set(&mut self.executions, arn, Some(e), undo, Undo::Execution);
            }
            Write::CheckOwner { arn, owner } => {
                let held = self.executions.get(&arn).is_some_and(|e| e.owner.as_deref() == Some(&owner));
                if !held {
                    return Err(StoreError::Conflict(format!("{owner} does not hold execution {arn}")));
                }
            }
            Write::Acquire { arn, owner, now, lease_until } => {
                let Some(mut e) = self.executions.get(&arn).cloned() else {
                    return Err(StoreError::Conflict(format!("another owner holds execution {arn}")));
                };
                let free = e.owner.is_none() || e.owner.as_deref() == Some(&owner) || e.lease_until.is_none_or(|l| l < now);
                if !free {
                    return Err(StoreError::Conflict(format!("another owner holds execution {arn}")));
                }
                e.owner = Some(owner);
                e.lease_until = Some(lease_until);
                set(&mut self.executions, arn, Some(e), undo, Undo::Execution);
            }
            Write::Release { arn, owner } => {
                if let Some(e) = self.executions.get(&arn).filter(|e| e.owner.as_deref() == Some(&owner)) {
                    let mut e = e.clone();
                    e.owner = None;
                    e.lease_until = None;
                    set(&mut self.executions, arn, Some(e), undo, Undo::Execution);
                }
            }
            Write::Park { arn, owner, wake_at, token } => {
                if let Some(e) = self.executions.get(&arn).filter(|e| e.owner.as_deref() == Some(&owner)) {
                    let mut e = e.clone();
                    e.owner = None;
                    e.lease_until = None;
                    e.wake_at = wake_at;
                    e.runnable = token.and_then(|t| self.tasks.get(&t)).is_some_and(|t| !t.status.is_open());
                    set(&mut self.executions, arn, Some(e), undo, Undo::Execution);
                }
            }
            Write::PutFrame { execution_arn, scope, frame } => set(&mut self.frames, (execution_arn, scope), Some(frame), undo, Undo::Frame),
            Write::DeleteFrames { execution_arn, prefix } => {
                let keys: Vec<_> = self
                    .frames
                    .range((execution_arn.clone(), String::new())..)
                    .take_while(|((arn, _), _)| *arn == execution_arn)
                    .filter(|((_, scope), _)| scope.starts_with(&prefix))
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in keys {
                    set(&mut self.frames, k, None, undo, Undo::Frame);
                }
            }
            Write::AppendEvent(ev) => {
                let key = (ev.execution_arn.clone(), ev.id);
                if self.events.contains_key(&key) {
                    return Err(StoreError::AlreadyExists { what: "history event", key: format!("{} #{}", key.0, key.1) });
                }
                set(&mut self.events, key, Some(ev), undo, Undo::Event);
            }
            Write::InsertTask(t) => {
                if self.tasks.contains_key(&t.token) {
                    return Err(StoreError::AlreadyExists { what: "task", key: t.token });
                }
                set(&mut self.tasks, t.token.clone(), Some(t), undo, Undo::Task);
            }
            Write::TaskStartRecorded { token, event_id } => {
                if let Some(mut t) = self.tasks.get(&token).cloned() {
                    t.started_event = Some(event_id);
                    set(&mut self.tasks, token, Some(t), undo, Undo::Task);
                }
            }
            Write::CancelTasks { execution_arn, scope_prefix } => {
                let hit: Vec<Task> = self.tasks.values().filter(|t| t.execution_arn == execution_arn && t.scope.starts_with(&scope_prefix) && t.status.is_open()).cloned().collect();
                for mut t in hit {
                    t.status = TaskStatus::Cancelled;
                    set(&mut self.tasks, t.token.clone(), Some(t), undo, Undo::Task);
                }
            }
        }
        Ok(())
    }

    fn set_execution(&mut self, e: Execution) {
        self.executions.insert(e.arn.clone(), e);
    }
}

/// Everything in a mutex; for tests and for embedding without persistence.
#[derive(Default)]
pub struct MemoryStore {
    tables: Mutex<Tables>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Tables> {
        // A panic while holding the lock can only come from a bug here; the tables are still
        // consistent (each write is applied whole or rolled back), so keep going.
        self.tables.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn ready<'a, T: Send + 'a>(r: Result<T, StoreError>) -> StoreFuture<'a, T> {
    Box::pin(std::future::ready(r))
}

fn paginate<T: Clone>(items: impl Iterator<Item = T>, size: usize, token: impl Fn(&T) -> String) -> Page<T> {
    let mut items: Vec<T> = items.take(size + 1).collect();
    let next_token = if items.len() > size {
        items.truncate(size);
        items.last().map(&token)
    } else {
        None
    };
    Page { items, next_token }
}

impl Store for MemoryStore {
    fn apply_groups(&self, groups: Vec<Vec<Write>>) -> StoreFuture<'_, Vec<Result<(), StoreError>>> {
        let mut t = self.lock();
        let results = groups
            .into_iter()
            .map(|group| {
                let mut undo = Vec::new();
                let r = group.into_iter().try_for_each(|w| t.write(w, &mut undo));
                if r.is_err() {
                    t.rollback(undo);
                }
                r
            })
            .collect();
        ready(Ok(results))
    }

    fn get_machine(&self, arn: &str) -> StoreFuture<'_, Option<StateMachine>> {
        ready(Ok(self.lock().machines.get(arn).cloned()))
    }

    fn list_machines(&self, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<StateMachine>> {
        let t = self.lock();
        let after = match next_token.as_deref().map(|k| read_token("m", k)).transpose() {
            Ok(a) => a.map(str::to_string),
            Err(e) => return ready(Err(e)),
        };
        let it = t.machines.values().filter(|m| after.as_ref().is_none_or(|a| m.arn > *a)).cloned();
        ready(Ok(paginate(it, page_size(max_results), |m| make_token("m", &m.arn))))
    }

    fn get_activity(&self, arn: &str) -> StoreFuture<'_, Option<Activity>> {
        ready(Ok(self.lock().activities.get(arn).cloned()))
    }

    fn list_activities(&self, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<Activity>> {
        let t = self.lock();
        let after = match next_token.as_deref().map(|k| read_token("a", k)).transpose() {
            Ok(a) => a.map(str::to_string),
            Err(e) => return ready(Err(e)),
        };
        let it = t.activities.values().filter(|a| after.as_ref().is_none_or(|x| a.arn > *x)).cloned();
        ready(Ok(paginate(it, page_size(max_results), |a| make_token("a", &a.arn))))
    }

    fn get_execution(&self, arn: &str) -> StoreFuture<'_, Option<Execution>> {
        ready(Ok(self.lock().executions.get(arn).cloned()))
    }

    fn find_execution(&self, machine_arn: &str, name: &str) -> StoreFuture<'_, Option<Execution>> {
        let t = self.lock();
        ready(Ok(t.executions.values().find(|e| e.machine_arn == machine_arn && e.name == name).cloned()))
    }

    fn list_executions(&self, filter: ExecutionFilter, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<Execution>> {
        let after = match next_token.as_deref().map(read_execution_token).transpose() {
            Ok(a) => a,
            Err(e) => return ready(Err(e)),
        };
        let t = self.lock();
        let mut all: Vec<&Execution> = t
            .executions
            .values()
            .filter(|e| filter.machine_arn.as_ref().is_none_or(|m| e.machine_arn == *m))
            .filter(|e| filter.status.is_none_or(|s| e.status == s))
            .filter(|e| after.as_ref().is_none_or(|(s, a)| (e.start_date, &e.arn) < (*s, a)))
            .collect();
        all.sort_by(|a, b| (b.start_date, &b.arn).cmp(&(a.start_date, &a.arn)));
        ready(Ok(paginate(all.into_iter().cloned(), page_size(max_results), execution_token)))
    }

    fn frames(&self, execution_arn: &str) -> StoreFuture<'_, Vec<(String, Value)>> {
        let t = self.lock();
        let v = t.frames.range((execution_arn.to_string(), String::new())..).take_while(|((arn, _), _)| arn == execution_arn).map(|((_, scope), f)| (scope.clone(), f.clone())).collect();
        ready(Ok(v))
    }

    fn history(&self, execution_arn: &str, reverse: bool, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<HistoryEvent>> {
        let after = match next_token.as_deref().map(read_event_token).transpose() {
            Ok(a) => a,
            Err(e) => return ready(Err(e)),
        };
        let t = self.lock();
        let range = t.events.range((execution_arn.to_string(), i64::MIN)..=(execution_arn.to_string(), i64::MAX));
        let token = |e: &HistoryEvent| make_token("h", &e.id.to_string());
        let size = page_size(max_results);
        let page = if reverse {
            paginate(range.rev().map(|(_, e)| e).filter(|e| after.is_none_or(|a| e.id < a)).cloned(), size, token)
        } else {
            paginate(range.map(|(_, e)| e).filter(|e| after.is_none_or(|a| e.id > a)).cloned(), size, token)
        };
        ready(Ok(page))
    }

    fn purge(&self, before: Millis, limit: usize) -> StoreFuture<'_, Purged> {
        let mut t = self.lock();
        let arns: Vec<String> = t.executions.values().filter(|e| e.status.is_final() && e.stop_date.is_some_and(|d| d < before)).map(|e| e.arn.clone()).take(limit).collect();
        let mut purged = Purged::default();
        for arn in arns {
            t.executions.remove(&arn);
            purged.executions += 1;
            let n = t.events.len();
            t.events.retain(|(a, _), _| *a != arn);
            purged.events += (n - t.events.len()) as u64;
            t.frames.retain(|(a, _), _| *a != arn);
            t.tasks.retain(|_, task| task.execution_arn != arn);
        }
        ready(Ok(purged))
    }

    fn claim(&self, owner: &str, now: Millis, lease_ms: i64, limit: usize) -> StoreFuture<'_, Vec<Execution>> {
        let mut t = self.lock();
        let mine = |e: &Execution| e.owner.as_deref() == Some(owner);
        // The claimer's own lapsed leases: only those lapsed for a whole lease, and last.
        let mut picked: Vec<Execution> = t.executions.values().filter(|e| claimable(e, now) && !(mine(e) && e.lease_until.is_some_and(|l| l > now - lease_ms))).cloned().collect();
        picked.sort_by(|a, b| (mine(a), a.start_date, &a.arn).cmp(&(mine(b), b.start_date, &b.arn)));
        picked.truncate(limit);
        picked.sort_by(|a, b| (a.start_date, &a.arn).cmp(&(b.start_date, &b.arn)));
        let out = picked
            .into_iter()
            .map(|mut e| {
                e.owner = Some(owner.to_string());
                e.lease_until = Some(now + lease_ms);
                t.set_execution(e.clone());
                e
            })
            .collect();
        ready(Ok(out))
    }

    fn claim_woken(&self, owner: &str, now: Millis, lease_ms: i64, limit: usize) -> StoreFuture<'_, Vec<Execution>> {
        let mut t = self.lock();
        let mut picked: Vec<Execution> = t.executions.values().filter(|e| e.owner.is_none() && claimable(e, now)).cloned().collect();
        picked.sort_by(|a, b| (a.start_date, &a.arn).cmp(&(b.start_date, &b.arn)));
        picked.truncate(limit);
        let out = picked
            .into_iter()
            .map(|mut e| {
                e.owner = Some(owner.to_string());
                e.lease_until = Some(now + lease_ms);
                t.set_execution(e.clone());
                e
            })
            .collect();
        ready(Ok(out))
    }

    fn renew(&self, owner: &str, arns: Vec<String>, now: Millis, lease_ms: i64) -> StoreFuture<'_, Vec<String>> {
        let mut t = self.lock();
        let mut kept = Vec::new();
        for arn in arns {
            if let Some(e) = t.executions.get_mut(&arn).filter(|e| e.owner.as_deref() == Some(owner)) {
                e.lease_until = Some(now + lease_ms);
                kept.push(arn);
            }
        }
        ready(Ok(kept))
    }

    fn get_task(&self, token: &str) -> StoreFuture<'_, Option<Task>> {
        ready(Ok(self.lock().tasks.get(token).cloned()))
    }

    fn tasks(&self, execution_arn: &str) -> StoreFuture<'_, Vec<Task>> {
        let t = self.lock();
        let mut v: Vec<Task> = t.tasks.values().filter(|x| x.execution_arn == execution_arn).cloned().collect();
        v.sort_by(|a, b| (a.created, &a.token).cmp(&(b.created, &b.token)));
        ready(Ok(v))
    }

    fn claim_activity_task(&self, activity_arn: &str, worker: &str, now: Millis) -> StoreFuture<'_, Option<Task>> {
        let mut t = self.lock();
        let oldest = t
            .tasks
            .values()
            .filter(|x| x.activity_arn.as_deref() == Some(activity_arn) && x.status == TaskStatus::Scheduled)
            .min_by(|a, b| (a.created, &a.token).cmp(&(b.created, &b.token)))
            .map(|x| x.token.clone());
        let Some(token) = oldest else {
            return ready(Ok(None));
        };
        let task = t.tasks.get_mut(&token).expect("token just found");
        task.status = TaskStatus::Started;
        task.worker = Some(worker.to_string());
        task.started = Some(now);
        if let Some(hb) = task.heartbeat_ms {
            task.heartbeat_deadline = Some(now + hb);
        }
        let task = task.clone();
        if let Some(e) = t.executions.get_mut(&task.execution_arn) {
            e.runnable = true;
        }
        ready(Ok(Some(task)))
    }

    fn answer_task(&self, token: &str, outcome: TaskOutcome, now: Millis) -> StoreFuture<'_, Task> {
        let mut t = self.lock();
        let Some(task) = t.tasks.get_mut(token) else {
            return ready(Err(StoreError::TaskDoesNotExist(token.to_string())));
        };
        if let Some(err) = task_answer_error(task, now) {
            return ready(Err(err));
        }
        match outcome {
            TaskOutcome::Success(v) => {
                task.status = TaskStatus::Succeeded;
                task.output = Some(v);
            }
            TaskOutcome::Failure { error, cause } => {
                task.status = TaskStatus::Failed;
                task.error = error;
                task.cause = cause;
            }
        }
        let task = task.clone();
        if let Some(e) = t.executions.get_mut(&task.execution_arn) {
            e.runnable = true;
        }
        ready(Ok(task))
    }

    fn heartbeat(&self, token: &str, now: Millis) -> StoreFuture<'_, Task> {
        let mut t = self.lock();
        let Some(task) = t.tasks.get_mut(token) else {
            return ready(Err(StoreError::TaskDoesNotExist(token.to_string())));
        };
        if let Some(err) = task_answer_error(task, now) {
            return ready(Err(err));
        }
        if let Some(hb) = task.heartbeat_ms {
            task.heartbeat_deadline = Some(now + hb);
        }
        ready(Ok(task.clone()))
    }

    fn expire_tasks(&self, now: Millis, limit: usize) -> StoreFuture<'_, Vec<Task>> {
        let mut t = self.lock();
        let mut expired: Vec<Task> = t.tasks.values().filter(|x| x.status.is_open() && deadline_passed(x, now).is_some()).cloned().collect();
        expired.sort_by(|a, b| (a.created, &a.token).cmp(&(b.created, &b.token)));
        expired.truncate(limit);
        for task in &mut expired {
            task.error = deadline_passed(task, now).map(str::to_string);
            task.status = TaskStatus::TimedOut;
            t.tasks.insert(task.token.clone(), task.clone());
            if let Some(e) = t.executions.get_mut(&task.execution_arn) {
                e.runnable = true;
            }
        }
        ready(Ok(expired))
    }
}

/// The claim rule, shared in spirit with the SQL of the database stores.
fn claimable(e: &Execution, now: Millis) -> bool {
    let expired = e.owner.is_some() && e.lease_until.is_some_and(|l| l <= now);
    let work = e.runnable || e.wake_at.is_some_and(|w| w <= now);
    e.status == ExecutionStatus::Running && (e.owner.is_none() && work || expired)
}
