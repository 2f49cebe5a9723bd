//! Task handlers of a loaded workflow, registered by resource ARN.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use serde_json::Value;

use crate::error::Failure;
use crate::machine::BoxFuture;
use crate::task::TaskContext;

/// Runs the work of a Task state: gets the state's arguments, returns its result or failure.
pub trait Handler: Send + Sync + 'static {
    /// Runs the task with its arguments and context.
    fn call(&self, input: Value, ctx: TaskContext) -> BoxFuture<'static, Result<Value, Failure>>;
}

impl<F, Fut> Handler for F
where
    F: Fn(Value, TaskContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Value, Failure>> + Send + 'static,
{
    fn call(&self, input: Value, ctx: TaskContext) -> BoxFuture<'static, Result<Value, Failure>> {
        Box::pin(self(input, ctx))
    }
}

/// Handlers by resource: an exact ARN first, then patterns with `*` (any run of characters) in
/// the order they were added, then the catch-all.
#[derive(Clone, Default)]
pub struct Handlers {
    exact: HashMap<String, Arc<dyn Handler>>,
    patterns: Vec<(String, Arc<dyn Handler>)>,
    fallback: Option<Arc<dyn Handler>>,
}

impl Handlers {
    /// No handlers.
    pub fn new() -> Self {
        Handlers::default()
    }

    /// Handles the resource `arn`, or every resource matching it when it holds `*`.
    pub fn on(mut self, arn: impl Into<String>, handler: impl Handler) -> Self {
        self.insert(arn, Arc::new(handler));
        self
    }

    /// [`on`](Self::on) for a handler already shared.
    pub fn insert(&mut self, arn: impl Into<String>, handler: Arc<dyn Handler>) {
        let arn = arn.into();
        if arn.contains('*') {
            self.patterns.push((arn, handler));
        } else {
            self.exact.insert(arn, handler);
        }
    }

    /// Handles every resource no other handler takes.
    pub fn fallback(mut self, handler: impl Handler) -> Self {
        self.fallback = Some(Arc::new(handler));
        self
    }

    /// The handler for `resource`, if any.
    pub fn find(&self, resource: &str) -> Option<Arc<dyn Handler>> {
        self.exact.get(resource).or_else(|| self.patterns.iter().find(|(p, _)| glob(p, resource)).map(|(_, h)| h)).or(self.fallback.as_ref()).cloned()
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("arn:aws:lambda:*:function:Charge", "arn:aws:lambda:us-east-1:1:function:Charge"));
        assert!(glob("*", "anything"));
        assert!(glob("a*b*c", "aXbYc") && !glob("a*b*c", "aXbY"));
        assert!(glob("exact", "exact") && !glob("exact", "exactly"));
        assert!(glob("*Charge", "fn:Charge") && !glob("*Charge", "fn:ChargeX"));
    }
}
