//! Retry and Catch.

use asl_syntax::template::Template;

use super::{Located, ResultPath};
use crate::json::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    None,
    Full,
}

#[derive(Clone, Debug)]
pub struct Retrier {
    pub errors: Vec<String>,
    pub interval_seconds: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub jitter: Jitter,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Catcher {
    pub errors: Vec<String>,
    pub next: Located<String>,
    pub result_path: ResultPath,
    /// JSONata `Output`.
    pub output: Option<Template>,
    pub assign: Option<Template>,
    pub span: Span,
}
