//! Spanned JSON → typed model. Checks every field's presence, type and legality for its state
//! type and query language, parses every embedded expression, and reports every problem.

use std::collections::HashMap;

use asl_syntax::{Lit, SyntaxError};

use crate::diagnostic::{Diagnostics, closest, shorten};
use crate::fields;
use crate::json::{Json, JsonValue, Member, Span};
use crate::model::*;

/// The longest state name AWS accepts.
const MAX_NAME: usize = 80;

/// `text` is the source `root` was parsed from: number fields are judged by their literal
/// (`1e-400` is not the integer 0 its `f64` rounds to).
pub fn machine(root: &Json, text: &str, d: &mut Diagnostics) -> Option<Machine> {
    let mut p = Parser { d, text, names: HashMap::new(), top: QueryLanguage::JsonPath };
    if root.members().is_none() {
        p.d.error_help("", root.span, format!("a workflow must be a JSON object, found {}", root.type_name()), "the top level is an object with `StartAt` and `States`");
        return None;
    }
    let mut obj = p.object(root, "")?;
    let ql = p.query_language(&mut obj, None).unwrap_or(QueryLanguage::JsonPath);
    p.top = ql;
    let comment = p.string_opt(&mut obj, "Comment");
    let timeout_seconds = obj.take("TimeoutSeconds").and_then(|m| p.positive_int(m, &obj.ptr("TimeoutSeconds")));
    if let Some(m) = obj.take("Version") {
        p.string(m, &obj.ptr("Version"));
    }
    let scope = p.scope_fields(&mut obj, ql, "");
    p.unknown_fields(&obj, &["Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"], "the state machine");
    Some(Machine { comment, timeout_seconds, query_language: ql, scope: scope? })
}

struct Parser<'d> {
    d: &'d mut Diagnostics,
    /// The source text, for the literals of numbers.
    text: &'d str,
    /// Every state name seen so far, across all scopes, with the pointer of its first
    /// definition: names are unique machine-wide.
    names: HashMap<String, String>,
    /// The machine's top-level query language: when it is JSONata, no state may be JSONPath.
    top: QueryLanguage,
}

/// An object being read; remembers which members were taken so the rest can be reported.
struct Obj<'j> {
    members: &'j [Member],
    span: Span,
    pointer: String,
    taken: Vec<bool>,
}

impl<'j> Obj<'j> {
    fn take(&mut self, key: &str) -> Option<&'j Member> {
        let i = self.members.iter().position(|m| m.key == key)?;
        self.taken[i] = true;
        Some(&self.members[i])
    }

    fn has(&self, key: &str) -> bool {
        self.members.iter().any(|m| m.key == key)
    }

    fn ptr(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, escape_pointer(key))
    }
}

pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn syntax_at(string_span: Span, e: &SyntaxError) -> Span {
    // +1 skips the opening quote; exact when the string has no escapes before the error.
    let start = (string_span.start + 1 + e.offset).min(string_span.end.saturating_sub(1).max(string_span.start));
    Span { start, end: string_span.end.saturating_sub(1).max(start + 1) }
}

