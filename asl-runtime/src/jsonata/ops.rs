//! The binary operators other than `and`/`or` (which short-circuit in the evaluator), and the
//! equality notions they use.

use std::rc::Rc;

use asl_syntax::jsonata::BinOp;

use super::error::{JError, JResult};
use super::eval::num_operand;
use super::functions::string::to_string;
use super::value::{Arr, Val, depth_of};

/// Largest sequence `..` may allocate (jsonata-js's limit).
pub const MAX_RANGE: f64 = 1e7;

pub fn binary<'a>(op: BinOp, l: Option<Val<'a>>, r: Option<Val<'a>>) -> JResult<Option<Val<'a>>> {
    use BinOp::*;
    match op {
        Add | Sub | Mul | Div | Mod => arith(op, l, r),
        Eq | Ne => {
            let (Some(l), Some(r)) = (&l, &r) else {
                return Ok(Some(Val::Bool(false)));
            };
            let eq = deep_equal(l, r);
            Ok(Some(Val::Bool(if op == Eq { eq } else { !eq })))
        }
        Lt | Le | Gt | Ge => compare(op, l, r),
        Concat => {
            let ls = match &l {
                Some(v) => to_string(v, false)?,
                None => String::new(),
            };
            let rs = match &r {
                Some(v) => to_string(v, false)?,
                None => String::new(),
            };
            Ok(Some(Val::str(ls + &rs)))
        }
        Range => range(l, r),
        In => {
            let (Some(l), Some(r)) = (&l, &r) else {
                return Ok(Some(Val::Bool(false)));
            };
            let found = if r.is_array() { r.items().iter().any(|x| strict_equal(x, l)) } else { strict_equal(r, l) };
            Ok(Some(Val::Bool(found)))
        }
        And | Or | Elvis | Coalesce => unreachable!("handled by the evaluator"),
    }
}

fn arith<'a>(op: BinOp, l: Option<Val<'a>>, r: Option<Val<'a>>) -> JResult<Option<Val<'a>>> {
    let ln = match &l {
        Some(v) => Some(num_operand(v)?.ok_or_else(|| JError::new("T2001").value(Some(v)))?),
        None => None,
    };
    let rn = match &r {
        Some(v) => Some(num_operand(v)?.ok_or_else(|| JError::new("T2002").value(Some(v)))?),
        None => None,
    };
    let (Some(a), Some(b)) = (ln, rn) else {
        return Ok(None);
    };
    Ok(Some(Val::Num(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        _ => a % b,
    })))
}

fn compare<'a>(op: BinOp, l: Option<Val<'a>>, r: Option<Val<'a>>) -> JResult<Option<Val<'a>>> {
    let comparable = |v: &Option<Val>| match v {
        None => true,
        Some(v) => v.is_str() || matches!(v, Val::Num(_)),
    };
    if !comparable(&l) || !comparable(&r) {
        let bad = if !comparable(&l) { &l } else { &r };
        return Err(JError::new("T2010").value(bad.as_ref()));
    }
    let (Some(lv), Some(rv)) = (&l, &r) else {
        return Ok(None);
    };
    let ord = match (lv, rv) {
        (Val::Num(a), Val::Num(b)) => {
            num_operand(lv)?;
            num_operand(rv)?;
            a.partial_cmp(b)
        }
        _ => match (lv.as_str(), rv.as_str()) {
            (Some(a), Some(b)) => Some(a.cmp(b)),
            _ => return Err(JError::new("T2009").value(Some(lv)).value2(Some(rv))),
        },
    };
    use std::cmp::Ordering::*;
    let b = match (op, ord) {
        (_, None) => false,
        (BinOp::Lt, Some(o)) => o == Less,
        (BinOp::Le, Some(o)) => o != Greater,
        (BinOp::Gt, Some(o)) => o == Greater,
        (_, Some(o)) => o != Less,
    };
    Ok(Some(Val::Bool(b)))
}

fn range<'a>(l: Option<Val<'a>>, r: Option<Val<'a>>) -> JResult<Option<Val<'a>>> {
    let int = |v: &Val| matches!(v, Val::Num(n) if n.is_finite() && n.fract() == 0.0);
    if let Some(v) = &l
        && !int(v)
    {
        return Err(JError::new("T2003").value(Some(v)));
    }
    if let Some(v) = &r
        && !int(v)
    {
        return Err(JError::new("T2004").value(Some(v)));
    }
    let (Some(Val::Num(a)), Some(Val::Num(b))) = (l, r) else {
        return Ok(None);
    };
    if a > b {
        return Ok(None);
    }
    let size = b - a + 1.0;
    if size > MAX_RANGE {
        return Err(JError::new("D2014").value_text(super::json::js_number(size)));
    }
    let items = (0..size as u64).map(|i| Val::Num(a + i as f64)).collect();
    Ok(Some(Val::seq(items)))
}

/// `isDeepEqual`: structural equality; functions only equal themselves.
pub fn deep_equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Func(x), Val::Func(y)) => Rc::ptr_eq(x, y),
        _ if a.is_str() || b.is_str() => a.as_str().is_some() && a.as_str() == b.as_str(),
        _ if a.is_array() && b.is_array() => {
            let (x, y) = (a.items(), b.items());
            x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| deep_equal(p, q))
        }
        _ if a.is_object() && b.is_object() => {
            let (x, y) = (a.entries(), b.entries());
            x.len() == y.len() && x.iter().all(|(k, v)| b.get(k).is_some_and(|w| deep_equal(v, &w)))
        }
        _ => false,
    }
}

/// JavaScript's `===`: values for primitives, identity for arrays, objects and functions.
pub fn strict_equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        _ if a.is_str() || b.is_str() => a.as_str().is_some() && a.as_str() == b.as_str(),
        (Val::Json(x), Val::Json(y)) => std::ptr::eq(*x, *y),
        (Val::Arr(x), Val::Arr(y)) => Rc::ptr_eq(x, y),
        (Val::Obj(x), Val::Obj(y)) => Rc::ptr_eq(x, y),
        (Val::Func(x), Val::Func(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// `fn.append`: undefined disappears; otherwise a plain (non-sequence) array of both.
pub fn append<'a>(a: Option<Val<'a>>, b: Option<Val<'a>>) -> Option<Val<'a>> {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(a), Some(b)) => {
            let mut items = a.items();
            if b.is_array() {
                items.extend(b.items());
            } else {
                items.push(b);
            }
            Some(Val::Arr(Rc::new(Arr { depth: depth_of(&items), items, ..Arr::default() })))
        }
    }
}
