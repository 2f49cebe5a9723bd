//! JSONata expressions (interim: not parsed yet).
use crate::SyntaxError;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr;

pub fn parse(_text: &str) -> Result<Expr, SyntaxError> {
    Err(SyntaxError::new(0, "JSONata is not yet supported"))
}

#[cfg(feature = "tokens")]
impl crate::ToRust for Expr {
    fn to_rust(&self, _k: &proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        unreachable!("no Expr can be parsed yet")
    }
}
