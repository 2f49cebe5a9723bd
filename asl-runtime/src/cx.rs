//! The context a state runs in: the execution it belongs to, its variables, the context object
//! (`$$`) and the hooks that observe transitions.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::clock::{Clock, format_timestamp};
use crate::durable::{Journal, Position, Resume, ScopeKey, Waiting};
use crate::env::Env;
use crate::error::{Failure, names};
use crate::history::{Event, Observer, state_event};
use crate::vars::Vars;

/// The top-level parts of the context object, as a bit set: generated code passes the parts a
/// state's paths read.
pub use asl_syntax::spec::ctx;

thread_local!(static ROOT: ScopeKey = ScopeKey::from(""));

/// What is fixed for a whole execution.
pub struct ExecutionInfo {
    /// The execution's ARN and where its name starts in it, made when first read (see
    /// [`id`](Self::id)): most executions never read their own identity.
    pub(crate) arn: OnceLock<(Arc<str>, usize)>,
    /// The name the execution was started with, if any; otherwise the name is a version 4 UUID
    /// made from `random`.
    pub(crate) given_name: Option<String>,
    pub(crate) random: u128,
    /// Shared by every execution of the machine (under the same options).
    pub state_machine_id: Arc<str>,
    pub state_machine_name: Arc<str>,
    pub role_arn: Arc<str>,
    /// `$$.Execution.Input`; `None` when no state of the machine reads it (see `context`).
    pub input: Option<Box<Value>>,
    /// The parts of the context object any state of the machine reads ([`ctx`] bits, from
    /// [`Machine::context`](crate::Machine::context)): what the machine never reads is neither
    /// copied (the execution's input) nor measured (each state's entry time).
    pub context: u8,
    pub start_time: SystemTime,
    pub clock: Clock,
    pub observer: Option<Arc<dyn Observer>>,
    /// Where a Distributed Map's S3 buckets are (see `map::reader::s3_root`).
    pub s3_root: Option<std::path::PathBuf>,
    /// AWS's payload limit in bytes (256 KiB), or `None` for no limit.
    pub max_payload_bytes: Option<usize>,
    /// The last event id handed out (events are numbered even when nobody observes them).
    pub events: AtomicU64,
    /// The durable engine recording this execution, if any.
    pub journal: Option<Arc<dyn Journal>>,
    /// Where a restarted execution resumes from.
    pub resume: Option<Arc<Resume>>,
    /// Context object fields given by the caller ([`crate::ExecutionOptions::context`]).
    pub given_context: Option<Arc<Value>>,
}

impl ExecutionInfo {
    /// Execution ARN: `arn:aws:states:<region>:<account>:execution:<machine>:<name>`.
    pub fn id(&self) -> &Arc<str> {
        &self.arn().0
    }

    /// The execution's name (the last part of its ARN).
    pub fn name(&self) -> &str {
        let (id, at) = self.arn();
        &id[*at..]
    }

    fn arn(&self) -> &(Arc<str>, usize) {
        self.arn.get_or_init(|| {
            let uuid;
            let name = match &self.given_name {
                Some(n) => n.as_str(),
                None => {
                    uuid = crate::ids::uuid_v4_from(self.random);
                    uuid.as_str()
                }
            };
            // The machine's ARN is `arn:aws:states:<region>:<account>:stateMachine:<machine>`.
            let m = &*self.state_machine_id;
            let head = m.strip_suffix(&*self.state_machine_name).and_then(|h| h.strip_suffix(":stateMachine:")).unwrap_or(m);
            let mut id = String::with_capacity(head.len() + self.state_machine_name.len() + name.len() + 12);
            for part in [head, ":execution:", &self.state_machine_name, ":", name] {
                id.push_str(part);
            }
            let at = id.len() - name.len();
            (id.into(), at)
        })
    }
}

