//! AWS's payload quota: a state's input, output or task result over 256 KiB of JSON text fails
//! with `States.DataLimitExceeded`.

use serde_json::Value;

/// 256 KiB, AWS's limit on payloads (UTF-8 bytes of the JSON text).
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// Deepest nesting of a payload: one nested deeper counts as over the limit. AWS states no
/// nesting limit; without one a loop that wraps its own input (`"Parameters": {"a.$": "$"}`)
/// nests it 40,000 levels before the size limit, and copying such a value overflowed a tokio
/// worker's 2 MiB stack at about 1,000 levels (a debug build takes some 2 KiB a level),
/// aborting the process. Twice serde_json's parsing limit (128), so every input it reads fits.
pub const MAX_PAYLOAD_DEPTH: usize = 256;

/// Whether the JSON text of `v` is longer than `limit` bytes, or `v` is nested deeper than
/// [`MAX_PAYLOAD_DEPTH`].
///
/// A first walk adds up an upper bound of the text's length without allocating (numbers count
/// as their longest form) and stops as soon as the limit is passed; only a value whose bound
/// passes the limit is serialised to count exactly. Small payloads cost a few nanoseconds a node.
pub fn exceeds(v: &Value, limit: usize) -> bool {
    // Three ever closer measures, each only when the one before cannot tell: most payloads are
    // far below the limit, and every state's output is measured.
    match upper_bound_within(v, limit, coarse_string_bound) {
        Bound::Within => return false,
        Bound::TooDeep => return true,
        Bound::Over => {}
    }
    match upper_bound_within(v, limit, string_bound) {
        Bound::Within => return false,
        Bound::TooDeep => return true,
        Bound::Over => {}
    }
    // both walks stopped early: the depth of the rest is not known yet, and writing recurses
    if deeper_than(v, MAX_PAYLOAD_DEPTH) {
        return true;
    }
    let mut counter = Counter(0);
    serde_json::to_writer(&mut counter, v).is_ok() && counter.0 > limit
}

enum Bound {
    Within,
    Over,
    TooDeep,
}

/// Whether an upper bound of `v`'s JSON text length, with strings bounded by `string`, is
/// within `limit` (and its nesting within [`MAX_PAYLOAD_DEPTH`]).
fn upper_bound_within(v: &Value, limit: usize, string: fn(&str) -> isize) -> Bound {
    fn walk(v: &Value, budget: &mut isize, string: fn(&str) -> isize, depth: usize, too_deep: &mut bool) {
        if *budget < 0 {
            return;
        }
        if depth > MAX_PAYLOAD_DEPTH && matches!(v, Value::Array(_) | Value::Object(_)) {
            *too_deep = true;
            *budget = -1;
            return;
        }
        *budget -= match v {
            Value::Null | Value::Bool(_) => 5,
            // At most 20 characters for an integer (`-9223372036854775808`), 24 for a float.
            Value::Number(n) if n.is_f64() => 24,
            Value::Number(_) => 20,
            Value::String(s) => string(s),
            Value::Array(a) => {
                *budget -= 2 + a.len() as isize;
                for x in a {
                    walk(x, budget, string, depth + 1, too_deep);
                }
                0
            }
            Value::Object(m) => {
                *budget -= 2 + m.len() as isize;
                for (k, x) in m {
                    *budget -= string(k) + 1;
                    walk(x, budget, string, depth + 1, too_deep);
                }
                0
            }
        };
    }
    let mut budget = limit as isize;
    let mut too_deep = false;
    walk(v, &mut budget, string, 1, &mut too_deep);
    if too_deep {
        Bound::TooDeep
    } else if budget >= 0 {
        Bound::Within
    } else {
        Bound::Over
    }
}

/// Whether `v` nests arrays and objects more than `max` deep (without recursing).
pub(crate) fn deeper_than(v: &Value, max: usize) -> bool {
    let mut stack = vec![(v, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(a) => Box::new(a.iter()),
            Value::Object(m) => Box::new(m.values()),
            _ => continue,
        };
        if depth > max {
            return true;
        }
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    false
}

/// At most 6 bytes per byte of text (`\u00XX` escapes) and the quotes: no need to read the text.
fn coarse_string_bound(s: &str) -> isize {
    (6 * s.len() + 2) as isize
}

/// At most 6 bytes per byte of text (`\u00XX` escapes) would be exact; a string's length with
/// quotes times 6 is too loose for large strings, so escapes are counted only when present.
fn string_bound(s: &str) -> isize {
    let escapes = s.bytes().filter(|b| matches!(b, b'"' | b'\\') || *b < 0x20).count();
    (s.len() + 2 + 5 * escapes) as isize
}

struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn measures_like_the_json_text() {
        let large = json!({"quotes": "\"".repeat(50_000), "n": [u64::MAX, i64::MIN as u64], "i": i64::MIN, "f": -1.7976931348623157e308, "s": "é".repeat(1000)});
        for v in [json!(null), json!({"a": [1, 2.5, -3, "x\"y\n"], "b": {"c": true}}), json!("é"), json!([]), large] {
            let len = v.to_string().len();
            assert!(!exceeds(&v, len), "{v}");
            assert!(exceeds(&v, len - 1), "{v}");
        }
        assert!(exceeds(&json!("a".repeat(MAX_PAYLOAD_BYTES)), MAX_PAYLOAD_BYTES));
        assert!(!exceeds(&json!("a".repeat(MAX_PAYLOAD_BYTES - 2)), MAX_PAYLOAD_BYTES));
    }

    /// `[[…[1]…]]` nested `depth` deep, built and dropped without recursion.
    fn nested(depth: usize) -> Value {
        let mut v = json!(1);
        for _ in 0..depth {
            v = Value::Array(vec![v]);
        }
        v
    }

    fn drop_flat(mut v: Value) {
        while let Value::Array(mut a) = v {
            v = a.pop().unwrap_or(Value::Null);
        }
    }

    #[test]
    fn nesting_past_the_limit_counts_as_over_it() {
        let ok = nested(MAX_PAYLOAD_DEPTH);
        assert!(!exceeds(&ok, MAX_PAYLOAD_BYTES));
        drop_flat(ok);
        // deeper, on a tokio-sized stack: found without recursing into the whole value, also
        // when the size alone is already over (the exact count writes the value out)
        let t = std::thread::Builder::new().stack_size(2 << 20).spawn(|| {
            let deep = nested(100_000);
            let r = (exceeds(&deep, MAX_PAYLOAD_BYTES), exceeds(&deep, 10), exceeds(&nested(MAX_PAYLOAD_DEPTH + 1), 1_000_000));
            drop_flat(deep);
            r
        });
        assert_eq!(t.unwrap().join().unwrap(), (true, true, true));
    }
}
