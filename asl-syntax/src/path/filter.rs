//! Filter expressions: the `…` of `[?(…)]`.

use super::Seg;
use super::parse::{Cursor, parse_segs};
use crate::{List, Lit, Ptr, SyntaxError};

/// A filter predicate, tested against each candidate node (`@`).
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// `@.a`: the path finds a node (even `null`).
    Exists(Operand),
    Not(Ptr<Filter>),
    And(Ptr<Filter>, Ptr<Filter>),
    Or(Ptr<Filter>, Ptr<Filter>),
    Cmp(Operand, CmpOp, Operand),
}

/// A value inside a filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// `@…`: relative to the candidate node.
    Current(List<Seg>),
    /// `$…`: relative to the document root.
    Root(List<Seg>),
    Lit(Lit),
}

/// Jayway's relational operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Left is an element of the right array.
    In,
    Nin,
    /// Every element of the left array is in the right array.
    SubsetOf,
    /// The arrays share an element.
    AnyOf,
    NoneOf,
    /// Left (string or array) contains right.
    Contains,
    /// Left (string or array) has the length given on the right.
    Size,
    /// Left (string or array) is empty iff the right is `true`.
    Empty,
}

impl CmpOp {
    const WORDS: [(&'static str, CmpOp); 14] = [
        ("==", CmpOp::Eq),
        ("!=", CmpOp::Ne),
        ("<=", CmpOp::Le),
        (">=", CmpOp::Ge),
        ("<", CmpOp::Lt),
        (">", CmpOp::Gt),
        ("nin", CmpOp::Nin),
        ("in", CmpOp::In),
        ("subsetof", CmpOp::SubsetOf),
        ("anyof", CmpOp::AnyOf),
        ("noneof", CmpOp::NoneOf),
        ("contains", CmpOp::Contains),
        ("size", CmpOp::Size),
        ("empty", CmpOp::Empty),
    ];
}

/// Parses `a || b && !(c)` up to (not including) the closing `)` of `[?(`.
pub(super) fn parse_filter(c: &mut Cursor) -> Result<Filter, SyntaxError> {
    let entry = c.depth;
    let mut left = parse_and(c)?;
    loop {
        c.skip_ws();
        if !c.eat_str("||") {
            c.depth = entry;
            return Ok(left);
        }
        // each term of the chain puts the ones before it a level deeper
        c.deeper()?;
        let right = parse_and(c)?;
        left = Filter::Or(Ptr::new(left), Ptr::new(right));
    }
}

fn parse_and(c: &mut Cursor) -> Result<Filter, SyntaxError> {
    let entry = c.depth;
    let mut left = parse_unary(c)?;
    loop {
        c.skip_ws();
        if !c.eat_str("&&") {
            c.depth = entry;
            return Ok(left);
        }
        c.deeper()?;
        let right = parse_unary(c)?;
        left = Filter::And(Ptr::new(left), Ptr::new(right));
    }
}

fn parse_unary(c: &mut Cursor) -> Result<Filter, SyntaxError> {
    c.skip_ws();
    if c.rest().starts_with('!') && !c.rest().starts_with("!=") {
        c.bump();
        c.deeper()?;
        let f = parse_unary(c)?;
        c.depth -= 1;
        return Ok(Filter::Not(Ptr::new(f)));
    }
    if c.eat('(') {
        c.deeper()?;
        let f = parse_filter(c)?;
        c.depth -= 1;
        c.skip_ws();
        if !c.eat(')') {
            return Err(c.err("expected `)` in filter"));
        }
        return Ok(f);
    }
    let left = parse_operand(c)?;
    c.skip_ws();
    let Some(op) = parse_op(c) else {
        return match left {
            Operand::Lit(_) => Err(c.err("expected a comparison operator in filter")),
            path => Ok(Filter::Exists(path)),
        };
    };
    c.skip_ws();
    let right = parse_operand(c)?;
    Ok(Filter::Cmp(left, op, right))
}

fn parse_op(c: &mut Cursor) -> Option<CmpOp> {
    if c.rest().starts_with("=~") {
        return None; // reported by the caller as a missing operator; see parse_operand
    }
    for (word, op) in CmpOp::WORDS {
        if c.rest().starts_with(word) {
            let after = c.rest()[word.len()..].chars().next();
            let is_word = word.starts_with(|ch: char| ch.is_ascii_alphabetic());
            if is_word && after.is_some_and(|ch| ch.is_alphanumeric() || ch == '_') {
                continue;
            }
            c.pos += word.len();
            return Some(op);
        }
    }
    None
}

fn parse_operand(c: &mut Cursor) -> Result<Operand, SyntaxError> {
    c.skip_ws();
    if c.rest().starts_with("=~") {
        return Err(c.err("regular expression filters (`=~`) are not supported"));
    }
    if c.eat('@') {
        return Ok(Operand::Current(parse_segs(c, true)?.into()));
    }
    if c.rest().starts_with('$') {
        c.bump();
        if c.peek() == Some('$') {
            return Err(c.err("`$$` is not allowed inside a filter"));
        }
        return Ok(Operand::Root(parse_segs(c, true)?.into()));
    }
    parse_lit(c).map(Operand::Lit)
}

/// A JSON-like literal: numbers, 'single' or "double" quoted strings, true/false/null,
/// arrays and objects.
fn parse_lit(c: &mut Cursor) -> Result<Lit, SyntaxError> {
    c.skip_ws();
    match c.peek() {
        Some(q @ ('\'' | '"')) => {
            c.bump();
            read_string(c, q).map(|s| Lit::Str(s.into()))
        }
        Some('[') => {
            c.bump();
            let mut items = Vec::new();
            c.skip_ws();
            if !c.eat(']') {
                loop {
                    items.push(parse_lit(c)?);
                    c.skip_ws();
                    if c.eat(']') {
                        break;
                    }
                    if !c.eat(',') {
                        return Err(c.err("expected `,` or `]` in array literal"));
                    }
                }
            }
            Ok(Lit::Array(items.into()))
        }
        Some('{') => {
            c.bump();
            let mut members = Vec::new();
            c.skip_ws();
            if !c.eat('}') {
                loop {
                    c.skip_ws();
                    let key = match parse_lit(c)? {
                        Lit::Str(s) => s,
                        _ => return Err(c.err("expected a string key in object literal")),
                    };
                    c.skip_ws();
                    if !c.eat(':') {
                        return Err(c.err("expected `:` in object literal"));
                    }
                    members.push((key, parse_lit(c)?));
                    c.skip_ws();
                    if c.eat('}') {
                        break;
                    }
                    if !c.eat(',') {
                        return Err(c.err("expected `,` or `}` in object literal"));
                    }
                }
            }
            Ok(Lit::Object(members.into()))
        }
        Some(ch) if ch == '-' || ch.is_ascii_digit() => parse_number(c),
        _ => {
            for (word, lit) in [("true", Lit::Bool(true)), ("false", Lit::Bool(false)), ("null", Lit::Null)] {
                if c.eat_str(word) {
                    return Ok(lit);
                }
            }
            Err(c.err("expected a value in filter"))
        }
    }
}

/// Reads a quoted string after its opening quote, resolving backslash escapes.
fn read_string(c: &mut Cursor, q: char) -> Result<String, SyntaxError> {
    let start = c.pos;
    let mut out = String::new();
    while let Some(ch) = c.peek() {
        c.bump();
        if ch == q {
            return Ok(out);
        }
        if ch == '\\' {
            match c.peek() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => break,
            }
            c.bump();
        } else {
            out.push(ch);
        }
    }
    Err(SyntaxError::new(start, "unterminated string in filter"))
}

pub(crate) fn parse_number(c: &mut Cursor) -> Result<Lit, SyntaxError> {
    let start = c.pos;
    c.eat('-');
    let mut float = false;
    while let Some(ch) = c.peek() {
        match ch {
            '0'..='9' => {}
            '.' | 'e' | 'E' => float = true,
            '+' | '-' if float => {}
            _ => break,
        }
        c.bump();
    }
    let text = &c.src[start..c.pos];
    let bad = || SyntaxError::new(start, format!("invalid number `{text}`"));
    if !float {
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Lit::Int(i));
        }
        if let Ok(u) = text.parse::<u64>() {
            return Ok(Lit::UInt(u));
        }
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Lit::Float(f)),
        _ => Err(bad()),
    }
}
