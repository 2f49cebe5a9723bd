use super::{Io, Retrier};
use crate::List;

/// A Parallel state (its branches' first states and its catchers are kept apart: they name
/// states).
#[derive(Clone, Debug, PartialEq)]
pub struct ParallelSpec {
    pub io: Io,
    pub retry: List<Retrier>,
}
