//! Intrinsic function calls (placeholder until the parser lands).
#[derive(Clone, Debug, PartialEq)]
pub struct Call;
