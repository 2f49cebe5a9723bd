//! Payload templates in JSONPath states (`Parameters`, `ResultSelector`, `ItemSelector`,
//! `Assign`): literals are copied, `key.$` members are filled from a path or an intrinsic call.

use asl_syntax::template::Template;
use asl_syntax::{Lit, Str};
use serde_json::{Map, Value};

use crate::path::select;
use crate::{Env, Failure, intrinsics};

/// Builds the payload described by `t`. A path that finds nothing fails with States.Runtime
/// naming the member, as AWS does (case
/// `base_scenarios__test_invalid_jsonpath_INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH`):
/// `The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in
/// the input '{…}'`. (AWS records States.Runtime here, not States.ParameterPathFailure.)
pub fn eval(t: &Template, env: &Env) -> Result<Value, Failure> {
    eval_member(t, env, "")
}

/// Up to this many members, an object template's values can be written over the object it
/// made before ([`overwritable`], [`member_values`], [`write_values`]): a loop updating one
/// record then allocates no map and no keys.
pub const OVERWRITE_MAX: usize = 4;

/// Whether `old` is an object with exactly the keys of the object template `t`, in its order
/// (what `t` made before), and `t` is small enough to be written over it.
pub fn overwritable(t: &Template, old: &Value) -> bool {
    match (t, old) {
        (Template::Object(members), Value::Object(o)) => members.len() <= OVERWRITE_MAX && same_keys(o, members),
        _ => false,
    }
}

/// Evaluates the members of the object template `t` into `values`, in order (errors as
/// [`eval`]'s).
pub fn member_values(t: &Template, env: &Env, values: &mut [Value]) -> Result<(), Failure> {
    match t {
        Template::Object(members) => fill(members, env, values.iter_mut()),
        _ => Ok(()),
    }
}

/// Evaluates `members` into `slots`, in order.
fn fill<'s>(members: &[(Str, Template)], env: &Env, slots: impl Iterator<Item = &'s mut Value>) -> Result<(), Failure> {
    for (slot, (k, v)) in slots.zip(members) {
        *slot = eval_member(v, env, k)?;
    }
    Ok(())
}

/// Moves `values` over the values of the object `target`, in order.
pub fn write_values(target: &mut Value, values: &mut [Value]) {
    if let Value::Object(o) = target {
        for (slot, v) in o.values_mut().zip(values.iter_mut()) {
            *slot = std::mem::take(v);
        }
    }
}

/// `key` is the output key of the member holding `t` (its `.$` is added back in causes).
fn eval_member(t: &Template, env: &Env, key: &str) -> Result<Value, Failure> {
    match t {
        Template::Lit(l) => Ok(lit(l)),
        Template::Object(members) => {
            if let Some(mut out) = skeleton(members, matches!(members, std::borrow::Cow::Borrowed(_))) {
                fill(members, env, out.values_mut())?;
                return Ok(Value::Object(out));
            }
            let mut out = Map::with_capacity(members.len());
            for (k, v) in members.iter() {
                out.insert(k.to_string(), eval_member(v, env, k)?);
            }
            Ok(Value::Object(out))
        }
        Template::Array(items) => items.iter().map(|i| eval_member(i, env, key)).collect::<Result<_, _>>().map(Value::Array),
        Template::Path(p) => match select(p, env) {
            Some(v) => Ok(v.into_owned()),
            None => Err(crate::path::fields::not_found(p, env, &format!("{key}.$"))),
        },
        Template::Call(c) => intrinsics::call_in_member(c, env, key),
        Template::Jsonata(_) => Err(Failure::runtime("a JSONata template cannot be evaluated as a JSONPath payload template")),
    }
}

/// An object template's keys as a map (values `null`), to clone and fill in order: serde_json's
/// map hashes every key it inserts (SipHash), a clone copies the hashes. Made once per template
/// and thread, found by the template's address; a template built at run time (`fixed` false)
/// may reuse a freed one's address, so its keys are checked too. `None` for duplicate keys.
fn skeleton(members: &[(Str, Template)], fixed: bool) -> Option<Map<String, Value>> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::hash::BuildHasherDefault;
    type Cache = HashMap<usize, Map<String, Value>, BuildHasherDefault<AddressHasher>>;
    thread_local!(static SKELETONS: RefCell<Cache> = RefCell::default());
    /// Kept templates per thread; beyond this the cache starts over (templates made at run time).
    const MAX: usize = 4096;
    if members.is_empty() {
        return Some(Map::new());
    }
    SKELETONS.with_borrow_mut(|cache| {
        let address = members.as_ptr() as usize;
        if let Some(m) = cache.get(&address)
            && (fixed || same_keys(m, members))
        {
            return Some(m.clone());
        }
        let m: Map<String, Value> = members.iter().map(|(k, _)| (k.to_string(), Value::Null)).collect();
        if m.len() != members.len() {
            return None;
        }
        if cache.len() >= MAX {
            cache.clear();
        }
        cache.insert(address, m.clone());
        Some(m)
    })
}

