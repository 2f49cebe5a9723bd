//! The JSONata tokenizer, following the reference implementation (jsonata-js 2.0.6) closely,
//! including its quirks: names run until whitespace or an operator character, `/` starts a regex
//! wherever an operand is expected, and `and`/`or`/`in` are operators that may serve as names.

use super::error::{Code, SynErr};

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Name(String),
    Variable(String),
    Op(&'static str),
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Regex { pattern: String, flags: String },
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    /// Byte offset of the token's first character.
    pub pos: usize,
}

/// Characters that are (or start) operators and so end a name.
const OPERATOR_CHARS: &str = ".[]{}(),@#;:?+-*/%|=<>^&!~";

const SINGLE_OPS: [&str; 26] = [".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~"];

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}')
}

pub struct Lexer<'s> {
    src: &'s str,
    pos: usize,
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str) -> Self {
        Lexer { src, pos: 0 }
    }

    fn rest(&self) -> &'s str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// The next token, or `None` at the end. `infix` is true where an operator is expected, so
    /// that `/` means division rather than the start of a regex.
    pub fn next(&mut self, infix: bool) -> Result<Option<Token>, SynErr> {
        loop {
            while self.peek().is_some_and(is_ws) {
                self.pos += 1;
            }
            if self.rest().starts_with("/*") {
                let start = self.pos;
                match self.rest()[2..].find("*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => {
                        self.pos = self.src.len();
                        return Err(SynErr::new(Code::S0106, start));
                    }
                }
                continue;
            }
            break;
        }
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let tok = |tok| Ok(Some(Token { tok, pos: start }));

        if !infix && c == '/' {
            self.pos += 1;
            return self.scan_regex(start);
        }
        for op in ["..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??"] {
            if self.rest().starts_with(op) {
                self.pos += 2;
                return tok(Tok::Op(op));
            }
        }
        if let Some(op) = SINGLE_OPS.iter().find(|o| o.starts_with(c)) {
            self.pos += 1;
            return tok(Tok::Op(op));
        }
        if c == '"' || c == '\'' {
            return self.scan_string(c, start);
        }
        if let Some(len) = number_len(self.rest()) {
            let text = &self.rest()[..len];
            let n: f64 = text.parse().unwrap_or(f64::INFINITY);
            if !n.is_finite() {
                return Err(SynErr::new(Code::S0102, start).token(text));
            }
            self.pos += len;
            return tok(Tok::Num(n));
        }
        if c == '`' {
            return match self.rest()[1..].find('`') {
                Some(end) => {
                    let name = self.rest()[1..1 + end].to_string();
                    self.pos += end + 2;
                    tok(Tok::Name(name))
                }
                None => {
                    self.pos = self.src.len();
                    Err(SynErr::new(Code::S0105, self.pos))
                }
            };
        }
        // a name or a variable: up to whitespace or an operator character
        let len = self.rest().char_indices().skip(1).find(|&(_, ch)| is_ws(ch) || OPERATOR_CHARS.contains(ch)).map_or(self.rest().len(), |(i, _)| i);
        let text = &self.rest()[..len];
        self.pos += len;
        if let Some(var) = text.strip_prefix('$') {
            return tok(Tok::Variable(var.to_string()));
        }
        match text {
            "or" => tok(Tok::Op("or")),
            "in" => tok(Tok::Op("in")),
            "and" => tok(Tok::Op("and")),
            "true" => tok(Tok::Bool(true)),
            "false" => tok(Tok::Bool(false)),
            "null" => tok(Tok::Null),
            _ => tok(Tok::Name(text.to_string())),
        }
    }

    fn scan_string(&mut self, quote: char, start: usize) -> Result<Option<Token>, SynErr> {
        self.pos += 1;
        let mut s = String::new();
        while let Some(c) = self.peek() {
            self.pos += c.len_utf8();
            if c == quote {
                return Ok(Some(Token { tok: Tok::Str(s), pos: start }));
            }
            if c != '\\' {
                s.push(c);
                continue;
            }
            let Some(e) = self.peek() else { break };
            self.pos += e.len_utf8();
            match e {
                '"' | '\\' | '/' => s.push(e),
                'b' => s.push('\u{8}'),
                'f' => s.push('\u{c}'),
                'n' => s.push('\n'),
                'r' => s.push('\r'),
                't' => s.push('\t'),
                'u' => {
                    let hex = self.rest().get(..4).filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
                    let Some(hex) = hex else {
                        return Err(SynErr::new(Code::S0104, self.pos - 1));
                    };
                    let mut unit = u16::from_str_radix(hex, 16).unwrap_or(0xfffd);
                    self.pos += 4;
                    // a surrogate pair written as two escapes
                    if (0xd800..0xdc00).contains(&unit)
                        && self.rest().starts_with("\\u")
                        && let Some(lo) = self.rest().get(2..6).and_then(|h| u16::from_str_radix(h, 16).ok())
                        && (0xdc00..0xe000).contains(&lo)
                    {
                        self.pos += 6;
                        let cp = 0x10000 + ((unit as u32 - 0xd800) << 10) + (lo as u32 - 0xdc00);
                        s.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                        continue;
                    }
                    if (0xd800..0xe000).contains(&unit) {
                        unit = 0xfffd; // a lone surrogate cannot be held in a Rust string
                    }
                    s.push(char::from_u32(unit as u32).unwrap_or('\u{fffd}'));
                }
                other => {
                    return Err(SynErr::new(Code::S0103, self.pos - 1).token(other.to_string()));
                }
            }
        }
        Err(SynErr::new(Code::S0101, self.src.len()))
    }

    /// After the opening `/`: find the closing one (not escaped, not inside brackets), then flags.
    fn scan_regex(&mut self, start: usize) -> Result<Option<Token>, SynErr> {
        let bytes = self.src.as_bytes();
        let begin = self.pos;
        let mut depth = 0i32;
        let mut i = self.pos;
        while i < bytes.len() {
            let c = bytes[i];
            let escaped = {
                let mut n = 0;
                while i > n && bytes[i - n - 1] == b'\\' {
                    n += 1;
                }
                n % 2 == 1
            };
            if c == b'/' && depth == 0 && !escaped {
                let pattern = &self.src[begin..i];
                if pattern.is_empty() {
                    return Err(SynErr::new(Code::S0301, i));
                }
                i += 1;
                let fstart = i;
                while i < bytes.len() && (bytes[i] == b'i' || bytes[i] == b'm') {
                    i += 1;
                }
                let flags = self.src[fstart..i].to_string();
                self.pos = i;
                return Ok(Some(Token { tok: Tok::Regex { pattern: pattern.to_string(), flags }, pos: start }));
            }
            let prev_backslash = i > 0 && bytes[i - 1] == b'\\';
            if matches!(c, b'(' | b'[' | b'{') && !prev_backslash {
                depth += 1;
            }
            if matches!(c, b')' | b']' | b'}') && !prev_backslash {
                depth -= 1;
            }
            i += 1;
        }
        Err(SynErr::new(Code::S0302, bytes.len()))
    }
}