/// The running context of one scope (the execution, a Parallel branch or a Map iteration).
pub struct Cx {
    /// The execution this scope belongs to.
    pub exec: Arc<ExecutionInfo>,
    /// Names this scope for the journal (`""` for the top level).
    pub scope: ScopeKey,
    /// On a restart: the position this scope resumes at, until its state is entered again.
    resuming: Option<Box<Position>>,
    /// What the state resumed at was waiting for (a Wait's due time, a Task's token, retry
    /// counts), until that state takes it.
    pub(crate) resumed_wait: Option<Box<Waiting>>,
    /// The scope's variables (and, through them, its enclosing scopes').
    pub vars: Vars,
    state_name: &'static str,
    state_type: &'static str,
    /// When the current state was entered (`None`: the execution's start). Kept as the
    /// monotonic instant, turned into wall time only when `$$.State.EnteredTime` is read.
    entered: Option<tokio::time::Instant>,
    pub(crate) retry_count: u32,
    pub(crate) task_token: Option<String>,
    /// Id of the current state's `…StateEntered` event.
    entered_event: u64,
    /// The scope's latest event id (atomic so events can be recorded through `&Cx`).
    last_event: AtomicU64,
}

impl Cx {
    /// Whether `v` is over the execution's payload limit.
    pub fn too_large(&self, v: &Value) -> bool {
        self.exec.max_payload_bytes.is_some_and(|limit| crate::limits::exceeds(v, limit))
    }

    /// The context of an execution's top-level scope.
    pub fn new(exec: Arc<ExecutionInfo>) -> Self {
        Cx::scoped(exec, ROOT.with(Clone::clone))
    }

    fn scoped(exec: Arc<ExecutionInfo>, scope: ScopeKey) -> Self {
        Cx {
            exec,
            scope,
            resuming: None,
            resumed_wait: None,
            vars: Vars::new(),
            state_name: "",
            state_type: "",
            entered: None,
            retry_count: 0,
            task_token: None,
            entered_event: 0,
            last_event: AtomicU64::new(0),
        }
    }

    /// On a restart, resume this scope at `p`: its variables now, its state when entered.
    pub(crate) fn resume_at(&mut self, p: &Position) {
        for (k, v) in &p.vars {
            self.vars.set(k.clone(), v.clone());
        }
        self.resuming = Some(Box::new(p.clone()));
    }

    /// The journal, when the execution is durable.
    pub fn journal(&self) -> Option<&Arc<dyn Journal>> {
        self.exec.journal.as_ref()
    }

    /// In a top-level scope resumed inside a waiting Task: its next event follows the last one
    /// recorded (a token's `TaskStarted`, a retry's `TaskFailed`), as in a run never stopped.
    pub(crate) fn follow_last_recorded(&self) {
        if let (true, Some(r)) = (self.scope.is_empty(), &self.exec.resume) {
            self.last_event.fetch_max(r.last_event, Ordering::Relaxed);
        }
    }

    /// Records what the current state waits for (a due time, a token, retry counts).
    pub(crate) fn note_waiting(&self, w: &Waiting) {
        if let Some(j) = &self.exec.journal {
            j.waiting(&self.scope, w);
        }
    }

    /// A context for a nested scope (a Parallel branch, a Map iteration): same execution, this
    /// scope's variables readable through `outer`, one snapshot shared by all the inner scopes.
    pub fn nested_in(&self, outer: Arc<Vars>, scope: ScopeKey) -> Self {
        let mut cx = Cx::scoped(self.exec.clone(), scope);
        cx.vars = Vars::nested(outer);
        cx.last_event = AtomicU64::new(self.last_event.load(Ordering::Relaxed));
        cx
    }

    /// A context for a child execution (a distributed Map's iteration): same identity and
    /// clock, its own event numbering and no observer, no variables of this scope.
    pub fn detached(&self, input: Value, scope: ScopeKey) -> Self {
        let e = &self.exec;
        let exec = ExecutionInfo {
            arn: OnceLock::from(e.arn().clone()),
            given_name: None,
            random: e.random,
            state_machine_id: e.state_machine_id.clone(),
            state_machine_name: e.state_machine_name.clone(),
            role_arn: e.role_arn.clone(),
            input: Some(Box::new(input)),
            context: e.context,
            start_time: e.start_time,
            clock: e.clock.clone(),
            observer: None,
            events: AtomicU64::new(0),
            s3_root: e.s3_root.clone(),
            max_payload_bytes: e.max_payload_bytes,
            journal: e.journal.clone(),
            resume: e.resume.clone(),
            given_context: e.given_context.clone(),
        };
        Cx::scoped(Arc::new(exec), scope)
    }

