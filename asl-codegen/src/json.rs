//! A JSON parser that keeps where every value came from, so diagnostics can point at
//! file:line:column. (serde_json forgets positions once a value is parsed.)

use std::collections::HashMap;
use std::fmt;

/// Byte range in the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    pub value: JsonValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    /// Members in source order, each key with its own span.
    Object(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Json,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    /// The JSON pointer of the value being read when it failed (`/` for the document).
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Json {
    /// The JSON type's name as ASL error messages say it.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            JsonValue::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Looks up an object member by key.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.members()?.iter().find(|m| m.key == key).map(|m| &m.value)
    }

    /// The plain serde_json value (positions dropped).
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            JsonValue::Null => Value::Null,
            JsonValue::Bool(b) => Value::Bool(*b),
            JsonValue::Number(n) => Value::Number(n.clone()),
            JsonValue::String(s) => Value::String(s.clone()),
            JsonValue::Array(a) => Value::Array(a.iter().map(Json::to_value).collect()),
            JsonValue::Object(m) => Value::Object(m.iter().map(|m| (m.key.clone(), m.value.to_value())).collect()),
        }
    }
}

/// Reads a definition file for `asl!` and `asl check`: at most [`MAX_DEFINITION_BYTES`] (one
/// byte more tells that a file is over it, so `/dev/zero` or a huge file is never read whole),
/// UTF-8, and JSON or at least starting like a JSON object or array. The error never quotes the
/// file: a path that names something else (`../../etc/passwd`) must not have its content shown
/// in a diagnostic, which it would be if it were parsed as a broken definition.
pub fn read_definition(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_DEFINITION_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| match e.kind() {
        std::io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        _ => e.to_string(),
    })?;
    if bytes.len() > MAX_DEFINITION_BYTES {
        let size = std::fs::metadata(path).ok().filter(|m| m.is_file()).map_or("more than 1048576 bytes".to_owned(), |m| format!("{} bytes", m.len()));
        return Err(format!("it is {size}, over AWS's limit of {MAX_DEFINITION_BYTES} bytes (1 MB) for a definition"));
    }
    let text = String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text, so it cannot be an ASL workflow".to_owned())?;
    let starts_like_json = text.trim_start_matches([' ', '\t', '\n', '\r']).starts_with(['{', '[']);
    if !starts_like_json && parse(&text).is_err() {
        return Err("it is not JSON, so it cannot be an ASL workflow (its content is not shown)".to_owned());
    }
    Ok(text)
}

/// Members from which an object's keys are looked up in a hash map rather than scanned.
const INDEXED_FROM: usize = 16;

/// AWS's limit on the size of a state machine definition: 1 MB.
pub const MAX_DEFINITION_BYTES: usize = 1 << 20;

/// Parses a whole definition (RFC 8259 JSON, at most [`MAX_DEFINITION_BYTES`], nesting at most
/// [`MAX_DEPTH`] deep, no key twice in an object).
pub fn parse(text: &str) -> Result<Json, ParseError> {
    if text.len() > MAX_DEFINITION_BYTES {
        return Err(ParseError {
            offset: MAX_DEFINITION_BYTES,
            pointer: "/".into(),
            message: format!("the definition is {} bytes, over AWS's limit of {MAX_DEFINITION_BYTES} bytes (1 MB)", text.len()),
        });
    }
    let mut p = Parser { s: text.as_bytes(), text, i: 0, depth: 0, path: Vec::new() };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.err("unexpected text after the JSON document"));
    }
    Ok(v)
}

/// Deepest nesting of arrays and objects: serde_json's own recursion limit, so that every
/// payload template in a definition can also be read back by serde_json at run time. Each
/// nested Map or Parallel state takes three levels, and every pass over the definition (and
/// rustc over the code generated from it) recurses with the nesting.
pub const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
    /// Where the value being parsed is, for messages: keys by their span (decoded only when a
    /// message needs them), array items by index.
    path: Vec<Step>,
}