impl Parser<'_> {
    fn object<'j>(&mut self, json: &'j Json, pointer: &str) -> Option<Obj<'j>> {
        let Some(members) = json.members() else {
            self.d.error(pointer, json.span, format!("expected an object, found {}", json.type_name()));
            return None;
        };
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for m in members {
            if seen.insert(&m.key, ()).is_some() {
                self.d.error_help(
                    &format!("{pointer}/{}", escape_pointer(&m.key)),
                    m.key_span,
                    format!("duplicate field `{}`", shorten(&m.key)),
                    "a JSON object names each field once; remove one of them",
                );
            }
        }
        Some(Obj { members, span: json.span, pointer: pointer.to_owned(), taken: vec![false; members.len()] })
    }

    fn unknown_fields(&mut self, obj: &Obj, allowed: &[&str], what: &str) {
        for (m, taken) in obj.members.iter().zip(&obj.taken) {
            if *taken {
                continue;
            }
            let ptr = obj.ptr(&m.key);
            match closest(&m.key, allowed.iter().copied()) {
                Some(s) => self.d.error_help(&ptr, m.key_span, format!("unknown field `{}` in {what}", shorten(&m.key)), format!("did you mean `{s}`?")),
                None => self.d.error(&ptr, m.key_span, format!("unknown field `{}` in {what}", shorten(&m.key))),
            }
        }
    }

    fn string<'j>(&mut self, m: &'j Member, ptr: &str) -> Option<&'j str> {
        match m.value.as_str() {
            Some(s) => Some(s),
            None => {
                self.d.error(ptr, m.value.span, format!("`{}` must be a string, found {}", m.key, m.value.type_name()));
                None
            }
        }
    }

    fn string_opt(&mut self, obj: &mut Obj, key: &str) -> Option<String> {
        let m = obj.take(key)?;
        self.string(m, &obj.ptr(key)).map(str::to_owned)
    }

    fn located_string(&mut self, obj: &mut Obj, key: &str) -> Option<Located<String>> {
        let m = obj.take(key)?;
        let ptr = obj.ptr(key);
        let s = self.string(m, &ptr)?;
        Some(Located { value: s.to_owned(), span: m.value.span, pointer: ptr })
    }

    /// An integer field: a whole number (by its literal: `3.0` is, `1e-400` and
    /// `100.000000000000000001` are not, though their `f64`s are) from `min` to the field's
    /// maximum ([`int_max`]).
    fn int(&mut self, m: &Member, ptr: &str, min: u64, what: &str) -> Option<u64> {
        let literal = self.text.get(m.value.span.start..m.value.span.end).unwrap_or_default();
        let (max, why) = int_max(&m.key);
        let problem = match &m.value.value {
            JsonValue::Number(_) => match whole(literal) {
                Whole::Value(v) if (min..=max).contains(&v) => return Some(v),
                Whole::Value(v) if v >= min => format!("`{}` must be at most {max} ({why}), found `{}`", m.key, shorten(literal)),
                Whole::Huge => format!("`{}` must be at most {max} ({why}), found `{}`", m.key, shorten(literal)),
                Whole::Fraction => format!("`{}` must be {what}, found `{}`, which is not a whole number", m.key, shorten(literal)),
                Whole::Value(_) | Whole::Negative => format!("`{}` must be {what}, found `{}`", m.key, shorten(literal)),
            },
            _ => format!("`{}` must be {what}, found {}", m.key, describe(&m.value)),
        };
        match m.value.as_str().map(str::trim).filter(|s| s.parse::<u64>().is_ok_and(|n| n >= min && n <= max)) {
            Some(n) => self.d.error_help(ptr, m.value.span, problem, format!("write the number without quotes: `{n}`")),
            None => self.d.error(ptr, m.value.span, problem),
        }
        None
    }

    fn positive_int(&mut self, m: &Member, ptr: &str) -> Option<u64> {
        self.int(m, ptr, 1, "a positive integer")
    }

    fn number(&mut self, m: &Member, ptr: &str) -> Option<f64> {
        match &m.value.value {
            JsonValue::Number(n) => n.as_f64(),
            _ => {
                self.d.error(ptr, m.value.span, format!("`{}` must be a number, found {}", m.key, m.value.type_name()));
                None
            }
        }
    }

    fn query_language(&mut self, obj: &mut Obj, parent: Option<QueryLanguage>) -> Option<QueryLanguage> {
        let m = obj.take("QueryLanguage")?;
        let ptr = obj.ptr("QueryLanguage");
        let ql = match self.string(m, &ptr)? {
            "JSONPath" => QueryLanguage::JsonPath,
            "JSONata" => QueryLanguage::Jsonata,
            other => {
                let help = match closest(other, ["JSONPath", "JSONata"]) {
                    Some(s) => format!("did you mean `{s}`? (the names are case-sensitive)"),
                    None => "use `JSONPath` or `JSONata`".to_owned(),
                };
                self.d.error_help(&ptr, m.value.span, format!("unknown query language `{}`", shorten(other)), help);
                return None;
            }
        };
        // AWS's rule is about the top level only: a JSONPath state may sit in the processor of a
        // JSONata Map (or a branch of a JSONata Parallel) of a JSONPath machine.
        if parent.is_some() && self.top == QueryLanguage::Jsonata && ql == QueryLanguage::JsonPath {
            self.d.error_help(
                &ptr,
                m.value.span,
                "a JSONPath state cannot appear in a machine whose top-level query language is JSONata",
                "remove `QueryLanguage` here, or make the machine JSONPath (the default) and set `\"QueryLanguage\": \"JSONata\"` on the states that use JSONata",
            );
        }
        Some(ql)
    }

    /// `StartAt` + `States` (+ `Comment`) of the top level, a branch or a processor. `what`
    /// names the scope in messages (empty for the top level).
    fn scope_fields(&mut self, obj: &mut Obj, ql: QueryLanguage, what: &str) -> Option<Scope> {
        let start_at = self.located_string(obj, "StartAt");
        let in_what = if what.is_empty() { String::new() } else { format!(" in {what}") };
        if start_at.is_none() && !obj.has("StartAt") {
            let first = obj.members.iter().find(|m| m.key == "States").and_then(|m| m.value.members()).and_then(|s| s.first());
            match first {
                Some(f) => self.d.error_help(&obj.pointer, obj.span, format!("missing required field `StartAt`{in_what}"), format!("name the state to run first, e.g. `\"StartAt\": \"{}\"`", f.key)),
                None => self.d.error(&obj.pointer, obj.span, format!("missing required field `StartAt`{in_what}")),
            }
        }
        let mut states = Vec::new();
        match obj.take("States") {
            None => self.d.error_help(&obj.pointer, obj.span, format!("missing required field `States`{in_what}"), "`States` is an object of state names to states"),
            Some(m) => {
                let ptr = obj.ptr("States");
                if let Some(so) = self.object(&m.value, &ptr) {
                    if so.members.is_empty() {
                        self.d.error(&ptr, m.value.span, "`States` must contain at least one state");
                    }
                    for sm in so.members {
                        if let Some(s) = self.state(sm, &format!("{ptr}/{}", escape_pointer(&sm.key)), ql) {
                            states.push(s);
                        }
                    }
                }
            }
        }
        Some(Scope { start_at: start_at?, states, comment: None, pointer: obj.pointer.clone() })
    }

    fn state(&mut self, m: &Member, pointer: &str, parent_ql: QueryLanguage) -> Option<State> {
        let name = &m.key;
        if name.is_empty() || name.chars().count() > MAX_NAME {
            self.d.error(pointer, m.key_span, format!("state name `{}` must be 1 to {MAX_NAME} characters long", shorten(name)));
        }
        match self.names.get(name) {
            Some(first) => self.d.error_help(
                pointer,
                m.key_span,
                format!("duplicate state name `{name}`"),
                format!("`{name}` is already defined at `{first}`; state names must be unique in the whole machine, including Parallel branches and Map processors"),
            ),
            None => {
                self.names.insert(name.clone(), pointer.to_owned());
            }
        }
        let mut obj = self.object(&m.value, pointer)?;
        let ql = self.query_language(&mut obj, Some(parent_ql)).unwrap_or(parent_ql);
        let Some(type_member) = obj.take("Type") else {
            self.d.error_help(pointer, m.value.span, format!("state `{name}` is missing required field `Type`"), format!("`Type` is one of {}", type_list()));
            return None;
        };
        let type_ptr = obj.ptr("Type");
        let type_name = self.string(type_member, &type_ptr)?.to_owned();
        let Some(allowed) = fields::state_fields(&type_name) else {
            let help = match closest(&type_name, fields::STATE_TYPES.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("`Type` is one of {}", type_list()),
            };
            self.d.error_help(&type_ptr, type_member.value.span, format!("unknown state type `{}`", shorten(&type_name)), help);
            return None;
        };
        // Fields of the other query language, or of other state types, get a precise message.
        for mem in obj.members {
            if fields::COMMON.contains(&mem.key.as_str()) {
                continue;
            }
            let ptr = obj.ptr(&mem.key);
            if allowed.contains(&mem.key.as_str()) && fields::wrong_language(&mem.key, ql) {
                let lang = if ql == QueryLanguage::Jsonata { "JSONata" } else { "JSONPath" };
                let help = if ql == QueryLanguage::Jsonata && mem.key == "Result" {
                    "a JSONata Pass state gives its result with `Output`"
                } else if ql == QueryLanguage::Jsonata {
                    "JSONata states use `Arguments` and `Output` with `{% … %}` expressions instead of the path fields"
                } else {
                    "set `\"QueryLanguage\": \"JSONata\"` on the state to use JSONata fields"
                };
                self.d.error_help(&ptr, mem.key_span, format!("field `{}` is not allowed in a {lang} state", mem.key), help);
            } else if !allowed.contains(&mem.key.as_str()) && fields::STATE_TYPES.iter().any(|t| fields::state_fields(t).is_some_and(|f| f.contains(&mem.key.as_str()))) {
                let msg = format!("field `{}` is not allowed in a {type_name} state", mem.key);
                match mem.key.as_str() {
                    "Next" | "End" if matches!(type_name.as_str(), "Succeed" | "Fail") => {
                        self.d.error_help(&ptr, mem.key_span, msg, format!("a {type_name} state ends the execution; remove `{}`", mem.key))
                    }
                    "Next" | "End" if type_name == "Choice" => self.d.error_help(&ptr, mem.key_span, msg, "a Choice state moves on through its rules' `Next` and its `Default`"),
                    _ => {
                        let owners: Vec<&str> = fields::STATE_TYPES.iter().copied().filter(|t| fields::state_fields(t).is_some_and(|f| f.contains(&mem.key.as_str()))).collect();
                        let owners = match owners.split_last() {
                            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                            _ => owners.join(""),
                        };
                        self.d.error_help(&ptr, mem.key_span, msg, format!("`{}` belongs to {owners} states", mem.key));
                    }
                }
            }
        }
        let mut known: Vec<&str> = fields::COMMON.to_vec();
        known.extend_from_slice(allowed);
        let comment = self.string_opt(&mut obj, "Comment");

        let next = self.transition(&mut obj, &type_name, m.value.span);
        let io = self.io(&mut obj, ql, &type_name);
        let assign = obj.take("Assign").and_then(|a| self.assign(a, &obj.ptr("Assign"), ql));
        let kind = match type_name.as_str() {
            "Pass" => Kind::Pass(Pass { result: obj.take("Result").map(|r| r.value.to_value()) }),
            "Task" => Kind::Task(self.task(&mut obj, ql)?),
            "Choice" => Kind::Choice(self.choice(&mut obj, ql)?),
            "Wait" => Kind::Wait(self.wait(&mut obj, ql)?),
            "Succeed" => Kind::Succeed,
            "Fail" => Kind::Fail(self.fail(&mut obj, ql)),
            "Parallel" => Kind::Parallel(self.parallel(&mut obj, ql)?),
            "Map" => Kind::Map(self.map(&mut obj, ql)?),
            _ => unreachable!("state_fields accepted the type"),
        };
        // Anything left is either reported above (wrong type/language) or truly unknown.
        let leftover: Vec<bool> =
            obj.members.iter().zip(&obj.taken).map(|(mem, t)| *t || fields::STATE_TYPES.iter().any(|ty| fields::state_fields(ty).is_some_and(|f| f.contains(&mem.key.as_str())))).collect();
        obj.taken = leftover;
        self.unknown_fields(&obj, &known, &format!("{type_name} state `{name}`"));
        Some(State { name: name.clone(), name_span: m.key_span, pointer: pointer.to_owned(), comment, query_language: ql, next, io, assign, kind })
    }

    /// `Next` / `End`: exactly one for the states that continue; neither for Choice/Succeed/Fail.
    fn transition(&mut self, obj: &mut Obj, type_name: &str, span: Span) -> Option<Located<String>> {
        let next = self.located_string(obj, "Next");
        let end_member = obj.take("End");
        let end = match end_member {
            Some(e) => match e.value.value {
                JsonValue::Bool(b) => Some((b, e)),
                _ => {
                    self.d.error(&obj.ptr("End"), e.value.span, format!("`End` must be a boolean, found {}", e.value.type_name()));
                    None
                }
            },
            None => None,
        };
        let terminal = matches!(type_name, "Choice" | "Succeed" | "Fail");
        if terminal {
            return None;
        }
        match (&next, end) {
            (Some(n), Some((true, _))) => {
                self.d.error_help(&n.pointer, n.span, format!("a {type_name} state cannot have both `Next` and `End`"), "keep `Next` to continue, or `\"End\": true` to stop here");
            }
            (None, Some((false, e))) => {
                self.d.error_help(&obj.ptr("End"), e.value.span, format!("a {type_name} state needs `Next` or `\"End\": true`"), "`End` must be `true` when there is no `Next`");
            }
            (None, None) if !obj.has("Next") => {
                self.d.error_help(&obj.pointer, span, format!("a {type_name} state needs `Next` or `\"End\": true`"), "add `\"Next\": \"<state>\"` or `\"End\": true`");
            }
            _ => {}
        }
        next
    }
}