    /// The id of this scope's last event.
    pub(crate) fn last_event(&self) -> u64 {
        self.last_event.load(Ordering::Relaxed)
    }

    /// An event of this scope recorded from outside it (`TaskContext::record_event`): the
    /// scope's next event follows it.
    pub(crate) fn set_last_event(&self, id: u64) {
        self.last_event.store(id, Ordering::Relaxed);
    }

    /// Records an event: numbers it, and builds and hands it to the observer if there is one.
    pub fn event(&self, kind: &'static str, details: impl FnOnce() -> Value) -> u64 {
        self.event_of(|| kind, details)
    }

    /// [`event`](Self::event) with the event type computed only when someone observes it.
    #[inline]
    fn event_of(&self, kind: impl FnOnce() -> &'static str, details: impl FnOnce() -> Value) -> u64 {
        let id = self.exec.events.fetch_add(1, Ordering::Relaxed) + 1;
        // Only this scope writes its `last_event` (a nested scope has its own): no read-modify-write needed.
        let previous = self.last_event.load(Ordering::Relaxed);
        self.last_event.store(id, Ordering::Relaxed);
        if let Some(o) = &self.exec.observer {
            o.event(&Event { execution: self.exec.id().clone(), id, previous_event_id: previous, timestamp: self.exec.clock.now(), kind: kind(), details: details() });
        }
        id
    }

    /// Adds AWS's location prefix to a runtime error raised while this state runs
    /// ("An error occurred while executing the state 'X' (entered at the event id #N). …").
    /// Errors of tasks and Fail states pass unchanged; so does an error already located.
    pub fn locate(&self, mut f: Failure) -> Failure {
        const PREFIX: &str = "An error occurred while executing the state";
        let runtime = f.error == names::RUNTIME || f.error == names::QUERY_EVALUATION_ERROR;
        if runtime && !f.cause.as_deref().is_some_and(|c| c.starts_with(PREFIX)) {
            let cause = f.cause.take().unwrap_or_default();
            f.cause = Some(format!("{PREFIX} '{}' (entered at the event id #{}). {cause}", self.state_name, self.entered_event));
            let state = self.state_name;
            // AWS records EvaluationFailed for failed JSONata evaluations only.
            if f.error == names::QUERY_EVALUATION_ERROR {
                self.event("EvaluationFailed", || {
                    let mut d = crate::execution::failure_details(&f);
                    d["state"] = state.into();
                    d
                });
            }
        }
        f
    }

    /// The execution's clock.
    pub fn clock(&self) -> &Clock {
        &self.exec.clock
    }

