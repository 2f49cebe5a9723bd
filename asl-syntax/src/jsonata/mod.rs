//! JSONata expressions (the inside of `"{% … %}"` in JSONata states), as AWS Step Functions
//! evaluates them: JSONata 2.0.6 semantics.
//!
//! [`parse`] runs the tokenizer, the Pratt parser and jsonata-js's post-processing pass, and
//! lowers the result to [`Expr`], a tree that generated code can hold in a `static` (see the
//! `tokens` feature). Evaluation lives in `asl-runtime`.

mod analysis;
mod ast;
mod error;
mod lexer;
mod lower;
mod node;
mod parser;
pub use parser::MAX_DEPTH;
mod process;
pub mod signature;
#[cfg(feature = "tokens")]
mod tokens;

pub use analysis::{BUILTINS, free_variables, reads_context};
pub use ast::*;

use crate::SyntaxError;

/// Parses a JSONata expression. Offsets in errors are byte offsets into `text`; messages carry
/// jsonata-js's error code, e.g. `S0202: Expected ")", got "]"`.
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let raw = parser::Parser::new(text).parse()?;
    let mut p = process::Processor::default();
    let processed = p.run(raw)?;
    Ok(lower::lower(processed, &p))
}

#[cfg(test)]
mod tests;
