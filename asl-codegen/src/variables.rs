//! Workflow variables at build time: every variable a state reads must be assigned by some
//! state of its scope or of an enclosing scope (a Distributed Map's processor sees no outer
//! variables). A nested scope that assigns an outer variable's name gets its own copy, which
//! does not reach the enclosing scope (as on AWS, which accepts such definitions:
//! `error_output__test_parallel_catch_error_PARALLEL_CATCH_ERROR_VARIABLE_SAMPLING`).
//!
//! AWS itself accepts a read of a never-assigned variable and fails at run time with
//! `States.QueryEvaluationError`; aslc reports it at build time unless the build is lenient
//! ([`Names::lenient_variables`](crate::Names)), which keeps AWS's behaviour.

use std::collections::BTreeSet;

use asl_syntax::path::Root;
use asl_syntax::template::Template;

use crate::diagnostic::{closest, Diagnostics};
use crate::model::*;
use crate::walk::Expr;

pub fn check(m: &Machine, lenient: bool, d: &mut Diagnostics) {
    scope(&m.scope, &[], lenient, d);
}

/// `outer`: the variables of the enclosing scopes (empty for the top level and for a
/// Distributed Map's processor).
fn scope(s: &Scope, outer: &[String], lenient: bool, d: &mut Diagnostics) {
    let mut assigned = BTreeSet::new();
    for st in &s.states {
        assigns(st, &mut assigned);
    }
    for st in &s.states {
        if !lenient {
            let mut reads = BTreeSet::new();
            reads_of(st, &mut reads);
            for name in reads.iter().filter(|n| !assigned.contains(*n) && !outer.contains(n)) {
                let known = assigned.iter().map(String::as_str).chain(outer.iter().map(String::as_str));
                let msg = format!("state `{}` reads `${name}`, which no state assigns", st.name);
                match closest(name, known) {
                    Some(c) => d.error_help(&st.pointer, st.name_span, msg, format!("did you mean `${c}`?")),
                    None => d.error_help(&st.pointer, st.name_span, msg, "assign it with `Assign` in an earlier state (AWS would fail at run time with States.QueryEvaluationError)"),
                }
            }
        }
        let visible: Vec<String> = outer.iter().cloned().chain(assigned.iter().cloned()).collect();
        match &st.kind {
            Kind::Parallel(p) => p.branches.iter().for_each(|b| scope(b, &visible, lenient, d)),
            Kind::Map(m) if m.mode == MapMode::Distributed => scope(&m.processor, &[], lenient, d),
            Kind::Map(m) => scope(&m.processor, &visible, lenient, d),
            _ => {}
        }
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
        Kind::Task(Task { catch, .. }) | Kind::Parallel(Parallel { catch, .. }) | Kind::Map(Map { catch, .. }) => {
            catch.iter().for_each(|c| add(&c.assign))
        }
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
