//! Catchers: after retries are exhausted, the first catcher whose `ErrorEquals` matches moves
//! the execution to its `Next` with the error output placed as its ResultPath says.

use serde_json::Value;

use crate::cx::Cx;
use crate::error::Failure;
use crate::io::{Io, ResultPath};
use crate::machine::Flow;
use crate::retry::matches;
use crate::{path, payload, template};

pub use asl_syntax::spec::Catcher;

/// Whether nothing reads a state's input once its arguments are made (so the input can move
/// into them instead of being copied): its result replaces the input, and so does the error
/// output of every catcher (JSONPath catchers read only the error; JSONata ones may read the
/// input).
pub(crate) fn input_unread_after<S>(io: &Io, catchers: &[Catcher<S>]) -> bool {
    !io.jsonata && matches!(io.result_path, ResultPath::Replace) && catchers.iter().all(|c| !c.jsonata && matches!(c.result_path, ResultPath::Replace))
}

/// Routes a failure to the first matching catcher, or returns it unchanged.
pub fn handle<S: Copy>(catchers: &[Catcher<S>], f: Failure, input: Value, cx: &mut Cx) -> Result<Flow<S>, Failure> {
    let f = cx.locate(f);
    let Some(c) = catchers.iter().find(|c| matches(&c.errors, &f)) else { return Err(f) };
    let error_output = f.into_error_output();
    if c.jsonata {
        let mut env = cx.env(&input);
        env.error_output = Some(&error_output);
        let out = match &c.output {
            Some(t) => template::eval_jsonata(t, &env, "Output")?,
            None => error_output.clone(),
        };
        if let Some(a) = &c.assign {
            let values = template::eval_jsonata(a, &env, "Assign")?;
            set_all(cx, values);
        }
        return Ok(Flow::Caught(c.next, out));
    }
    if let Some(a) = &c.assign {
        let values = payload::eval(a, &cx.env(&error_output))?;
        set_all(cx, values);
    }
    let out = match &c.result_path {
        ResultPath::Replace => error_output,
        ResultPath::Discard => input,
        ResultPath::Merge(p) => path::insert(input, p, error_output)?,
    };
    Ok(Flow::Caught(c.next, out))
}

fn set_all(cx: &mut Cx, values: Value) {
    if let Value::Object(m) = values {
        for (k, v) in m {
            cx.vars.set(k, v);
        }
    }
}
