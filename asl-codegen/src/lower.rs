//! Checked model → lowered workflow ([`asl_syntax::spec`]): the one step from what was written
//! to what runs. Generated code writes the lowered specs as `static`s; a workflow loaded at run
//! time keeps them in memory. Both run through the same runtime functions.

use std::collections::HashMap;

use asl_syntax::path::Root;
use asl_syntax::spec::{self, Kind as SpecKind, StateSpec, Workflow, ctx};

use crate::model::*;
use crate::walk::{self, Expr};

/// Lowers a checked machine named `name`. States are listed depth-first in source order
/// ([`flatten`]); transitions are indices into that list.
pub fn lower(m: &Machine, name: &str) -> Workflow {
    let flat = flatten(m);
    let index: HashMap<&str, u32> = flat.iter().enumerate().map(|(i, s)| (s.name.as_str(), i as u32)).collect();
    let at = |n: &Located<String>| index[n.value.as_str()];
    let top: Vec<&str> = m.scope.states.iter().map(|s| s.name.as_str()).collect();
    let states = flat
        .iter()
        .map(|st| StateSpec {
            name: asl_syntax::intern(&st.name),
            type_name: st.kind.type_name(),
            keeps_input: top.contains(&st.name.as_str()) && keeps_input(st),
            next: st.next.as_ref().map(at),
            kind: kind(st, &at),
        })
        .collect();
    let context = flat.iter().fold(0, |bits, st| bits | reads_context(st));
    Workflow { name: name.to_owned(), comment: m.comment.clone(), timeout_seconds: m.timeout_seconds, start: at(&m.scope.start_at), states, context }
}

