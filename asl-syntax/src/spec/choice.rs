//! Choice states: rules over the input, each leading to a state (`S`).

use super::Io;
use crate::path::Path;
use crate::template::{Query, Template};
use crate::timestamp::Timestamp;
use crate::{List, Ptr, Str};

/// A Choice state, but for its rules: compiled code tests them in straight-line Rust, a loaded
/// workflow keeps them as [`Rule`] trees beside the spec. Either way a rule's index picks its
/// branch.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceSpec<S: Clone + 'static> {
    /// The state's paths, and its `Output` when JSONata (`Assign` goes with `Default`).
    pub io: Io,
    /// One per rule, in order.
    pub branches: List<ChoiceBranch<S>>,
    pub default: Option<S>,
    /// The state's own `Assign`, applied when `Default` is taken.
    pub default_assign: Option<Template>,
    /// The state's name, for the `States.NoChoiceMatched` cause.
    pub name: Str,
    /// [`is_plain`](Self::is_plain), worked out once.
    pub plain: bool,
}

/// Where a top-level Choice rule leads, and what it assigns and outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceBranch<S> {
    pub next: S,
    pub assign: Option<Template>,
    pub output: Option<Template>,
}

impl<S: Clone + 'static> ChoiceSpec<S> {
    /// Without Assign, Output or data-flow paths the input is the output as it is: a Choice then
    /// only picks the next state.
    pub fn is_plain(&self) -> bool {
        let io = &self.io;
        !io.jsonata
            && matches!(io.input_path, super::PathField::Whole)
            && matches!(io.output_path, super::PathField::Whole)
            && io.output.is_none()
            && self.default_assign.is_none()
            && self.branches.iter().all(|b| b.assign.is_none() && b.output.is_none())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    And(List<Rule>),
    Or(List<Rule>),
    Not(Ptr<Rule>),
    Compare(Compare),
    /// JSONata `Condition`.
    Condition(Query),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Compare {
    pub variable: Path,
    pub op: Op,
    pub operand: Operand,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Str(Str),
    Number(f64),
    Bool(bool),
    /// A literal timestamp, parsed at build time (`text` as written, for messages and pictures).
    Timestamp {
        at: Timestamp,
        text: Str,
    },
    Path(Path),
}

/// What a comparison operator's operand must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    Str,
    Number,
    Bool,
    Timestamp,
    /// `Is*` type tests take a boolean.
    TypeTest,
    Path,
}

macro_rules! ops {
    ($($op:ident => $kind:ident),* $(,)?) => {
        /// The 39 comparison operators of JSONPath Choice rules.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Op { $($op),* }
        impl Op {
            pub const ALL: &'static [Op] = &[$(Op::$op),*];
            pub fn name(self) -> &'static str { match self { $(Op::$op => stringify!($op)),* } }
            pub fn operand(self) -> OperandKind { match self { $(Op::$op => OperandKind::$kind),* } }
            pub fn from_name(s: &str) -> Option<Op> { match s { $(stringify!($op) => Some(Op::$op),)* _ => None } }
        }
    };
}

ops! {
    StringEquals => Str, StringEqualsPath => Path,
    StringLessThan => Str, StringLessThanPath => Path,
    StringGreaterThan => Str, StringGreaterThanPath => Path,
    StringLessThanEquals => Str, StringLessThanEqualsPath => Path,
    StringGreaterThanEquals => Str, StringGreaterThanEqualsPath => Path,
    StringMatches => Str,
    NumericEquals => Number, NumericEqualsPath => Path,
    NumericLessThan => Number, NumericLessThanPath => Path,
    NumericGreaterThan => Number, NumericGreaterThanPath => Path,
    NumericLessThanEquals => Number, NumericLessThanEqualsPath => Path,
    NumericGreaterThanEquals => Number, NumericGreaterThanEqualsPath => Path,
    BooleanEquals => Bool, BooleanEqualsPath => Path,
    TimestampEquals => Timestamp, TimestampEqualsPath => Path,
    TimestampLessThan => Timestamp, TimestampLessThanPath => Path,
    TimestampGreaterThan => Timestamp, TimestampGreaterThanPath => Path,
    TimestampLessThanEquals => Timestamp, TimestampLessThanEqualsPath => Path,
    TimestampGreaterThanEquals => Timestamp, TimestampGreaterThanEqualsPath => Path,
    IsNull => TypeTest, IsPresent => TypeTest, IsNumeric => TypeTest,
    IsString => TypeTest, IsBoolean => TypeTest, IsTimestamp => TypeTest,
}
