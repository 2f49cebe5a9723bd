//! Lowering the processed [`Node`] tree to the immutable, const-constructible [`Expr`].

use super::ast::{Expr, Group, Kind, Lambda, Regex, SortTerm, Stage};
use super::node::{Node, StageN, T};
use super::process::Processor;
use crate::{List, Ptr, Str};

pub fn lower(n: Node, p: &Processor) -> Expr {
    let kind = match n.t {
        T::Path { steps } => Kind::Path { steps: list(steps.into_iter().map(|s| lower(s, p))), keep_singleton_array: n.keep_singleton_array },
        T::Binary { op, lhs, rhs } => Kind::Binary { op, lhs: ptr(*lhs, p), rhs: ptr(*rhs, p) },
        T::Neg(e) => Kind::Neg(ptr(*e, p)),
        T::Array(items) => Kind::Array(list(items.into_iter().map(|s| lower(s, p)))),
        T::Object(pairs) => Kind::Object(pairs_of(pairs, p)),
        T::Name(s) => Kind::Name(s.into()),
        T::Str(s) => Kind::Str(s.into()),
        T::Num(x) => Kind::Num(x),
        T::Bool(b) => Kind::Bool(b),
        T::Null => Kind::Null,
        T::Wildcard => Kind::Wildcard,
        T::Descendant => Kind::Descendant,
        T::Parent(slot) => Kind::Parent(p.label(slot).into()),
        T::Condition { cond, then, otherwise } => Kind::Condition { cond: ptr(*cond, p), then: ptr(*then, p), otherwise: otherwise.map(|e| ptr(*e, p)) },
        T::Block(exprs) => Kind::Block(list(exprs.into_iter().map(|s| lower(s, p)))),
        T::Bind { name, value } => Kind::Bind { name: name.into(), value: ptr(*value, p) },
        T::Regex { pattern, flags } => Kind::Regex(Regex { pattern: pattern.into(), flags: flags.into() }),
        T::Variable(v) => Kind::Variable(v.into()),
        T::Call { procedure, args, partial } => Kind::Call { procedure: ptr(*procedure, p), args: list(args.into_iter().map(|s| lower(s, p))), partial },
        T::Placeholder => Kind::Placeholder,
        T::Lambda { params, signature, body, thunk } => {
            Kind::Lambda(Ptr::new(Lambda { params: list(params.into_iter().map(Str::from)), signature: signature.map(Str::from), body: lower(*body, p), thunk }))
        }
        T::Apply { lhs, rhs } => Kind::Apply { lhs: ptr(*lhs, p), rhs: ptr(*rhs, p) },
        T::Transform { pattern, update, delete } => Kind::Transform { pattern: ptr(*pattern, p), update: ptr(*update, p), delete: delete.map(|e| ptr(*e, p)) },
        T::Sort(terms) => Kind::Sort(list(terms.into_iter().map(|(descending, e)| SortTerm { descending, expr: lower(e, p) }))),
        T::Infix { .. } | T::GroupBy { .. } | T::OrderBy { .. } | T::Op(_) | T::ParentRaw => {
            unreachable!("raw nodes do not survive processing")
        }
    };
    Expr {
        kind,
        pos: n.pos,
        keep_array: n.keep_array,
        predicate: list(n.predicate.unwrap_or_default().into_iter().map(|s| lower(s, p))),
        stages: list(n.stages.unwrap_or_default().into_iter().map(|s| match s {
            StageN::Filter(e) => Stage::Filter(lower(e, p)),
            StageN::Index(name) => Stage::Index(name.into()),
        })),
        group: n.group.map(|(pairs, pos)| Ptr::new(Group { pairs: pairs_of(pairs, p), pos })),
        focus: n.focus.map(Str::from),
        index: n.index.map(Str::from),
        tuple: n.tuple,
        ancestor: n.ancestor.map(|s| p.label(s).into()),
        consarray: n.consarray,
    }
}

fn ptr(n: Node, p: &Processor) -> Ptr<Expr> {
    Ptr::new(lower(n, p))
}

fn list<T: Clone>(items: impl Iterator<Item = T>) -> List<T> {
    let v: Vec<T> = items.collect();
    if v.is_empty() { List::Borrowed(&[]) } else { List::Owned(v) }
}

fn pairs_of(pairs: Vec<(Node, Node)>, p: &Processor) -> List<(Expr, Expr)> {
    list(pairs.into_iter().map(|(k, v)| (lower(k, p), lower(v, p))))
}
