//! Function signatures (`<s-nn?:s>`): parsing, and matching a list of argument type symbols the
//! way jsonata-js does with a regular expression built from the signature (greedy, backtracking).
//!
//! Type symbols: `s` string, `n` number, `b` boolean, `l` null, `a` array, `o` object,
//! `f` function, `m` missing (undefined); `j` any JSON value and `x` anything.

use std::collections::HashSet;

use super::error::{Code, SynErr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quant {
    One,
    Optional,
    OneOrMore,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The declared type: `s`, `a`, `(sf)`…
    pub ty: String,
    /// The argument symbols it accepts (including `m` where undefined is accepted).
    pub accepts: String,
    pub quant: Quant,
    /// `-`: the context value stands in when the argument is missing.
    pub context: bool,
    /// `a<n>`: the type the array's items must have.
    pub subtype: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub params: Vec<Param>,
}

impl Signature {
    /// Parses `<…>`; the return type after `:` is ignored, as jsonata-js does.
    pub fn parse(sig: &str) -> Result<Signature, SynErr> {
        let chars: Vec<char> = sig.chars().collect();
        let mut params: Vec<Param> = vec![];
        let mut pos = 1;
        let new = |ty: &str, accepts: &str| Param { ty: ty.into(), accepts: accepts.into(), quant: Quant::One, context: false, subtype: None };
        let closing = |start: usize, open: char, close: char| {
            let mut depth = 1;
            let mut p = start;
            while p + 1 < chars.len() {
                p += 1;
                if chars[p] == close {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                } else if chars[p] == open {
                    depth += 1;
                }
            }
            p
        };
        while pos < chars.len() {
            let c = chars[pos];
            match c {
                ':' => break,
                's' | 'n' | 'b' | 'l' | 'o' => params.push(new(&c.to_string(), &format!("{c}m"))),
                'a' | 'x' => params.push(new(&c.to_string(), "asnblfom")),
                'f' => params.push(new("f", "f")),
                'j' => params.push(new("j", "asnblom")),
                '-' => {
                    if let Some(p) = params.last_mut() {
                        p.context = true;
                        if p.quant == Quant::One {
                            p.quant = Quant::Optional;
                        }
                    }
                }
                '?' => {
                    if let Some(p) = params.last_mut() {
                        p.quant = Quant::Optional;
                    }
                }
                '+' => {
                    if let Some(p) = params.last_mut() {
                        p.quant = Quant::OneOrMore;
                    }
                }
                '(' => {
                    let end = closing(pos, '(', ')');
                    let choice: String = chars[pos + 1..end.min(chars.len())].iter().collect();
                    if choice.contains('<') {
                        return Err(SynErr::new(Code::S0402, pos).value(choice));
                    }
                    params.push(new(&format!("({choice})"), &format!("{choice}m")));
                    pos = end;
                }
                '<' => match params.last_mut() {
                    Some(p) if p.ty == "a" || p.ty == "f" => {
                        let end = closing(pos, '<', '>');
                        p.subtype = Some(chars[pos + 1..end.min(chars.len())].iter().collect());
                        pos = end;
                    }
                    p => {
                        let ty = p.map(|p| p.ty.clone()).unwrap_or_default();
                        return Err(SynErr::new(Code::S0401, pos).value(ty));
                    }
                },
                _ => {}
            }
            pos += 1;
        }
        // matching recurses once per parameter
        if params.len() > super::parser::MAX_DEPTH {
            return Err(SynErr::new(Code::S0201, 0).token(format!("(signature with more than {} parameters)", super::parser::MAX_DEPTH)));
        }
        Ok(Signature { params })
    }

    /// Matches the argument symbols against the whole signature: for each parameter, the range
    /// of `syms` it took (empty for a missing optional one).
    pub fn match_args(&self, syms: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
        let mut spans = Vec::with_capacity(self.params.len());
        self.match_from(0, syms, 0, true, &mut spans, &mut HashSet::new()).then_some(spans)
    }

    /// Where matching fails (the 1-based argument position jsonata-js reports in T0410).
    pub fn failing_arg(&self, syms: &[u8]) -> usize {
        let mut good_to = 0;
        for k in 1..=self.params.len() {
            let prefix = Signature { params: self.params[..k].to_vec() };
            let mut spans = vec![];
            if !prefix.match_from(0, syms, 0, false, &mut spans, &mut HashSet::new()) {
                return good_to + 1;
            }
            good_to = spans.last().map_or(0, |s| s.end);
        }
        good_to + 1
    }

    fn match_from(&self, p: usize, syms: &[u8], i: usize, anchored: bool, spans: &mut Vec<std::ops::Range<usize>>, failed: &mut HashSet<(usize, usize)>) -> bool {
        let Some(param) = self.params.get(p) else {
            return !anchored || i == syms.len();
        };
        // whether parameters from `p` on match from symbol `i` does not depend on how the
        // earlier ones matched: remembering failures keeps optional parameters from
        // backtracking exponentially
        if failed.contains(&(p, i)) {
            return false;
        }
        let ok = |s: u8| param.accepts.as_bytes().contains(&s);
        let run = syms[i..].iter().take_while(|&&s| ok(s)).count();
        let (min, max) = match param.quant {
            Quant::One => (1, 1),
            Quant::Optional => (0, 1),
            Quant::OneOrMore => (1, usize::MAX),
        };
        let mut n = run.min(max);
        loop {
            if n < min {
                failed.insert((p, i));
                return false;
            }
            spans.push(i..i + n);
            if self.match_from(p + 1, syms, i + n, anchored, spans, failed) {
                return true;
            }
            spans.pop();
            if n == 0 {
                failed.insert((p, i));
                return false;
            }
            n -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_match() {
        let s = Signature::parse("<s-nn?:s>").unwrap();
        assert_eq!(s.params.len(), 3);
        assert!(s.params[0].context);
        assert_eq!(s.match_args(b"sn"), Some(vec![0..1, 1..2, 2..2]));
        assert_eq!(s.match_args(b"n"), Some(vec![0..0, 0..1, 1..1]));
        assert_eq!(s.match_args(b"ss"), None);
        assert_eq!(s.failing_arg(b"ss"), 2);
        let z = Signature::parse("<a+>").unwrap();
        assert_eq!(z.match_args(b"aaa"), Some(vec![0..3]));
        let f = Signature::parse("<a<n>:n>").unwrap();
        assert_eq!(f.params[0].subtype.as_deref(), Some("n"));
        assert!(Signature::parse("<s<n>>").is_err());
        assert_eq!(Signature::parse("<s-:s>").unwrap().failing_arg(b"ss"), 2);
    }
}
