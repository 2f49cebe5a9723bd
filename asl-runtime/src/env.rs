//! What an expression (a JSONPath path, an intrinsic call, a JSONata expression) can see while it
//! is evaluated.

use serde_json::Value;

use crate::vars::Vars;

/// The evaluation environment of one expression.
///
/// Generated code builds the context object only for the states whose expressions read it
/// (`$$` / `$states.context`), which it knows at build time; elsewhere `context` is `Null`.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// `$` in JSONPath; `$states.input` in JSONata. (In a ResultSelector, `$` is the task result.)
    pub input: &'a Value,
    /// `$$` in JSONPath; `$states.context` in JSONata.
    pub context: &'a Value,
    /// Workflow variables (`$name`).
    pub vars: &'a Vars,
    /// `$states.result` (JSONata, after a Task/Parallel/Map succeeded).
    pub result: Option<&'a Value>,
    /// `$states.errorOutput` (JSONata, in a Catch).
    pub error_output: Option<&'a Value>,
    /// `$$.Map.Item` (index and value) while a Map's ItemSelector is evaluated, read from here
    /// rather than from a `Map` member built into `context` for every item.
    pub map_item: Option<(usize, &'a Value)>,
}

static NULL: Value = Value::Null;

impl<'a> Env<'a> {
    /// An environment over `input` alone: no context object, no variables.
    pub fn of(input: &'a Value, vars: &'a Vars) -> Self {
        Env { input, context: &NULL, vars, result: None, error_output: None, map_item: None }
    }
}
