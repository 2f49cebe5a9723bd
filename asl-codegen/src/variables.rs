//! Workflow variables at build time: every variable a state reads must be assigned by some
//! state of its scope or of an enclosing scope (a Distributed Map's processor sees no outer
//! variables). A nested scope that assigns an outer variable's name gets its own copy, which
//! does not reach the enclosing scope (as on AWS, which accepts such definitions:
//! `error_output__test_parallel_catch_error_PARALLEL_CATCH_ERROR_VARIABLE_SAMPLING`).
//!
//! AWS itself accepts a read of a never-assigned variable and fails at run time with
//! `States.QueryEvaluationError`. `asl!` reports it at build time unless the build is lenient
//! ([`Names::lenient_variables`](crate::Names)), which keeps AWS's behaviour; `asl check`, which
//! judges definitions by AWS's rules, reports it as a warning ([`unassigned`]).

use std::collections::BTreeSet;

use asl_syntax::path::Root;
use asl_syntax::template::Template;

use crate::diagnostic::{Diagnostic, closest};
use crate::json::{Json, JsonValue, Span};
use crate::model::*;
use crate::walk::Expr;

/// Reports every unassigned read as an error, unless `lenient`. `text` is the workflow's JSON,
/// so each report can point at the read itself.
pub fn check(m: &Machine, text: &str, lenient: bool, d: &mut crate::diagnostic::Diagnostics) {
    if !lenient {
        d.list.extend(unassigned(m, text));
    }
}

/// Every read of a variable that no state of its scope (or an enclosing one) assigns. Each
/// points at the `$name` inside the string that reads it (else at the state's name).
pub fn unassigned(m: &Machine, text: &str) -> Vec<Diagnostic> {
    let root = crate::json::parse(text).ok();
    let mut out = Vec::new();
    scope(&m.scope, &[], text, root.as_ref(), &mut out);
    out
}

/// `outer`: the variables of the enclosing scopes (empty for the top level and for a
/// Distributed Map's processor).
fn scope(s: &Scope, outer: &[String], text: &str, root: Option<&Json>, out: &mut Vec<Diagnostic>) {
    let mut assigned = BTreeSet::new();
    for st in &s.states {
        assigns(st, &mut assigned);
    }
    for st in &s.states {
        let mut reads = BTreeSet::new();
        reads_of(st, &mut reads);
        for name in reads.iter().filter(|n| !assigned.contains(*n) && !outer.contains(n)) {
            let known = assigned.iter().map(String::as_str).chain(outer.iter().map(String::as_str));
            let message = format!("state `{}` reads `${name}`, which no state assigns", st.name);
            let help = match closest(name, known) {
                Some(c) => format!("did you mean `${c}`?"),
                None => "assign it with `Assign` in an earlier state (AWS would fail at run time with States.QueryEvaluationError)".to_owned(),
            };
            let (pointer, span) = root.and_then(|r| read_site(r, text, &st.pointer, name)).unwrap_or_else(|| (st.pointer.clone(), st.name_span));
            out.push(Diagnostic { pointer, span, message, help: Some(help), hidden: 0 });
        }
        let visible: Vec<String> = outer.iter().cloned().chain(assigned.iter().cloned()).collect();
        match &st.kind {
            Kind::Parallel(p) => p.branches.iter().for_each(|b| scope(b, &visible, text, root, out)),
            Kind::Map(m) if m.mode == MapMode::Distributed => scope(&m.processor, &[], text, root, out),
            Kind::Map(m) => scope(&m.processor, &visible, text, root, out),
            _ => {}
        }
    }
}

