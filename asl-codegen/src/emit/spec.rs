//! The body of each state's method: its lowered spec as a `static`, and one runtime call.

use asl_syntax::ToRust;
use asl_syntax::spec::{Kind, StateSpec};
use proc_macro2::TokenStream;
use quote::quote;

use super::{Ctx, choice};

/// A state named in a spec, written as the generated `State` value.
#[derive(Clone)]
pub(super) struct StateTok(pub TokenStream);

impl ToRust for StateTok {
    fn to_rust(&self, _: &TokenStream) -> TokenStream {
        self.0.clone()
    }
}

pub(super) fn body(cx: &Ctx, st: &StateSpec) -> TokenStream {
    let k = &cx.k;
    let next = match st.next {
        Some(i) => {
            let s = cx.state_at(i);
            quote!(Some(#s))
        }
        None => quote!(None),
    };
    let catchers = |cs: &[asl_syntax::spec::Catcher<u32>]| {
        let n = cs.len();
        let items = cs.iter().map(|c| c.clone().map_next(|i| StateTok(cx.state_at(i))).to_rust(k));
        quote!(static CATCH: [ast::spec::Catcher<State>; #n] = [#(#items),*];)
    };
    match &st.kind {
        Kind::Pass(spec) => {
            let spec = spec.to_rust(k);
            quote! {
                static SPEC: ast::spec::PassSpec = #spec;
                let output = rt::pass::run(&SPEC, input, cx)?;
                Ok(rt::Flow::Done(output).then(#next))
            }
        }
        Kind::Task { spec, catch } => {
            let method = &cx.tasks[spec.resource];
            let catch = catchers(catch);
            let spec = spec.to_rust(k);
            quote! {
                static SPEC: ast::spec::TaskSpec = #spec;
                #catch
                let run = rt::task::run(&SPEC, &CATCH, input, cx, |input, ctx| self.tasks.#method(input, ctx));
                rt::then_next(run, #next)
            }
        }
        Kind::Choice { spec, rules } => choice::body(cx, spec, rules),
        Kind::Wait(spec) => {
            let spec = spec.to_rust(k);
            quote! {
                static SPEC: ast::spec::WaitSpec = #spec;
                let run = rt::wait::run(&SPEC, input, cx);
                rt::output_then_next(run, #next)
            }
        }
        Kind::Succeed(io) => {
            let io = io.to_rust(k);
            quote! {
                static IO: ast::spec::Io = #io;
                rt::succeed::run(&IO, input, cx)
            }
        }
        Kind::Fail(spec) => {
            let spec = spec.to_rust(k);
            quote! {
                static SPEC: ast::spec::FailSpec = #spec;
                Err(rt::fail::run(&SPEC, &input, cx))
            }
        }
        Kind::Parallel { spec, catch, branches } => {
            let catch = catchers(catch);
            let starts = branches.iter().map(|&i| cx.state_at(i));
            let spec = spec.to_rust(k);
            quote! {
                static SPEC: ast::spec::ParallelSpec = #spec;
                #catch
                let run = rt::parallel::run(&SPEC, &CATCH, &[#(#starts),*], input, cx, self);
                rt::then_next(run, #next)
            }
        }
        Kind::Map { spec, catch, start } => {
            let catch = catchers(catch);
            let start = cx.state_at(*start);
            let spec = spec.to_rust(k);
            quote! {
                static SPEC: ast::spec::MapSpec = #spec;
                #catch
                let run = rt::map::run(&SPEC, &CATCH, #start, input, cx, self);
                rt::then_next(run, #next)
            }
        }
    }
}
