//! Member constraints (lengths, ranges, list sizes) as AWS's front end checks them, with its
//! messages: `1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: …`.
//! The generated `model.rs` calls these from each input shape's [`Validate`] impl.

use crate::error::{ApiError, ErrorCode};

pub trait Validate {
    /// Pushes one message per violated constraint; `path` is the member path so far (`""` at the top).
    fn validate_at(&self, path: &str, errs: &mut Vec<String>);

    fn validate(&self) -> Result<(), ApiError> {
        let mut errs = Vec::new();
        self.validate_at("", &mut errs);
        if errs.is_empty() { Ok(()) } else { Err(validation_errors(errs)) }
    }
}

/// AWS's summary form of one or more constraint messages.
pub fn validation_errors(errs: Vec<String>) -> ApiError {
    let n = errs.len();
    let s = if n == 1 { "" } else { "s" };
    ApiError::new(ErrorCode::ValidationException, format!("{n} validation error{s} detected: {}", errs.join("; ")))
}

pub fn join(path: &str, member: &str) -> String {
    if path.is_empty() { member.to_string() } else { format!("{path}.{member}") }
}

/// The value part of a message. Sensitive members (definitions, inputs, tokens) and long values are
/// left out, as AWS does, so an error never echoes data back.
fn value(v: &str, sensitive: bool) -> String {
    if sensitive || v.chars().count() > 256 { "Value".to_string() } else { format!("Value '{v}'") }
}

pub fn min_len(v: &str, min: usize, sensitive: bool, path: &str, errs: &mut Vec<String>) {
    if v.chars().count() < min {
        let v = value(v, sensitive);
        errs.push(format!("{v} at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}"));
    }
}

pub fn max_len(v: &str, max: usize, sensitive: bool, path: &str, errs: &mut Vec<String>) {
    if v.chars().count() > max {
        let v = value(v, sensitive);
        errs.push(format!("{v} at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}"));
    }
}

pub fn min_num(v: f64, min: f64, path: &str, errs: &mut Vec<String>) {
    if v < min {
        errs.push(format!("Value '{v}' at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {min}"));
    }
}

pub fn max_num(v: f64, max: f64, path: &str, errs: &mut Vec<String>) {
    if v > max {
        errs.push(format!("Value '{v}' at '{path}' failed to satisfy constraint: Member must have value less than or equal to {max}"));
    }
}

pub fn min_items(n: usize, min: usize, path: &str, errs: &mut Vec<String>) {
    if n < min {
        errs.push(format!("Value at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}"));
    }
}

pub fn max_items(n: usize, max: usize, path: &str, errs: &mut Vec<String>) {
    if n > max {
        errs.push(format!("Value at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}"));
    }
}