/// `` `Pass`, `Task`, … or `Map` ``
fn type_list() -> String {
    let quoted: Vec<String> = fields::STATE_TYPES.iter().map(|t| format!("`{t}`")).collect();
    let (last, rest) = quoted.split_last().expect("there are state types");
    format!("{} or {last}", rest.join(", "))
}

/// The largest value of an integer field, and where the bound comes from.
fn int_max(key: &str) -> (u64, &'static str) {
    match key {
        // "a positive, integer value from 0 up to 99999999" (AWS's Wait state docs)
        "Seconds" => (99_999_999, "AWS's longest Wait"),
        "MaxDelaySeconds" => (31_622_400, "366 days"),
        // AWS keeps the other integer fields as 32-bit integers
        _ => (i32::MAX as u64, "AWS's largest integer for this field"),
    }
}

/// What a JSON number literal is as an integer, read exactly from its digits.
#[derive(Debug, PartialEq)]
enum Whole {
    Value(u64),
    /// Over `u64::MAX`.
    Huge,
    Fraction,
    Negative,
}

fn whole(literal: &str) -> Whole {
    let (negative, s) = match literal.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, literal),
    };
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => {
            let e = &s[i + 1..];
            // an exponent past i64 is far past any field's range either way
            let big = if e.starts_with('-') { i64::MIN / 2 } else { i64::MAX / 2 };
            (&s[..i], e.trim_start_matches('+').parse::<i64>().unwrap_or(big))
        }
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let significant = digits.trim_start_matches('0');
    if significant.trim_end_matches('0').is_empty() {
        return Whole::Value(0);
    }
    // digits of the value before its decimal point
    let before_point = (int.len() as i64 - (digits.len() - significant.len()) as i64).saturating_add(exp);
    let significant = significant.trim_end_matches('0');
    if (significant.len() as i64) > before_point {
        return Whole::Fraction;
    }
    if negative {
        return Whole::Negative;
    }
    if before_point > 20 {
        return Whole::Huge;
    }
    let zeros = "0".repeat((before_point - significant.len() as i64) as usize);
    format!("{significant}{zeros}").parse().map_or(Whole::Huge, Whole::Value)
}

