//! Intrinsic function calls (interim: not parsed yet).
use crate::{List, Lit, Ptr, SyntaxError};
use crate::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func { Format }

#[derive(Clone, Debug, PartialEq)]
pub struct Call { pub func: Func, pub args: List<Arg> }

#[derive(Clone, Debug, PartialEq)]
pub enum Arg { Lit(Lit), Path(Path), Call(Ptr<Call>) }

pub fn looks_like_call(text: &str) -> bool {
    text.starts_with("States.") && text.contains('(')
}

pub fn parse_call(_text: &str) -> Result<Call, SyntaxError> {
    Err(SyntaxError::new(0, "intrinsic functions are not yet supported"))
}

#[cfg(feature = "tokens")]
impl crate::ToRust for Call {
    fn to_rust(&self, _k: &proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        unreachable!("no Call can be parsed yet")
    }
}
