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
    if upper_bound_within(v, limit) {
        return false;
    }
    let mut counter = Counter(0);
    serde_json::to_writer(&mut counter, v).is_ok() && counter.0 > limit
}

fn upper_bound_within(v: &Value, limit: usize) -> bool {
    fn walk(v: &Value, budget: &mut isize) {
        if *budget < 0 {
            return;
        }
        *budget -= match v {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(n) => match n.as_u64() {
                Some(u) => digits(u),
                None => 24,
            },
            Value::String(s) => string_bound(s),
            Value::Array(a) => {
                *budget -= 2 + a.len() as isize;
                for x in a {
                    walk(x, budget);
                }
                0
            }
            Value::Object(m) => {
                *budget -= 2 + m.len() as isize;
                for (k, x) in m {
                    *budget -= string_bound(k) + 1;
                    walk(x, budget);
                }
                0
            }
        };
    }
    let mut budget = limit as isize;
    walk(v, &mut budget);
    budget >= 0
}

fn digits(mut u: u64) -> isize {
    let mut n = 1;
    while u >= 10 {
        u /= 10;
        n += 1;
    }
    n
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
        for v in [json!(null), json!({"a": [1, 2.5, -3, "x\"y\n"], "b": {"c": true}}), json!("é"), json!([])] {
            let len = v.to_string().len();
            assert!(!exceeds(&v, len), "{v}");
            assert!(exceeds(&v, len - 1), "{v}");
        }
        assert!(exceeds(&json!("a".repeat(MAX_PAYLOAD_BYTES)), MAX_PAYLOAD_BYTES));
        assert!(!exceeds(&json!("a".repeat(MAX_PAYLOAD_BYTES - 2)), MAX_PAYLOAD_BYTES));
    }
}
