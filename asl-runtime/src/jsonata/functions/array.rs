//! Aggregation and array functions.

use std::rc::Rc;

use super::Args;
use crate::jsonata::eval::{Ev, Res};
use crate::jsonata::ops::{self, deep_equal};
use crate::jsonata::value::{Arr, Val, depth_of};

fn numbers(a: &Args) -> Option<Vec<f64>> {
    a.get(0).map(|v| v.items().iter().filter_map(|x| x.as_num()).collect())
}

pub fn sum<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(numbers(&a).map(|ns| Val::Num(ns.iter().sum())))
}

pub fn count<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(Some(Val::Num(a.get(0).map_or(0, |v| v.len()) as f64)))
}

pub fn max<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(numbers(&a).filter(|ns| !ns.is_empty()).map(|ns| Val::Num(ns.into_iter().fold(f64::NEG_INFINITY, f64::max))))
}

pub fn min<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(numbers(&a).filter(|ns| !ns.is_empty()).map(|ns| Val::Num(ns.into_iter().fold(f64::INFINITY, f64::min))))
}

pub fn average<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(numbers(&a).filter(|ns| !ns.is_empty()).map(|ns| Val::Num(ns.iter().sum::<f64>() / ns.len() as f64)))
}

pub fn zip<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let arrays: Vec<Vec<Val<'a>>> = a.v.iter().map(|x| x.as_ref().filter(|v| v.is_array()).map(|v| v.items()).unwrap_or_default()).collect();
    let len = arrays.iter().map(|x| x.len()).min().unwrap_or(0);
    let out = (0..len).map(|i| Val::array(arrays.iter().map(|x| x[i].clone()).collect())).collect();
    Ok(Some(Val::array(out)))
}

pub fn append<'a>(_: &Ev<'a>, mut a: Args<'a>) -> Res<'a> {
    let (x, y) = (a.take(0), a.take(1));
    Ok(ops::append(x, y))
}

pub fn reverse<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(v) = a.get(0) else { return Ok(None) };
    if v.len() <= 1 {
        return Ok(Some(v.clone()));
    }
    let mut items = v.items();
    items.reverse();
    Ok(Some(Val::array(items)))
}

pub fn shuffle<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(v) = a.get(0) else { return Ok(None) };
    if v.len() <= 1 {
        return Ok(Some(v.clone()));
    }
    let mut items = v.items();
    fastrand::shuffle(&mut items);
    Ok(Some(Val::array(items)))
}

pub fn distinct<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(v) = a.get(0) else { return Ok(None) };
    if !v.is_array() || v.len() <= 1 {
        return Ok(Some(v.clone()));
    }
    let mut out: Vec<Val<'a>> = vec![];
    for item in v.items() {
        if !out.iter().any(|x| deep_equal(x, &item)) {
            out.push(item);
        }
    }
    Ok(Some(Val::Arr(Rc::new(Arr { depth: depth_of(&out), items: out, seq: v.is_seq(), ..Arr::default() }))))
}
