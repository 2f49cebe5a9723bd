//! Payload templates and the expression strings inside them.

use asl_syntax::path::Path;
use asl_syntax::template::{Query, Template};
use asl_syntax::{Ptr, intrinsic, jsonata, path};

use super::{Parser, lit, syntax_at};
use crate::json::{Json, JsonValue};
use crate::model::QueryLanguage;

/// The text of a JSONata expression string: `{% expr %}` → `expr`.
/// Only a string that starts with `{%` and ends with `%}` is an expression: AWS keeps
/// `" {% x %} "` (with spaces around) as a literal string.
pub fn jsonata_body(s: &str) -> Option<&str> {
    malformed_jsonata(s).is_none().then(|| s.strip_prefix("{%")?.strip_suffix("%}")).flatten()
}

/// Why a string of a JSONata field is neither an expression nor a literal: AWS rejects a string
/// that starts with `{%` without ending with `%}`, or ends with `%}` without starting with `{%`.
/// (No spaces are needed inside the markers: AWS's own console templates write `"{%$states…%}"`;
/// a string with anything before `{%` or after `%}` is a literal, see `jsonata_body`.)
pub fn malformed_jsonata(s: &str) -> Option<&'static str> {
    match (s.starts_with("{%"), s.ends_with("%}")) {
        // `"{%}"`: the two markers overlap, so neither is complete.
        (true, true) if s.len() < 4 => Some("the string is too short to hold both `{%` and `%}`"),
        (true, false) => Some("the string starts with `{%` but does not end with `%}`"),
        (false, true) => Some("the string ends with `%}` but does not start with `{%`"),
        _ => None,
    }
}

/// What a path parser error expected at its caret, when the message does not already say.
fn path_help(s: &str, e: &asl_syntax::SyntaxError) -> Option<String> {
    if e.message == "a path must start with `$`" {
        let rest = s.trim_start_matches('.');
        return Some(if rest.is_empty() {
            "write `$` for the whole input".to_owned()
        } else {
            format!("a path starts at `$` (the input), `$$` (the context object) or `$name` (a variable): did you mean `$.{rest}`?")
        });
    }
    let done = s.get(..e.offset).unwrap_or(s);
    if e.message == "expected `]`" {
        return Some(format!("after `{done}` the path expected a bracket step closed by `]`: `[0]`, `[*]`, `[0:2]`, `['name']` or `[?(@.price < 10)]`"));
    }
    if e.message == "expected a name after `.`" {
        return Some(format!("after `{done}` the path expected a field name, e.g. `{done}id`; a name with blanks or symbols goes in brackets: `['my name']`"));
    }
    if e.message.starts_with("invalid array index") {
        return Some("an index is a whole number, as in `[0]`; `[*]` takes every element and `[0:2]` a slice".to_owned());
    }
    if e.message.starts_with("unexpected ") {
        return Some(format!("after `{done}` the path expected its next step: `.name`, `['name']`, `[0]`, `[*]`, `[0:2]`, `..name`, `[?(@.price < 10)]` or the end of the path"));
    }
    None
}