/// Where the state at `pointer` first reads `$name`: the field's pointer and the span of
/// `$name` in the source. The raw source text is searched (not the decoded string), so the span
/// is exact even after escapes. Nested states (branches, processors) are not searched.
fn read_site(root: &Json, text: &str, pointer: &str, name: &str) -> Option<(String, Span)> {
    let mut node = root;
    for key in pointer.split('/').skip(1) {
        let key = key.replace("~1", "/").replace("~0", "~");
        node = match &node.value {
            JsonValue::Object(_) => node.get(&key)?,
            JsonValue::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    find_read(node, text, pointer, &format!("${name}"), true)
}

fn find_read(node: &Json, text: &str, pointer: &str, needle: &str, state_level: bool) -> Option<(String, Span)> {
    match &node.value {
        JsonValue::String(_) => {
            let raw = text.get(node.span.start..node.span.end)?;
            let ident = |c: char| c.is_alphanumeric() || c == '_';
            raw.match_indices(needle)
                .find(|(i, _)| !raw[..*i].ends_with('$') && !raw[i + needle.len()..].starts_with(ident))
                .map(|(i, _)| (pointer.to_owned(), Span { start: node.span.start + i, end: node.span.start + i + needle.len() }))
        }
        JsonValue::Array(items) => items.iter().enumerate().find_map(|(i, it)| find_read(it, text, &format!("{pointer}/{i}"), needle, false)),
        JsonValue::Object(members) => members
            .iter()
            // The states of branches and processors are reported on their own.
            .filter(|m| !(state_level && matches!(m.key.as_str(), "Branches" | "ItemProcessor" | "Iterator" | "Comment")))
            .find_map(|m| find_read(&m.value, text, &format!("{pointer}/{}", crate::parse::escape_pointer(&m.key)), needle, false)),
        _ => None,
    }
}

/// The variables a state assigns (its own `Assign`, its Choice rules' and catchers').
fn assigns(st: &State, out: &mut BTreeSet<String>) {
    let mut add = |t: &Option<Template>| {
        if let Some(Template::Object(m)) = t {
            out.extend(m.iter().map(|(k, _)| k.to_string()));
        }
        if let Some(Template::Lit(asl_syntax::Lit::Object(m))) = t {
            out.extend(m.iter().map(|(k, _)| k.to_string()));
        }
    };
    add(&st.assign);
    match &st.kind {
        Kind::Choice(c) => c.choices.iter().for_each(|b| add(&b.assign)),
        Kind::Task(Task { catch, .. }) | Kind::Parallel(Parallel { catch, .. }) | Kind::Map(Map { catch, .. }) => catch.iter().for_each(|c| add(&c.assign)),
        _ => {}
    }
}

/// The variables a state's expressions read.
fn reads_of(st: &State, out: &mut BTreeSet<String>) {
    crate::walk::expressions(st, &mut |e| match e {
        Expr::Path(p) => {
            if let Root::Var(v) = &p.root {
                out.insert(v.to_string());
            }
        }
        Expr::Query(q) => out.extend(asl_syntax::jsonata::free_variables(&q.expr).into_iter().map(|v| v.to_string())),
    });
}

#[cfg(test)]
mod tests {
    use crate::Names;

    fn errors(text: &str, lenient: bool) -> Vec<String> {
        let names = Names { lenient_variables: lenient, ..Names::from_path("t.json") };
        match crate::compile("t.json", text, &names, None) {
            Ok(_) => vec![],
            Err(d) => d.into_iter().map(|d| d.message).collect(),
        }
    }

    const READS_UNASSIGNED: &str = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{
        "A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},
        "B":{"Type":"Pass","Output":"{% $x + $y %}","End":true}}}"#;

    #[test]
    fn unassigned_reads_are_build_errors_unless_lenient() {
        assert_eq!(errors(READS_UNASSIGNED, false), ["state `B` reads `$y`, which no state assigns"]);
        assert!(errors(READS_UNASSIGNED, true).is_empty());
    }

    #[test]
    fn an_unassigned_read_points_at_the_variable_inside_the_expression() {
        let m = crate::check(READS_UNASSIGNED).unwrap();
        let d = super::unassigned(&m, READS_UNASSIGNED);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].pointer, "/States/B/Output");
        assert_eq!(&READS_UNASSIGNED[d[0].span.start..d[0].span.end], "$y");
        // `$yy`, `$$y` and `$y` inside another name are not reads of `$y`.
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{
            "A":{"Type":"Pass","Assign":{"yy":1},"Next":"B"},
            "B":{"Type":"Pass","Comment":"$y","Output":{"a":"{% $yy %}","b":["{% $yy + $y %}"]},"End":true}}}"#;
        let d = super::unassigned(&crate::check(text).unwrap(), text);
        assert_eq!(d[0].pointer, "/States/B/Output/b/0");
        assert_eq!(&text[d[0].span.start..d[0].span.end], "$y");
        assert_eq!(&text[d[0].span.start - 6..d[0].span.start], "$yy + ");
    }

    #[test]
    fn nested_scopes_read_outer_variables_but_distributed_processors_do_not() {
        let inline = r#"{"StartAt":"A","States":{
            "A":{"Type":"Pass","Assign":{"x":1},"Next":"M"},
            "M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$x"},"End":true}}},"End":true}}}"#;
        assert!(errors(inline, false).is_empty());
        let distributed = inline.replace(r#""ItemProcessor":{"#, r#""ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"#);
        assert_eq!(errors(&distributed, false), ["state `P` reads `$x`, which no state assigns"]);
    }

    #[test]
    fn jsonata_bindings_and_builtins_are_not_variables() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{
            "A":{"Type":"Pass","Output":"{% ($n := 2; $sum([$n, $count($states.input)])) %}","End":true}}}"#;
        assert!(errors(text, false).is_empty());
    }
}
