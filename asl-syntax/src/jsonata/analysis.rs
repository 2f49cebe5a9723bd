//! Static facts the compiler needs about an expression: the workflow variables it reads and
//! whether it reads the context object.

use super::ast::{Expr, Kind, Stage};
use crate::Str;

/// The built-in functions of JSONata 2.0.6 (minus `$eval`) and those AWS adds.
pub const BUILTINS: &[&str] = &[
    "sum",
    "count",
    "max",
    "min",
    "average",
    "string",
    "substring",
    "substringBefore",
    "substringAfter",
    "lowercase",
    "uppercase",
    "length",
    "trim",
    "pad",
    "match",
    "contains",
    "replace",
    "split",
    "join",
    "formatNumber",
    "formatBase",
    "formatInteger",
    "parseInteger",
    "number",
    "floor",
    "ceil",
    "round",
    "abs",
    "sqrt",
    "power",
    "random",
    "boolean",
    "not",
    "map",
    "zip",
    "filter",
    "single",
    "reduce",
    "sift",
    "keys",
    "lookup",
    "append",
    "exists",
    "spread",
    "merge",
    "reverse",
    "each",
    "error",
    "assert",
    "type",
    "sort",
    "shuffle",
    "distinct",
    "base64encode",
    "base64decode",
    "encodeUrlComponent",
    "encodeUrl",
    "decodeUrlComponent",
    "decodeUrl",
    "toMillis",
    "fromMillis",
    "clone",
    "now",
    "millis",
    // AWS Step Functions
    "partition",
    "range",
    "hash",
    "uuid",
    "parse",
];

/// Names of the workflow variables (`$name`) that the expression reads and does not bind itself,
/// in order of first appearance. `$states`, `$`, `$$` and built-in function names are left out.
///
/// Any name bound anywhere in the expression (`:=`, lambda parameters, `@$v`, `#$i`) counts as
/// bound everywhere in it, so the result never reports a variable the expression provides itself.
pub fn free_variables(expr: &Expr) -> Vec<Str> {
    let mut bound = vec![];
    walk(expr, &mut |e| match &e.kind {
        Kind::Bind { name, .. } => bound.push(name.clone()),
        Kind::Lambda(l) => bound.extend(l.params.iter().cloned()),
        _ => {
            bound.extend(e.focus.iter().cloned());
            bound.extend(e.index.iter().cloned());
            for s in e.stages.iter() {
                if let Stage::Index(n) = s {
                    bound.push(n.clone());
                }
            }
        }
    });
    let mut free: Vec<Str> = vec![];
    walk(expr, &mut |e| {
        if let Kind::Variable(name) = &e.kind {
            let special = matches!(&**name, "" | "$" | "states") || BUILTINS.contains(&&**name);
            if !special && !bound.contains(name) && !free.contains(name) {
                free.push(name.clone());
            }
        }
    });
    free
}

/// Whether the expression reads `$states.context` (or `$states` as a whole), so that the caller
/// must provide the context object.
pub fn reads_context(expr: &Expr) -> bool {
    let mut reads = false;
    walk_ctx(expr, &mut reads);
    reads
}

fn walk_ctx(e: &Expr, reads: &mut bool) {
    if *reads {
        return;
    }
    if let Kind::Path { steps, .. } = &e.kind {
        // `$states.input…`, `$states.result…`, `$states.errorOutput…` do not touch the context
        if let [first, second, rest @ ..] = &steps[..] {
            let plain_states = matches!(&first.kind, Kind::Variable(v) if v == "states") && first.predicate.is_empty() && first.stages.is_empty() && first.group.is_none();
            if plain_states && matches!(&second.kind, Kind::Name(n) if n != "context") {
                visit_annotations(first, reads);
                for s in std::iter::once(second).chain(rest) {
                    walk_ctx(s, reads);
                }
                visit_annotations(e, reads);
                return;
            }
        }
    }
    if matches!(&e.kind, Kind::Variable(v) if v == "states") {
        *reads = true;
        return;
    }
    children(e, &mut |c| walk_ctx(c, reads));
}

fn visit_annotations(e: &Expr, reads: &mut bool) {
    for p in e.predicate.iter() {
        walk_ctx(p, reads);
    }
    for s in e.stages.iter() {
        if let Stage::Filter(f) = s {
            walk_ctx(f, reads);
        }
    }
    if let Some(g) = &e.group {
        for (k, v) in g.pairs.iter() {
            walk_ctx(k, reads);
            walk_ctx(v, reads);
        }
    }
}

/// Visits `e` and all its descendants.
pub(crate) fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    children(e, &mut |c| walk(c, f));
}

/// Calls `f` on each direct child expression of `e`, annotations included.
pub(crate) fn children(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    match &e.kind {
        Kind::Path { steps, .. } => steps.iter().for_each(&mut *f),
        Kind::Binary { lhs, rhs, .. } | Kind::Apply { lhs, rhs } => {
            f(lhs);
            f(rhs);
        }
        Kind::Neg(x) => f(x),
        Kind::Array(items) | Kind::Block(items) => items.iter().for_each(&mut *f),
        Kind::Object(pairs) => pairs.iter().for_each(|(k, v)| {
            f(k);
            f(v);
        }),
        Kind::Condition { cond, then, otherwise } => {
            f(cond);
            f(then);
            if let Some(o) = otherwise {
                f(o);
            }
        }
        Kind::Bind { value, .. } => f(value),
        Kind::Call { procedure, args, .. } => {
            f(procedure);
            args.iter().for_each(&mut *f);
        }
        Kind::Lambda(l) => f(&l.body),
        Kind::Transform { pattern, update, delete } => {
            f(pattern);
            f(update);
            if let Some(d) = delete {
                f(d);
            }
        }
        Kind::Sort(terms) => terms.iter().for_each(|t| f(&t.expr)),
        Kind::Name(_) | Kind::Str(_) | Kind::Num(_) | Kind::Bool(_) | Kind::Null | Kind::Wildcard | Kind::Descendant | Kind::Parent(_) | Kind::Regex(_) | Kind::Variable(_) | Kind::Placeholder => {}
    }
    e.predicate.iter().for_each(&mut *f);
    for s in e.stages.iter() {
        if let Stage::Filter(x) = s {
            f(x);
        }
    }
    if let Some(g) = &e.group {
        g.pairs.iter().for_each(|(k, v)| {
            f(k);
            f(v);
        });
    }
}
