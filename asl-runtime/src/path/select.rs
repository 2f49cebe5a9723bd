//! Reading a path: definite paths borrow the one node they name; indefinite paths collect
//! every match into an array, as Jayway (and so AWS) does.

use std::borrow::Cow;

use asl_syntax::path::{Path, Root, Seg};
use serde_json::{Map, Value};

use super::filter;
use crate::Env;

/// Reads `path`. `None` when a definite path names nothing (or the variable is unset);
/// an indefinite path always yields an array, possibly empty.
pub fn select<'v>(path: &Path, env: &Env<'v>) -> Option<Cow<'v, Value>> {
    let root: &'v Value = match &path.root {
        Root::Input => env.input,
        Root::Context => match (env.map_item, path.segs.first()) {
            (Some(item), Some(Seg::Field(f))) if f == "Map" => return map_item(item, &path.segs[1..], path.definite),
            _ => env.context,
        },
        Root::Var(name) => env.vars.get(name)?,
    };
    select_in(root, &path.segs, path.definite)
}

/// Reads `segs` below `$$.Map` from the item itself: `$$.Map.Item.Value.x` copies only `x`.
fn map_item<'v>((index, value): (usize, &'v Value), segs: &[Seg], definite: bool) -> Option<Cow<'v, Value>> {
    match segs {
        [Seg::Field(i), Seg::Field(v), rest @ ..] if i == "Item" && v == "Value" => select_in(value, rest, definite),
        [Seg::Field(i), Seg::Field(x)] if i == "Item" && x == "Index" => Some(Cow::Owned(index.into())),
        _ => {
            let mut item = Map::new();
            item.insert("Index".into(), index.into());
            item.insert("Value".into(), value.clone());
            let mut map = Map::new();
            map.insert("Item".into(), Value::Object(item));
            select_in(&Value::Object(map), segs, definite).map(|v| Cow::Owned(v.into_owned()))
        }
    }
}

/// Reads `segs` from `root` (also the `$` of filters).
pub fn select_in<'v>(root: &'v Value, segs: &[Seg], definite: bool) -> Option<Cow<'v, Value>> {
    if definite {
        return definite_walk(root, segs);
    }
    let mut out = Vec::new();
    walk(root, segs, root, &mut out);
    Some(Cow::Owned(Value::Array(out.into_iter().map(Cow::into_owned).collect())))
}

/// Follows fields and indices without allocating; only a trailing merge or `length()` builds
/// a new value.
fn definite_walk<'v>(root: &'v Value, segs: &[Seg]) -> Option<Cow<'v, Value>> {
    let mut node = root;
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Field(name) => node = member(node.as_object()?, name)?,
            Seg::Index(i) => node = index(node.as_array()?, *i)?,
            Seg::Fields(names) if i + 1 == segs.len() => {
                return Some(Cow::Owned(merge(node.as_object()?, names)));
            }
            Seg::Length => return length(node).map(Cow::Owned),
            // The parser only marks a path definite when no other step occurs.
            _ => return None,
        }
    }
    Some(Cow::Borrowed(node))
}

/// Objects up to this many members are searched by comparing keys, not by hashing: SipHash
/// (serde_json's map hasher) costs more than a few short string compares.
const SCAN_MEMBERS: usize = 8;

/// `obj[name]`.
#[inline]
pub(crate) fn member<'v>(obj: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    if obj.len() <= SCAN_MEMBERS { obj.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v) } else { obj.get(name) }
}

/// `&mut obj[name]`.
#[inline]
pub(crate) fn member_mut<'v>(obj: &'v mut Map<String, Value>, name: &str) -> Option<&'v mut Value> {
    if obj.len() <= SCAN_MEMBERS { obj.iter_mut().find(|(k, _)| k.as_str() == name).map(|(_, v)| v) } else { obj.get_mut(name) }
}

pub(super) fn index(arr: &[Value], i: i64) -> Option<&Value> {
    let len = i64::try_from(arr.len()).ok()?;
    let i = if i < 0 { len.checked_add(i)? } else { i };
    usize::try_from(i).ok().and_then(|i| arr.get(i))
}

/// `['a','b']` as the last step: the members that exist, in the order named.
fn merge(obj: &Map<String, Value>, names: &[asl_syntax::Str]) -> Value {
    let mut m = Map::with_capacity(names.len());
    for n in names {
        if let Some(v) = obj.get(&**n) {
            m.insert(n.to_string(), v.clone());
        }
    }
    Value::Object(m)
}

