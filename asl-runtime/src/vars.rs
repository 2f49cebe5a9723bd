//! Workflow variables (`Assign`), with the scoping of Parallel branches and Map iterations: an
//! inner scope reads the outer variables as they were when it started, and assigns its own.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

#[derive(Clone, Debug, Default)]
pub struct Vars {
    local: HashMap<String, Value>,
    /// The enclosing scope, frozen at the moment this scope began.
    outer: Option<Arc<Vars>>,
}

impl Vars {
    pub fn new() -> Self {
        Vars::default()
    }

    /// A scope nested in `outer` (a Parallel branch or a Map iteration).
    pub fn nested(outer: Arc<Vars>) -> Self {
        Vars { local: HashMap::new(), outer: Some(outer) }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.local.get(name) {
            Some(v) => Some(v),
            None => self.outer.as_deref().and_then(|o| o.get(name)),
        }
    }

    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        self.local.insert(name.into(), value);
    }

    pub fn is_empty(&self) -> bool {
        self.local.is_empty() && self.outer.as_ref().is_none_or(|o| o.is_empty())
    }
}
