//! Base64, hashing and splitting of strings.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::Args;
use crate::Failure;

/// Longest input (in Java chars) that Base64Encode, Base64Decode and Hash take.
pub const MAX_INPUT_CHARS: usize = 10_000;

fn limited<'a>(a: &'a Args, what: &str) -> Result<&'a str, Failure> {
    let s = a.str(0, what)?;
    let n = s.encode_utf16().count();
    if n > MAX_INPUT_CHARS {
        return Err(a.fail(format_args!("the {what} has {n} characters; at most {MAX_INPUT_CHARS} are allowed")));
    }
    Ok(s)
}

pub(super) fn base64_encode(a: &Args) -> Result<Value, Failure> {
    Ok(Value::String(STANDARD.encode(limited(a, "input")?)))
}

pub(super) fn base64_decode(a: &Args) -> Result<Value, Failure> {
    let bytes = STANDARD.decode(limited(a, "input")?).map_err(|_| a.fail("the input is not valid base64"))?;
    String::from_utf8(bytes).map(Value::String).map_err(|_| a.fail("the decoded data is not valid UTF-8"))
}

/// Lowercase hex digest of the UTF-8 bytes.
pub(super) fn hash(a: &Args) -> Result<Value, Failure> {
    let data = limited(a, "data")?.as_bytes();
    let alg = a.str(1, "algorithm")?;
    let Some(hex) = crate::digest::hex_digest(alg, data) else {
        return Err(a.fail(format_args!("unknown algorithm '{alg}'; use one of {}", asl_syntax::intrinsic::HASH_ALGORITHMS.join(", "))));
    };
    Ok(Value::String(hex))
}

/// Splits at every character of the delimiter string and drops empty tokens, like Java's
/// `StringTokenizer` (AWS: `",,,,"` gives `[]`).
pub(super) fn split(a: &Args) -> Result<Value, Failure> {
    let s = a.str(0, "input")?;
    let delims = a.str(1, "delimiter")?;
    // a set, not a scan of the delimiter per character: a long delimiter made this quadratic
    let delims: std::collections::HashSet<char> = delims.chars().collect();
    Ok(Value::Array(s.split(|c| delims.contains(&c)).filter(|t| !t.is_empty()).map(|t| Value::String(t.to_owned())).collect()))
}