/// Whether `o` has exactly the template members' keys, in their order.
fn same_keys(o: &Map<String, Value>, members: &[(Str, Template)]) -> bool {
    o.len() == members.len() && o.keys().zip(members).all(|(a, (b, _))| a == b.as_ref())
}

/// Hashes an address: one multiply spreads its bits.
#[derive(Default)]
struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Converts a build-time literal into a JSON value.
pub fn lit(l: &Lit) -> Value {
    match l {
        Lit::Null => Value::Null,
        Lit::Bool(b) => Value::Bool(*b),
        Lit::Int(i) => Value::from(*i),
        Lit::UInt(u) => Value::from(*u),
        Lit::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Lit::Str(s) => Value::String(s.to_string()),
        Lit::Array(items) => Value::Array(items.iter().map(lit).collect()),
        Lit::Object(members) => Value::Object(members.iter().map(|(k, v)| (k.to_string(), lit(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use asl_syntax::intrinsic::parse_call;
    use asl_syntax::path::parse_path;
    use serde_json::json;

    use super::*;
    use crate::Vars;

    fn obj(members: Vec<(&str, Template)>) -> Template {
        Template::Object(members.into_iter().map(|(k, v)| (k.to_owned().into(), v)).collect::<Vec<_>>().into())
    }

    #[test]
    fn builds_payloads_in_key_order() {
        let t = obj(vec![
            ("z", Template::Lit(Lit::Int(1))),
            ("value", Template::Path(parse_path("$.a").unwrap())),
            ("ctx", Template::Path(parse_path("$$.Execution.Name").unwrap())),
            ("nested", obj(vec![("f", Template::Call(parse_call("States.Format('<{}>', $.a)").unwrap()))])),
            ("list", Template::Array(vec![Template::Lit(Lit::Str("x".into())), Template::Path(parse_path("$.b[*]").unwrap())].into())),
        ]);
        let input = json!({"a": "A", "b": [1, 2]});
        let ctx = json!({"Execution": {"Name": "run"}});
        let vars = Vars::new();
        let env = Env { context: &ctx, ..Env::of(&input, &vars) };
        let out = eval(&t, &env).unwrap();
        assert_eq!(serde_json::to_string(&out).unwrap(), r#"{"z":1,"value":"A","ctx":"run","nested":{"f":"<A>"},"list":["x",[1,2]]}"#);
    }

    #[test]
    fn object_templates_made_at_run_time_keep_their_own_keys() {
        let input = json!({"a": 1});
        let vars = Vars::new();
        let env = Env::of(&input, &vars);
        // Templates built and dropped one after another may share an address.
        for round in 0..50 {
            let key = format!("k{round}");
            let t = obj(vec![(key.as_str(), Template::Path(parse_path("$.a").unwrap())), ("n", Template::Lit(Lit::Int(round)))]);
            let mut want = serde_json::Map::new();
            want.insert(key.clone(), json!(1));
            want.insert("n".into(), json!(round));
            assert_eq!(eval(&t, &env).unwrap(), Value::Object(want.clone()));
            assert_eq!(eval(&t, &env).unwrap(), Value::Object(want));
        }
        // Duplicate keys: the last value, in the first one's place.
        let t = obj(vec![("x", Template::Lit(Lit::Int(1))), ("y", Template::Lit(Lit::Int(2))), ("x", Template::Lit(Lit::Int(3)))]);
        assert_eq!(serde_json::to_string(&eval(&t, &env).unwrap()).unwrap(), r#"{"x":3,"y":2}"#);
        assert_eq!(eval(&obj(vec![]), &env).unwrap(), json!({}));
    }

    #[test]
    fn missing_path_matches_aws() {
        let t = obj(vec![("value", Template::Path(parse_path("$.no_such_jsonpath").unwrap()))]);
        let input = json!({"int-literal": 0});
        let vars = Vars::new();
        let err = eval(&t, &Env::of(&input, &vars)).unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        assert_eq!(err.cause.as_deref(), Some(r#"The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{"int-literal":0}'"#));
        let t = obj(vec![("value", Template::Call(parse_call("States.Array($.x)").unwrap()))]);
        let err = eval(&t, &Env::of(&input, &vars)).unwrap_err();
        assert!(err.cause.unwrap().contains("specified for the field 'value.$'"));
    }

    #[test]
    fn literals() {
        let l = Lit::Object(vec![("a".into(), Lit::Array(vec![Lit::Null, Lit::Bool(true), Lit::UInt(u64::MAX), Lit::Float(1.5)].into()))].into());
        assert_eq!(lit(&l), json!({"a": [null, true, u64::MAX, 1.5]}));
    }
}
