//! Succeed states: the effective input, through OutputPath or Output, ends the scope.

use serde_json::Value;

use crate::cx::Cx;
use crate::io::{DataFlow, Io};
use crate::machine::{Next, Step};

/// Runs a Succeed state.
pub fn run<S>(io: &Io, input: Value, cx: &mut Cx) -> Step<S> {
    Ok(Next::End(io.passthrough(input, cx)?))
}
