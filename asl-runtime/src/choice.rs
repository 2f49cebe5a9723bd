//! Choice comparison operators (interim subset until the full set lands).
use serde_json::Value;

pub fn string_equals(v: Option<&Value>, s: &str) -> bool {
    v.and_then(Value::as_str) == Some(s)
}
pub fn numeric_equals(v: Option<&Value>, n: f64) -> bool {
    v.and_then(Value::as_f64) == Some(n)
}
pub fn numeric_less_than(v: Option<&Value>, n: f64) -> bool {
    v.and_then(Value::as_f64).is_some_and(|x| x < n)
}
pub fn numeric_greater_than(v: Option<&Value>, n: f64) -> bool {
    v.and_then(Value::as_f64).is_some_and(|x| x > n)
}
pub fn boolean_equals(v: Option<&Value>, b: bool) -> bool {
    v.and_then(Value::as_bool) == Some(b)
}
pub fn is_present(v: Option<&Value>, b: bool) -> bool {
    v.is_some() == b
}
