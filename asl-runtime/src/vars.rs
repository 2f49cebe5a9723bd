//! Workflow variables (`Assign`), with the scoping of Parallel branches and Map iterations: an
//! inner scope reads the outer variables as they were when it started, and assigns its own.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

/// One scope's variables. Cloning is cheap (the map is shared until the next write), so a
/// Map iteration's scope costs no copy of the outer variables.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    /// Allocated at the first assignment (most scopes assign nothing).
    local: Option<Arc<HashMap<String, Value>>>,
    /// The enclosing scope, frozen at the moment this scope began.
    outer: Option<Arc<Vars>>,
}

impl Vars {
    /// No variables.
    pub fn new() -> Self {
        Vars::default()
    }

    /// A scope nested in `outer` (a Parallel branch or a Map iteration).
    pub fn nested(outer: Arc<Vars>) -> Self {
        Vars { local: None, outer: Some(outer) }
    }

    /// The variable's value, here or in an enclosing scope.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.local.as_deref().and_then(|l| l.get(name)) {
            Some(v) => Some(v),
            None => self.outer.as_deref().and_then(|o| o.get(name)),
        }
    }

    /// Sets a variable in this scope.
    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        Arc::make_mut(self.local.get_or_insert_default()).insert(name.into(), value);
    }

    /// The variables this scope set (not those it reads from enclosing scopes).
    pub fn own(&self) -> serde_json::Map<String, Value> {
        self.local.as_deref().map(|l| l.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
    }

    /// Whether this scope has set no variable.
    pub fn is_empty(&self) -> bool {
        self.local.as_ref().is_none_or(|l| l.is_empty()) && self.outer.as_ref().is_none_or(|o| o.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inner_scopes_see_outer_values_from_when_they_began() {
        let mut outer = Vars::new();
        outer.set("a", json!(1));
        let mut inner = Vars::nested(Arc::new(outer.clone()));
        outer.set("a", json!(2));
        outer.set("b", json!(3));
        assert_eq!(inner.get("a"), Some(&json!(1)));
        assert_eq!(inner.get("b"), None);
        inner.set("c", json!(4));
        assert_eq!(inner.get("c"), Some(&json!(4)));
        assert_eq!(outer.get("c"), None);
    }
}
