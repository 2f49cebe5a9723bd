//! Choice states: the rules compiled to Rust boolean expressions over build-time-parsed paths,
//! picking a branch of the state's lowered spec (run by `rt::choice::run`).

use asl_syntax::ToRust;
use asl_syntax::spec::{ChoiceSpec, Compare, Op, Operand, OperandKind, Rule};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Ctx;
use super::spec::StateTok;

pub(super) fn body(cx: &Ctx, spec: &ChoiceSpec<u32>, rules: &[Rule]) -> TokenStream {
    let mut statics = Vec::new();
    let conds: Vec<TokenStream> = rules.iter().map(|r| rule(cx, r, &mut statics)).collect();
    let picks = (0..conds.len()).map(|i| quote!(Some(#i)));
    let spec = ChoiceSpec {
        io: spec.io.clone(),
        branches: spec.branches.iter().map(|b| asl_syntax::spec::ChoiceBranch { next: StateTok(cx.state_at(b.next)), assign: b.assign.clone(), output: b.output.clone() }).collect(),
        default: spec.default.map(|i| StateTok(cx.state_at(i))),
        default_assign: spec.default_assign.clone(),
        name: spec.name.clone(),
        plain: spec.plain,
    }
    .to_rust(&cx.k);
    quote! {
        static SPEC: ast::spec::ChoiceSpec<State> = #spec;
        #(#statics)*
        rt::choice::run(&SPEC, input, cx, |env| -> Result<Option<usize>, rt::Failure> {
            Ok(#(if #conds { #picks } else)* { None })
        })
    }
}

/// A rule as a boolean expression, without outer parentheses (an `if` condition takes it as it
/// is: redundant parentheses would warn in the user's crate).
fn rule(cx: &Ctx, r: &Rule, statics: &mut Vec<TokenStream>) -> TokenStream {
    // An operand of `&&` / `||` that is itself one goes in parentheses.
    let operand = |r: &Rule, statics: &mut Vec<TokenStream>| {
        let t = rule(cx, r, statics);
        if matches!(r, Rule::And(_) | Rule::Or(_)) { quote!((#t)) } else { t }
    };
    match r {
        Rule::And(rs) => {
            let parts: Vec<_> = rs.iter().map(|r| operand(r, statics)).collect();
            quote!(#(#parts)&&*)
        }
        Rule::Or(rs) => {
            let parts: Vec<_> = rs.iter().map(|r| operand(r, statics)).collect();
            quote!(#(#parts)||*)
        }
        Rule::Not(r) => {
            let inner = rule(cx, r, statics);
            quote!(!(#inner))
        }
        Rule::Condition(q) => {
            let name = format_ident!("Q{}", statics.len());
            let value = q.to_rust(&cx.k);
            statics.push(quote!(static #name: ast::template::Query = #value;));
            quote!(rt::template::condition(&#name, env)?)
        }
        Rule::Compare(c) => compare(cx, c, statics),
    }
}

/// One comparison: `IsPresent` tests the path itself; every other operator reads `Variable`
/// (a missing one is AWS's States.Runtime error) and calls the runtime's operator function.
fn compare(cx: &Ctx, c: &Compare, statics: &mut Vec<TokenStream>) -> TokenStream {
    let var = path_static(cx, &c.variable, statics);
    let f = format_ident!("{}", crate::emit::snake(c.op.name()));
    let value = quote!(&*rt::choice::variable(&#var, env)?);
    match (&c.operand, c.op.operand()) {
        (Operand::Bool(b), OperandKind::TypeTest) if c.op == Op::IsPresent => quote!(rt::choice::is_present(&#var, env) == #b),
        (Operand::Bool(b), OperandKind::TypeTest) => quote!(rt::choice::#f(#value) == #b),
        (Operand::Str(s), _) => {
            let s: &str = s;
            quote!(rt::choice::#f(#value, #s))
        }
        (Operand::Number(n), _) => quote!(rt::choice::#f(#value, #n)),
        (Operand::Bool(b), _) => quote!(rt::choice::#f(#value, #b)),
        (Operand::Timestamp { at, .. }, _) => {
            let ts = at.to_rust(&cx.k);
            let name = format_ident!("T{}", statics.len());
            statics.push(quote!(static #name: ast::timestamp::Timestamp = #ts;));
            quote!(rt::choice::#f(#value, &#name))
        }
        (Operand::Path(p), _) => {
            let p = path_static(cx, p, statics);
            quote!(rt::choice::#f(#value, &*rt::choice::operand(&#p, env)?))
        }
    }
}

fn path_static(cx: &Ctx, p: &asl_syntax::path::Path, statics: &mut Vec<TokenStream>) -> TokenStream {
    let name = format_ident!("P{}", statics.len());
    let value = p.to_rust(&cx.k);
    statics.push(quote!(static #name: rt::syntax::path::Path = #value;));
    quote!(#name)
}