/// Every state, nested scopes included, depth-first in source order: the order of the lowered
/// list and of the generated `State` enum.
pub fn flatten(m: &Machine) -> Vec<&State> {
    fn walk<'m>(s: &'m Scope, out: &mut Vec<&'m State>) {
        for st in &s.states {
            out.push(st);
            for inner in st.scopes() {
                walk(inner, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&m.scope, &mut out);
    out
}

fn kind(st: &State, at: &dyn Fn(&Located<String>) -> u32) -> SpecKind {
    let catch = |cs: &[Catcher]| cs.iter().map(|c| c.clone().map_next(|n| at(&n))).collect();
    match &st.kind {
        Kind::Pass(p) => SpecKind::Pass(spec::PassSpec { io: io(st), result: p.result.as_ref().map(crate::parse::lit_value) }),
        Kind::Task(t) => SpecKind::Task {
            spec: spec::TaskSpec {
                io: io(st),
                resource: asl_syntax::intern(&t.resource.value),
                timeout: t.timeout_seconds.clone(),
                heartbeat: t.heartbeat_seconds.clone(),
                retry: t.retry.clone().into(),
            },
            catch: catch(&t.catch),
        },
        Kind::Choice(c) => {
            let branches: Vec<_> = c.choices.iter().map(|b| spec::ChoiceBranch { next: at(&b.next), assign: b.assign.clone(), output: b.output.clone() }).collect();
            let plain = whole_paths(st) && st.assign.is_none() && branches.iter().all(|b| b.assign.is_none() && b.output.is_none());
            SpecKind::Choice {
                spec: spec::ChoiceSpec { io: io(st), branches: branches.into(), default: c.default.as_ref().map(at), default_assign: st.assign.clone(), name: st.name.clone().into(), plain },
                rules: c.choices.iter().map(|b| b.rule.clone()).collect(),
            }
        }
        Kind::Wait(w) => SpecKind::Wait(spec::WaitSpec { io: io(st), wait: w.clone() }),
        Kind::Succeed => SpecKind::Succeed(io(st)),
        Kind::Fail(f) => SpecKind::Fail(spec::FailSpec { error: f.error.clone(), cause: f.cause.clone(), context: reads_context(st) }),
        Kind::Parallel(p) => {
            SpecKind::Parallel { spec: spec::ParallelSpec { io: io(st), retry: p.retry.clone().into() }, catch: catch(&p.catch), branches: p.branches.iter().map(|b| at(&b.start_at)).collect() }
        }
        Kind::Map(m) => SpecKind::Map {
            spec: spec::MapSpec {
                io: io(st),
                items: m.items.clone(),
                max_concurrency: m.max_concurrency.clone(),
                distributed: m.mode == MapMode::Distributed,
                tolerated_failure_count: m.tolerated_failure_count.clone().map(|d| match d {
                    Dynamic::Lit(n) => Dynamic::Lit(n as f64),
                    Dynamic::Path(p) => Dynamic::Path(p),
                    Dynamic::Query(q) => Dynamic::Query(q),
                }),
                tolerated_failure_percentage: m.tolerated_failure_percentage.clone(),
                reader: m.item_reader.clone(),
                batcher: m.item_batcher.clone(),
                writer: m.result_writer.clone(),
                label: m.label.clone().map(Into::into),
                retry: m.retry.clone().into(),
            },
            catch: catch(&m.catch),
            start: at(&m.processor.start_at),
        },
    }
}

/// The state's data flow. For a Map, `parameters` carries the ItemSelector; a Choice state's
/// `Assign` goes with its `Default` (see `ChoiceSpec::default_assign`).
fn io(st: &State) -> spec::Io {
    let parameters = match &st.kind {
        Kind::Map(m) => m.item_selector.clone(),
        _ => st.io.parameters.clone(),
    };
    spec::Io {
        jsonata: st.query_language == QueryLanguage::Jsonata,
        input_path: st.io.input_path.clone(),
        parameters,
        result_selector: st.io.result_selector.clone(),
        result_path: st.io.result_path.clone(),
        output_path: st.io.output_path.clone(),
        output: st.io.output.clone(),
        assign: if matches!(st.kind, Kind::Choice(_)) { None } else { st.assign.clone() },
        context: reads_context(st),
    }
}

/// The parts of the context object (`$$`, `$states.context`) the state's expressions read: the
/// runtime builds only those, and only for the states that read them.
pub fn reads_context(st: &State) -> u8 {
    let mut bits = 0;
    walk::expressions(st, &mut |e| {
        bits |= match e {
            Expr::Path(p) if p.root == Root::Context => context_part(&p.text),
            Expr::Path(_) => 0,
            Expr::Query(q) if asl_syntax::jsonata::reads_context(&q.expr) => ctx::ALL,
            Expr::Query(_) => 0,
        }
    });
    bits
}

/// The part of the context object a `$$…` path starts in (all of it for `$$` itself).
fn context_part(text: &str) -> u8 {
    let rest = text.strip_prefix("$$").unwrap_or(text);
    match rest.strip_prefix('.').map(|r| r.split(['.', '[']).next().unwrap_or("")) {
        Some("Execution") => ctx::EXECUTION,
        Some("State") => ctx::STATE,
        Some("StateMachine") => ctx::STATE_MACHINE,
        Some("Task") => ctx::TASK,
        Some("Map") => ctx::MAP,
        _ => ctx::ALL,
    }
}

/// Whether a state's output is always its input, unchanged: JSONPath, no InputPath or
/// OutputPath, and a Choice, Wait, Succeed, or a Pass without `Result` or `Parameters` whose
/// result (the input) replaces the input or is discarded.
fn keeps_input(st: &State) -> bool {
    whole_paths(st)
        && match &st.kind {
            Kind::Choice(_) | Kind::Wait(_) | Kind::Succeed => true,
            Kind::Pass(p) => p.result.is_none() && st.io.parameters.is_none() && matches!(st.io.result_path, ResultPath::Replace | ResultPath::Discard),
            _ => false,
        }
}

/// A JSONPath state with no InputPath and no OutputPath: its input reaches its work, and its
/// work's output leaves, whole.
fn whole_paths(st: &State) -> bool {
    matches!(st.query_language, QueryLanguage::JsonPath) && matches!(st.io.input_path, PathField::Whole) && matches!(st.io.output_path, PathField::Whole)
}
