//! JSON literals that can live in a `static` (serde_json's `Value` cannot be built in a const
//! context). The runtime converts them to `serde_json::Value` when they are used.

use crate::{List, Str};

#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Null,
    Bool(bool),
    /// An integer that fits i64.
    Int(i64),
    /// An unsigned integer above i64::MAX.
    UInt(u64),
    Float(f64),
    Str(Str),
    Array(List<Lit>),
    /// Object members in source order.
    Object(List<(Str, Lit)>),
}
