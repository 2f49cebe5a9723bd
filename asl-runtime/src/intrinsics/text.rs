//! Base64, hashing and splitting of strings.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::Md5;
use serde_json::Value;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::Args;
use crate::Failure;

/// Longest input (in Java chars) that Base64Encode, Base64Decode and Hash take.
pub const MAX_INPUT_CHARS: usize = 10_000;

fn limited<'a>(a: &'a Args, what: &str) -> Result<&'a str, Failure> {
    let s = a.str(0, what)?;
    let n = s.encode_utf16().count();
    if n > MAX_INPUT_CHARS {
        return Err(a.fail(format_args!(
            "the {what} has {n} characters; at most {MAX_INPUT_CHARS} are allowed"
        )));
    }
    Ok(s)
}

pub(super) fn base64_encode(a: &Args) -> Result<Value, Failure> {
    Ok(Value::String(STANDARD.encode(limited(a, "input")?)))
}

pub(super) fn base64_decode(a: &Args) -> Result<Value, Failure> {
    let bytes = STANDARD
        .decode(limited(a, "input")?)
        .map_err(|_| a.fail("the input is not valid base64"))?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|_| a.fail("the decoded data is not valid UTF-8"))
}

/// Lowercase hex digest of the UTF-8 bytes.
pub(super) fn hash(a: &Args) -> Result<Value, Failure> {
    let data = limited(a, "data")?.as_bytes();
    let alg = a.str(1, "algorithm")?;
    let digest = match alg {
        "MD5" => Md5::digest(data).to_vec(),
        "SHA-1" => Sha1::digest(data).to_vec(),
        "SHA-256" => Sha256::digest(data).to_vec(),
        "SHA-384" => Sha384::digest(data).to_vec(),
        "SHA-512" => Sha512::digest(data).to_vec(),
        other => {
            return Err(a.fail(format_args!(
                "unknown algorithm '{other}'; use one of {}",
                asl_syntax::intrinsic::HASH_ALGORITHMS.join(", ")
            )));
        }
    };
    let mut hex = String::with_capacity(digest.len() * 2);
    for b in digest {
        hex.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    Ok(Value::String(hex))
}

/// Splits at every character of the delimiter string and drops empty tokens, like Java's
/// `StringTokenizer` (AWS: `",,,,"` gives `[]`).
pub(super) fn split(a: &Args) -> Result<Value, Failure> {
    let s = a.str(0, "input")?;
    let delims = a.str(1, "delimiter")?;
    Ok(Value::Array(
        s.split(|c| delims.contains(c))
            .filter(|t| !t.is_empty())
            .map(|t| Value::String(t.to_owned()))
            .collect(),
    ))
}
