//! Build-time checks of literal arguments: what AWS rejects when it validates a definition.

use super::{Arg, Func};
use crate::Lit;

/// What a parameter accepts when it is given as a literal.
#[derive(Clone, Copy)]
enum Want {
    Any,
    Str,
    Num,
    Bool,
    /// Arrays and objects only come from paths or calls: no literal fits.
    NoLiteral,
}

/// Checks the argument count and literal types of a call to `func`.
pub(super) fn check_args(func: Func, args: &[Arg]) -> Result<(), String> {
    let (min, max) = func.arity();
    let n = args.len();
    if n < min || max.is_some_and(|m| n > m) {
        let expected = match max {
            Some(m) if m == min => format!("{min}"),
            Some(m) => format!("{min} to {m}"),
            None => format!("at least {min}"),
        };
        let s = if expected == "1" { "" } else { "s" };
        return Err(format!("{} takes {expected} argument{s}, got {n}", func.name()));
    }
    for (i, arg) in args.iter().enumerate() {
        let Arg::Lit(lit) = arg else { continue };
        let want = param(func, i);
        let ok = matches!((want, lit), (Want::Any, _) | (Want::Str, Lit::Str(_)) | (Want::Num, Lit::Int(_) | Lit::UInt(_) | Lit::Float(_)) | (Want::Bool, Lit::Bool(_)));
        if !ok {
            let what = match want {
                Want::Str => "a string",
                Want::Num => "a number",
                Want::Bool => "a boolean",
                Want::NoLiteral => "a path or an intrinsic function (not a literal)",
                Want::Any => "a value",
            };
            return Err(format!("argument {} of {} must be {what}", i + 1, func.name()));
        }
        check_value(func, i, lit)?;
    }
    Ok(())
}

fn param(func: Func, i: usize) -> Want {
    match (func, i) {
        (Func::Format, 0) => Want::Str,
        (Func::Format | Func::Array, _) => Want::Any,
        (Func::StringToJson | Func::Base64Encode | Func::Base64Decode | Func::StringSplit, _) => Want::Str,
        (Func::JsonToString, _) => Want::NoLiteral,
        (Func::ArrayPartition | Func::ArrayContains | Func::ArrayGetItem, 0) => Want::NoLiteral,
        (Func::ArrayPartition | Func::ArrayGetItem, _) => Want::Num,
        (Func::ArrayContains, _) => Want::Any,
        (Func::ArrayLength | Func::ArrayUnique, _) => Want::NoLiteral,
        (Func::ArrayRange | Func::MathRandom | Func::MathAdd, _) => Want::Num,
        (Func::Hash, 0) => Want::Any,
        (Func::Hash, _) => Want::Str,
        (Func::JsonMerge, 2) => Want::Bool,
        (Func::JsonMerge, _) => Want::NoLiteral,
        (Func::Uuid, _) => Want::NoLiteral,
    }
}

/// Value checks that only make sense for literals of the right type.
fn check_value(func: Func, i: usize, lit: &Lit) -> Result<(), String> {
    match (func, i, lit) {
        (Func::Hash, 1, Lit::Str(alg)) if !super::HASH_ALGORITHMS.contains(&&**alg) => Err(format!("argument 2 of States.Hash must be one of {}", super::HASH_ALGORITHMS.join(", "))),
        (Func::ArrayRange, 2, Lit::Int(0)) => Err("the step of States.ArrayRange must not be 0".into()),
        (Func::ArrayPartition, 1, Lit::Int(n)) if *n <= 0 => Err("the chunk size of States.ArrayPartition must be greater than 0".into()),
        _ => Ok(()),
    }
}
