//! JSONPath evaluation (interim: field and index segments only, until the full evaluator lands).
use std::borrow::Cow;

use asl_syntax::path::{Path, Root, Seg};
use serde_json::Value;

use crate::{Env, Failure};

pub fn select<'v>(path: &Path, env: &Env<'v>) -> Option<Cow<'v, Value>> {
    let mut cur: &'v Value = match &path.root {
        Root::Input => env.input,
        Root::Context => env.context,
        Root::Var(v) => env.vars.get(v)?,
    };
    for s in path.segs.iter() {
        cur = match s {
            Seg::Field(f) => cur.get(f.as_ref())?,
            Seg::Index(i) => cur.get(usize::try_from(*i).ok()?)?,
        };
    }
    Some(Cow::Borrowed(cur))
}

pub fn insert(mut target: Value, path: &Path, value: Value) -> Result<Value, Failure> {
    let mut cur = &mut target;
    for s in path.segs.iter() {
        cur = match s {
            Seg::Field(f) => {
                if cur.is_null() {
                    *cur = Value::Object(Default::default());
                }
                let Value::Object(m) = cur else {
                    return Err(Failure::new(crate::error::names::RESULT_PATH_MATCH_FAILURE, format!("Unable to apply ResultPath '{}'", path.text)));
                };
                m.entry(f.to_string()).or_insert(Value::Null)
            }
            Seg::Index(i) => cur.get_mut(usize::try_from(*i).unwrap_or(usize::MAX)).ok_or_else(|| Failure::new(crate::error::names::RESULT_PATH_MATCH_FAILURE, format!("Unable to apply ResultPath '{}'", path.text)))?,
        };
    }
    *cur = value;
    Ok(target)
}