#[derive(Clone, Copy)]
enum Step {
    Key(Span),
    Index(usize),
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> ParseError {
        ParseError { offset: self.i.min(self.s.len()), pointer: self.pointer(), message: message.into() }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Result<Json, ParseError> {
        let start = self.i;
        let value = match self.s.get(self.i) {
            None => return Err(self.err("unexpected end of input, expected a JSON value")),
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => JsonValue::String(self.string()?),
            Some(b't') => self.keyword("true", JsonValue::Bool(true))?,
            Some(b'f') => self.keyword("false", JsonValue::Bool(false))?,
            Some(b'n') => self.keyword("null", JsonValue::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => {
                let c = self.text[self.i..].chars().next().unwrap_or('?');
                return Err(self.err(format!("unexpected character `{c}`, expected a JSON value")));
            }
        };
        Ok(Json { value, span: Span { start, end: self.i } })
    }

    fn keyword(&mut self, word: &str, v: JsonValue) -> Result<JsonValue, ParseError> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("invalid literal, expected `true`, `false` or `null`"))
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(format!("JSON nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<JsonValue, ParseError> {
        self.enter()?;
        self.i += 1;
        let mut members = Vec::new();
        // keys seen so far, hashed once the object is large enough for a scan to cost more
        let mut index: Option<HashMap<String, Span>> = None;
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(JsonValue::Object(members));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.err("expected a string key in object"));
            }
            let key_start = self.i;
            let key = self.string()?;
            let key_span = Span { start: key_start, end: self.i };
            // AWS rejects a definition with a key twice in one object; serde_json would keep
            // the last one silently
            let first = match &index {
                Some(index) => index.get(&key).copied(),
                None => members.iter().find(|m| m.key == key).map(|m| m.key_span),
            };
            if let Some(first) = first {
                let (line, col) = LineIndex::new(self.text).line_col(self.text, first.start);
                let shown = crate::diagnostic::shorten(&key);
                return Err(ParseError {
                    offset: key_start,
                    pointer: format!("{}/{}", self.pointer().trim_end_matches('/'), key.replace('~', "~0").replace('/', "~1")),
                    message: format!("duplicate key `{shown}` in the object at {} (first at line {line}, column {col}); AWS rejects a definition that names a key twice", self.pointer()),
                });
            }
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return Err(self.err("expected `:` after object key"));
            }
            self.i += 1;
            self.ws();
            self.path.push(Step::Key(key_span));
            let value = self.value()?;
            self.path.pop();
            if let Some(index) = &mut index {
                index.insert(key.clone(), key_span);
            }
            members.push(Member { key, key_span, value });
            if index.is_none() && members.len() == INDEXED_FROM {
                index = Some(members.iter().map(|m| (m.key.clone(), m.key_span)).collect());
            }
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                _ => return Err(self.err("expected `,` or `}` in object")),
            }
        }
        self.depth -= 1;
        Ok(JsonValue::Object(members))
    }

    /// The JSON pointer of the value being parsed (`/` for the document).
    fn pointer(&self) -> String {
        if self.path.is_empty() {
            return "/".into();
        }
        let mut out = String::new();
        for step in &self.path {
            out.push('/');
            match *step {
                Step::Index(i) => out.push_str(&i.to_string()),
                Step::Key(span) => {
                    let mut p = Parser { s: self.s, text: self.text, i: span.start, depth: 0, path: Vec::new() };
                    let key = p.string().unwrap_or_default();
                    out.push_str(&key.replace('~', "~0").replace('/', "~1"));
                }
            }
        }
        out
    }

    fn array(&mut self) -> Result<JsonValue, ParseError> {
        self.enter()?;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.ws();
            self.path.push(Step::Index(items.len()));
            items.push(self.value()?);
            self.path.pop();
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                _ => return Err(self.err("expected `,` or `]` in array")),
            }
        }
        self.depth -= 1;
        Ok(JsonValue::Array(items))
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.text[run_start..self.i]);
            match self.s.get(self.i) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.s.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if self.s.get(self.i) == Some(&b'\\') && self.s.get(self.i + 1) == Some(&b'u') {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(self.err("invalid low surrogate in \\u escape"));
                                    }
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.ok_or_else(|| self.err("invalid \\u escape (lone surrogate)"))?);
                            continue;
                        }
                        _ => return Err(self.err("invalid escape in string")),
                    };
                    out.push(c);
                    self.i += 1;
                }
                Some(_) => return Err(self.err("control character in string (escape it)")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self.s.get(self.i..self.i + 4).ok_or_else(|| self.err("truncated \\u escape"))?;
        let s = std::str::from_utf8(digits).map_err(|_| self.err("invalid \\u escape"))?;
        let v = u32::from_str_radix(s, 16).map_err(|_| self.err("invalid \\u escape"))?;
        self.i += 4;
        Ok(v)
    }

    fn number(&mut self) -> Result<JsonValue, ParseError> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.i;
            while let Some(b'0'..=b'9') = p.s.get(p.i) {
                p.i += 1;
            }
            p.i - s
        };
        let int_start = self.i;
        if digits(self) == 0 {
            return Err(self.err("invalid number"));
        }
        if self.s[int_start] == b'0' && self.i - int_start > 1 {
            return Err(ParseError { offset: int_start, pointer: self.pointer(), message: "leading zeros are not allowed in JSON numbers".into() });
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.err("expected digits after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("expected digits in exponent"));
            }
        }
        let text = &self.text[start..self.i];
        let n: serde_json::Number = serde_json::from_str(text).map_err(|_| ParseError { offset: start, pointer: self.pointer(), message: format!("number `{text}` is out of range") })?;
        Ok(JsonValue::Number(n))
    }
}

