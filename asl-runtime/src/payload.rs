//! Payload templates (JSONPath `Parameters`, `ResultSelector`, `ItemSelector`, `Assign`).

use asl_syntax::Lit;
use serde_json::{Map, Value};

/// Converts a build-time literal into a JSON value.
pub fn lit(l: &Lit) -> Value {
    match l {
        Lit::Null => Value::Null,
        Lit::Bool(b) => Value::Bool(*b),
        Lit::Int(i) => Value::from(*i),
        Lit::UInt(u) => Value::from(*u),
        Lit::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Lit::Str(s) => Value::String(s.to_string()),
        Lit::Array(items) => Value::Array(items.iter().map(lit).collect()),
        Lit::Object(members) => {
            Value::Object(members.iter().map(|(k, v)| (k.to_string(), lit(v))).collect::<Map<_, _>>())
        }
    }
}
