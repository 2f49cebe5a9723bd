use crate::Str;
use crate::template::{Query, Template};

#[derive(Clone, Debug, PartialEq)]
pub enum Text {
    Lit(Str),
    /// `ErrorPath` / `CausePath` (a path or an intrinsic call).
    Dynamic(Template),
    /// JSONata `Error` / `Cause` expressions.
    Query(Query),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FailSpec {
    pub error: Option<Text>,
    pub cause: Option<Text>,
    /// The parts of the context object the paths read (a [`ctx`](super::ctx) bit set).
    pub context: u8,
}
