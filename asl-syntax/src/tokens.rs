//! Turning syntax trees into Rust expressions that rebuild them in a const context.
//!
//! `to_rust(krate)` returns an expression of the node's type that is valid inside a `static`
//! initializer; `krate` is the path under which generated code reaches this crate (for example
//! `::asl_runtime::__private::syntax`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::{Lit, Ptr};
use std::borrow::Cow;

pub trait ToRust {
    fn to_rust(&self, krate: &TokenStream) -> TokenStream;
}

impl ToRust for str {
    fn to_rust(&self, _k: &TokenStream) -> TokenStream {
        quote!(#_k::Cow::Borrowed(#self))
    }
}

impl ToRust for Cow<'static, str> {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        (**self).to_rust(k)
    }
}

impl<T: ToRust + Clone> ToRust for Cow<'static, [T]> {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let items = self.iter().map(|t| t.to_rust(k));
        quote!(#k::Cow::Borrowed(&[#(#items),*]))
    }
}

impl<T: ToRust> ToRust for Ptr<T> {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let inner = (**self).to_rust(k);
        quote!(#k::Ptr::Static(&#inner))
    }
}

impl<A: ToRust, B: ToRust> ToRust for (A, B) {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let a = self.0.to_rust(k);
        let b = self.1.to_rust(k);
        quote!((#a, #b))
    }
}

impl<T: ToRust> ToRust for Option<T> {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Some(t) => {
                let t = t.to_rust(k);
                quote!(Some(#t))
            }
            None => quote!(None),
        }
    }
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        impl ToRust for $t {
            fn to_rust(&self, _: &TokenStream) -> TokenStream { quote!(#self) }
        }
    )*};
}
plain!(bool, i64, u64, u32, usize, i32, u8);

impl ToRust for f64 {
    fn to_rust(&self, _: &TokenStream) -> TokenStream {
        if self.is_finite() {
            let lit = proc_macro2::Literal::f64_suffixed(*self);
            quote!(#lit)
        } else if self.is_nan() {
            quote!(f64::NAN)
        } else if *self > 0.0 {
            quote!(f64::INFINITY)
        } else {
            quote!(f64::NEG_INFINITY)
        }
    }
}

impl ToRust for Lit {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Lit::Null => quote!(#k::Lit::Null),
            Lit::Bool(b) => quote!(#k::Lit::Bool(#b)),
            Lit::Int(i) => quote!(#k::Lit::Int(#i)),
            Lit::UInt(u) => quote!(#k::Lit::UInt(#u)),
            Lit::Float(f) => {
                let f = f.to_rust(k);
                quote!(#k::Lit::Float(#f))
            }
            Lit::Str(s) => {
                let s = s.to_rust(k);
                quote!(#k::Lit::Str(#s))
            }
            Lit::Array(items) => {
                let items = items.to_rust(k);
                quote!(#k::Lit::Array(#items))
            }
            Lit::Object(members) => {
                let members = members.to_rust(k);
                quote!(#k::Lit::Object(#members))
            }
        }
    }
}
