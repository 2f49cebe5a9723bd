//! The path parser. It follows Jayway JsonPath's grammar, which is what AWS accepts.

use super::filter::parse_filter;
use super::{Path, Root, Seg, segs_definite};
use crate::{Ptr, SyntaxError};

/// Parses a JSONPath (`$…`, `$$…` or `$var…`).
pub fn parse_path(text: &str) -> Result<Path, SyntaxError> {
    // Jayway trims the path before compiling it.
    let mut c = Cursor::new(text.trim_end());
    c.skip_ws();
    let root = parse_root(&mut c)?;
    let segs = parse_segs(&mut c, false)?;
    c.skip_ws();
    if !c.eof() {
        return Err(c.err(format!("unexpected `{}` in path", c.rest_char())));
    }
    let definite = segs_definite(&segs);
    Ok(Path { text: text.to_owned().into(), root, segs: segs.into(), definite })
}

/// Parses a Reference Path (`ResultPath`): rooted at `$`, fields and indices only.
pub fn parse_reference_path(text: &str) -> Result<Path, SyntaxError> {
    let path = parse_path(text)?;
    if path.root != Root::Input {
        return Err(SyntaxError::new(0, "a reference path must start with `$.` or be `$`"));
    }
    if let Some(bad) = path.segs.iter().find(|s| !matches!(s, Seg::Field(_) | Seg::Index(_))) {
        let what = match bad {
            Seg::Filter(_) => "filters",
            Seg::Wildcard => "wildcards",
            Seg::Scan => "`..`",
            Seg::Slice(..) => "slices",
            Seg::Length => "functions",
            _ => "multiple names or indices",
        };
        return Err(SyntaxError::new(0, format!("a reference path must name a single node: {what} are not allowed")));
    }
    Ok(path)
}

fn parse_root(c: &mut Cursor) -> Result<Root, SyntaxError> {
    if !c.eat('$') {
        return Err(c.err("a path must start with `$`"));
    }
    if c.eat('$') {
        return Ok(Root::Context);
    }
    let start = c.pos;
    while let Some(ch) = c.peek() {
        if ch == '_' || ch.is_alphanumeric() {
            c.bump();
        } else {
            break;
        }
    }
    if c.pos == start {
        return Ok(Root::Input);
    }
    let name = &c.src[start..c.pos];
    if name.starts_with(|ch: char| ch.is_ascii_digit()) {
        return Err(SyntaxError::new(start, "a variable name must not start with a digit"));
    }
    Ok(Root::Var(name.to_owned().into()))
}

/// Parses steps until something that cannot continue a path. `in_filter`: names also stop at
/// the characters that end an operand inside `[?(…)]`.
pub(super) fn parse_segs(c: &mut Cursor, in_filter: bool) -> Result<Vec<Seg>, SyntaxError> {
    let mut segs = Vec::new();
    loop {
        if c.eat_str("..") {
            segs.push(Seg::Scan);
            match c.peek() {
                Some('[') => {
                    c.bump();
                    segs.push(parse_bracket(c)?);
                }
                Some('*') => {
                    c.bump();
                    segs.push(Seg::Wildcard);
                }
                _ => segs.push(parse_dot_name(c, in_filter)?),
            }
        } else if c.eat('.') {
            if c.eat('*') {
                segs.push(Seg::Wildcard);
            } else {
                segs.push(parse_dot_name(c, in_filter)?);
            }
        } else if c.eat('[') {
            segs.push(parse_bracket(c)?);
        } else {
            break;
        }
        if matches!(segs.last(), Some(Seg::Length)) && !c.eof() && matches!(c.peek(), Some('.' | '[')) {
            return Err(c.err("`length()` must be the last step of a path"));
        }
    }
    Ok(segs)
}

fn parse_dot_name(c: &mut Cursor, in_filter: bool) -> Result<Seg, SyntaxError> {
    let start = c.pos;
    while let Some(ch) = c.peek() {
        let stop = matches!(ch, '.' | '[' | '(' | ' ') || (in_filter && (ch.is_whitespace() || matches!(ch, ')' | '=' | '!' | '<' | '>' | '&' | '|' | ',' | ']')));
        if stop {
            break;
        }
        c.bump();
    }
    if c.pos == start {
        return Err(c.err(if c.peek() == Some(' ') { "use bracket notation ['my prop'] for names with blanks" } else { "expected a name after `.`" }));
    }
    let name = &c.src[start..c.pos];
    if c.peek() == Some('(') {
        if name != "length" {
            return Err(SyntaxError::new(start, format!("unsupported path function `{name}()`")));
        }
        c.bump();
        c.skip_ws();
        if !c.eat(')') {
            return Err(c.err("expected `)` after `length(`"));
        }
        return Ok(Seg::Length);
    }
    if !in_filter && c.peek() == Some(' ') {
        return Err(c.err("use bracket notation ['my prop'] for names with blanks"));
    }
    Ok(Seg::Field(name.to_owned().into()))
}

