//! Pass states: the input, or `Result`, or `Parameters`, placed by ResultPath.

use asl_syntax::Lit;
use serde_json::Value;

use crate::cx::Cx;
use crate::error::Failure;
use crate::io::Io;
use crate::payload;

#[derive(Debug)]
pub struct PassSpec {
    pub io: Io,
    pub result: Option<Lit>,
}

pub fn run(spec: &PassSpec, input: Value, cx: &mut Cx) -> Result<Value, Failure> {
    let result = match &spec.result {
        Some(r) => payload::lit(r),
        None if spec.io.jsonata => input.clone(),
        None => spec.io.arguments(&input, cx)?,
    };
    spec.io.output(input, result, cx)
}
