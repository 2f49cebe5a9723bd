//! AWS's payload quota: a state's input, output or task result over 256 KiB of JSON text fails
//! with `States.DataLimitExceeded`.

use serde_json::Value;

/// 256 KiB, AWS's limit on payloads (UTF-8 bytes of the JSON text).
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// Whether the JSON text of `v` is longer than `limit` bytes. Walks the value without
/// serialising it and stops as soon as the limit is passed, so small payloads cost little.
pub fn exceeds(v: &Value, limit: usize) -> bool {
    fn walk(v: &Value, budget: &mut isize) {
        if *budget < 0 {
            return;
        }
        *budget -= match v {
            Value::Null => 4,
            Value::Bool(b) => if *b { 4 } else { 5 },
            Value::Number(n) => n.to_string().len() as isize,
            Value::String(s) => string_len(s),
            Value::Array(a) => {
                *budget -= 2 + a.len().saturating_sub(1) as isize;
                for x in a {
                    walk(x, budget);
                }
                0
            }
            Value::Object(m) => {
                *budget -= 2 + m.len().saturating_sub(1) as isize;
                for (k, x) in m {
                    *budget -= string_len(k) + 1;
                    walk(x, budget);
                }
                0
            }
        };
    }
    let mut budget = limit as isize;
    walk(v, &mut budget);
    budget < 0
}

/// Bytes of a JSON string literal: quotes, escapes and UTF-8 text.
fn string_len(s: &str) -> isize {
    let escapes = s.bytes().filter(|b| matches!(b, b'"' | b'\\') || *b < 0x20).count();
    (s.len() + 2 + escapes) as isize
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn measures_like_the_json_text() {
        for v in [json!(null), json!({"a": [1, 2.5, "x\"y"], "b": {"c": true}}), json!("é")] {
            let len = v.to_string().len();
            assert!(!exceeds(&v, len), "{v}");
            assert!(exceeds(&v, len - 1), "{v}");
        }
        assert!(exceeds(&json!("a".repeat(MAX_PAYLOAD_BYTES)), MAX_PAYLOAD_BYTES));
    }
}