fn length(v: &Value) -> Option<Value> {
    match v {
        Value::Array(a) => Some(a.len().into()),
        Value::Object(o) => Some(o.len().into()),
        _ => None,
    }
}

/// Applies `segs` to `node`, pushing every match.
fn walk<'v>(node: &'v Value, segs: &[Seg], root: &'v Value, out: &mut Vec<Cow<'v, Value>>) {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(Cow::Borrowed(node));
        return;
    };
    match seg {
        Seg::Field(name) => {
            if let Some(v) = node.as_object().and_then(|o| member(o, name)) {
                walk(v, rest, root, out);
            }
        }
        Seg::Fields(names) => {
            let Some(obj) = node.as_object() else { return };
            if rest.is_empty() {
                out.push(Cow::Owned(merge(obj, names)));
            } else {
                for v in names.iter().filter_map(|n| obj.get(&**n)) {
                    walk(v, rest, root, out);
                }
            }
        }
        Seg::Index(i) => {
            if let Some(v) = node.as_array().and_then(|a| index(a, *i)) {
                walk(v, rest, root, out);
            }
        }
        Seg::Indices(is) => {
            if let Some(a) = node.as_array() {
                for v in is.iter().filter_map(|i| index(a, *i)) {
                    walk(v, rest, root, out);
                }
            }
        }
        Seg::Slice(from, to) => {
            if let Some(a) = node.as_array() {
                for i in slice_indices(a.len(), *from, *to) {
                    if let Some(v) = index(a, i) {
                        walk(v, rest, root, out);
                    }
                }
            }
        }
        Seg::Wildcard => {
            for v in children(node) {
                walk(v, rest, root, out);
            }
        }
        Seg::Scan => scan(node, rest, root, out),
        Seg::Filter(f) => match node {
            Value::Array(a) => {
                for v in a.iter().filter(|v| filter::test(f, v, root)) {
                    walk(v, rest, root, out);
                }
            }
            Value::Object(_) if filter::test(f, node, root) => walk(node, rest, root, out),
            _ => {}
        },
        Seg::Length => {
            if let Some(n) = length(node).filter(|_| rest.is_empty()) {
                out.push(Cow::Owned(n));
            }
        }
    }
}

/// `..`: applies `segs` (the step after `..` and on) to `node` and to every container below it,
/// in document order. Like Jayway, only objects and arrays are visited; a filter after `..`
/// tests each object itself (not the elements of each array, which would count them twice).
fn scan<'v>(node: &'v Value, segs: &[Seg], root: &'v Value, out: &mut Vec<Cow<'v, Value>>) {
    if !(node.is_object() || node.is_array()) {
        return;
    }
    match segs.first() {
        Some(Seg::Filter(f)) if node.is_array() => {
            if filter::test(f, node, root) {
                walk(node, segs, root, out);
            }
        }
        _ => walk(node, segs, root, out),
    }
    for child in children(node) {
        scan(child, segs, root, out);
    }
}

pub(super) fn children(node: &Value) -> Children<'_> {
    match node {
        Value::Object(o) => Children::Object(o.values()),
        Value::Array(a) => Children::Array(a.iter()),
        _ => Children::None,
    }
}

/// The member values or elements of a node (nothing for scalars), without boxing.
pub(super) enum Children<'v> {
    Object(serde_json::map::Values<'v>),
    Array(std::slice::Iter<'v, Value>),
    None,
}

impl<'v> Iterator for Children<'v> {
    type Item = &'v Value;
    fn next(&mut self) -> Option<&'v Value> {
        match self {
            Children::Object(i) => i.next(),
            Children::Array(i) => i.next(),
            Children::None => None,
        }
    }
}

/// The indices Jayway visits for `[from:to]` (its quirks included: `[from:to]` does not
/// normalise a negative `from`, which then counts from the end element by element).
fn slice_indices(len: usize, from: Option<i64>, to: Option<i64>) -> std::ops::Range<i64> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    if len == 0 {
        return 0..0;
    }
    match (from, to) {
        (Some(f), None) => {
            let f = if f < 0 { len.saturating_add(f).max(0) } else { f };
            f.min(len)..len
        }
        (None, Some(t)) => {
            let t = if t < 0 { len.saturating_add(t) } else { t };
            0..t.min(len).max(0)
        }
        (Some(f), Some(t)) => {
            // Indices below -len find nothing; clamping keeps huge ranges from spinning.
            let (f, t) = (f.max(-len), t.min(len));
            if f >= t { 0..0 } else { f..t }
        }
        (None, None) => 0..len,
    }
}