    /// The name of the state running now.
    pub fn state_name(&self) -> &'static str {
        self.state_name
    }

    #[inline]
    pub(crate) fn enter_state(&mut self, name: &'static str, type_name: &'static str, input: &Value) {
        self.state_name = name;
        self.state_type = type_name;
        if self.exec.context & ctx::STATE != 0 {
            self.entered = Some(tokio::time::Instant::now());
        }
        self.retry_count = 0;
        self.task_token = None;
        // A restarted scope re-enters the state it was in: the entry was recorded already.
        if let Some(p) = self.resuming.take().filter(|p| p.state == name) {
            self.entered_event = p.entered_event;
            self.last_event.store(p.entered_event, Ordering::Relaxed);
            self.resumed_wait = Some(Box::new(p.wait));
            return;
        }
        self.resumed_wait = None;
        self.entered_event = self.event_of(|| state_event(type_name, true), || state_details(name, "input", input));
        if let Some(j) = &self.exec.journal {
            let position = Position { state: name.to_owned(), input: input.clone(), vars: self.vars.own(), entered_event: self.entered_event, wait: Waiting::default() };
            j.entered(&self.scope, &position);
        }
    }

    #[inline]
    pub(crate) fn exit_state(&mut self, name: &'static str, type_name: &'static str, output: &Value) {
        self.event_of(|| state_event(type_name, false), || state_details(name, "output", output));
    }

    /// When the current state was entered, as wall time.
    pub fn entered_time(&self) -> SystemTime {
        match self.entered {
            Some(at) => self.exec.clock.system_at(at),
            None => self.exec.start_time,
        }
    }

    /// The environment for expressions that do not read the context object.
    pub fn env<'a>(&'a self, input: &'a Value) -> Env<'a> {
        Env::of(input, &self.vars)
    }

    /// The context object `$$` as it is now.
    pub fn context_object(&self) -> Value {
        self.context_object_with(ctx::ALL, None)
    }

    /// The parts of the context object in `parts` (see [`ctx`]), with `Map.Item` set while a
    /// Map's ItemSelector is evaluated. Building only what a state's paths read keeps a Map's
    /// per-item `$$.Map.Item` from copying the execution's input each time.
    pub fn context_object_with(&self, parts: u8, map_item: Option<(usize, &Value)>) -> Value {
        let e = &self.exec;
        let mut root = Map::new();
        if parts & ctx::EXECUTION != 0 {
            let mut execution = Map::new();
            execution.insert("Id".into(), e.id().as_ref().into());
            execution.insert("Input".into(), e.input.as_deref().cloned().unwrap_or_default());
            execution.insert("Name".into(), e.name().into());
            execution.insert("RoleArn".into(), e.role_arn.as_ref().into());
            execution.insert("StartTime".into(), format_timestamp(e.start_time).into());
            execution.insert("RedriveCount".into(), e.resume.as_ref().map_or(0, |r| r.redrive_count).into());
            root.insert("Execution".into(), Value::Object(execution));
        }
        if parts & ctx::STATE != 0 {
            let mut state = Map::new();
            state.insert("EnteredTime".into(), format_timestamp(self.entered_time()).into());
            state.insert("Name".into(), self.state_name.into());
            // Only states that retry have a RetryCount (AWS's recordings of Pass states have none).
            if matches!(self.state_type, "Task" | "Parallel" | "Map") {
                state.insert("RetryCount".into(), self.retry_count.into());
            }
            root.insert("State".into(), Value::Object(state));
        }
        if parts & ctx::STATE_MACHINE != 0 {
            let mut machine = Map::new();
            machine.insert("Id".into(), e.state_machine_id.as_ref().into());
            machine.insert("Name".into(), e.state_machine_name.as_ref().into());
            root.insert("StateMachine".into(), Value::Object(machine));
        }
        if let (Some(t), true) = (&self.task_token, parts & ctx::TASK != 0) {
            let mut task = Map::new();
            task.insert("Token".into(), t.clone().into());
            root.insert("Task".into(), Value::Object(task));
        }
        if let (Some((index, value)), true) = (map_item, parts & ctx::MAP != 0) {
            let mut item = Map::new();
            item.insert("Index".into(), index.into());
            item.insert("Value".into(), value.clone());
            let mut map = Map::new();
            map.insert("Item".into(), Value::Object(item));
            root.insert("Map".into(), Value::Object(map));
        }
        if let Some(Value::Object(given)) = e.given_context.as_deref() {
            overlay(&mut root, given);
        }
        Value::Object(root)
    }
}

/// The given context object's fields over the runtime's: objects merge field by field, any
/// other value replaces.
fn overlay(root: &mut Map<String, Value>, given: &Map<String, Value>) {
    for (k, v) in given {
        match (root.get_mut(k), v) {
            (Some(Value::Object(mine)), Value::Object(theirs)) => overlay(mine, theirs),
            _ => {
                root.insert(k.clone(), v.clone());
            }
        }
    }
}

fn state_details(name: &str, key: &str, value: &Value) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), name.into());
    m.insert(key.into(), value.to_string().into());
    Value::Object(m)
}
