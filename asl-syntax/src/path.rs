//! JSONPath (placeholder until the parser lands).
#[derive(Clone, Debug, PartialEq)]
pub struct Path;
