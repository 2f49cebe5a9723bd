//! JSONata evaluation as AWS Step Functions does it (JSONata 2.0.6 semantics, all built-ins but
//! `$eval`, plus AWS's `$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`).
//!
//! Expressions are parsed at build time (`asl_syntax::jsonata::parse`); evaluation walks the
//! tree over borrowed input. `$states` is `{input, context, result?, errorOutput?}` of the
//! [`Env`], workflow variables are `$name`, and the expression has no context value of its own
//! (`$` and `$$` are undefined at the top).

mod apply;
mod error;
mod eval;
mod functions;
mod json;
mod ops;
mod path;
mod regex;
mod transform;
mod value;

#[cfg(test)]
mod tests;

use serde_json::Value;

use asl_syntax::jsonata::Expr;

use value::Val;

use crate::env::Env;
use crate::error::{Failure, names};

pub use asl_syntax::jsonata::{free_variables, reads_context};
pub use error::JError;
pub use json::js_number;

/// Why an expression produced no JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum EvalError {
    /// A JSONata error (`T1006`, `D3030`, …).
    Thrown(JError),
    /// The result is a function, which has no JSON form.
    UnsupportedResult,
}

impl EvalError {
    /// The end of AWS's cause after "The JSONata expression '…' specified for the field '…'".
    pub fn outcome(&self) -> String {
        match self {
            EvalError::Thrown(e) => format!("threw an error during evaluation. {}", e.describe()),
            EvalError::UnsupportedResult => "returned an unsupported result type.".into(),
        }
    }

    /// AWS's description: `The JSONata expression '<text>' specified for the field '<field>'
    /// threw an error during evaluation. T1006: Attempted to invoke a non-function` (the caller
    /// prefixes the state part, "An error occurred while executing the state …").
    pub fn describe(&self, text: &str, field: &str) -> String {
        format!("The JSONata expression '{text}' specified for the field '{field}' {}", self.outcome())
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Thrown(e) => f.write_str(&e.describe()),
            EvalError::UnsupportedResult => f.write_str("unsupported result type (a function)"),
        }
    }
}

/// AWS's text for an expression that yields undefined.
pub fn undefined_cause(text: &str, field: &str) -> String {
    format!("The JSONata expression '{text}' specified for the field '{field}' returned nothing (undefined).")
}

/// Evaluates with a context value `$` (the reference test suite's input document), as
/// jsonata-js's `evaluate(input)` does: an array input is wrapped so that it stays one value.
#[cfg(test)]
pub(crate) fn evaluate_with_context<'a>(expr: &'a Expr, env: &Env<'a>, input: Option<&'a Value>) -> Result<Option<Value>, EvalError> {
    use std::rc::Rc;
    let ev = eval::Ev::new(*env);
    let ctx = input.map(|v| {
        let v = value::Val::from_json(v);
        if v.is_array() { value::Val::Arr(Rc::new(value::Arr { depth: 1 + v.depth(), items: vec![v], seq: true, outer_wrapper: true, ..Default::default() })) } else { v }
    });
    ev.bind(0, "$", ctx.clone());
    match ev.eval(expr, &ctx, 0) {
        Ok(None) => Ok(None),
        Ok(Some(Val::Func(_))) => Err(EvalError::UnsupportedResult),
        Ok(Some(v)) => v.to_result_json(eval::MAX_BUILT_BYTES).map_err(EvalError::Thrown),
        Err(e) => Err(EvalError::Thrown(e)),
    }
}

/// Evaluates an expression; `Ok(None)` is undefined.
pub fn evaluate<'a>(expr: &'a Expr, env: &Env<'a>) -> Result<Option<Value>, EvalError> {
    let ev = eval::Ev::new(*env);
    match ev.eval(expr, &None, 0) {
        Ok(None) => Ok(None),
        Ok(Some(Val::Func(_))) => Err(EvalError::UnsupportedResult),
        Ok(Some(v)) => v.to_result_json(eval::MAX_BUILT_BYTES).map_err(EvalError::Thrown),
        Err(e) => Err(EvalError::Thrown(e)),
    }
}

/// Evaluates an expression; `Ok(None)` is undefined. Errors are `States.QueryEvaluationError`
/// with the cause `CODE: message` (or "returned an unsupported result type." for a function);
/// callers that know the expression text and field build AWS's full cause with
/// [`EvalError::describe`] through [`evaluate`].
pub fn eval(expr: &Expr, env: &Env) -> Result<Option<Value>, Failure> {
    evaluate(expr, env).map_err(|e| match e {
        EvalError::Thrown(j) => Failure::new(names::QUERY_EVALUATION_ERROR, j.describe()),
        other => Failure::new(names::QUERY_EVALUATION_ERROR, other.outcome()),
    })
}
