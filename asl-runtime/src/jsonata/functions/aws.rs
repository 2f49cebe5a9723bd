//! The functions AWS Step Functions adds to JSONata: `$partition`, `$range`, `$hash`,
//! `$random([seed])`, `$uuid` and `$parse`.

use super::Args;
use crate::jsonata::error::JError;
use crate::jsonata::eval::{Ev, Res};
use crate::jsonata::ops::MAX_RANGE;
use crate::jsonata::value::Val;

fn fail(message: String) -> JError {
    JError::new("D3200").message(message)
}

/// `$random()`, or with a seed a value fixed by it.
pub fn random<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let x = match a.num(0) {
        Some(seed) => fastrand::Rng::with_seed(seed.to_bits()).f64(),
        None => fastrand::f64(),
    };
    Ok(Some(Val::Num(x)))
}

/// `$partition(array, size)`: consecutive chunks of `size` items (the last may be shorter).
pub fn partition<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(arr) = a.get(0) else { return Ok(None) };
    let size = a.num(1).unwrap_or(0.0);
    if !(size >= 1.0) || size.fract() != 0.0 {
        return Err(fail(format!("The size argument of $partition must be a positive integer, but was: {}", crate::jsonata::json::js_number(size))));
    }
    let items = arr.items();
    let chunks = items.chunks(size as usize).map(|c| Val::array(c.to_vec())).collect();
    Ok(Some(Val::array(chunks)))
}

/// `$range(start, end, step)`: `start`, `start + step`, … up to `end` inclusive.
pub fn range<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let (Some(start), Some(end)) = (a.num(0), a.num(1)) else {
        return Ok(None);
    };
    let step = a.num(2).unwrap_or(1.0);
    if step == 0.0 || !step.is_finite() {
        return Err(fail(format!("The step argument of $range must be a non-zero number, but was: {}", crate::jsonata::json::js_number(step))));
    }
    let count = ((end - start) / step).floor() + 1.0;
    if count > MAX_RANGE {
        return Err(JError::new("D2014").value_text(crate::jsonata::json::js_number(count)));
    }
    let items = (0..count.max(0.0) as u64).map(|i| Val::Num(start + i as f64 * step)).collect();
    Ok(Some(Val::seq(items)))
}

/// `$hash(value, algorithm)`: the hex digest of the string's UTF-8 bytes (SHA-256 by default).
pub fn hash<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(s) = a.str(0) else { return Ok(None) };
    let alg = a.str(1).unwrap_or("SHA-256");
    match crate::digest::hex_digest(alg, s.as_bytes()) {
        Some(hex) => Ok(Some(Val::str(hex))),
        None => Err(fail(format!("The hash algorithm '{alg}' is not supported; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"))),
    }
}

pub fn uuid<'a>(_: &Ev<'a>, _: Args<'a>) -> Res<'a> {
    Ok(Some(Val::str(uuid::Uuid::new_v4().to_string())))
}

/// `$parse(text)`: JSON text to a value.
pub fn parse<'a>(_: &Ev<'a>, a: Args<'a>) -> Res<'a> {
    let Some(s) = a.str(0) else { return Ok(None) };
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(v) => Ok(Some(Val::from_value(v))),
        Err(e) => Err(fail(format!("Unable to parse the argument of $parse as JSON: {e}"))),
    }
}
