//! Choice rules: the runtime's own rule trees; a branch names its `Next` as written.

pub use asl_syntax::spec::{Compare, Op, Operand, OperandKind, Rule};
use asl_syntax::template::Template;

use super::Located;

/// A top-level Choice rule: a condition and where it leads.
#[derive(Clone, Debug)]
pub struct ChoiceBranch {
    pub rule: Rule,
    pub next: Located<String>,
    pub assign: Option<Template>,
    pub output: Option<Template>,
}
