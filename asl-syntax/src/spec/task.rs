use super::{Dynamic, Io, Retrier};
use crate::List;

/// A Task state (its catchers are kept apart: they name states).
#[derive(Clone, Debug, PartialEq)]
pub struct TaskSpec {
    pub io: Io,
    /// Interned ([`crate::intern`]): handlers receive it as `&'static str`.
    pub resource: &'static str,
    pub timeout: Option<Dynamic<u64>>,
    pub heartbeat: Option<Dynamic<u64>>,
    pub retry: List<Retrier>,
}

impl TaskSpec {
    /// A `.waitForTaskToken` resource: the task ends when its token is answered.
    pub fn waits_for_token(&self) -> bool {
        self.resource.ends_with(".waitForTaskToken")
    }
}