/// After `[`.
fn parse_bracket(c: &mut Cursor) -> Result<Seg, SyntaxError> {
    c.skip_ws();
    let seg = match c.peek() {
        Some('?') => {
            c.bump();
            c.skip_ws();
            if !c.eat('(') {
                return Err(c.err("expected `(` after `[?`"));
            }
            c.deeper()?;
            let f = parse_filter(c)?;
            c.depth -= 1;
            c.skip_ws();
            if !c.eat(')') {
                return Err(c.err("expected `)` to close the filter"));
            }
            Seg::Filter(Ptr::new(f))
        }
        Some('*') => {
            c.bump();
            Seg::Wildcard
        }
        Some('(') => parse_script_index(c)?,
        Some(q @ ('\'' | '"')) => {
            let mut names = Vec::new();
            loop {
                c.skip_ws();
                if !c.eat(q) {
                    return Err(c.err(format!("expected a {q}-quoted name")));
                }
                names.push(read_quoted_raw(c, q)?);
                c.skip_ws();
                if !c.eat(',') {
                    break;
                }
            }
            if names.len() == 1 { Seg::Field(names.pop().unwrap_or_default().into()) } else { Seg::Fields(names.into_iter().map(Into::into).collect::<Vec<_>>().into()) }
        }
        _ => parse_indices(c)?,
    };
    c.skip_ws();
    if !c.eat(']') {
        return Err(c.err("expected `]`"));
    }
    Ok(seg)
}

/// Jayway's script index `(@.length-N)`, the N-th element from the end (the only script AWS's
/// paths use: `$.list[(@.length-1)]` is the last element). It is the index `-N`.
fn parse_script_index(c: &mut Cursor) -> Result<Seg, SyntaxError> {
    let start = c.pos;
    c.bump();
    c.skip_ws();
    if !c.eat_str("@.length") {
        return Err(SyntaxError::new(start, "a script index must be `(@.length-N)`, the N-th element from the end"));
    }
    c.skip_ws();
    if !c.eat('-') {
        return Err(c.err("expected `-N` after `@.length` (`(@.length-1)` is the last element)"));
    }
    c.skip_ws();
    let digits = c.rest().chars().take_while(char::is_ascii_digit).count();
    let n: i64 = c.rest()[..digits].parse().map_err(|_| c.err("expected a whole number after `@.length-`"))?;
    if n == 0 {
        return Err(c.err("`(@.length-0)` is past the end of every array: the last element is `(@.length-1)`"));
    }
    c.pos += digits;
    c.skip_ws();
    if !c.eat(')') {
        return Err(c.err("expected `)` to close the script index"));
    }
    Ok(Seg::Index(-n))
}

/// Reads a quoted name after its opening quote. Like the Jayway version AWS runs, a backslash
/// only keeps the next character from ending the name; it stays in the name.
fn read_quoted_raw(c: &mut Cursor, q: char) -> Result<String, SyntaxError> {
    let start = c.pos;
    let mut escaped = false;
    while let Some(ch) = c.peek() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == q {
            let s = c.src[start..c.pos].to_owned();
            c.bump();
            return Ok(s);
        }
        c.bump();
    }
    Err(SyntaxError::new(start, "unterminated quoted name"))
}

/// `[0]`, `[0,1]`, `[1:3]`, `[:2]`, `[-2:]`.
fn parse_indices(c: &mut Cursor) -> Result<Seg, SyntaxError> {
    let start = c.pos;
    let end = c.src[start..].find(']').map(|i| start + i).ok_or_else(|| c.err("expected `]`"))?;
    let body = &c.src[start..end];
    let int = |s: &str| -> Result<i64, SyntaxError> { s.trim().parse::<i64>().map_err(|_| SyntaxError::new(start, format!("invalid array index `{}`", s.trim()))) };
    let opt = |s: &str| -> Result<Option<i64>, SyntaxError> { if s.trim().is_empty() { Ok(None) } else { int(s).map(Some) } };
    let seg = if body.contains(':') {
        let mut parts = body.split(':');
        let from = opt(parts.next().unwrap_or(""))?;
        let to = opt(parts.next().unwrap_or(""))?;
        // Jayway reads only the first two parts; a step is accepted and ignored.
        if let Some(step) = parts.next() {
            opt(step)?;
        }
        if parts.next().is_some() {
            return Err(SyntaxError::new(start, "invalid slice"));
        }
        Seg::Slice(from, to)
    } else {
        let mut idx = body.split(',').map(int).collect::<Result<Vec<_>, _>>()?;
        if idx.len() == 1 { Seg::Index(idx.pop().unwrap_or_default()) } else { Seg::Indices(idx.into()) }
    };
    c.pos = end;
    Ok(seg)
}

/// A position in the text being parsed.
pub(super) struct Cursor<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
    /// Depth of the filter tree being built: nesting plus chained `&&`/`||` terms.
    pub(super) depth: usize,
}

/// Deepest filter tree a path may build (nested filters, parentheses, `!` and chained `&&`/`||`
/// terms count): every later pass over the tree recurses, at build time and at run time.
pub const MAX_DEPTH: usize = 100;

impl<'a> Cursor<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Cursor { src, pos: 0, depth: 0 }
    }
    /// One level deeper, or the error for a filter deeper than [`MAX_DEPTH`].
    pub(super) fn deeper(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(format!("filters nest or chain deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }
    pub(super) fn eof(&self) -> bool {
        self.pos >= self.src.len()
    }
    pub(super) fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }
    pub(super) fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }
    fn rest_char(&self) -> char {
        self.peek().unwrap_or(' ')
    }
    pub(super) fn bump(&mut self) {
        if let Some(ch) = self.peek() {
            self.pos += ch.len_utf8();
        }
    }
    pub(super) fn eat(&mut self, ch: char) -> bool {
        if self.peek() == Some(ch) {
            self.pos += ch.len_utf8();
            true
        } else {
            false
        }
    }
    pub(super) fn eat_str(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    pub(super) fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }
    pub(super) fn err(&self, msg: impl Into<String>) -> SyntaxError {
        SyntaxError::new(self.pos, msg)
    }
}
