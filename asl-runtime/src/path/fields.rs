//! Reading the path of one ASL field, with AWS's error when it finds nothing or the wrong thing.
//!
//! Causes recorded from AWS (the conformance case is named for each):
//! - InputPath: `Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']`
//!   (`base_scenarios__test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_INPUTPATH`).
//! - `.$` fields, ErrorPath, CausePath: `The JSONPath '$.x' specified for the field 'value.$'
//!   could not be found in the input '{…}'` (`…_INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH`,
//!   `…_INVALID_JSONPATH_IN_ERRORPATH`, `…_ST.INVALID_JSONPATH_IN_CAUSEPATH`).
//! - SecondsPath values (`wait__test_base_wait_seconds_path_-1`, `…_1.5`), TimestampPath values
//!   (`base_scenarios__test_wait_timestamp_path_*`), MaxConcurrencyPath and
//!   ToleratedFailure*Path values (`base_scenarios__test_max_concurrency_path_*`,
//!   `base_scenarios__test_map_state_tolerated_failure_*_path_*`).

use std::borrow::Cow;

use asl_syntax::path::{Path, Root};
use asl_syntax::timestamp::{self, Timestamp};
use serde_json::Value;

use super::insert::{REFERENCE_PATH_CONFLICT, unable_to_apply};
use super::{compact, explain::explain, select};
use crate::{Env, Failure};

/// `InputPath` and `OutputPath`: States.Runtime with Jayway's reason.
pub fn input_path<'v>(path: &Path, env: &Env<'v>) -> Result<Cow<'v, Value>, Failure> {
    select(path, env).ok_or_else(|| {
        let root = match &path.root {
            Root::Input => Some(env.input),
            Root::Context => Some(env.context),
            Root::Var(v) => env.vars.get(v),
        };
        Failure::runtime(format!("Invalid path '{}' : {}", path.text, explain(path, root)))
    })
}

/// `ItemsPath` (a Reference Path): States.ReferencePathConflict naming the step that found
/// nothing. No AWS recording in the corpus; the wording is the one AWS users report for
/// ItemsPath ("Unable to apply step \"objects\" to input {…}").
pub fn items_path<'v>(path: &Path, env: &Env<'v>) -> Result<Cow<'v, Value>, Failure> {
    if let Some(v) = select(path, env) {
        return Ok(v);
    }
    let root = match &path.root {
        Root::Input => Some(env.input),
        Root::Context => Some(env.context),
        Root::Var(v) => env.vars.get(v),
    };
    let step = root.map(|r| missing_step(path, r)).unwrap_or_else(|| path.text.to_string());
    Err(Failure::new(REFERENCE_PATH_CONFLICT, unable_to_apply(&step, env.input)))
}

/// The first step of a definite path that finds nothing.
fn missing_step(path: &Path, mut node: &Value) -> String {
    use asl_syntax::path::Seg;
    for seg in path.segs.iter() {
        let next = match seg {
            Seg::Field(f) => node.get(&**f),
            Seg::Index(i) => node.as_array().and_then(|a| super::select::index(a, *i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => {
                return match seg {
                    Seg::Field(f) => f.to_string(),
                    Seg::Index(i) => i.to_string(),
                    _ => path.text.to_string(),
                };
            }
        }
    }
    path.text.to_string()
}

/// A path in any other field (`key.$` of a payload template, `ErrorPath`, `CausePath`,
/// `SecondsPath`, `TimestampPath`, `MaxConcurrencyPath`, …): States.Runtime naming the field and
/// quoting the state input.
/// `field` is only formatted for the cause (a payload member's `key.$` is not built otherwise).
pub fn field_path<'v>(path: &Path, env: &Env<'v>, field: impl std::fmt::Display) -> Result<Cow<'v, Value>, Failure> {
    select(path, env).ok_or_else(|| not_found(path, env, field))
}

pub(crate) fn not_found(path: &Path, env: &Env, field: impl std::fmt::Display) -> Failure {
    Failure::runtime(format!("The JSONPath '{}' specified for the field '{field}' could not be found in the input '{}'", path.text, compact(env.input)))
}

/// How AWS prints a referenced value in these causes: strings bare, anything else as JSON.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => compact(other),
    }
}

/// Wait `SecondsPath`: a non-negative integer number of seconds.
pub fn seconds_path(path: &Path, env: &Env) -> Result<u64, Failure> {
    let v = field_path(path, env, "SecondsPath")?;
    let fail = |what: &str| Failure::runtime(format!("The SecondsPath parameter {what}: {} == {}", path.text, value_text(&v)));
    let n = as_integer(&v).ok_or_else(|| fail("cannot be parsed as a long value"))?;
    u64::try_from(n).map_err(|_| fail("references a negative value"))
}

/// Wait `TimestampPath`: an AWS timestamp string.
pub fn timestamp_path(path: &Path, env: &Env) -> Result<Timestamp, Failure> {
    let v = field_path(path, env, "TimestampPath")?;
    v.as_str()
        .and_then(timestamp::parse)
        .ok_or_else(|| Failure::runtime(format!("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}", path.text, value_text(&v))))
}

/// An integer-valued `…Path` field (`MaxConcurrencyPath`, `ToleratedFailureCountPath`,
/// `MaxItemsPath`, …); `field` is the field name. Range checks are the caller's.
pub fn integer_path(path: &Path, env: &Env, field: &str) -> Result<i64, Failure> {
    let v = field_path(path, env, field)?;
    as_integer(&v).ok_or_else(|| Failure::runtime(format!("The {field} field refers to value \"{}\" which is not a valid integer: {}", value_text(&v), path.text)))
}

/// A float-valued `…Path` field (`ToleratedFailurePercentagePath`).
pub fn float_path(path: &Path, env: &Env, field: &str) -> Result<f64, Failure> {
    let v = field_path(path, env, field)?;
    // Numeric strings are coerced, as for integers.
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        .ok_or_else(|| Failure::runtime(format!("The {field} field refers to value \"{}\" which is not a valid float: {}", value_text(&v), path.text)))
}

/// An integral JSON number (`3`, `3.0`), as Java's long parsing accepts it.
fn as_integer(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    // A numeric string is coerced, as Jackson's asInt does on AWS
    // (`…_MAP_STATE_REFERENCE_IN_MAX_CONCURRENCY_PATH` reads "1").
    if let Some(s) = v.as_str() {
        return s.trim().parse().ok();
    }
    let f = v.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
}