/// Length of a JSON-style number at the start of `s` (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?`).
fn number_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let digits = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i += digits(i),
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        let d = digits(i + 1);
        if d > 0 {
            i += 1 + d;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let d = digits(j);
        if d > 0 {
            i = j + d;
        }
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        let mut l = Lexer::new(s);
        let mut out = vec![];
        let mut infix = false;
        while let Some(t) = l.next(infix).unwrap() {
            infix = !matches!(t.tok, Tok::Op(_));
            out.push(t.tok);
        }
        out
    }

    #[test]
    fn tokens() {
        assert_eq!(
            toks("$a.b[0] /* c */ ~> $f('x\\n', 1.5e3)"),
            vec![
                Tok::Variable("a".into()),
                Tok::Op("."),
                Tok::Name("b".into()),
                Tok::Op("["),
                Tok::Num(0.0),
                Tok::Op("]"),
                Tok::Op("~>"),
                Tok::Variable("f".into()),
                Tok::Op("("),
                Tok::Str("x\n".into()),
                Tok::Op(","),
                Tok::Num(1500.0),
                Tok::Op(")"),
            ]
        );
        assert_eq!(toks("`a b`"), vec![Tok::Name("a b".into())]);
        assert_eq!(toks("$$"), vec![Tok::Variable("$".into())]);
        assert_eq!(toks("/ab[/]c/i"), vec![Tok::Regex { pattern: "ab[/]c".into(), flags: "i".into() }]);
        assert_eq!(toks("1 / 2"), vec![Tok::Num(1.0), Tok::Op("/"), Tok::Num(2.0)]);
        assert_eq!(toks("'\\ud83d\\ude00'"), vec![Tok::Str("😀".into())]);
    }

    #[test]
    fn errors() {
        let err = |s: &str| {
            let mut l = Lexer::new(s);
            loop {
                match l.next(false) {
                    Err(e) => return e.code,
                    Ok(None) => panic!("no error"),
                    Ok(Some(_)) => {}
                }
            }
        };
        assert_eq!(err("'abc"), Code::S0101);
        assert_eq!(err("'\\q'"), Code::S0103);
        assert_eq!(err("/* x"), Code::S0106);
        assert_eq!(err("//"), Code::S0301);
        assert_eq!(err("/abc"), Code::S0302);
        assert_eq!(err("1e999"), Code::S0102);
    }
}
