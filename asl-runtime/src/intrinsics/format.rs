//! `States.Format`.

use std::fmt::Write;

use asl_syntax::intrinsic::{Arg, Call, Func};
use serde_json::Value;

use super::{Field, arg, failure};
use crate::{Env, Failure};

/// Fills the `{}` placeholders of the template with the other arguments. Strings are inserted
/// bare, other scalars as JSON; objects and arrays as Java's `Map`/`List` `toString()`, which is
/// what AWS prints (case `generic__test_context_json_path`: `{Id=arn:…, Name=…}`).
pub(super) fn format(call: &Call, env: &Env, field: Option<Field>) -> Result<Value, Failure> {
    let (first, rest) = call.args.split_first().ok_or_else(|| failure(Func::Format, "a template is required"))?;
    let runtime_pieces;
    let pieces: Vec<&str> = match first {
        Arg::Template(p) => p.iter().map(|s| &**s).collect(),
        other => {
            let t = arg(other, env, field)?;
            let Some(t) = t.as_str() else {
                return Err(failure(Func::Format, "the template must be a string"));
            };
            runtime_pieces = t.to_owned();
            runtime_pieces.split("{}").collect()
        }
    };
    if pieces.len() != rest.len() + 1 {
        return Err(failure(Func::Format, format_args!("the template has {} placeholder(s) but {} argument(s) were given", pieces.len() - 1, rest.len())));
    }
    let mut out = String::from(pieces[0]);
    for (a, piece) in rest.iter().zip(&pieces[1..]) {
        let v = arg(a, env, field)?;
        write_arg(&mut out, &v);
        out.push_str(piece);
    }
    Ok(Value::String(out))
}

/// Java's `String.valueOf` of a Jackson-converted value.
fn write_arg(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_arg(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{k}=");
                write_arg(out, item);
            }
            out.push('}');
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}
