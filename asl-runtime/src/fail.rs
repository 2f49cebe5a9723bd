//! Fail states: the error and cause, written literally or read from the input.

use asl_syntax::template::Template;
use serde_json::Value;

use crate::cx::Cx;
use crate::error::Failure;
use crate::{path, payload};

#[derive(Debug)]
pub enum Text {
    Lit(&'static str),
    /// `ErrorPath` / `CausePath` (a path or an intrinsic call).
    Dynamic(Template),
}

#[derive(Debug)]
pub struct FailSpec {
    pub error: Option<Text>,
    pub cause: Option<Text>,
}

pub fn run(spec: &FailSpec, input: &Value, cx: &Cx) -> Failure {
    let text = |t: &Option<Text>, field: &str| -> Result<Option<String>, Failure> {
        match t {
            None => Ok(None),
            Some(Text::Lit(s)) => Ok(Some((*s).to_owned())),
            Some(Text::Dynamic(Template::Path(p))) => {
                let v = path::select(p, &cx.env(input)).ok_or_else(|| Failure::runtime(format!("The JSONPath '{}' specified for the field '{field}' could not be found in the input '{input}'", p.text)))?;
                Ok(Some(match v.as_ref() { Value::String(s) => s.clone(), other => other.to_string() }))
            }
            Some(Text::Dynamic(t)) => {
                let v = payload::eval(t, &cx.env(input))?;
                Ok(Some(match v { Value::String(s) => s, other => other.to_string() }))
            }
        }
    };
    let error = match text(&spec.error, "ErrorPath") {
        Ok(e) => e,
        Err(f) => return f,
    };
    let cause = match text(&spec.cause, "CausePath") {
        Ok(c) => c,
        Err(f) => return f,
    };
    Failure { error: error.unwrap_or_default(), cause }
}