fn describe(j: &Json) -> String {
    match &j.value {
        JsonValue::Number(n) => format!("`{n}`"),
        _ => j.type_name().to_owned(),
    }
}

pub(crate) fn lit(j: &Json) -> Lit {
    match &j.value {
        JsonValue::Null => Lit::Null,
        JsonValue::Bool(b) => Lit::Bool(*b),
        JsonValue::Number(n) => {
            if let Some(i) = n.as_i64() {
                Lit::Int(i)
            } else if let Some(u) = n.as_u64() {
                Lit::UInt(u)
            } else {
                Lit::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        JsonValue::String(s) => Lit::Str(s.clone().into()),
        JsonValue::Array(a) => Lit::Array(a.iter().map(lit).collect::<Vec<_>>().into()),
        JsonValue::Object(m) => Lit::Object(m.iter().map(|m| (m.key.clone().into(), lit(&m.value))).collect::<Vec<_>>().into()),
    }
}

mod io;
mod states;
mod template;

/// A plain JSON value as a static literal.
pub(crate) fn lit_value(v: &serde_json::Value) -> Lit {
    use serde_json::Value;
    match v {
        Value::Null => Lit::Null,
        Value::Bool(b) => Lit::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Lit::Int(i),
            (None, Some(u)) => Lit::UInt(u),
            _ => Lit::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Lit::Str(s.clone().into()),
        Value::Array(a) => Lit::Array(a.iter().map(lit_value).collect::<Vec<_>>().into()),
        Value::Object(m) => Lit::Object(m.iter().map(|(k, v)| (k.clone().into(), lit_value(v))).collect::<Vec<_>>().into()),
    }
}

#[cfg(test)]
mod tests {
    /// `(message, help)` of every diagnostic for `text`.
    fn report(text: &str) -> Vec<(String, Option<String>)> {
        match crate::check(text) {
            Ok(_) => vec![],
            Err(ds) => ds.into_iter().map(|d| (d.message, d.help)).collect(),
        }
    }

    fn messages(text: &str) -> Vec<String> {
        report(text).into_iter().map(|(m, _)| m).collect()
    }

    #[test]
    fn integers_are_read_from_their_literals() {
        use super::{Whole, whole};
        assert_eq!(whole("3"), Whole::Value(3));
        assert_eq!(whole("3.0"), Whole::Value(3));
        assert_eq!(whole("1e2"), Whole::Value(100));
        assert_eq!(whole("1.5E+1"), Whole::Value(15));
        assert_eq!(whole("0.00"), Whole::Value(0));
        assert_eq!(whole("-0"), Whole::Value(0));
        assert_eq!(whole("18446744073709551615"), Whole::Value(u64::MAX));
        assert_eq!(whole("18446744073709551616"), Whole::Huge);
        assert_eq!(whole("1e400"), Whole::Huge);
        assert_eq!(whole("1e99999999999999999999"), Whole::Huge);
        assert_eq!(whole("1e-400"), Whole::Fraction);
        assert_eq!(whole("1e-99999999999999999999"), Whole::Fraction);
        assert_eq!(whole("100.000000000000000001"), Whole::Fraction);
        assert_eq!(whole("0.5"), Whole::Fraction);
        assert_eq!(whole("-3"), Whole::Negative);
    }

    #[test]
    fn numbers_aws_rejects_are_rejected() {
        let task = |field: &str| format!(r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", {field}, "End": true}}}}}}"#);
        let map = |field: &str| {
            format!(r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", {field}, "End": true, "ItemProcessor": {{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}}}}}}}"#)
        };
        let wait = |seconds: &str| format!(r#"{{"StartAt": "W", "States": {{"W": {{"Type": "Wait", "Seconds": {seconds}, "End": true}}}}}}"#);
        let retry = |attempts: &str| task(&format!(r#""Retry": [{{"ErrorEquals": ["States.ALL"], "MaxAttempts": {attempts}}}]"#));
        assert_eq!(messages(&map(r#""MaxConcurrency": 1e-400"#)), ["`MaxConcurrency` must be a non-negative integer, found `1e-400`, which is not a whole number"]);
        assert_eq!(messages(&retry("1e-400")), ["`MaxAttempts` must be a non-negative integer, found `1e-400`, which is not a whole number"]);
        assert_eq!(
            messages(&task(r#""HeartbeatSeconds": 100.000000000000000001, "TimeoutSeconds": 200"#)),
            ["`HeartbeatSeconds` must be a positive integer, found `100.000000000000000001`, which is not a whole number"]
        );
        assert_eq!(messages(&map(r#""MaxConcurrency": 9999999999999999999"#)), ["`MaxConcurrency` must be at most 2147483647 (AWS's largest integer for this field), found `9999999999999999999`"]);
        assert_eq!(messages(&map(r#""MaxConcurrency": 2147483648"#)), ["`MaxConcurrency` must be at most 2147483647 (AWS's largest integer for this field), found `2147483648`"]);
        assert!(messages(&map(r#""MaxConcurrency": 2147483647"#)).is_empty());
        // a literal Wait beyond AWS's longest is an error, never clamped
        assert_eq!(messages(&wait("9999999999999999999")), ["`Seconds` must be at most 99999999 (AWS's longest Wait), found `9999999999999999999`"]);
        assert_eq!(messages(&wait("100000000")), ["`Seconds` must be at most 99999999 (AWS's longest Wait), found `100000000`"]);
        assert!(messages(&wait("99999999")).is_empty());
        assert!(messages(&wait("3.0")).is_empty());
        assert_eq!(messages(&wait(&format!("1{}", "0".repeat(200)))), [format!("`Seconds` must be at most 99999999 (AWS's longest Wait), found `1{}…`", "0".repeat(99))]);
        assert_eq!(messages(&wait("-1")), ["`Seconds` must be a non-negative integer, found `-1`"]);
    }

    #[test]
    fn long_keys_and_names_are_quoted_shortened() {
        let key = "K".repeat(100_000);
        let m = messages(&format!(r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Succeed", "{key}": 1}}}}}}"#));
        assert_eq!(m, [format!("unknown field `{}…` in Succeed state `A`", "K".repeat(100))]);
        let name = "N".repeat(200);
        let m = messages(&format!(r#"{{"StartAt": "{name}", "States": {{"{name}": {{"Type": "Succeed"}}}}}}"#));
        assert_eq!(m, [format!("state name `{}…` must be 1 to 80 characters long", "N".repeat(100))]);
    }

    #[test]
    fn malformed_paths_say_what_was_expected_at_the_caret() {
        let help = |path: &str| {
            let r = report(&format!(r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "InputPath": "{path}", "End": true}}}}}}"#));
            assert_eq!(r.len(), 1, "{r:?}");
            r[0].1.clone().unwrap_or_default()
        };
        assert_eq!(help("$.order["), "after `$.order[` the path expected a bracket step closed by `]`: `[0]`, `[*]`, `[0:2]`, `['name']` or `[?(@.price < 10)]`");
        assert_eq!(help("$.order."), "after `$.order.` the path expected a field name, e.g. `$.order.id`; a name with blanks or symbols goes in brackets: `['my name']`");
        assert_eq!(help("$.items[x]"), "an index is a whole number, as in `[0]`; `[*]` takes every element and `[0:2]` a slice");
    }

    #[test]
    fn a_workflow_must_be_an_object() {
        assert_eq!(messages("[1]"), ["a workflow must be a JSON object, found an array"]);
    }

    #[test]
    fn a_missing_start_at_suggests_the_first_state() {
        let r = report(r#"{"States": {"Hello": {"Type": "Succeed"}}}"#);
        assert_eq!(r, [("missing required field `StartAt`".to_owned(), Some("name the state to run first, e.g. `\"StartAt\": \"Hello\"`".to_owned()))]);
        let m = messages(
            r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
            "Branches": [{"States": {"A": {"Type": "Succeed"}}}]}}}"#,
        );
        assert_eq!(m, ["missing required field `StartAt` in a Parallel branch"]);
    }

    #[test]
    fn a_duplicate_name_points_at_the_first() {
        let r = report(
            r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Next": "A",
            "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}]}, "A": {"Type": "Succeed"}}}"#,
        );
        assert_eq!(r[0].0, "duplicate state name `A`");
        assert!(r[0].1.as_deref().unwrap().starts_with("`A` is already defined at `/States/P/Branches/0/States/A`"), "{r:?}");
    }

    #[test]
    fn a_quoted_number_gets_a_hint() {
        let r = report(r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "10", "End": true}}}"#);
        assert_eq!(r, [("`Seconds` must be a non-negative integer, found a string".to_owned(), Some("write the number without quotes: `10`".to_owned()))]);
    }

    #[test]
    fn a_field_of_another_type_names_its_owners() {
        let r = report(r#"{"StartAt": "T", "States": {"T": {"Type": "Pass", "Seconds": 3, "End": true}}}"#);
        assert_eq!(r, [("field `Seconds` is not allowed in a Pass state".to_owned(), Some("`Seconds` belongs to Wait states".to_owned()))]);
        let r = report(r#"{"StartAt": "T", "States": {"T": {"Type": "Succeed", "End": true}}}"#);
        assert_eq!(r[0].1.as_deref(), Some("a Succeed state ends the execution; remove `End`"));
    }

    #[test]
    fn query_language_names_are_suggested() {
        let r = report(r#"{"QueryLanguage": "jsonata", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#);
        assert_eq!(r[0].1.as_deref(), Some("did you mean `JSONata`? (the names are case-sensitive)"));
    }

    #[test]
    fn wait_points_at_the_second_duration() {
        let text = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": true}}}"#;
        let ds = crate::check(text).unwrap_err();
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].pointer, "/States/W/SecondsPath");
    }

    #[test]
    fn choice_rules_report_one_error_each() {
        // A misspelt operator: the suggestion only, not also "needs an operator".
        let m = messages(
            r#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Default": "D",
            "Choices": [{"Variable": "$.x", "StringEqual": "a", "Next": "D"}]}, "D": {"Type": "Succeed"}}}"#,
        );
        assert_eq!(m, ["unknown field `StringEqual` in a Choice rule"]);
        // `Not` with a list.
        let m = messages(
            r#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Default": "D",
            "Choices": [{"Not": [{"Variable": "$.x", "IsNull": true}], "Next": "D"}]}, "D": {"Type": "Succeed"}}}"#,
        );
        assert_eq!(m, ["`Not` must be a single rule object, found an array"]);
        // A JSONPath rule in a JSONata Choice.
        let m = messages(
            r#"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {"C": {"Type": "Choice", "Default": "D",
            "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "D"}]}, "D": {"Type": "Succeed"}}}"#,
        );
        assert_eq!(m, ["`Variable` is not used in a JSONata Choice rule"]);
    }

    fn map(processor_config: &str, extra: &str) -> String {
        format!(
            r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "End": true, {extra}
            "ItemProcessor": {{{processor_config} "StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}}}}}}}"#
        )
    }

    #[test]
    fn jsonpath_states_are_refused_only_under_a_jsonata_top_level() {
        // A JSONata Map in a JSONPath machine: its processor may hold a JSONPath state.
        let nested = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "QueryLanguage": "JSONata", "Items": [1], "End": true,
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "QueryLanguage": "JSONPath", "Parameters": {"v.$": "$"}, "End": true}}}}}}"#;
        assert!(messages(nested).is_empty(), "{:?}", messages(nested));
        let top = nested.replace(r#"{"StartAt": "M","#, r#"{"QueryLanguage": "JSONata", "StartAt": "M","#);
        assert_eq!(messages(&top), ["a JSONPath state cannot appear in a machine whose top-level query language is JSONata"]);
    }

    #[test]
    fn pass_parameters_may_be_any_json_value() {
        for params in [r#"[{"id.$": "$.id"}, 2]"#, r#""text""#, "7", "null"] {
            let text = format!(r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "Parameters": {params}, "End": true}}}}}}"#);
            assert!(messages(&text).is_empty(), "{params}: {:?}", messages(&text));
        }
        let task = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": [1], "End": true}}}"#;
        assert_eq!(messages(task), ["`Parameters` must be an object, found an array"]);
    }

    #[test]
    fn distributed_needs_an_execution_type() {
        let m = messages(&map(r#""ProcessorConfig": {"Mode": "DISTRIBUTED"},"#, ""));
        assert_eq!(m, ["a DISTRIBUTED Map needs `ExecutionType` in `ProcessorConfig`"]);
    }

    #[test]
    fn distributed_only_fields_in_an_inline_map() {
        let m = messages(&map("", r#""ToleratedFailureCount": 1, "ItemBatcher": {},"#));
        // AWS runs ToleratedFailureCount in inline Maps too; ItemBatcher is distributed-only.
        assert_eq!(m, ["`ItemBatcher` is only allowed in a DISTRIBUTED Map"]);
    }
}
