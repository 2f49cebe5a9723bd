//! The context a state runs in: the execution it belongs to, its variables, the context object
//! (`$$`) and the hooks that observe transitions.

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::clock::{format_timestamp, Clock};
use crate::env::Env;
use crate::vars::Vars;

/// What is fixed for a whole execution.
pub struct ExecutionInfo {
    /// Execution ARN: `arn:aws:states:<region>:<account>:execution:<machine>:<name>`.
    pub id: String,
    pub name: String,
    pub state_machine_id: String,
    pub state_machine_name: String,
    pub role_arn: String,
    pub input: Value,
    pub start_time: SystemTime,
    pub clock: Clock,
    pub observer: Option<Arc<dyn Observer>>,
}

/// Sees every state transition (history events and checkpoints attach here).
pub trait Observer: Send + Sync {
    fn state_entered(&self, name: &str, type_name: &str, input: &Value);
    fn state_exited(&self, name: &str, type_name: &str, output: &Value);
}

/// The running context of one scope (the execution, a Parallel branch or a Map iteration).
pub struct Cx {
    pub exec: Arc<ExecutionInfo>,
    pub vars: Vars,
    state_name: &'static str,
    entered: SystemTime,
    pub(crate) retry_count: u32,
    /// `$$.Map.Item` while a Map iteration's ItemSelector is evaluated.
    pub(crate) map_item: Option<(usize, Value)>,
    pub(crate) task_token: Option<String>,
}

impl Cx {
    pub fn new(exec: Arc<ExecutionInfo>) -> Self {
        let entered = exec.start_time;
        Cx { exec, vars: Vars::new(), state_name: "", entered, retry_count: 0, map_item: None, task_token: None }
    }

    /// A context for a nested scope: same execution, variables of this scope readable.
    pub fn nested(&self) -> Self {
        let mut cx = Cx::new(self.exec.clone());
        cx.vars = Vars::nested(Arc::new(self.vars.clone()));
        cx
    }

    pub fn clock(&self) -> &Clock {
        &self.exec.clock
    }

    pub fn state_name(&self) -> &'static str {
        self.state_name
    }

    pub(crate) fn enter_state(&mut self, name: &'static str, type_name: &'static str, input: &Value) {
        self.state_name = name;
        self.entered = self.exec.clock.now();
        self.retry_count = 0;
        self.task_token = None;
        if let Some(o) = &self.exec.observer {
            o.state_entered(name, type_name, input);
        }
    }

    pub(crate) fn exit_state(&mut self, name: &'static str, type_name: &'static str, output: &Value) {
        if let Some(o) = &self.exec.observer {
            o.state_exited(name, type_name, output);
        }
    }

    /// The environment for expressions that do not read the context object.
    pub fn env<'a>(&'a self, input: &'a Value) -> Env<'a> {
        Env::of(input, &self.vars)
    }

    /// The context object `$$` as it is now.
    pub fn context_object(&self) -> Value {
        self.context_object_with(self.map_item.as_ref().map(|(i, v)| (*i, v)))
    }

    /// The context object with `Map.Item` set (while a Map's ItemSelector is evaluated).
    pub fn context_object_with(&self, map_item: Option<(usize, &Value)>) -> Value {
        let e = &self.exec;
        let mut execution = Map::new();
        execution.insert("Id".into(), e.id.clone().into());
        execution.insert("Input".into(), e.input.clone());
        execution.insert("Name".into(), e.name.clone().into());
        execution.insert("RoleArn".into(), e.role_arn.clone().into());
        execution.insert("StartTime".into(), format_timestamp(e.start_time).into());
        execution.insert("RedriveCount".into(), 0.into());
        let mut state = Map::new();
        state.insert("EnteredTime".into(), format_timestamp(self.entered).into());
        state.insert("Name".into(), self.state_name.into());
        state.insert("RetryCount".into(), self.retry_count.into());
        let mut machine = Map::new();
        machine.insert("Id".into(), e.state_machine_id.clone().into());
        machine.insert("Name".into(), e.state_machine_name.clone().into());
        let mut root = Map::new();
        root.insert("Execution".into(), Value::Object(execution));
        root.insert("State".into(), Value::Object(state));
        root.insert("StateMachine".into(), Value::Object(machine));
        if let Some(t) = &self.task_token {
            let mut task = Map::new();
            task.insert("Token".into(), t.clone().into());
            root.insert("Task".into(), Value::Object(task));
        }
        if let Some((index, value)) = map_item {
            let mut item = Map::new();
            item.insert("Index".into(), index.into());
            item.insert("Value".into(), value.clone());
            let mut map = Map::new();
            map.insert("Item".into(), Value::Object(item));
            root.insert("Map".into(), Value::Object(map));
        }
        Value::Object(root)
    }
}
