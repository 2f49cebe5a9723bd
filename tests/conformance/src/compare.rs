//! Comparing an outcome with `expected.json`, as the corpus's INDEX.md describes:
//!
//! - JSON values are equal when they are equal as JSON: object key order is ignored and numbers
//!   compare by value (`0` equals `0.0`).
//! - A string in the expected value may hold placeholders left by the recording, `<name>` or
//!   `<name:N>`. Each matches any non-empty text; within one case the same numbered placeholder
//!   stands for the same text every time.
//! - The contents of `SdkHttpMetadata` and `SdkResponseMetadata` (Lambda invoke responses) were
//!   normalised by the recording: any value matches, only the key must be there.
//! - In a nondeterministic case (random values, UUIDs, clocks) the recording replaced values it
//!   could not reproduce by fixed strings: with [`Matcher::lenient`], an expected string matches
//!   any string or number. Structure, keys and every other value are still compared.

use std::collections::HashMap;

use serde_json::Value;

/// Keys whose values are compared for presence only.
const ANY_VALUE_KEYS: &[&str] = &["SdkHttpMetadata", "SdkResponseMetadata"];

/// The state of one case's comparison: the text each numbered placeholder has stood for.
#[derive(Debug, Default)]
pub struct Matcher {
    bindings: HashMap<String, String>,
    lenient: bool,
    /// Set when a lenient match accepted a value that differs from the recording.
    pub used_leniency: bool,
}

impl Matcher {
    pub fn new() -> Self {
        Matcher::default()
    }

    /// For nondeterministic cases: an expected string matches any string or number.
    pub fn lenient() -> Self {
        Matcher { lenient: true, ..Matcher::default() }
    }

    /// Compares `actual` with `expected`; on a mismatch, says where (`$.a[0].b`) and how.
    pub fn values(&mut self, expected: &Value, actual: &Value) -> Result<(), String> {
        self.at("$", expected, actual)
    }

    /// Compares one string with an expected string that may hold placeholders.
    pub fn text(&mut self, expected: &str, actual: &str) -> bool {
        let segs = segments(expected);
        if segs.iter().all(|s| matches!(s, Seg::Lit(_))) {
            return expected == actual;
        }
        let mut new = Vec::new();
        if match_segs(&segs, actual, &mut self.bindings, &mut new) {
            true
        } else {
            for k in new {
                self.bindings.remove(&k);
            }
            false
        }
    }

    fn at(&mut self, path: &str, expected: &Value, actual: &Value) -> Result<(), String> {
        let differ = || format!("{path}: expected {}, got {}", short(expected), short(actual));
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => {
                if let Some(k) = e.keys().find(|k| !a.contains_key(*k)) {
                    return Err(format!("{path}: missing key {k:?} (got {})", short(actual)));
                }
                if let Some(k) = a.keys().find(|k| !e.contains_key(*k)) {
                    return Err(format!("{path}: unexpected key {k:?} (expected {})", short(expected)));
                }
                for (k, ev) in e {
                    if ANY_VALUE_KEYS.contains(&k.as_str()) {
                        continue;
                    }
                    self.at(&child(path, k), ev, &a[k])?;
                }
                Ok(())
            }
            (Value::Array(e), Value::Array(a)) => {
                if e.len() != a.len() {
                    return Err(format!("{path}: expected {} items, got {}: {}", e.len(), a.len(), short(actual)));
                }
                for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                    self.at(&format!("{path}[{i}]"), ev, av)?;
                }
                Ok(())
            }
            (Value::String(e), Value::String(a)) if self.text(e, a) => Ok(()),
            (Value::String(_), Value::String(_) | Value::Number(_)) if self.lenient => {
                self.used_leniency = true;
                Ok(())
            }
            (Value::Number(e), Value::Number(a)) if numbers_equal(e, a) => Ok(()),
            (Value::Bool(e), Value::Bool(a)) if e == a => Ok(()),
            (Value::Null, Value::Null) => Ok(()),
            _ => Err(differ()),
        }
    }
}

fn numbers_equal(e: &serde_json::Number, a: &serde_json::Number) -> bool {
    match (e.as_i64(), a.as_i64(), e.as_u64(), a.as_u64()) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => e.as_f64() == a.as_f64(),
    }
}

fn child(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') { format!("{path}.{key}") } else { format!("{path}[{key:?}]") }
}

/// A value in a message, cut to a readable length.
pub fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 200 { format!("{}…", s.chars().take(200).collect::<String>()) } else { s }
}

#[derive(Debug, PartialEq)]
enum Seg<'a> {
    Lit(&'a str),
    /// A placeholder; `Some(token)` when numbered (`<uuid:1>`), bound across the case.
    Any(Option<&'a str>),
}

/// Splits an expected string into literal text and placeholders. A placeholder is `<` + a name
/// (letters, digits, `_`, `-`, starting with a letter) + an optional `:N` + `>`.
fn segments(s: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    let mut lit_start = 0;
    let mut i = 0;
    while let Some(off) = s[i..].find('<') {
        let start = i + off;
        match placeholder_len(&s[start..]) {
            Some((len, numbered)) => {
                if lit_start < start {
                    out.push(Seg::Lit(&s[lit_start..start]));
                }
                let tok = &s[start..start + len];
                out.push(Seg::Any(numbered.then_some(tok)));
                i = start + len;
                lit_start = i;
            }
            None => i = start + 1,
        }
    }
    if lit_start < s.len() {
        out.push(Seg::Lit(&s[lit_start..]));
    }
    out
}

/// If `s` starts with a placeholder: its length and whether it is numbered.
fn placeholder_len(s: &str) -> Option<(usize, bool)> {
    let b = s.as_bytes();
    if b.len() < 3 || b[0] != b'<' || !b[1].is_ascii_alphabetic() {
        return None;
    }
    let mut i = 1;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
        i += 1;
    }
    let mut numbered = false;
    if i < b.len() && b[i] == b':' {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        i += 1 + digits;
        numbered = true;
    }
    (i < b.len() && b[i] == b'>').then_some((i + 1, numbered))
}

