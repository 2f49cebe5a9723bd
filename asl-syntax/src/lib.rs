//! Syntax trees for the small languages embedded in ASL: JSONPath paths, intrinsic function
//! calls, JSONata expressions and RFC 3339 timestamps.
//!
//! Every tree is parsed once, at build time, by `asl-codegen`, then emitted as a Rust expression
//! that rebuilds the same tree in a `static` of the generated code (see [`ToRust`]). The trees
//! therefore hold their children through [`Ptr`], [`List`] and [`Str`], which are either
//! `'static` borrows (in generated code) or owned values (straight out of the parser).

pub mod intern;
pub mod intrinsic;
pub mod jsonata;
pub mod lit;
pub mod path;
pub mod ptr;
pub mod spec;
pub mod template;
pub mod timestamp;
#[cfg(feature = "tokens")]
pub mod tokens;

pub use intern::intern;
pub use lit::Lit;
pub use ptr::{List, Ptr, Str};
pub use std::borrow::Cow;
#[cfg(feature = "tokens")]
pub use tokens::ToRust;

/// A syntax error at a byte offset of the text that was parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset into the parsed text where the problem was found.
    pub offset: usize,
    /// Lowercase message without trailing period, e.g. "expected `]` after index".
    pub message: String,
}

impl SyntaxError {
    pub fn new(offset: usize, message: impl Into<String>) -> Self {
        SyntaxError { offset, message: message.into() }
    }
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

impl std::error::Error for SyntaxError {}
