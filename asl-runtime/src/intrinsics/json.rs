//! `States.StringToJson`, `States.JsonToString`, `States.JsonMerge`.

use serde_json::Value;

use super::Args;
use crate::Failure;

/// Parses a JSON text; an empty (or blank) string gives `null`, as on AWS.
pub(super) fn string_to_json(a: &Args) -> Result<Value, Failure> {
    let s = a.str(0, "argument")?;
    if s.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(s).map_err(|_| a.fail("the argument is not valid JSON"))
}

/// Compact JSON with keys in their order (AWS: `{"Arg1":1,"Arg2":[]}`).
pub(super) fn to_json_text(v: &Value) -> String {
    crate::path::compact(v)
}

/// Shallow merge: members of the second object replace those of the first.
pub(super) fn json_merge(a: Args) -> Result<Value, Failure> {
    match a.get(2) {
        Value::Bool(false) => {}
        Value::Bool(true) => {
            return Err(a.fail("deep merge is not supported; the third argument must be false"));
        }
        _ => return Err(a.fail("the third argument must be a boolean")),
    }
    if !a.get(0).is_object() || !a.get(1).is_object() {
        return Err(a.fail("the first two arguments must be JSON objects"));
    }
    let mut vals = a.vals.into_iter();
    let (Some(first), Some(second)) = (vals.next(), vals.next()) else {
        return Err(super::failure(asl_syntax::intrinsic::Func::JsonMerge, "three arguments are required"));
    };
    let (Value::Object(mut base), Value::Object(over)) = (first.into_owned(), second.into_owned()) else { unreachable!("checked above") };
    base.extend(over);
    Ok(Value::Object(base))
}
