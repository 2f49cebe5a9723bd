//! Intrinsic function calls (`States.Format(…)` and friends) in JSONPath `.$` fields.

mod check;
mod parse;
#[cfg(test)]
mod tests;
#[cfg(feature = "tokens")]
mod tokens;

pub use parse::{MAX_DEPTH, looks_like_call, parse_call};

use crate::path::Path;
use crate::{List, Lit, Ptr, Str};

/// The 18 intrinsic functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

impl Func {
    const ALL: [Func; 18] = [
        Func::Format,
        Func::StringToJson,
        Func::JsonToString,
        Func::Array,
        Func::ArrayPartition,
        Func::ArrayContains,
        Func::ArrayRange,
        Func::ArrayGetItem,
        Func::ArrayLength,
        Func::ArrayUnique,
        Func::Base64Encode,
        Func::Base64Decode,
        Func::Hash,
        Func::JsonMerge,
        Func::MathRandom,
        Func::MathAdd,
        Func::StringSplit,
        Func::Uuid,
    ];

    /// The name as written, e.g. `States.ArrayGetItem`.
    pub const fn name(self) -> &'static str {
        match self {
            Func::Format => "States.Format",
            Func::StringToJson => "States.StringToJson",
            Func::JsonToString => "States.JsonToString",
            Func::Array => "States.Array",
            Func::ArrayPartition => "States.ArrayPartition",
            Func::ArrayContains => "States.ArrayContains",
            Func::ArrayRange => "States.ArrayRange",
            Func::ArrayGetItem => "States.ArrayGetItem",
            Func::ArrayLength => "States.ArrayLength",
            Func::ArrayUnique => "States.ArrayUnique",
            Func::Base64Encode => "States.Base64Encode",
            Func::Base64Decode => "States.Base64Decode",
            Func::Hash => "States.Hash",
            Func::JsonMerge => "States.JsonMerge",
            Func::MathRandom => "States.MathRandom",
            Func::MathAdd => "States.MathAdd",
            Func::StringSplit => "States.StringSplit",
            Func::Uuid => "States.UUID",
        }
    }

    /// Looks a function up by its full name (`States.Format`).
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The accepted argument counts: (min, max); `None` = unbounded.
    pub const fn arity(self) -> (usize, Option<usize>) {
        match self {
            Func::Format => (1, None),
            Func::Array => (0, None),
            Func::Uuid => (0, Some(0)),
            Func::StringToJson | Func::JsonToString | Func::ArrayLength | Func::ArrayUnique | Func::Base64Encode | Func::Base64Decode => (1, Some(1)),
            Func::ArrayPartition | Func::ArrayContains | Func::ArrayGetItem | Func::Hash | Func::MathAdd | Func::StringSplit => (2, Some(2)),
            Func::ArrayRange | Func::JsonMerge => (3, Some(3)),
            Func::MathRandom => (2, Some(3)),
        }
    }
}

/// A call: `States.X(args…)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub func: Func,
    pub args: List<Arg>,
}

/// One argument of a call.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// `'text'` (escapes resolved), a number, `true`, `false` or `null`.
    Lit(Lit),
    /// `$…`, `$$…` or `$var…`.
    Path(Path),
    /// A nested call.
    Call(Ptr<Call>),
    /// The literal template of `States.Format`, pre-split at its `{}` placeholders (escaped
    /// braces `\{` `\}` already resolved): n placeholders give n + 1 pieces.
    Template(List<Str>),
}

/// The algorithms `States.Hash` accepts.
pub const HASH_ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];
