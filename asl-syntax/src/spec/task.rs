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

    /// An activity (`arn:aws:states:REGION:ACCOUNT:activity:NAME`): a worker outside fetches the
    /// task and answers it with its token.
    pub fn is_activity(&self) -> bool {
        let parts: Vec<&str> = self.resource.splitn(7, ':').collect();
        matches!(parts.as_slice(), ["arn", _, "states", region, account, "activity", name] if !region.is_empty() && !account.is_empty() && !name.is_empty())
    }

    /// Whether the task hands out a task token (`$$.Task.Token`) and ends when it is answered.
    pub fn uses_token(&self) -> bool {
        self.waits_for_token() || self.is_activity()
    }
}
