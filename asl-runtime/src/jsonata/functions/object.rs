//! Object, boolean and type functions, and `$error`/`$assert`.

use super::Args;
use crate::jsonata::error::JError;
use crate::jsonata::eval::{Ev, Res, lookup_field, truthy};
use crate::jsonata::ops::append;
use crate::jsonata::value::{Obj, Val};

pub fn boolean<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(truthy(a.get(0)).map(Val::Bool))
}

pub fn not<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(truthy(a.get(0)).map(|b| Val::Bool(!b)))
}

fn keys_of(v: &Val, out: &mut Vec<String>) {
    if v.is_array() {
        for item in v.items() {
            keys_of(&item, out);
        }
    } else {
        for k in v.keys() {
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
}

pub fn keys<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let mut out = vec![];
    if let Some(v) = a.get(0) {
        keys_of(v, &mut out);
    }
    Ok(Some(Val::seq(out.into_iter().map(Val::str).collect())))
}

pub fn lookup<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(lookup_field(a.get(0), a.str(1).unwrap_or("")))
}

pub fn exists<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(Some(Val::Bool(a.get(0).is_some())))
}

fn spread_of<'a>(v: &Val<'a>) -> Option<Val<'a>> {
    if v.is_array() {
        let mut result = Some(Val::seq(vec![]));
        for item in v.items() {
            result = append(result, spread_of(&item));
        }
        result
    } else if v.is_object() {
        let items = v
            .entries()
            .into_iter()
            .map(|(k, x)| {
                let mut o = Obj::new();
                o.insert(k, x);
                Val::object(o)
            })
            .collect();
        Some(Val::seq(items))
    } else {
        Some(v.clone())
    }
}

pub fn spread<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    match a.get(0) {
        Some(v) => Ok(spread_of(v)),
        None => Ok(Some(Val::seq(vec![]))),
    }
}

pub fn merge<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(v) = a.get(0) else { return Ok(None) };
    let mut o = Obj::new();
    for item in v.items() {
        for (k, x) in item.entries() {
            o.insert(k, x);
        }
    }
    Ok(Some(Val::object(o)))
}

pub fn error<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let msg = a.str(0).filter(|m| !m.is_empty()).unwrap_or("$error() function evaluated");
    Err(JError::new("D3137").message(msg))
}

pub fn assert<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    if matches!(a.get(0), Some(Val::Bool(true))) {
        return Ok(None);
    }
    let msg = a.str(1).filter(|m| !m.is_empty()).unwrap_or("$assert() statement failed");
    Err(JError::new("D3141").message(msg))
}

pub fn type_<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(a.get(0).map(|v| Val::str(v.type_name())))
}

pub fn clone<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    Ok(a.get(0).and_then(|v| v.to_json()).map(Val::from_value))
}
