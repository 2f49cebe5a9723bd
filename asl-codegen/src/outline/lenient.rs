//! A JSON reader that never fails: it reads as much structure as broken text still shows
//! (a missing comma or colon, an unterminated string, an unclosed or mismatched bracket, a bare
//! word), so the outline of a workflow with a syntax error still has its states and Task
//! resources. Only used for that outline; the diagnostics come from the strict parser.

use crate::json::{Json, JsonValue, MAX_DEPTH, Member, Span};

pub fn parse(text: &str) -> Json {
    let mut r = Reader { text, s: text.as_bytes(), i: 0 };
    // Text before the first value (a stray word) is skipped.
    loop {
        let at = r.i;
        match r.next() {
            Tok::End => return Json { value: JsonValue::Null, span: Span { start: at, end: at } },
            Tok::Open(_) | Tok::Str(_) => {
                r.i = at;
                return r.value(0);
            }
            _ => {}
        }
    }
}

#[derive(Debug)]
enum Tok {
    Open(u8),
    Close,
    Colon,
    Comma,
    Str(String),
    Word(String),
    End,
}

struct Reader<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn next(&mut self) -> Tok {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
        let Some(&b) = self.s.get(self.i) else { return Tok::End };
        self.i += 1;
        match b {
            b'{' | b'[' => Tok::Open(b),
            b'}' | b']' => Tok::Close,
            b':' => Tok::Colon,
            b',' => Tok::Comma,
            b'"' => Tok::Str(self.string()),
            _ => {
                let start = self.i - 1;
                while let Some(&c) = self.s.get(self.i) {
                    if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'[' | b'}' | b']' | b':' | b',' | b'"') {
                        break;
                    }
                    self.i += 1;
                }
                Tok::Word(self.text.get(start..self.i).unwrap_or_default().to_owned())
            }
        }
    }

    fn peek(&mut self) -> Tok {
        let at = self.i;
        let t = self.next();
        self.i = at;
        t
    }

    /// The rest of a string after its opening quote: it ends at the closing quote, or at the end
    /// of the line when the quote is missing (a JSON string never spans lines).
    fn string(&mut self) -> String {
        let mut out = String::new();
        let mut run = self.i;
        while let Some(&b) = self.s.get(self.i) {
            match b {
                b'"' => {
                    out.push_str(self.text.get(run..self.i).unwrap_or_default());
                    self.i += 1;
                    return out;
                }
                b'\n' | b'\r' => break,
                b'\\' => {
                    out.push_str(self.text.get(run..self.i).unwrap_or_default());
                    let (c, len) = escape(&self.s[self.i + 1..]);
                    out.extend(c);
                    self.i += 1 + len;
                    run = self.i;
                }
                _ => self.i += 1,
            }
        }
        out.push_str(self.text.get(run..self.i).unwrap_or_default());
        out
    }

    fn value(&mut self, depth: usize) -> Json {
        let start = self.i;
        let value = match self.next() {
            Tok::Open(_) if depth >= MAX_DEPTH => {
                self.skip_nested();
                JsonValue::Null
            }
            Tok::Open(b'{') => JsonValue::Object(self.members(depth + 1)),
            Tok::Open(_) => JsonValue::Array(self.items(depth + 1)),
            Tok::Str(s) => JsonValue::String(s),
            Tok::Word(w) => match w.as_str() {
                "true" => JsonValue::Bool(true),
                "false" => JsonValue::Bool(false),
                _ => w.parse::<serde_json::Number>().map_or(JsonValue::Null, JsonValue::Number),
            },
            // Not a value: left for the container to read.
            Tok::Close | Tok::Colon | Tok::Comma | Tok::End => {
                self.i = start;
                JsonValue::Null
            }
        };
        Json { value, span: Span { start, end: self.i } }
    }

    /// An object's members up to its closing bracket (any bracket: a mismatched one closes it)
    /// or the end of the text. A key given twice keeps its first value.
    fn members(&mut self, depth: usize) -> Vec<Member> {
        let mut members: Vec<Member> = Vec::new();
        loop {
            let key_start = self.i;
            let key = match self.next() {
                Tok::End | Tok::Close => return members,
                Tok::Comma | Tok::Colon => continue,
                Tok::Open(_) => {
                    // a value where a key belongs: read it and drop it
                    self.i = key_start;
                    self.value(depth);
                    continue;
                }
                Tok::Str(k) | Tok::Word(k) => k,
            };
            let key_span = Span { start: key_start, end: self.i };
            if let Tok::Colon = self.peek() {
                self.next();
            }
            let value = match self.peek() {
                Tok::Open(_) | Tok::Str(_) | Tok::Word(_) => self.value(depth),
                _ => Json { value: JsonValue::Null, span: Span { start: self.i, end: self.i } },
            };
            if !members.iter().any(|m| m.key == key) {
                members.push(Member { key, key_span, value });
            }
        }
    }

    fn items(&mut self, depth: usize) -> Vec<Json> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Tok::End => return items,
                Tok::Close => {
                    self.next();
                    return items;
                }
                Tok::Comma | Tok::Colon => {
                    self.next();
                }
                _ => items.push(self.value(depth)),
            }
        }
    }

    /// Past a container nested beyond [`MAX_DEPTH`], without recursing.
    fn skip_nested(&mut self) {
        let mut open = 1usize;
        while open > 0 {
            match self.next() {
                Tok::Open(_) => open += 1,
                Tok::Close => open -= 1,
                Tok::End => return,
                _ => {}
            }
        }
    }
}

