//! Payload templates: the JSON of `Parameters`, `ResultSelector`, `ItemSelector`, `Arguments`,
//! `Output` and `Assign`, with every dynamic part parsed.
//!
//! In JSONPath states a key ending in `.$` takes a path or an intrinsic call (the `.$` is
//! stripped from the output key); in JSONata states any string that is exactly `{% … %}` is an
//! expression. Everything else is a literal copied as-is.

use crate::intrinsic::Call;
use crate::jsonata::Expr;
use crate::path::Path;
use crate::{List, Lit, Ptr, Str};

#[derive(Clone, Debug, PartialEq)]
pub enum Template {
    /// A subtree without dynamic parts.
    Lit(Lit),
    /// Members in source order. The key is the output key (`.$` already stripped); the original
    /// key, needed by AWS's error causes, is the output key plus `.$` for `Path`/`Call` values.
    Object(List<(Str, Template)>),
    Array(List<Template>),
    /// `"key.$": "$.a.b"` (also `$$…` and `$var…`).
    Path(Path),
    /// `"key.$": "States.Format(…)"`.
    Call(Call),
    /// `"{% expr %}"` in a JSONata state.
    Jsonata(Ptr<Query>),
}

/// A JSONata expression with its text (AWS's error causes quote the text).
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The expression between `{%` and `%}`, trimmed.
    pub text: Str,
    pub expr: Expr,
}

#[cfg(feature = "tokens")]
impl crate::ToRust for Query {
    fn to_rust(&self, k: &proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        let text = self.text.to_rust(k);
        let expr = self.expr.to_rust(k);
        quote::quote!(#k::template::Query { text: #text, expr: #expr })
    }
}

#[cfg(feature = "tokens")]
impl crate::ToRust for Template {
    fn to_rust(&self, k: &proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        use quote::quote;
        match self {
            Template::Lit(l) => {
                let l = l.to_rust(k);
                quote!(#k::template::Template::Lit(#l))
            }
            Template::Object(m) => {
                let m = m.to_rust(k);
                quote!(#k::template::Template::Object(#m))
            }
            Template::Array(a) => {
                let a = a.to_rust(k);
                quote!(#k::template::Template::Array(#a))
            }
            Template::Path(p) => {
                let p = p.to_rust(k);
                quote!(#k::template::Template::Path(#p))
            }
            Template::Call(c) => {
                let c = c.to_rust(k);
                quote!(#k::template::Template::Call(#c))
            }
            Template::Jsonata(e) => {
                let e = e.to_rust(k);
                quote!(#k::template::Template::Jsonata(#e))
            }
        }
    }
}
