//! Pass states: the input, or `Result`, or `Parameters`, placed by ResultPath.

use asl_syntax::Lit;
use serde_json::Value;

use crate::cx::Cx;
use crate::error::Failure;
use crate::io::{Io, ResultPath};
use crate::payload;

#[derive(Debug)]
pub struct PassSpec {
    pub io: Io,
    pub result: Option<Lit>,
}

pub fn run(spec: &PassSpec, input: Value, cx: &mut Cx) -> Result<Value, Failure> {
    // When the result replaces the input, the input is the result's material: move it, no copy.
    if spec.result.is_none() && !spec.io.jsonata && matches!(spec.io.result_path, ResultPath::Replace) {
        let result = spec.io.arguments_owned(input, cx)?;
        return spec.io.output(Value::Null, result, cx);
    }
    let result = match &spec.result {
        Some(r) => payload::lit(r),
        None if spec.io.jsonata => input.clone(),
        None => spec.io.arguments(&input, cx)?,
    };
    spec.io.output(input, result, cx)
}
