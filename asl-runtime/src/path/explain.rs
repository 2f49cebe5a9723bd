//! Why a definite path found nothing, worded as Jayway JsonPath words it. AWS quotes this in
//! the cause of an `InputPath`/`OutputPath` failure, e.g. (case
//! `base_scenarios__test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_INPUTPATH`):
//! `Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']`.
//!
//! Only "No results for path" is recorded from AWS. The other texts are Jayway 2.x's own
//! messages; the Java class and provider names in them assume Jayway's default json-smart
//! provider and are unverified.

use asl_syntax::path::{Path, Root, Seg, write_segs};
use serde_json::Value;

use super::compact;

const PROVIDER: &str = "com.jayway.jsonpath.spi.json.JsonSmartJsonProvider";

/// Jayway's message for a definite `path` that found nothing in `root`.
pub(super) fn explain(path: &Path, root: Option<&Value>) -> String {
    let full = path.jayway_string();
    let prefix = |n: usize| {
        let mut s = match &path.root {
            Root::Input => "$".to_owned(),
            Root::Context => "$$".to_owned(),
            Root::Var(v) => format!("${v}"),
        };
        write_segs(&mut s, &path.segs[..n]);
        s
    };
    let Some(mut node) = root else { return format!("No results for path: {full}") };
    let last = path.segs.len().saturating_sub(1);
    for (i, seg) in path.segs.iter().enumerate() {
        match seg {
            Seg::Field(name) => match node {
                Value::Object(o) => match o.get(&**name) {
                    Some(v) => node = v,
                    None if i == last => break,
                    None => return format!("Missing property in path {}", prefix(i + 1)),
                },
                other => {
                    return format!(
                        "Expected to find an object with property ['{name}'] in path {} but found '{}'. \
                         This is not a json object according to the JsonProvider: '{PROVIDER}'.",
                        prefix(i),
                        java_class(other)
                    );
                }
            },
            Seg::Index(idx) => match node {
                Value::Array(a) => match super::select::index(a, *idx) {
                    Some(v) => node = v,
                    None => break,
                },
                Value::Null => return format!("The path {} is null", prefix(i)),
                other => {
                    return format!("Filter: [{idx}] can only be applied to arrays. Current context is: {}", compact(other));
                }
            },
            _ => break,
        }
    }
    format!("No results for path: {full}")
}

fn java_class(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::String(_) => "java.lang.String",
        Value::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => "java.lang.Integer",
        Value::Number(n) if n.is_i64() || n.is_u64() => "java.lang.Long",
        Value::Number(_) => "java.lang.Double",
        Value::Array(_) => "net.minidev.json.JSONArray",
        Value::Object(_) => "net.minidev.json.JSONObject",
    }
}
