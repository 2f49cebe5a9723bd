//! JSONata expressions (placeholder until the parser lands).

/// The root of a parsed JSONata expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr;
