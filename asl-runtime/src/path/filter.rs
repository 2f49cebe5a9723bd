//! Filter predicates (`[?(…)]`) with Jayway's comparison rules: numbers compare with numbers
//! and strings with strings (anything else is false); `!=` is the negation of `==`, so a
//! missing member is "not equal" to everything.

use std::borrow::Cow;
use std::cmp::Ordering;

use asl_syntax::path::{CmpOp, Filter, Operand, segs_definite};
use serde_json::Value;

use super::select::select_in;
use crate::payload::lit;

/// Whether `at` (the `@` node) passes `f`; `root` is the document (`$`).
pub(super) fn test(f: &Filter, at: &Value, root: &Value) -> bool {
    match f {
        Filter::Exists(op) => match operand(op, at, root) {
            Some(Cow::Owned(Value::Array(a))) if is_indefinite(op) => !a.is_empty(),
            found => found.is_some(),
        },
        Filter::Not(f) => !test(f, at, root),
        Filter::And(a, b) => test(a, at, root) && test(b, at, root),
        Filter::Or(a, b) => test(a, at, root) || test(b, at, root),
        Filter::Cmp(l, op, r) => {
            let (l, r) = (operand(l, at, root), operand(r, at, root));
            compare(l.as_deref(), *op, r.as_deref())
        }
    }
}

fn is_indefinite(op: &Operand) -> bool {
    match op {
        Operand::Current(s) | Operand::Root(s) => !segs_definite(s),
        Operand::Lit(_) => false,
    }
}

fn operand<'v>(op: &Operand, at: &'v Value, root: &'v Value) -> Option<Cow<'v, Value>> {
    match op {
        Operand::Current(segs) => select_in(at, segs, segs_definite(segs)),
        Operand::Root(segs) => select_in(root, segs, segs_definite(segs)),
        Operand::Lit(l) => Some(Cow::Owned(lit(l))),
    }
}

fn compare(l: Option<&Value>, op: CmpOp, r: Option<&Value>) -> bool {
    if op == CmpOp::Ne {
        return !compare(l, CmpOp::Eq, r);
    }
    if op == CmpOp::Nin {
        return !compare(l, CmpOp::In, r);
    }
    let (Some(l), Some(r)) = (l, r) else { return false };
    match op {
        CmpOp::Eq => loose_eq(l, r),
        CmpOp::Lt => order(l, r) == Some(Ordering::Less),
        CmpOp::Le => matches!(order(l, r), Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => order(l, r) == Some(Ordering::Greater),
        CmpOp::Ge => matches!(order(l, r), Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::In => r.as_array().is_some_and(|a| a.iter().any(|x| loose_eq(l, x))),
        CmpOp::SubsetOf => both_arrays(l, r, |l, r| l.iter().all(|x| r.iter().any(|y| loose_eq(x, y)))),
        CmpOp::AnyOf => both_arrays(l, r, |l, r| l.iter().any(|x| r.iter().any(|y| loose_eq(x, y)))),
        CmpOp::NoneOf => both_arrays(l, r, |l, r| !l.iter().any(|x| r.iter().any(|y| loose_eq(x, y)))),
        CmpOp::Contains => match (l, r) {
            (Value::String(s), Value::String(t)) => s.contains(t.as_str()),
            (Value::Array(a), x) => a.iter().any(|y| loose_eq(x, y)),
            _ => false,
        },
        CmpOp::Size => {
            let n = match l {
                Value::Array(a) => a.len(),
                // Java counts UTF-16 code units.
                Value::String(s) => s.encode_utf16().count(),
                _ => return false,
            };
            r.as_f64() == Some(n as f64)
        }
        CmpOp::Empty => {
            let empty = match l {
                Value::Array(a) => a.is_empty(),
                Value::String(s) => s.is_empty(),
                _ => return false,
            };
            r.as_bool() == Some(empty)
        }
        CmpOp::Ne | CmpOp::Nin => unreachable!("handled above"),
    }
}

fn both_arrays(l: &Value, r: &Value, f: impl Fn(&[Value], &[Value]) -> bool) -> bool {
    match (l, r) {
        (Value::Array(l), Value::Array(r)) => f(l, r),
        _ => false,
    }
}

/// Jayway's `==`: numbers by value (a numeric string equals its number), otherwise JSON equality.
fn loose_eq(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Number(_), Value::Number(_)) => num_cmp(l, r) == Some(Ordering::Equal),
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => s.trim().parse::<f64>().ok().zip(n.as_f64()).is_some_and(|(a, b)| a == b),
        _ => l == r,
    }
}

fn order(l: &Value, r: &Value) -> Option<Ordering> {
    match (l, r) {
        (Value::Number(_), Value::Number(_)) => num_cmp(l, r),
        (Value::String(a), Value::String(b)) => Some(a.encode_utf16().cmp(b.encode_utf16())),
        _ => None,
    }
}

/// Compares two JSON numbers exactly when both are integers, else as doubles.
pub(crate) fn num_cmp(l: &Value, r: &Value) -> Option<Ordering> {
    match (l.as_i64(), r.as_i64()) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => l.as_f64()?.partial_cmp(&r.as_f64()?),
    }
}
