//! Retriers.

use crate::{List, Str};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    None,
    Full,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Retrier {
    pub errors: List<Str>,
    pub interval_seconds: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub jitter: Jitter,
}