impl Parser<'_> {
    /// Reports a malformed `{% %}` string of a JSONata field; true when it was one.
    pub(super) fn malformed_jsonata(&mut self, j: &Json, ptr: &str) -> bool {
        let Some(why) = j.as_str().and_then(malformed_jsonata) else { return false };
        self.d.error_help(
            ptr,
            j.span,
            format!("malformed JSONata expression: {why}"),
            "an expression is `\"{% … %}\"` from the string's first character to its last; any other string is kept as literal text, but AWS rejects one that opens or closes only one marker",
        );
        true
    }

    /// Parses a JSONPath path held in the string `j`.
    pub(super) fn path(&mut self, j: &Json, ptr: &str, field: &str) -> Option<Path> {
        let Some(s) = j.as_str() else {
            self.d.error(ptr, j.span, format!("`{field}` must be a path string, found {}", j.type_name()));
            return None;
        };
        match path::parse_path(s) {
            Ok(p) => Some(p),
            Err(e) => {
                let msg = format!("invalid path `{s}` in `{field}`: {}", e.message);
                match path_help(s, &e) {
                    Some(help) => self.d.error_help(ptr, syntax_at(j.span, &e), msg, help),
                    None => self.d.error(ptr, syntax_at(j.span, &e), msg),
                }
                None
            }
        }
    }

    pub(super) fn reference_path(&mut self, j: &Json, ptr: &str, field: &str) -> Option<Path> {
        let s = j.as_str()?;
        match path::parse_reference_path(s) {
            Ok(p) => Some(p),
            Err(e) => {
                self.d.error_help(
                    ptr,
                    syntax_at(j.span, &e),
                    format!("invalid reference path `{s}` in `{field}`: {}", e.message),
                    "a reference path names one node: `$`, `$.a.b`, `$.list[0]`, with no wildcards or filters",
                );
                None
            }
        }
    }

    pub(super) fn jsonata(&mut self, j: &Json, body: &str, ptr: &str) -> Option<Query> {
        match jsonata::parse(body) {
            Ok(expr) => Some(Query { text: body.trim().to_owned().into(), expr }),
            Err(e) => {
                let s = j.as_str().unwrap_or("");
                let lead = s.find(body).unwrap_or(2);
                let err = asl_syntax::SyntaxError { offset: lead + e.offset, message: e.message.clone() };
                self.d.error(ptr, syntax_at(j.span, &err), format!("invalid JSONata expression: {}", e.message));
                None
            }
        }
    }

    /// A path or an intrinsic call: the value of a `key.$` field (and of `ErrorPath`/`CausePath`).
    pub(super) fn path_or_call(&mut self, j: &Json, ptr: &str, field: &str) -> Option<Template> {
        let Some(s) = j.as_str() else {
            let help = if field.ends_with(".$") {
                format!("to use the value literally, remove `.$` from the key: `\"{}\"`", field.trim_end_matches(".$"))
            } else {
                "write a path such as `$.order.id`".to_owned()
            };
            self.d.error_help(ptr, j.span, format!("the value of `{field}` must be a path or an intrinsic function call string, found {}", j.type_name()), help);
            return None;
        };
        if intrinsic::looks_like_call(s) {
            return match intrinsic::parse_call(s) {
                Ok(c) => Some(Template::Call(c)),
                Err(e) => {
                    self.d.error(ptr, syntax_at(j.span, &e), format!("invalid intrinsic function call in `{field}`: {}", e.message));
                    None
                }
            };
        }
        if !s.starts_with('$') {
            self.d.error_help(
                ptr,
                j.span,
                format!("the value of `{field}` must be a path (starting with `$`) or an intrinsic function call, found `{s}`"),
                format!("to use the string literally, remove `.$` from the key"),
            );
            return None;
        }
        self.path(j, ptr, field).map(Template::Path)
    }

    /// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`, `Arguments`, `Output`, …).
    pub(super) fn template(&mut self, j: &Json, ptr: &str, ql: QueryLanguage) -> Option<Template> {
        let mut ok = true;
        let t = self.template_inner(j, ptr, ql, &mut ok);
        ok.then_some(t)
    }

    fn template_inner(&mut self, j: &Json, ptr: &str, ql: QueryLanguage, ok: &mut bool) -> Template {
        match &j.value {
            JsonValue::String(s) if ql == QueryLanguage::Jsonata => match jsonata_body(s) {
                Some(body) => match self.jsonata(j, body, ptr) {
                    Some(e) => Template::Jsonata(Ptr::new(e)),
                    None => {
                        *ok = false;
                        Template::Lit(asl_syntax::Lit::Null)
                    }
                },
                None if self.malformed_jsonata(j, ptr) => {
                    *ok = false;
                    Template::Lit(asl_syntax::Lit::Null)
                }
                None => Template::Lit(lit(j)),
            },
            JsonValue::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                let mut dynamic = false;
                for m in members {
                    let mptr = format!("{ptr}/{}", super::escape_pointer(&m.key));
                    // In JSONata states a `.$` key is an ordinary key (AWS keeps it as written:
                    // `output__test_base_cases_BASE_LITERALS`).
                    if let (Some(key), QueryLanguage::JsonPath) = (m.key.strip_suffix(".$"), ql) {
                        match self.path_or_call(&m.value, &mptr, &m.key) {
                            Some(t) => out.push((key.to_owned().into(), t)),
                            None => *ok = false,
                        }
                        dynamic = true;
                    } else {
                        let t = self.template_inner(&m.value, &mptr, ql, ok);
                        dynamic |= !matches!(t, Template::Lit(_));
                        out.push((m.key.clone().into(), t));
                    }
                }
                if dynamic { Template::Object(out.into()) } else { Template::Lit(lit(j)) }
            }
            JsonValue::Array(items) => {
                let ts: Vec<Template> = items.iter().enumerate().map(|(i, it)| self.template_inner(it, &format!("{ptr}/{i}"), ql, ok)).collect();
                if ts.iter().all(|t| matches!(t, Template::Lit(_))) { Template::Lit(lit(j)) } else { Template::Array(ts.into()) }
            }
            _ => Template::Lit(lit(j)),
        }
    }

    /// `Assign`: an object of variable names to values (JSONPath: `name.$` for paths/calls).
    pub(super) fn assign(&mut self, m: &crate::json::Member, ptr: &str, ql: QueryLanguage) -> Option<Template> {
        let members = match m.value.members() {
            Some(members) => members,
            None => {
                self.d.error(ptr, m.value.span, format!("`Assign` must be an object of variable names to values, found {}", m.value.type_name()));
                return None;
            }
        };
        let mut ok = true;
        for mem in members {
            let name = mem.key.strip_suffix(".$").unwrap_or(&mem.key);
            if !is_variable_name(name) {
                ok = false;
                self.d.error_help(
                    &format!("{ptr}/{}", super::escape_pointer(&mem.key)),
                    mem.key_span,
                    format!("invalid variable name `{name}`"),
                    "a variable name starts with a letter or `_` and holds letters, digits and `_`",
                );
            }
        }
        let t = self.template(&m.value, ptr, ql)?;
        ok.then_some(t)
    }
}

pub fn is_variable_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_') && c.all(|ch| ch.is_alphanumeric() || ch == '_') && s != "states"
}
