//! The `States.Array*` functions.

use serde_json::Value;

use super::Args;
use crate::Failure;

/// Most items `States.ArrayRange` may produce.
pub const MAX_RANGE_ITEMS: i64 = 1000;

pub(super) fn partition(a: &Args) -> Result<Value, Failure> {
    let arr = a.array(0, "first argument")?;
    let size = a.int(1, "chunk size")?;
    if size <= 0 {
        return Err(a.fail("the chunk size must be greater than 0"));
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    Ok(Value::Array(arr.chunks(size).map(|c| Value::Array(c.to_vec())).collect()))
}

pub(super) fn contains(a: &Args) -> Result<Value, Failure> {
    let arr = a.array(0, "first argument")?;
    Ok(Value::Bool(arr.contains(a.get(1))))
}

/// `[start, start+step, …]` up to and including `end`.
pub(super) fn range(a: &Args) -> Result<Value, Failure> {
    let (start, end, step) = (a.int(0, "start")?, a.int(1, "end")?, a.int(2, "step")?);
    if step == 0 {
        return Err(a.fail("the step must not be 0"));
    }
    let span = i128::from(end) - i128::from(start);
    let count = if (span >= 0) == (step > 0) || span == 0 { span / i128::from(step) + 1 } else { 0 };
    if count > i128::from(MAX_RANGE_ITEMS) {
        return Err(a.fail(format_args!("the range has {count} items; at most {MAX_RANGE_ITEMS} are allowed")));
    }
    Ok(Value::Array((0..count as i64).map(|i| Value::from(start + i * step)).collect()))
}

pub(super) fn get_item(a: &Args) -> Result<Value, Failure> {
    let arr = a.array(0, "first argument")?;
    let i = a.int(1, "index")?;
    usize::try_from(i).ok().and_then(|i| arr.get(i)).cloned().ok_or_else(|| a.fail(format_args!("the index {i} is out of bounds for an array of length {}", arr.len())))
}

pub(super) fn length(a: &Args) -> Result<Value, Failure> {
    Ok(Value::from(a.array(0, "argument")?.len()))
}

/// Removes repeated values, keeping each first occurrence. Values are grouped by a hash that
/// agrees with JSON equality (`==`), so only values with the same hash are compared: linear
/// time where comparing each value with every kept one took seconds on 40,000 items.
pub(super) fn unique(a: &Args) -> Result<Value, Failure> {
    let arr = a.array(0, "argument")?;
    let mut out: Vec<Value> = Vec::with_capacity(arr.len());
    let mut kept: std::collections::HashMap<u64, Vec<usize>> = std::collections::HashMap::with_capacity(arr.len());
    for v in arr {
        let same_hash = kept.entry(json_hash(v)).or_default();
        if !same_hash.iter().any(|&i| out[i] == *v) {
            same_hash.push(out.len());
            out.push(v.clone());
        }
    }
    Ok(Value::Array(out))
}

/// A hash of `v` equal for values that are `==`: object members are combined in any order (maps
/// compare without regard to order), numbers by their kind and value (`1` and `1.0` differ).
fn json_hash(v: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match v {
        Value::Null => 0u8.hash(&mut h),
        Value::Bool(b) => (1u8, b).hash(&mut h),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                (2u8, u).hash(&mut h);
            } else if let Some(i) = n.as_i64() {
                (3u8, i).hash(&mut h);
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                // -0.0 == 0.0
                (4u8, if f == 0.0 { 0 } else { f.to_bits() }).hash(&mut h);
            }
        }
        Value::String(s) => (5u8, s).hash(&mut h),
        Value::Array(items) => {
            (6u8, items.len()).hash(&mut h);
            for x in items {
                json_hash(x).hash(&mut h);
            }
        }
        Value::Object(m) => {
            let members = m.iter().fold(0u64, |acc, (k, x)| {
                let mut mh = std::collections::hash_map::DefaultHasher::new();
                (k, json_hash(x)).hash(&mut mh);
                acc.wrapping_add(mh.finish())
            });
            (7u8, m.len(), members).hash(&mut h);
        }
    }
    h.finish()
}
