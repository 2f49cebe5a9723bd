//! The intrinsic call parser.

use super::check::check_args;
use super::{Arg, Call, Func};
use crate::path::parse_path;
use crate::{Lit, Ptr, SyntaxError};

/// How deep calls may nest (the outermost call counts as 1).
pub const MAX_DEPTH: usize = 10;

/// Whether `text` has the shape of an intrinsic call, `States.Name(…`, as opposed to a path.
pub fn looks_like_call(text: &str) -> bool {
    let t = text.trim_start();
    t.strip_prefix("States.").is_some_and(|rest| {
        let name_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        name_len > 0 && rest[name_len..].trim_start().starts_with('(')
    })
}

/// Parses an intrinsic call. Unknown functions, wrong argument counts, literal arguments of the
/// wrong type and nesting deeper than [`MAX_DEPTH`] are errors.
pub fn parse_call(text: &str) -> Result<Call, SyntaxError> {
    let mut p = Parser { src: text, pos: 0 };
    p.skip_ws();
    let call = p.call(1)?;
    p.skip_ws();
    if p.pos != text.len() {
        return Err(p.err("unexpected text after the intrinsic function call"));
    }
    Ok(call)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn skip_ws(&mut self) {
        let t = self.rest().trim_start();
        self.pos = self.src.len() - t.len();
    }
    fn eat(&mut self, c: char) -> bool {
        let yes = self.peek() == Some(c);
        if yes {
            self.pos += c.len_utf8();
        }
        yes
    }
    fn err(&self, msg: impl Into<String>) -> SyntaxError {
        SyntaxError::new(self.pos, msg)
    }

    fn call(&mut self, depth: usize) -> Result<Call, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("intrinsic functions nest at most {MAX_DEPTH} deep")));
        }
        let start = self.pos;
        let name_len = self.rest().find(|c: char| !(c.is_ascii_alphanumeric() || c == '.')).unwrap_or(self.rest().len());
        let name = &self.src[start..start + name_len];
        let func = Func::from_name(name).ok_or_else(|| SyntaxError::new(start, format!("unknown intrinsic function `{name}`")))?;
        self.pos += name_len;
        self.skip_ws();
        if !self.eat('(') {
            return Err(self.err(format!("expected `(` after `{name}`")));
        }
        let mut args = Vec::new();
        self.skip_ws();
        if !self.eat(')') {
            loop {
                self.skip_ws();
                let template = func == Func::Format && args.is_empty();
                args.push(self.arg(depth, template)?);
                self.skip_ws();
                if self.eat(')') {
                    break;
                }
                if !self.eat(',') {
                    return Err(self.err("expected `,` or `)` between arguments"));
                }
            }
        }
        check_args(func, &args).map_err(|m| SyntaxError::new(start, m))?;
        Ok(Call { func, args: args.into() })
    }

    fn arg(&mut self, depth: usize, template: bool) -> Result<Arg, SyntaxError> {
        match self.peek() {
            Some('\'') => {
                self.pos += 1;
                let pieces = self.string()?;
                Ok(if template {
                    Arg::Template(pieces.into_iter().map(Into::into).collect::<Vec<_>>().into())
                } else {
                    // Braces have no meaning outside a Format template: rejoin the pieces.
                    Arg::Lit(Lit::Str(pieces.join("{}").into()))
                })
            }
            Some('$') => {
                let start = self.pos;
                let end = path_end(self.src, start);
                let text = self.src[start..end].trim_end();
                let path = parse_path(text).map_err(|e| SyntaxError::new(start + e.offset, e.message))?;
                self.pos = end;
                Ok(Arg::Path(path))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(_) if self.rest().starts_with("States.") => Ok(Arg::Call(Ptr::new(self.call(depth + 1)?))),
            _ => {
                for (word, lit) in [("true", Lit::Bool(true)), ("false", Lit::Bool(false)), ("null", Lit::Null)] {
                    if self.rest().starts_with(word) {
                        self.pos += word.len();
                        return Ok(Arg::Lit(lit));
                    }
                }
                Err(self.err("expected an argument: a 'string', a number, true, false, null, a path or a call"))
            }
        }
    }

    /// Reads a `'…'` literal after its opening quote. Returns the text split at unescaped `{}`.
    /// `\'`, `\\`, `\{` and `\}` escape their character; any other backslash is kept as is.
    fn string(&mut self) -> Result<Vec<String>, SyntaxError> {
        let start = self.pos;
        let mut pieces = vec![String::new()];
        let mut chars = self.rest().char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let cur = pieces.last_mut().expect("pieces is never empty");
            match c {
                '\'' => {
                    self.pos += i + 1;
                    return Ok(pieces);
                }
                '\\' => match chars.peek() {
                    Some(&(_, e @ ('\'' | '\\' | '{' | '}'))) => {
                        cur.push(e);
                        chars.next();
                    }
                    _ => cur.push('\\'),
                },
                '{' if chars.peek().map(|&(_, n)| n) == Some('}') => {
                    chars.next();
                    pieces.push(String::new());
                }
                _ => cur.push(c),
            }
        }
        Err(SyntaxError::new(start, "unterminated string literal"))
    }

    fn number(&mut self) -> Result<Arg, SyntaxError> {
        let start = self.pos;
        let len = self.rest().find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))).unwrap_or(self.rest().len());
        let text = &self.src[start..start + len];
        self.pos += len;
        let bad = || SyntaxError::new(start, format!("invalid number `{text}`"));
        let is_int = !text.contains(['.', 'e', 'E']);
        let lit = if is_int {
            match text.parse::<i64>() {
                Ok(i) => Lit::Int(i),
                Err(_) => text.parse::<u64>().map(Lit::UInt).or_else(|_| text.parse::<f64>().map(Lit::Float)).map_err(|_| bad())?,
            }
        } else {
            match text.parse::<f64>() {
                Ok(f) if f.is_finite() => Lit::Float(f),
                _ => return Err(bad()),
            }
        };
        Ok(Arg::Lit(lit))
    }
}

/// Where a path argument starting at `start` ends: the first `,` or `)` outside brackets,
/// parentheses and quotes.
fn path_end(src: &str, start: usize) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in src[start..].char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' if depth > 0 => quote = Some(c),
            '[' | '(' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ')' if depth > 0 => depth -= 1,
            ',' | ')' if depth == 0 => return start + i,
            _ => {}
        }
    }
    src.len()
}
