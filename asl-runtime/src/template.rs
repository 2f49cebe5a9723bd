//! JSONata in states: `{% … %}` expressions alone (`Condition`, `Seconds`, `Items`, …) and inside
//! templates (`Arguments`, `Output`, `Assign`), with AWS's error causes.

use asl_syntax::template::{Query, Template};
use serde_json::{Map, Value};

use crate::error::{Failure, names};
use crate::{Env, jsonata, payload};

/// Evaluates one expression; `field` names the field in AWS's causes (`Output`,
/// `Arguments/FunctionName`, `Condition`, …). Undefined is an error, as on AWS.
pub fn query(q: &Query, env: &Env, field: &str) -> Result<Value, Failure> {
    match jsonata::evaluate(&q.expr, env) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(Failure::new(names::QUERY_EVALUATION_ERROR, jsonata::undefined_cause(&q.text, field))),
        Err(e) => Err(Failure::new(names::QUERY_EVALUATION_ERROR, e.describe(&q.text, field))),
    }
}

/// An expression whose result must be of one JSON type (`Items` → array, `Seconds` → integer…).
pub fn query_typed(q: &Query, env: &Env, field: &str, expected: &str, ok: impl Fn(&Value) -> bool) -> Result<Value, Failure> {
    let v = query(q, env, field)?;
    if ok(&v) {
        return Ok(v);
    }
    let was = match &v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    Err(Failure::new(
        names::QUERY_EVALUATION_ERROR,
        format!("The JSONata expression '{}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{was}' for value: {v}", q.text),
    ))
}

/// A Choice rule's `Condition`: must be a boolean.
pub fn condition(q: &Query, env: &Env) -> Result<bool, Failure> {
    query_typed(q, env, "Condition", "boolean", Value::is_boolean).map(|v| v == Value::Bool(true))
}

/// Evaluates a JSONata template; `field` names the field in AWS's error causes.
pub fn eval_jsonata(t: &Template, env: &Env, field: &str) -> Result<Value, Failure> {
    match t {
        Template::Jsonata(q) => query(q, env, field),
        Template::Object(m) => {
            let mut out = Map::with_capacity(m.len());
            for (k, v) in m.iter() {
                let sub = format!("{field}/{k}");
                out.insert(k.to_string(), eval_jsonata(v, env, &sub)?);
            }
            Ok(Value::Object(out))
        }
        Template::Array(a) => a.iter().map(|t| eval_jsonata(t, env, field)).collect::<Result<Vec<_>, _>>().map(Value::Array),
        Template::Lit(l) => Ok(payload::lit(l)),
        Template::Path(_) | Template::Call(_) => payload::eval(t, env),
    }
}
