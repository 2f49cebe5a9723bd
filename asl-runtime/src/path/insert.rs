//! `ResultPath`: placing a state's result into its input.

use asl_syntax::path::{Path, Seg};
use serde_json::{Map, Value};

use super::compact;
use crate::Failure;

/// The error AWS raises when a Reference Path cannot be applied to the data. (The ASL spec names
/// `States.ResultPathMatchFailure`; AWS users report this name with the cause below, for both
/// ResultPath writes and ItemsPath reads. No AWS recording exists in the corpus.)
pub const REFERENCE_PATH_CONFLICT: &str = "States.ReferencePathConflict";

pub(super) fn unable_to_apply(step: &str, input: &Value) -> String {
    format!("Unable to apply step \"{step}\" to input {}", compact(input))
}

/// Writes `value` at `path` in `target`: `$` replaces the whole input; otherwise missing
/// members are created as objects along the way and an existing member is replaced in place.
/// Fails when a step meets a value that is not an object (or, for an index, not an array
/// long enough).
pub fn insert(mut target: Value, path: &Path, value: Value) -> Result<Value, Failure> {
    let Some((last, parents)) = path.segs.split_last() else {
        return Ok(value);
    };
    // The common case: every step but the last names an existing object member, and the last
    // one a member of that object. One walk, no key copied when the member exists.
    if let Seg::Field(name) = last {
        if let Some(Value::Object(o)) = existing(&mut target, parents) {
            match super::select::member_mut(o, name) {
                Some(slot) => *slot = value,
                None => {
                    o.insert(name.to_string(), value);
                }
            }
            return Ok(target);
        }
    }
    // Check first so that the cause quotes the input as it was.
    if let Err(step) = check(&target, &path.segs) {
        return Err(Failure::new(REFERENCE_PATH_CONFLICT, unable_to_apply(&step, &target)));
    }
    place(&mut target, &path.segs, value).map_err(|step| Failure::new(REFERENCE_PATH_CONFLICT, step))?;
    Ok(target)
}

/// The existing value a ResultPath of object members names, if every step exists.
pub fn slot_mut<'v>(target: &'v mut Value, path: &Path) -> Option<&'v mut Value> {
    existing(target, &path.segs)
}

/// The node `segs` (object members only) lead to, if they all exist.
fn existing<'v>(mut node: &'v mut Value, segs: &[Seg]) -> Option<&'v mut Value> {
    for seg in segs {
        let Seg::Field(name) = seg else { return None };
        node = super::select::member_mut(node.as_object_mut()?, name)?;
    }
    Some(node)
}

/// Whether `segs` can be applied to `target` without writing.
fn check(target: &Value, segs: &[Seg]) -> Result<(), String> {
    let mut node = Some(target);
    for seg in segs {
        node = match (seg, node) {
            // Below a member that will be created: only further members can follow.
            (Seg::Field(_), None) => None,
            (Seg::Field(name), Some(Value::Object(o))) => o.get(&**name),
            (Seg::Field(name), Some(_)) => return Err(name.to_string()),
            (Seg::Index(idx), Some(Value::Array(a))) => Some(super::select::index(a, *idx).ok_or_else(|| idx.to_string())?),
            (Seg::Index(idx), _) => return Err(idx.to_string()),
            (other, _) => return Err(format!("{other:?}")),
        };
    }
    Ok(())
}

/// Walks to the parent of the last step, creating objects; `Err(step)` names the step that
/// could not be applied.
fn place(target: &mut Value, segs: &[Seg], value: Value) -> Result<(), String> {
    let mut node = target;
    let last = segs.len() - 1;
    for (i, seg) in segs.iter().enumerate() {
        let slot = match seg {
            Seg::Field(name) => match node {
                Value::Object(o) => {
                    if i == last {
                        o.insert(name.to_string(), value);
                        return Ok(());
                    }
                    o.entry(name.to_string()).or_insert_with(|| Value::Object(Map::new()))
                }
                _ => return Err(name.to_string()),
            },
            Seg::Index(idx) => {
                let Value::Array(a) = node else { return Err(idx.to_string()) };
                let len = i64::try_from(a.len()).unwrap_or(i64::MAX);
                let at = if *idx < 0 { len.saturating_add(*idx) } else { *idx };
                let Some(slot) = usize::try_from(at).ok().and_then(|at| a.get_mut(at)) else {
                    return Err(idx.to_string());
                };
                if i == last {
                    *slot = value;
                    return Ok(());
                }
                slot
            }
            // parse_reference_path admits only fields and indices.
            _ => return Err(format!("{seg:?}")),
        };
        node = slot;
    }
    Ok(())
}
