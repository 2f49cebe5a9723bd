//! Fail states: the error and cause, written literally or read from the input.

use asl_syntax::template::Template;
use serde_json::Value;

use crate::cx::Cx;
use crate::error::Failure;
use crate::{intrinsics, path, payload, template};

pub use asl_syntax::spec::{FailSpec, Text};

/// Runs a Fail state: the failure its `Error` and `Cause` make.
pub fn run(spec: &FailSpec, input: &Value, cx: &Cx) -> Failure {
    let ctx = if spec.context != 0 { cx.context_object_with(spec.context, None) } else { Value::Null };
    let env = || {
        let mut env = cx.env(input);
        env.context = &ctx;
        env
    };
    let text = |t: &Option<Text>, field: &str| -> Result<Option<String>, Failure> {
        match t {
            None => Ok(None),
            Some(Text::Lit(s)) => Ok(Some(s.to_string())),
            Some(Text::Dynamic(Template::Path(p))) => {
                let v = path::field_path(p, &env(), field)?;
                Ok(Some(path::value_text(&v)))
            }
            Some(Text::Dynamic(Template::Call(c))) => {
                let v = intrinsics::call_in_field(c, &env(), field)?;
                Ok(Some(path::value_text(&v)))
            }
            Some(Text::Dynamic(t)) => Ok(Some(path::value_text(&payload::eval(t, &env())?))),
            Some(Text::Query(q)) => {
                let name = field.trim_end_matches("Path");
                Ok(Some(path::value_text(&template::query_typed(q, &env(), name, "string", Value::is_string)?)))
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
