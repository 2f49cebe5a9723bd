//! JSONata evaluation (interim: nothing can be parsed yet, so nothing is evaluated).
use asl_syntax::jsonata::Expr;
use serde_json::Value;

use crate::{Env, Failure};

pub fn eval(_e: &Expr, _env: &Env) -> Result<Option<Value>, Failure> {
    Err(Failure::runtime("JSONata is not yet supported"))
}
