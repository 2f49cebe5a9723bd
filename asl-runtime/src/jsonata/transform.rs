//! The transform operator `| pattern | update, delete |`: a copy of the input in which the
//! objects the pattern selects are updated. Matches are identified by address in the original
//! and the copy is rebuilt around them (unchanged parts stay borrowed).

use std::collections::HashMap;

use asl_syntax::jsonata::{Expr, Kind};

use super::error::JError;
use super::eval::{Ev, Res};
use super::value::{Obj, Val};

/// The identity of an object value (`None` for values that are not objects).
fn identity(v: &Val) -> Option<usize> {
    match v {
        Val::Json(j @ serde_json::Value::Object(_)) => Some(*j as *const _ as usize),
        Val::Obj(o) => Some(std::rc::Rc::as_ptr(o) as usize),
        _ => None,
    }
}

struct Edit<'a> {
    update: Option<Val<'a>>,
    delete: Vec<String>,
}

impl<'a> Ev<'a> {
    pub(crate) fn transform(&self, e: &'a Expr, obj: Option<Val<'a>>, frame: usize) -> Res<'a> {
        let Kind::Transform { pattern, update, delete } = &e.kind else { unreachable!() };
        let Some(obj) = obj else { return Ok(None) };
        if !matches!(self.lookup(frame, "clone"), Some(Val::Func(_))) {
            return Err(JError::new("T2013").at(e.pos));
        }
        let matches = match self.eval(pattern, &Some(obj.clone()), frame)? {
            None => vec![],
            Some(m) if m.is_array() => m.items(),
            Some(m) => vec![m],
        };
        let mut edits: HashMap<usize, Edit<'a>> = HashMap::new();
        for m in matches {
            let Some(id) = identity(&m) else { continue };
            let ctx = Some(m.clone());
            let upd = self.eval(update, &ctx, frame)?;
            if let Some(u) = &upd
                && !u.is_object()
            {
                return Err(JError::new("T2011").value(Some(u)).at(update.pos));
            }
            let mut del = vec![];
            if let Some(d) = delete
                && let Some(dv) = self.eval(d, &ctx, frame)?
            {
                let items = if dv.is_array() { dv.items() } else { vec![dv.clone()] };
                if items.iter().any(|x| !x.is_str()) {
                    return Err(JError::new("T2012").value(Some(&dv)).at(d.pos));
                }
                del = items.iter().filter_map(|x| x.as_str().map(str::to_string)).collect();
            }
            let entry = edits.entry(id).or_insert(Edit { update: None, delete: vec![] });
            if upd.is_some() {
                entry.update = upd;
            }
            entry.delete.extend(del);
        }
        Ok(Some(rebuild(&obj, &edits, 0)))
    }
}

fn rebuild<'a>(v: &Val<'a>, edits: &HashMap<usize, Edit<'a>>, depth: usize) -> Val<'a> {
    if depth > 200 {
        return v.clone();
    }
    if v.is_array() {
        return Val::array(v.items().iter().map(|x| rebuild(x, edits, depth + 1)).collect());
    }
    if !v.is_object() {
        return v.clone();
    }
    let edit = identity(v).and_then(|id| edits.get(&id));
    let mut out = Obj::new();
    for (k, x) in v.entries() {
        out.insert(k, rebuild(&x, edits, depth + 1));
    }
    if let Some(edit) = edit {
        if let Some(u) = &edit.update {
            for (k, x) in u.entries() {
                out.insert(k, x);
            }
        }
        for k in &edit.delete {
            out.shift_remove(k);
        }
    }
    Val::object(out)
}
