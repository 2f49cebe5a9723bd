//! Higher-order functions. The function argument receives as many of (value, index/key, whole)
//! as it declares parameters.

use super::Args;
use crate::jsonata::error::{JError, JResult};
use crate::jsonata::eval::{Ev, Res, truthy};
use crate::jsonata::value::{Obj, Val};

pub fn map<'a>(ev: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let (Some(arr), Some(f)) = (a.get(0), a.get(1)) else {
        return Ok(None);
    };
    let mut out = vec![];
    for (i, item) in arr.items().into_iter().enumerate() {
        let args = vec![Some(item), Some(Val::Num(i as f64)), Some(arr.clone())];
        if let Some(r) = ev.call_hof(f, args, a.frame)? {
            out.push(r);
        }
    }
    Ok(Some(Val::seq(out)))
}

pub fn filter<'a>(ev: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let (Some(arr), Some(f)) = (a.get(0), a.get(1)) else {
        return Ok(None);
    };
    let mut out = vec![];
    for (i, item) in arr.items().into_iter().enumerate() {
        let args = vec![Some(item.clone()), Some(Val::Num(i as f64)), Some(arr.clone())];
        if truthy(ev.call_hof(f, args, a.frame)?.as_ref()) == Some(true) {
            out.push(item);
        }
    }
    Ok(Some(Val::seq(out)))
}

pub fn single<'a>(ev: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(arr) = a.get(0) else { return Ok(None) };
    let mut found = None;
    for (i, item) in arr.items().into_iter().enumerate() {
        let hit = match a.get(1) {
            Some(f) => {
                let args = vec![Some(item.clone()), Some(Val::Num(i as f64)), Some(arr.clone())];
                truthy(ev.call_hof(f, args, a.frame)?.as_ref()) == Some(true)
            }
            None => true,
        };
        if hit {
            if found.is_some() {
                return Err(JError::new("D3138").index(i));
            }
            found = Some(item);
        }
    }
    match found {
        Some(v) => Ok(Some(v)),
        None => Err(JError::new("D3139")),
    }
}

pub fn reduce<'a>(ev: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let (Some(seq), Some(f)) = (a.get(0), a.get(1)) else {
        return Ok(None);
    };
    let arity = match f {
        Val::Func(func) => func.arity(),
        _ => 0,
    };
    if arity < 2 {
        return Err(JError::new("D3050").index(1));
    }
    let items = seq.items();
    let (mut acc, start) = match a.get(2) {
        None if !items.is_empty() => (Some(items[0].clone()), 1),
        init => (init.cloned(), 0),
    };
    for (i, item) in items.iter().enumerate().skip(start) {
        let args = vec![acc, Some(item.clone()), Some(Val::Num(i as f64)), Some(seq.clone())];
        acc = ev.call_hof(f, args, a.frame)?;
    }
    Ok(acc)
}

pub fn sift<'a>(ev: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let (Some(obj), Some(f)) = (a.get(0), a.get(1)) else {
        return Ok(None);
    };
    let mut out = Obj::new();
    for (k, v) in obj.entries() {
        let args = vec![Some(v.clone()), Some(Val::str(k.as_str())), Some(obj.clone())];
        if truthy(ev.call_hof(f, args, a.frame)?.as_ref()) == Some(true) {
            out.insert(k, v);
        }
    }
    Ok(if out.is_empty() { None } else { Some(Val::object(out)) })
}

pub fn each<'a>(ev: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let (Some(obj), Some(f)) = (a.get(0), a.get(1)) else {
        return Ok(Some(Val::seq(vec![])));
    };
    let mut out = vec![];
    for (k, v) in obj.entries() {
        let args = vec![Some(v), Some(Val::str(k.as_str())), Some(obj.clone())];
        if let Some(r) = ev.call_hof(f, args, a.frame)? {
            out.push(r);
        }
    }
    Ok(Some(Val::seq(out)))
}

pub fn sort<'a>(ev: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(arr) = a.get(0) else { return Ok(None) };
    if arr.len() <= 1 {
        return Ok(Some(arr.clone()));
    }
    let items = arr.items();
    let sorted = match a.get(1) {
        None => {
            let all_num = items.iter().all(|v| matches!(v, Val::Num(_)));
            let all_str = items.iter().all(|v| v.is_str());
            if !all_num && !all_str {
                return Err(JError::new("D3070").index(1));
            }
            let mut items = items;
            items.sort_by(|x, y| match (x, y) {
                (Val::Num(p), Val::Num(q)) => p.partial_cmp(q).unwrap_or(std::cmp::Ordering::Equal),
                _ => x.as_str().cmp(&y.as_str()),
            });
            items
        }
        Some(f) => merge_sort(items, &mut |x, y| {
            let r = ev.call_hof(f, vec![Some(x.clone()), Some(y.clone())], a.frame)?;
            Ok(truthy(r.as_ref()) == Some(true))
        })?,
    };
    Ok(Some(Val::array(sorted)))
}

/// jsonata-js's stable merge sort: `swap(a, b)` true means b goes first.
fn merge_sort<'a>(items: Vec<Val<'a>>, swap: &mut dyn FnMut(&Val<'a>, &Val<'a>) -> JResult<bool>) -> JResult<Vec<Val<'a>>> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let mut left = items;
    let right = left.split_off(left.len() / 2);
    let left = merge_sort(left, swap)?;
    let right = merge_sort(right, swap)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if swap(&left[i], &right[j])? {
            out.push(right[j].clone());
            j += 1;
        } else {
            out.push(left[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&left[i..]);
    out.extend_from_slice(&right[j..]);
    Ok(out)
}
