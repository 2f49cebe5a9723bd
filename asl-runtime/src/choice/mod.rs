//! Choice rule operators (JSONPath).
//!
//! Generated code reads the rule's `Variable` once with [`variable`] (or [`is_present`] for
//! `IsPresent`), reads the operand of a `…Path` operator with [`operand`], then calls the
//! operator's function. Literal operands arrive already typed: `&str`, `f64`, `bool` or a
//! [`Timestamp`] built at compile time with `Timestamp::from_parts` (a literal that does not
//! parse is a build error, so nothing is parsed here).
//!
//! Types that do not fit the operator make it false, never an error (conformance cases
//! `boolean_equals__*`, `numeric_*`, `string_operators__*`, `timestamp_operators__*`,
//! `is_operators__*`). Type tests return whether the value has the type; the rule holds when
//! that equals the rule's `true`/`false`.

mod matches;
pub mod rule;
mod state;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cmp::Ordering;

use asl_syntax::path::Path;
use asl_syntax::timestamp::{self, Timestamp};
use serde_json::Value;

pub use matches::string_matches;
pub use state::run;

use crate::path::select;
use crate::{Env, Failure};

/// Reads a rule's `Variable`. Finding nothing is a States.Runtime error for every operator but
/// `IsPresent`; AWS's cause (as reported from AWS executions; not in the corpus):
/// `Invalid path '$.x': The choice state's condition path references an invalid value.`
pub fn variable<'v>(path: &Path, env: &Env<'v>) -> Result<Cow<'v, Value>, Failure> {
    select(path, env).ok_or_else(|| Failure::runtime(format!("Invalid path '{}': The choice state's condition path references an invalid value.", path.text)))
}

/// Reads the operand of a `…Path` operator (e.g. `StringEqualsPath`). No AWS text is known for
/// a missing operand; this mirrors the `Variable` wording.
pub fn operand<'v>(path: &Path, env: &Env<'v>) -> Result<Cow<'v, Value>, Failure> {
    select(path, env).ok_or_else(|| Failure::runtime(format!("Invalid path '{}': The choice state's comparison path references an invalid value.", path.text)))
}

/// `IsPresent`: whether `Variable` finds a node (a present `null` counts).
pub fn is_present(path: &Path, env: &Env) -> bool {
    select(path, env).is_some()
}

/// `IsNull`.
pub fn is_null(v: &Value) -> bool {
    v.is_null()
}

/// `IsNumeric`.
pub fn is_numeric(v: &Value) -> bool {
    v.is_number()
}

/// `IsString`.
pub fn is_string(v: &Value) -> bool {
    v.is_string()
}

/// `IsBoolean`.
pub fn is_boolean(v: &Value) -> bool {
    v.is_boolean()
}

/// `IsTimestamp`: a string AWS accepts as a timestamp.
pub fn is_timestamp(v: &Value) -> bool {
    as_timestamp(v).is_some()
}

/// `BooleanEquals`.
pub fn boolean_equals(v: &Value, lit: bool) -> bool {
    v.as_bool() == Some(lit)
}

/// `BooleanEqualsPath`.
pub fn boolean_equals_path(v: &Value, other: &Value) -> bool {
    matches!((v, other), (Value::Bool(a), Value::Bool(b)) if a == b)
}

/// Java's `String.compareTo`: UTF-16 code unit order.
fn str_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn num_lit_cmp(v: &Value, lit: f64) -> Option<Ordering> {
    match v {
        Value::Number(n) => match n.as_i64() {
            // Exact for integers a double cannot hold.
            Some(i) if lit.fract() == 0.0 && lit.abs() < 9.2e18 => Some(i.cmp(&(lit as i64))),
            _ => n.as_f64()?.partial_cmp(&lit),
        },
        _ => None,
    }
}

fn as_timestamp(v: &Value) -> Option<Timestamp> {
    v.as_str().and_then(timestamp::parse)
}

/// One operator per ordering test, over a comparison that is `None` on mismatched types.
macro_rules! ordered {
    ($kind:literal, $lit_ty:ty, $lit_cmp:expr, $path_cmp:expr;
     $($name:ident, $path_name:ident, $op:literal => ($test:pat);)*) => {$(
        #[doc = concat!("`", $kind, $op, "`.")]
        pub fn $name(v: &Value, lit: $lit_ty) -> bool {
            let cmp: Option<Ordering> = $lit_cmp(v, lit);
            matches!(cmp, Some($test))
        }
        #[doc = concat!("`", $kind, $op, "Path`.")]
        pub fn $path_name(v: &Value, other: &Value) -> bool {
            let cmp: Option<Ordering> = $path_cmp(v, other);
            matches!(cmp, Some($test))
        }
    )*};
}

ordered! {
    "String", &str,
    |v: &Value, lit: &str| v.as_str().map(|s| str_cmp(s, lit)),
    |v: &Value, o: &Value| v.as_str().zip(o.as_str()).map(|(a, b)| str_cmp(a, b));
    string_equals, string_equals_path, "Equals" => (Ordering::Equal);
    string_less_than, string_less_than_path, "LessThan" => (Ordering::Less);
    string_greater_than, string_greater_than_path, "GreaterThan" => (Ordering::Greater);
    string_less_than_equals, string_less_than_equals_path, "LessThanEquals" => (Ordering::Less | Ordering::Equal);
    string_greater_than_equals, string_greater_than_equals_path, "GreaterThanEquals" => (Ordering::Greater | Ordering::Equal);
}

ordered! {
    "Numeric", f64,
    num_lit_cmp,
    |v: &Value, o: &Value| if v.is_number() && o.is_number() { crate::path::num_cmp(v, o) } else { None };
    numeric_equals, numeric_equals_path, "Equals" => (Ordering::Equal);
    numeric_less_than, numeric_less_than_path, "LessThan" => (Ordering::Less);
    numeric_greater_than, numeric_greater_than_path, "GreaterThan" => (Ordering::Greater);
    numeric_less_than_equals, numeric_less_than_equals_path, "LessThanEquals" => (Ordering::Less | Ordering::Equal);
    numeric_greater_than_equals, numeric_greater_than_equals_path, "GreaterThanEquals" => (Ordering::Greater | Ordering::Equal);
}

ordered! {
    "Timestamp", &Timestamp,
    |v: &Value, lit: &Timestamp| as_timestamp(v).map(|t| t.cmp(lit)),
    |v: &Value, o: &Value| as_timestamp(v).zip(as_timestamp(o)).map(|(a, b)| a.cmp(&b));
    timestamp_equals, timestamp_equals_path, "Equals" => (Ordering::Equal);
    timestamp_less_than, timestamp_less_than_path, "LessThan" => (Ordering::Less);
    timestamp_greater_than, timestamp_greater_than_path, "GreaterThan" => (Ordering::Greater);
    timestamp_less_than_equals, timestamp_less_than_equals_path, "LessThanEquals" => (Ordering::Less | Ordering::Equal);
    timestamp_greater_than_equals, timestamp_greater_than_equals_path, "GreaterThanEquals" => (Ordering::Greater | Ordering::Equal);
}