/// Backtracking match of `segs` against all of `text`. Numbered placeholders bound on the way
/// are recorded in `new` (so a failed match can be undone by the caller).
fn match_segs(segs: &[Seg], text: &str, bindings: &mut HashMap<String, String>, new: &mut Vec<String>) -> bool {
    let Some((first, rest)) = segs.split_first() else {
        return text.is_empty();
    };
    match first {
        Seg::Lit(l) => text.strip_prefix(l).is_some_and(|t| match_segs(rest, t, bindings, new)),
        Seg::Any(Some(tok)) if bindings.contains_key(*tok) => {
            let bound = bindings[*tok].clone();
            text.strip_prefix(bound.as_str()).is_some_and(|t| match_segs(rest, t, bindings, new))
        }
        Seg::Any(numbered) => {
            // Shortest first; each candidate must be non-empty.
            for (end, _) in text.char_indices().skip(1).chain(std::iter::once((text.len(), ' '))) {
                if end == 0 {
                    continue;
                }
                if let Some(tok) = numbered {
                    bindings.insert((*tok).to_owned(), text[..end].to_owned());
                    let mark = new.len();
                    new.push((*tok).to_owned());
                    if match_segs(rest, &text[end..], bindings, new) {
                        return true;
                    }
                    for k in new.drain(mark..) {
                        bindings.remove(&k);
                    }
                } else if match_segs(rest, &text[end..], bindings, new) {
                    return true;
                }
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_and_numbers() {
        let mut m = Matcher::new();
        assert!(m.values(&json!({"a": 1, "b": [1.0, "x"]}), &json!({"b": [1, "x"], "a": 1.0})).is_ok());
        let e = m.values(&json!({"a": {"b": [1, 2]}}), &json!({"a": {"b": [1, 3]}})).unwrap_err();
        assert_eq!(e, "$.a.b[1]: expected 2, got 3");
        assert!(m.values(&json!({"a": 1}), &json!({"a": 1, "c": 2})).unwrap_err().contains("unexpected key \"c\""));
        assert!(m.values(&json!({"a": 1, "c": 2}), &json!({"a": 1})).unwrap_err().contains("missing key \"c\""));
        assert!(m.values(&json!(null), &json!(false)).is_err());
        assert!(m.values(&json!("1"), &json!(1)).is_err());
    }

    #[test]
    fn placeholders_match_non_empty_text() {
        let mut m = Matcher::new();
        assert!(m.text("arn:<partition>:lambda:<region>:1:function:f", "arn:aws:lambda:us-east-1:1:function:f"));
        assert!(!m.text("a<x>b", "ab"), "a placeholder never matches empty text");
        assert!(m.text("<lambda_function_name>", "<lambda_function_name>"));
        assert!(m.text("no_such_<lambda_function_name>:$LATEST", "no_such_fn-12:$LATEST"));
        assert!(!m.text("no_such_<lambda_function_name>", "other_fn"));
        // Not placeholders: compared literally.
        assert!(m.text("a < b > c", "a < b > c"));
        assert!(!m.text("<1>", "x"));
    }

    #[test]
    fn numbered_placeholders_stand_for_the_same_text() {
        let mut m = Matcher::new();
        let e = json!({"a": "id <uuid:1>", "b": ["<uuid:1>", "<uuid:2>"], "c": "<uuid:3>"});
        assert!(m.values(&e, &json!({"a": "id 42", "b": ["42", "7"], "c": "42"})).is_ok());
        let mut m = Matcher::new();
        let err = m.values(&e, &json!({"a": "id 42", "b": ["43", "7"], "c": "1"})).unwrap_err();
        assert!(err.starts_with("$.b[0]"), "{err}");
        // Unnumbered placeholders are independent.
        let mut m = Matcher::new();
        assert!(m.values(&json!(["<request_id>", "<request_id>"]), &json!(["a", "b"])).is_ok());
    }

    #[test]
    fn failed_match_leaves_no_binding() {
        let mut m = Matcher::new();
        assert!(!m.text("<n:1>-x", "abc-y"));
        assert!(m.text("<n:1>", "other"));
    }

    #[test]
    fn sdk_metadata_is_any_value() {
        let mut m = Matcher::new();
        let e = json!({"Payload": 1, "SdkHttpMetadata": {"Date": "date"}, "SdkResponseMetadata": {"RequestId": "<uuid:1>"}});
        assert!(m.values(&e, &json!({"Payload": 1, "SdkHttpMetadata": {}, "SdkResponseMetadata": null})).is_ok());
        assert!(m.values(&e, &json!({"Payload": 1, "SdkHttpMetadata": {}})).is_err());
    }

    #[test]
    fn lenient_for_nondeterministic_values() {
        let e = json!({"FunctionResult": "RandomNumberGenerated", "n": 1, "k": [true]});
        let mut m = Matcher::lenient();
        assert!(m.values(&e, &json!({"FunctionResult": 0.25, "n": 1, "k": [true]})).is_ok());
        assert!(m.used_leniency);
        assert!(Matcher::lenient().values(&e, &json!({"FunctionResult": 0.25, "n": 2, "k": [true]})).is_err());
        assert!(Matcher::lenient().values(&e, &json!({"FunctionResult": null, "n": 1, "k": [true]})).is_err());
        assert!(Matcher::new().values(&e, &json!({"FunctionResult": 0.25, "n": 1, "k": [true]})).is_err());
    }
}
