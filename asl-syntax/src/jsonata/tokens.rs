//! `ToRust` for JSONata trees: each node becomes a struct/enum literal that is valid in a
//! `static` initializer (children through `Ptr::Static(&…)` and `Cow::Borrowed(&[…])`).

use proc_macro2::TokenStream;
use quote::quote;

use super::ast::*;
use crate::ToRust;

impl ToRust for Expr {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let kind = self.kind.to_rust(k);
        let pos = self.pos;
        let keep_array = self.keep_array;
        let predicate = self.predicate.to_rust(k);
        let stages = self.stages.to_rust(k);
        let group = self.group.to_rust(k);
        let focus = self.focus.to_rust(k);
        let index = self.index.to_rust(k);
        let tuple = self.tuple;
        let ancestor = self.ancestor.to_rust(k);
        let consarray = self.consarray;
        quote!(#k::jsonata::Expr {
            kind: #kind,
            pos: #pos,
            keep_array: #keep_array,
            predicate: #predicate,
            stages: #stages,
            group: #group,
            focus: #focus,
            index: #index,
            tuple: #tuple,
            ancestor: #ancestor,
            consarray: #consarray,
        })
    }
}

impl ToRust for BinOp {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let v = proc_macro2::Ident::new(&format!("{self:?}"), proc_macro2::Span::call_site());
        quote!(#k::jsonata::BinOp::#v)
    }
}

impl ToRust for Kind {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let p = quote!(#k::jsonata::Kind);
        match self {
            Kind::Path { steps, keep_singleton_array } => {
                let steps = steps.to_rust(k);
                quote!(#p::Path { steps: #steps, keep_singleton_array: #keep_singleton_array })
            }
            Kind::Binary { op, lhs, rhs } => {
                let (op, lhs, rhs) = (op.to_rust(k), lhs.to_rust(k), rhs.to_rust(k));
                quote!(#p::Binary { op: #op, lhs: #lhs, rhs: #rhs })
            }
            Kind::Neg(e) => {
                let e = e.to_rust(k);
                quote!(#p::Neg(#e))
            }
            Kind::Array(items) => {
                let items = items.to_rust(k);
                quote!(#p::Array(#items))
            }
            Kind::Object(pairs) => {
                let pairs = pairs.to_rust(k);
                quote!(#p::Object(#pairs))
            }
            Kind::Name(s) => {
                let s = s.to_rust(k);
                quote!(#p::Name(#s))
            }
            Kind::Str(s) => {
                let s = s.to_rust(k);
                quote!(#p::Str(#s))
            }
            Kind::Num(n) => {
                let n = n.to_rust(k);
                quote!(#p::Num(#n))
            }
            Kind::Bool(b) => quote!(#p::Bool(#b)),
            Kind::Null => quote!(#p::Null),
            Kind::Wildcard => quote!(#p::Wildcard),
            Kind::Descendant => quote!(#p::Descendant),
            Kind::Parent(l) => {
                let l = l.to_rust(k);
                quote!(#p::Parent(#l))
            }
            Kind::Condition { cond, then, otherwise } => {
                let (c, t, o) = (cond.to_rust(k), then.to_rust(k), otherwise.to_rust(k));
                quote!(#p::Condition { cond: #c, then: #t, otherwise: #o })
            }
            Kind::Block(items) => {
                let items = items.to_rust(k);
                quote!(#p::Block(#items))
            }
            Kind::Bind { name, value } => {
                let (n, v) = (name.to_rust(k), value.to_rust(k));
                quote!(#p::Bind { name: #n, value: #v })
            }
            Kind::Regex(r) => {
                let r = r.to_rust(k);
                quote!(#p::Regex(#r))
            }
            Kind::Variable(v) => {
                let v = v.to_rust(k);
                quote!(#p::Variable(#v))
            }
            Kind::Call { procedure, args, partial } => {
                let (pr, a) = (procedure.to_rust(k), args.to_rust(k));
                quote!(#p::Call { procedure: #pr, args: #a, partial: #partial })
            }
            Kind::Placeholder => quote!(#p::Placeholder),
            Kind::Lambda(l) => {
                let l = l.to_rust(k);
                quote!(#p::Lambda(#l))
            }
            Kind::Apply { lhs, rhs } => {
                let (l, r) = (lhs.to_rust(k), rhs.to_rust(k));
                quote!(#p::Apply { lhs: #l, rhs: #r })
            }
            Kind::Transform { pattern, update, delete } => {
                let (a, b, c) = (pattern.to_rust(k), update.to_rust(k), delete.to_rust(k));
                quote!(#p::Transform { pattern: #a, update: #b, delete: #c })
            }
            Kind::Sort(terms) => {
                let t = terms.to_rust(k);
                quote!(#p::Sort(#t))
            }
        }
    }
}

impl ToRust for Stage {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        match self {
            Stage::Filter(e) => {
                let e = e.to_rust(k);
                quote!(#k::jsonata::Stage::Filter(#e))
            }
            Stage::Index(n) => {
                let n = n.to_rust(k);
                quote!(#k::jsonata::Stage::Index(#n))
            }
        }
    }
}

impl ToRust for Group {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let pairs = self.pairs.to_rust(k);
        let pos = self.pos;
        quote!(#k::jsonata::Group { pairs: #pairs, pos: #pos })
    }
}

impl ToRust for SortTerm {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let d = self.descending;
        let e = self.expr.to_rust(k);
        quote!(#k::jsonata::SortTerm { descending: #d, expr: #e })
    }
}

impl ToRust for Lambda {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let params = self.params.to_rust(k);
        let sig = self.signature.to_rust(k);
        let body = self.body.to_rust(k);
        let thunk = self.thunk;
        quote!(#k::jsonata::Lambda { params: #params, signature: #sig, body: #body, thunk: #thunk })
    }
}

impl ToRust for Regex {
    fn to_rust(&self, k: &TokenStream) -> TokenStream {
        let p = self.pattern.to_rust(k);
        let f = self.flags.to_rust(k);
        quote!(#k::jsonata::Regex { pattern: #p, flags: #f })
    }
}
