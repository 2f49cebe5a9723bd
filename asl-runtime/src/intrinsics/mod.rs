//! Running intrinsic function calls.
//!
//! Failures: a path argument that finds nothing is AWS's States.Runtime "could not be found"
//! error (see [`crate::path::field_path`]); a bad argument at run time is
//! `States.IntrinsicFailure`. The corpus records no AWS cause for the latter, so its wording is
//! ours: `"<function>: <what was wrong>"`, tested per case below.

mod array;
mod format;
mod json;
mod math;
#[cfg(test)]
mod tests;
mod text;

use std::borrow::Cow;

use asl_syntax::intrinsic::{Arg, Call, Func};
use serde_json::Value;

use crate::error::names::INTRINSIC_FAILURE;
use crate::path::{field_path, select};
use crate::payload::lit;
use crate::{Env, Failure};

/// Runs `call`. A path argument that finds nothing fails naming no field; payload templates use
/// [`call_in_field`] instead.
pub fn call(call: &Call, env: &Env) -> Result<Value, Failure> {
    eval(call, env, None)
}

/// Runs `call` written in the field `field` (e.g. `"ErrorPath"`), which a missing path
/// argument's cause names.
pub fn call_in_field(call: &Call, env: &Env, field: &str) -> Result<Value, Failure> {
    eval(call, env, Some(Field { name: field, dollar: false }))
}

/// Runs `call` written in the payload template member `key.$` (the cause of a missing path
/// argument names `key.$`; the name is only made then).
pub fn call_in_member(call: &Call, env: &Env, key: &str) -> Result<Value, Failure> {
    eval(call, env, Some(Field { name: key, dollar: true }))
}

/// The field a call is written in, as causes name it.
#[derive(Clone, Copy)]
struct Field<'a> {
    name: &'a str,
    /// A payload template member: the field is `name.$`.
    dollar: bool,
}

impl std::fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)?;
        if self.dollar {
            f.write_str(".$")?;
        }
        Ok(())
    }
}

fn eval(call: &Call, env: &Env, field: Option<Field>) -> Result<Value, Failure> {
    let f = call.func;
    if f == Func::Format {
        return format::format(call, env, field);
    }
    let vals = if call.args.len() <= INLINE {
        let mut few: [Cow<Value>; INLINE] = std::array::from_fn(|_| Cow::Borrowed(&NULL));
        for (slot, a) in few.iter_mut().zip(call.args.iter()) {
            *slot = arg(a, env, field)?;
        }
        Vals::Few(few, call.args.len())
    } else {
        Vals::Many(call.args.iter().map(|a| arg(a, env, field)).collect::<Result<Vec<_>, _>>()?)
    };
    let a = Args { func: f, vals };
    match f {
        Func::Format => unreachable!("handled above"),
        Func::StringToJson => json::string_to_json(&a),
        Func::JsonToString => Ok(Value::String(json::to_json_text(a.get(0)))),
        Func::JsonMerge => json::json_merge(a),
        Func::Array => Ok(Value::Array(a.vals.into_iter().map(Cow::into_owned).collect())),
        Func::ArrayPartition => array::partition(&a),
        Func::ArrayContains => array::contains(&a),
        Func::ArrayRange => array::range(&a),
        Func::ArrayGetItem => array::get_item(&a),
        Func::ArrayLength => array::length(&a),
        Func::ArrayUnique => array::unique(&a),
        Func::Base64Encode => text::base64_encode(&a),
        Func::Base64Decode => text::base64_decode(&a),
        Func::Hash => text::hash(&a),
        Func::StringSplit => text::split(&a),
        Func::Uuid => Ok(Value::String(uuid::Uuid::new_v4().to_string())),
        Func::MathAdd => math::add(&a),
        Func::MathRandom => math::random(&a),
    }
}

/// Evaluates one argument; literals and nested results are owned, paths borrow.
fn arg<'v>(a: &Arg, env: &Env<'v>, field: Option<Field>) -> Result<Cow<'v, Value>, Failure> {
    match a {
        Arg::Lit(l) => Ok(Cow::Owned(lit(l))),
        Arg::Path(p) => match field {
            Some(field) => field_path(p, env, field),
            None => select(p, env).ok_or_else(|| Failure::runtime(format!("The JSONPath '{}' could not be found in the input '{}'", p.text, crate::path::compact(env.input)))),
        },
        Arg::Call(c) => eval(c, env, field).map(Cow::Owned),
        // Only the first argument of Format is a template, and Format reads it itself.
        Arg::Template(pieces) => Ok(Cow::Owned(Value::String(pieces.join("{}")))),
    }
}

static NULL: Value = Value::Null;

/// Calls with up to this many arguments (all but `States.Array` and `States.Format` at their
/// longest) keep them inline: no allocation per call.
const INLINE: usize = 3;

/// The evaluated arguments of one call.
struct Args<'v> {
    func: Func,
    vals: Vals<'v>,
}

enum Vals<'v> {
    /// The first `n` are the arguments.
    Few([Cow<'v, Value>; INLINE], usize),
    Many(Vec<Cow<'v, Value>>),
}

impl<'v> Vals<'v> {
    fn get(&self, i: usize) -> Option<&Cow<'v, Value>> {
        match self {
            Vals::Few(few, n) => few[..*n].get(i),
            Vals::Many(v) => v.get(i),
        }
    }

    fn into_iter(self) -> impl Iterator<Item = Cow<'v, Value>> {
        let (few, many) = match self {
            Vals::Few(few, n) => (Some(few.into_iter().take(n)), None),
            Vals::Many(v) => (None, Some(v.into_iter())),
        };
        few.into_iter().flatten().chain(many.into_iter().flatten())
    }
}

impl Args<'_> {
    fn get(&self, i: usize) -> &Value {
        self.vals.get(i).map_or(&NULL, |v| v)
    }

    fn fail(&self, msg: impl std::fmt::Display) -> Failure {
        failure(self.func, msg)
    }

    fn str(&self, i: usize, what: &str) -> Result<&str, Failure> {
        self.get(i).as_str().ok_or_else(|| self.fail(format_args!("the {what} must be a string")))
    }

    fn array(&self, i: usize, what: &str) -> Result<&Vec<Value>, Failure> {
        self.get(i).as_array().ok_or_else(|| self.fail(format_args!("the {what} must be an array")))
    }

    /// An integer argument; integral floats (`2.0`) count.
    fn int(&self, i: usize, what: &str) -> Result<i64, Failure> {
        let v = self.get(i);
        v.as_i64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18).map(|f| f as i64)).ok_or_else(|| self.fail(format_args!("the {what} must be an integer")))
    }
}

fn failure(func: Func, msg: impl std::fmt::Display) -> Failure {
    Failure::new(INTRINSIC_FAILURE, format!("{}: {msg}", func.name()))
}
