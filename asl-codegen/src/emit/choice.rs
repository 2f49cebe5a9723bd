//! Choice states: rules compiled to Rust boolean expressions over build-time-parsed paths.

use asl_syntax::ToRust;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Ctx;
use crate::model::*;

pub(super) fn body(cx: &Ctx, st: &State, c: &Choice, io: TokenStream) -> TokenStream {
    let mut statics = Vec::new();
    // A matched rule's `Assign` applies; the state's own `Assign` applies when `Default` is taken.
    let assign = |t: Option<&asl_syntax::template::Template>, statics: &mut Vec<TokenStream>| match t {
        Some(t) => {
            let name = format_ident!("A{}", statics.len());
            let value = t.to_rust(&cx.k);
            statics.push(quote!(static #name: ast::template::Template = #value;));
            quote!(Some(&#name))
        }
        None => quote!(None),
    };
    // Without Assign, Output or data-flow paths the input is the output as it is: pick the
    // next state and move on.
    let plain = super::whole_paths(st)
        && st.assign.is_none()
        && c.choices.iter().all(|b| b.assign.is_none() && b.output.is_none());
    let branches: Vec<TokenStream> = c
        .choices
        .iter()
        .map(|b| {
            let cond = rule(cx, &b.rule, &mut statics);
            let next = cx.state_path(&b.next.value);
            if plain {
                return quote!(if #cond { #next });
            }
            let a = assign(b.assign.as_ref(), &mut statics);
            let o = assign(b.output.as_ref(), &mut statics);
            quote!(if #cond { (#next, #a, #o) })
        })
        .collect();
    if plain {
        let otherwise = match &c.default {
            Some(d) => cx.state_path(&d.value),
            None => no_match(st),
        };
        return quote! {
            static IO: rt::Io = #io;
            #(#statics)*
            let next = IO.with_env(cx, &input, None, |env| -> Result<State, rt::Failure> {
                Ok(#(#branches else)* { #otherwise })
            })?;
            Ok(rt::Next::Go(next, input))
        };
    }
    let default_assign = assign(st.assign.as_ref(), &mut statics);
    let otherwise = match &c.default {
        Some(d) => {
            let s = cx.state_path(&d.value);
            quote!((#s, #default_assign, None))
        }
        None => no_match(st),
    };
    quote! {
        static IO: rt::Io = #io;
        #(#statics)*
        type Picked = (State, Option<&'static ast::template::Template>, Option<&'static ast::template::Template>);
        let (next, assign, output): Picked = {
            let effective = IO.effective_input(&input, cx)?;
            IO.with_env(cx, &effective, None, |env| -> Result<Picked, rt::Failure> {
                Ok(#(#branches else)* { #otherwise })
            })?
        };
        // Output and Assign both see the variables from before the state.
        let assign_input = match assign {
            Some(_) => Some(IO.effective_input(&input, cx)?.into_owned()),
            None => None,
        };
        let output = match output {
            Some(t) => IO.with_env(cx, &input, None, |env| rt::template::eval_jsonata(t, env, "Output"))?,
            None => IO.passthrough(input, cx)?,
        };
        if let (Some(t), Some(v)) = (assign, assign_input) {
            IO.assign_template(t, cx, &v, None)?;
        }
        Ok(rt::Next::Go(next, output))
    }
}

/// No rule matched and there is no `Default`.
fn no_match(st: &State) -> TokenStream {
    let cause = format!("An error occurred while executing the state '{}'. No Choice rule matched and no Default state was specified.", st.name);
    quote!(return Err(rt::Failure::new(rt::names::NO_CHOICE_MATCHED, #cause)))
}

fn rule(cx: &Ctx, r: &Rule, statics: &mut Vec<TokenStream>) -> TokenStream {
    match r {
        Rule::And(rs) => {
            let parts = rs.iter().map(|r| rule(cx, r, statics));
            quote!((#(#parts)&&*))
        }
        Rule::Or(rs) => {
            let parts = rs.iter().map(|r| rule(cx, r, statics));
            quote!((#(#parts)||*))
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
        (Operand::Bool(b), OperandKind::TypeTest) if c.op == Op::IsPresent => quote!((rt::choice::is_present(&#var, env) == #b)),
        (Operand::Bool(b), OperandKind::TypeTest) => quote!((rt::choice::#f(#value) == #b)),
        (Operand::Str(s), _) => quote!(rt::choice::#f(#value, #s)),
        (Operand::Number(n), _) => quote!(rt::choice::#f(#value, #n)),
        (Operand::Bool(b), _) => quote!(rt::choice::#f(#value, #b)),
        (Operand::Timestamp(t), _) => {
            let ts = asl_syntax::timestamp::parse(t).expect("validated at parse time").to_rust(&cx.k);
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