/// Maps byte offsets to 1-based line and column (columns count characters).
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let end = offset.min(text.len());
        let col = text.get(start..end).map_or(end - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(text.len(), |&e| e - 1);
        text[start..end].trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_and_order() {
        let text = r#"{"b": [1, 2.5, "x"], "a": {"n": null}}"#;
        let j = parse(text).unwrap();
        let m = j.members().unwrap();
        assert_eq!(m[0].key, "b");
        assert_eq!(&text[m[0].key_span.start..m[0].key_span.end], "\"b\"");
        assert_eq!(&text[m[0].value.span.start..m[0].value.span.end], r#"[1, 2.5, "x"]"#);
        assert_eq!(j.to_value(), serde_json::from_str::<serde_json::Value>(text).unwrap());
    }

    #[test]
    fn errors_have_offsets() {
        let e = parse("{\"a\": 1,\n \"b\" 2}").unwrap_err();
        assert_eq!(e.message, "expected `:` after object key");
        let idx = LineIndex::new("{\"a\": 1,\n \"b\" 2}");
        assert_eq!(idx.line_col("{\"a\": 1,\n \"b\" 2}", e.offset), (2, 6));
        assert!(parse("[1,]").is_err());
        assert!(parse("01").is_err());
        assert!(parse("\"\\ud800\"").is_err());
        assert_eq!(parse("\"\\ud83d\\ude00\"").unwrap().as_str(), Some("😀"));
        assert!(parse(&"[".repeat(1000)).is_err());
    }

    #[test]
    fn errors_name_the_value_being_read() {
        assert_eq!(parse("{\"a\": {\"b\": 1 \"c\": 2}}").unwrap_err().pointer, "/a");
        assert_eq!(parse("{\"a\": [1, {\"x/y\": tru}]}").unwrap_err().pointer, "/a/1/x~1y");
        assert_eq!(parse("{\"a\": 1,\n \"b\": {\"x\": 1, \"x\": 2}}").unwrap_err().pointer, "/b/x");
        assert_eq!(parse("[1] x").unwrap_err().pointer, "/");
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse(&deep).unwrap_err().message, "JSON nested deeper than 128 levels");
    }

    #[test]
    fn duplicate_keys_name_both_places() {
        let e = parse("{\"a\": 1,\n \"b\": {\"x\": 1, \"x\": 2}}").unwrap_err();
        assert_eq!(e.message, "duplicate key `x` in the object at /b (first at line 2, column 8); AWS rejects a definition that names a key twice");
        assert_eq!(e.offset, 24);
        // in a large object, found through the hash map
        let keys: Vec<String> = (0..100).map(|i| format!("\"k{i}\": {i}")).collect();
        let e = parse(&format!("{{{}, \"k57\": 0}}", keys.join(", "))).unwrap_err();
        assert!(e.message.starts_with("duplicate key `k57` in the object at / (first at line 1, column "), "{}", e.message);
        let e = parse(r#"[0, {"a/b": [1, {"c": 1, "c": 2}]}]"#).unwrap_err();
        assert!(e.message.starts_with("duplicate key `c` in the object at /1/a~1b/1 (first at line 1, column 18)"), "{}", e.message);
        // the same key in different objects is fine
        assert!(parse("{\"a\": {\"a\": 1}, \"b\": {\"a\": 1}}").is_ok());
    }

    #[test]
    fn definitions_over_1_mb_are_refused_with_their_size() {
        let text = format!("[{}1]", "1,".repeat(MAX_DEFINITION_BYTES / 2));
        let e = parse(&text).unwrap_err();
        assert_eq!(e.message, format!("the definition is {} bytes, over AWS's limit of 1048576 bytes (1 MB)", text.len()));
        let under = format!("[{}1]", "1,".repeat(MAX_DEFINITION_BYTES / 2 - 2));
        assert!(parse(&under).is_ok());
    }
}
