//! AWS's payload quota: a state's input, output or task result over 256 KiB of JSON text fails
//! with `States.DataLimitExceeded`.

use serde_json::Value;

/// 256 KiB, AWS's limit on payloads (UTF-8 bytes of the JSON text).
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// Whether the JSON text of `v` is longer than `limit` bytes.
///
/// A first walk adds up an upper bound of the text's length without allocating (numbers count
/// as their longest form) and stops as soon as the limit is passed; only a value whose bound
/// passes the limit is serialised to count exactly. Small payloads cost a few nanoseconds a node.
pub fn exceeds(v: &Value, limit: usize) -> bool {
    // Three ever closer measures, each only when the one before cannot tell: most payloads are
    // far below the limit, and every state's output is measured.
    if upper_bound_within(v, limit, coarse_string_bound) || upper_bound_within(v, limit, string_bound) {
        return false;
    }
    let mut counter = Counter(0);
    serde_json::to_writer(&mut counter, v).is_ok() && counter.0 > limit
}

/// Whether an upper bound of `v`'s JSON text length, with strings bounded by `string`, is
/// within `limit`.
fn upper_bound_within(v: &Value, limit: usize, string: fn(&str) -> isize) -> bool {
    fn walk(v: &Value, budget: &mut isize, string: fn(&str) -> isize) {
        if *budget < 0 {
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
                    walk(x, budget, string);
                }
                0
            }
            Value::Object(m) => {
                *budget -= 2 + m.len() as isize;
                for (k, x) in m {
                    *budget -= string(k) + 1;
                    walk(x, budget, string);
                }
                0
            }
        };
    }
    let mut budget = limit as isize;
    walk(v, &mut budget, string);
    budget >= 0
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
}
