//! Regex literals: compiled on first use (the tree only holds the text) and cached per thread by
//! pattern text. JavaScript's ASCII-only `\d` and `\w` are translated, since the `regex` crate's
//! are Unicode-aware; patterns it cannot express (look-around, back-references) fail with U1002.

use std::cell::RefCell;
use std::collections::HashMap;

use asl_syntax::jsonata::Regex as RegexLit;
use regex::Regex;

use super::error::{JError, JResult};
use super::value::{Obj, Val};

thread_local! {
    static CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

pub fn compile(lit: &RegexLit) -> JResult<Regex> {
    let key = format!("{}/{}", lit.flags, lit.pattern);
    if let Some(re) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(re);
    }
    let re = regex::RegexBuilder::new(&translate(&lit.pattern)).case_insensitive(lit.flags.contains('i')).multi_line(lit.flags.contains('m')).build().map_err(|e| {
        let msg = e.to_string().lines().last().unwrap_or("").trim().to_string();
        JError::new("U1002").message(format!("Unsupported regular expression /{}/: {msg}", lit.pattern))
    })?;
    CACHE.with(|c| c.borrow_mut().insert(key, re.clone()));
    Ok(re)
}

/// Rewrites JavaScript-only class escapes into equivalents the `regex` crate reads the same way.
fn translate(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 8);
    let mut in_class = false;
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let rep = match (n, in_class) {
                    ('d', false) => "[0-9]",
                    ('d', true) => "0-9",
                    ('D', _) => "[^0-9]",
                    ('w', false) => "[0-9A-Za-z_]",
                    ('w', true) => "0-9A-Za-z_",
                    ('W', _) => "[^0-9A-Za-z_]",
                    _ => {
                        out.push('\\');
                        out.push(n);
                        continue;
                    }
                };
                out.push_str(rep);
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // a leading `]` or `^]` is literal in both dialects
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    chars.next();
                    out.push_str("\\]");
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '[' if in_class => out.push_str("\\["),
            _ => out.push(c),
        }
    }
    out
}

/// One match, with offsets in bytes.
pub struct Match {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub groups: Vec<Option<String>>,
    /// The UTF-16 offset JavaScript reports as the index.
    pub index16: usize,
}

impl Match {
    /// The object a regex yields when called as a function (jsonata-js's matcher result).
    pub fn to_val<'a>(&self) -> Val<'a> {
        let mut o = Obj::new();
        o.insert("match".into(), Val::str(self.text.as_str()));
        o.insert("start".into(), Val::Num(self.index16 as f64));
        o.insert("end".into(), Val::Num((self.index16 + self.text.encode_utf16().count()) as f64));
        o.insert("groups".into(), self.groups_val());
        Val::object(o)
    }

    pub fn groups_val<'a>(&self) -> Val<'a> {
        Val::array(self.groups.iter().map(|g| g.as_deref().map_or(Val::Null, Val::str)).collect())
    }
}

pub fn first_match(re: &Regex, s: &str, from: usize) -> Option<Match> {
    first_match_after(re, s, from, s[..from].encode_utf16().count())
}

/// [`first_match`] from byte `from`, which is UTF-16 offset `from16`: the index of a match is
/// counted from there, not from the start (counting from the start made a walk over many
/// matches quadratic: 100,000 matches took 90 s).
fn first_match_after(re: &Regex, s: &str, from: usize, from16: usize) -> Option<Match> {
    let caps = re.captures_at(s, from)?;
    let m = caps.get(0)?;
    Some(Match {
        text: m.as_str().to_string(),
        start: m.start(),
        end: m.end(),
        groups: caps.iter().skip(1).map(|g| g.map(|g| g.as_str().to_string())).collect(),
        index16: from16 + s[from..m.start()].encode_utf16().count(),
    })
}

/// Successive matches as jsonata-js walks them: after a match, the next search starts at its
/// end; a later empty match is error D1004 (it would never progress).
pub fn matches(re: &Regex, s: &str, limit: Option<usize>) -> JResult<Vec<Match>> {
    let mut out = vec![];
    let mut next = first_match(re, s, 0);
    while let Some(m) = next {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let end = m.end;
        let end16 = m.index16 + m.text.encode_utf16().count();
        out.push(m);
        if end >= s.len() {
            break;
        }
        next = first_match_after(re, s, end, end16);
        if next.as_ref().is_some_and(|n| n.text.is_empty()) {
            return Err(JError::new("D1004"));
        }
    }
    Ok(out)
}