/// The character of an escape (the bytes after the backslash) and how many bytes it takes.
fn escape(rest: &[u8]) -> (Option<char>, usize) {
    match rest.first() {
        None => (None, 0),
        Some(b'n') => (Some('\n'), 1),
        Some(b't') => (Some('\t'), 1),
        Some(b'r') => (Some('\r'), 1),
        Some(b'b') => (Some('\u{8}'), 1),
        Some(b'f') => (Some('\u{c}'), 1),
        Some(b'u') => {
            let hex = rest.get(1..5).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u32::from_str_radix(h, 16).ok());
            match hex {
                Some(h) => (char::from_u32(h), 5),
                None => (None, 1),
            }
        }
        Some(&c) if c.is_ascii() => (Some(c as char), 1),
        // a backslash before a multi-byte character: keep the character whole
        Some(_) => (None, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(j: &Json) -> Vec<&str> {
        j.members().unwrap_or_default().iter().map(|m| m.key.as_str()).collect()
    }

    #[test]
    fn valid_json_reads_as_the_strict_parser_reads_it() {
        let text = r#"{"a": [1, 2.5, "x\"y\u00e9"], "b": {"c": null, "d": true}}"#;
        assert_eq!(parse(text).to_value(), crate::json::parse(text).unwrap().to_value());
    }

    #[test]
    fn broken_json_keeps_its_structure() {
        // missing comma, missing colon, unterminated string, trailing comma, unclosed object
        let text = "{\n \"StartAt\": \"A\"\n \"States\": {\n  \"A\" {\"Type\": \"Task\", \"Resource\": \"arn:x\", },\n  \"B\": {\"Type\": \"Succeed\n }\n";
        let j = parse(text);
        assert_eq!(keys(&j), ["StartAt", "States"]);
        let states = j.get("States").unwrap();
        assert_eq!(keys(states), ["A", "B"]);
        assert_eq!(states.get("A").unwrap().get("Resource").unwrap().as_str(), Some("arn:x"));
        assert_eq!(states.get("B").unwrap().get("Type").unwrap().as_str(), Some("Succeed"));
    }

    #[test]
    fn anything_reads_without_panic_or_deep_recursion() {
        for text in ["", "}", "]]]", ":::", "\"", "\\", "{\"a\\", "{[}]", "x y z {", "{\"a\": \"\\u12\"}", "[\"é\\é\"]"] {
            parse(text);
        }
        let deep = "[{".repeat(100_000);
        parse(&deep);
        let closed = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse(&closed).span.start, 0);
    }
}
