//! `ToRust` for paths: rebuild the parsed tree in a `static`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{CmpOp, Filter, Operand, Path, Root, Seg};
use crate::ToRust;

impl ToRust for Root {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Root::Input => quote!(#k::path::Root::Input),
            Root::Context => quote!(#k::path::Root::Context),
            Root::Var(v) => {
                let v = v.to_rust(k);
                quote!(#k::path::Root::Var(#v))
            }
        }
    }
}

impl ToRust for Path {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let text = self.text.to_rust(k);
        let root = self.root.to_rust(k);
        let segs = self.segs.to_rust(k);
        let definite = self.definite;
        quote!(#k::path::Path { text: #text, root: #root, segs: #segs, definite: #definite })
    }
}

impl ToRust for Seg {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Seg::Field(f) => {
                let f = f.to_rust(k);
                quote!(#k::path::Seg::Field(#f))
            }
            Seg::Fields(fs) => {
                let fs = fs.to_rust(k);
                quote!(#k::path::Seg::Fields(#fs))
            }
            Seg::Index(i) => quote!(#k::path::Seg::Index(#i)),
            Seg::Indices(is) => {
                let is = is.to_rust(k);
                quote!(#k::path::Seg::Indices(#is))
            }
            Seg::Slice(a, b) => {
                let (a, b) = (a.to_rust(k), b.to_rust(k));
                quote!(#k::path::Seg::Slice(#a, #b))
            }
            Seg::Wildcard => quote!(#k::path::Seg::Wildcard),
            Seg::Scan => quote!(#k::path::Seg::Scan),
            Seg::Filter(f) => {
                let f = f.to_rust(k);
                quote!(#k::path::Seg::Filter(#f))
            }
            Seg::Length => quote!(#k::path::Seg::Length),
        }
    }
}

impl ToRust for Filter {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Filter::Exists(o) => {
                let o = o.to_rust(k);
                quote!(#k::path::Filter::Exists(#o))
            }
            Filter::Not(f) => {
                let f = f.to_rust(k);
                quote!(#k::path::Filter::Not(#f))
            }
            Filter::And(a, b) => {
                let (a, b) = (a.to_rust(k), b.to_rust(k));
                quote!(#k::path::Filter::And(#a, #b))
            }
            Filter::Or(a, b) => {
                let (a, b) = (a.to_rust(k), b.to_rust(k));
                quote!(#k::path::Filter::Or(#a, #b))
            }
            Filter::Cmp(a, op, b) => {
                let (a, op, b) = (a.to_rust(k), op.to_rust(k), b.to_rust(k));
                quote!(#k::path::Filter::Cmp(#a, #op, #b))
            }
        }
    }
}

impl ToRust for Operand {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Operand::Current(s) => {
                let s = s.to_rust(k);
                quote!(#k::path::Operand::Current(#s))
            }
            Operand::Root(s) => {
                let s = s.to_rust(k);
                quote!(#k::path::Operand::Root(#s))
            }
            Operand::Lit(l) => {
                let l = l.to_rust(k);
                quote!(#k::path::Operand::Lit(#l))
            }
        }
    }
}

impl ToRust for CmpOp {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let name = proc_macro2::Ident::new(&format!("{self:?}"), proc_macro2::Span::call_site());
        quote!(#k::path::CmpOp::#name)
    }
}
