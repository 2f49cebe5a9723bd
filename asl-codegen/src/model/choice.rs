//! Choice rules.

use asl_syntax::path::Path;
use asl_syntax::template::{Query, Template};

use super::Located;

/// A top-level Choice rule: a condition and where it leads.
#[derive(Clone, Debug)]
pub struct ChoiceBranch {
    pub rule: Rule,
    pub next: Located<String>,
    pub assign: Option<Template>,
    pub output: Option<Template>,
}

#[derive(Clone, Debug)]
pub enum Rule {
    And(Vec<Rule>),
    Or(Vec<Rule>),
    Not(Box<Rule>),
    Compare(Compare),
    /// JSONata `Condition`.
    Condition(Query),
}

#[derive(Clone, Debug)]
pub struct Compare {
    pub variable: Path,
    pub op: Op,
    pub operand: Operand,
}

#[derive(Clone, Debug)]
pub enum Operand {
    Str(String),
    Number(f64),
    Bool(bool),
    /// A literal timestamp, validated at build time.
    Timestamp(String),
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
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
