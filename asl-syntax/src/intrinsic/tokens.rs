//! `ToRust` for intrinsic calls.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::{Arg, Call, Func};
use crate::ToRust;

impl ToRust for Func {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let name = Ident::new(&format!("{self:?}"), Span::call_site());
        quote!(#k::intrinsic::Func::#name)
    }
}

impl ToRust for Call {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let func = self.func.to_rust(k);
        let args = self.args.to_rust(k);
        quote!(#k::intrinsic::Call { func: #func, args: #args })
    }
}

impl ToRust for Arg {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Arg::Lit(l) => {
                let l = l.to_rust(k);
                quote!(#k::intrinsic::Arg::Lit(#l))
            }
            Arg::Path(p) => {
                let p = p.to_rust(k);
                quote!(#k::intrinsic::Arg::Path(#p))
            }
            Arg::Call(c) => {
                let c = c.to_rust(k);
                quote!(#k::intrinsic::Arg::Call(#c))
            }
            Arg::Template(t) => {
                let t = t.to_rust(k);
                quote!(#k::intrinsic::Arg::Template(#t))
            }
        }
    }
}
