//! Large machines run from their lowered states (`rt::table`): past [`TABLE_MIN_STATES`]
//! states the module holds the checked definition's text, lowered once on first use, instead of
//! one method and one `static` spec per state. rustc's time and memory grew with every state
//! (20,000 states: 21.8 MB of Rust, rustc aborted at 7 GB; the lowered states written as one
//! `static` table took 4 GB at 5,000), while a string literal costs it next to nothing.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::Ctx;
use super::public::Run;

/// From this many states on, a machine is run from its lowered states (measured with
/// `scripts/build-time.sh`; below it the per-state methods build in a few seconds and run
/// Choice rules as straight-line Rust).
pub const TABLE_MIN_STATES: usize = 1000;

/// What runs the states of a table machine: `text` is the definition as checked.
pub(super) fn run(cx: &Ctx, machine: &Ident, text: &str, module: &str, lenient: bool, start: TokenStream, context: u8) -> Run {
    let n = cx.states.len();
    let all: Vec<&Ident> = cx.states.iter().map(|s| &s.variant).collect();
    let idents = all.iter().map(|v| v.to_string());
    let resources = cx.tasks.keys();
    let calls = cx.tasks.values().enumerate().map(|(i, m)| {
        let i = i as u32;
        quote!(#i => Box::pin(self.tasks.#m(input, ctx)),)
    });
    // without Task states nothing reads a call's arguments
    let (input, ctx) = if cx.tasks.is_empty() { (quote!(_input), quote!(_ctx)) } else { (quote!(input), quote!(ctx)) };
    let items = quote! {
        /// The definition, as checked at build time.
        const DEFINITION: &str = #text;
        /// Every state, in the lowered order.
        static ALL: [State; #n] = [#(State::#all),*];
        /// Their variants' names, for `Debug`.
        static VARIANTS: [&str; #n] = [#(#idents),*];

        impl ::core::fmt::Debug for State {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(VARIANTS[*self as usize])
            }
        }
        /// The lowered states, made on first use.
        static TABLE: ::std::sync::LazyLock<rt::table::Table<State>> =
            ::std::sync::LazyLock::new(|| rt::table::Table::load(DEFINITION, #module, #lenient, &ALL, &[#(#resources),*]));

        impl<T: Tasks> rt::table::Tables for #machine<T> {
            fn def(&self, state: State) -> &'static rt::table::Def<State> {
                TABLE.def(state as usize)
            }
            fn call(&self, method: u32, #input: Value, #ctx: rt::TaskContext) -> rt::BoxFuture<'_, Result<Value, rt::Failure>> {
                match method {
                    #(#calls)*
                    _ => Box::pin(async move { Err(rt::Failure::runtime(format!("no Task method {method}"))) }),
                }
            }
        }
    };
    let state_id = quote! {
        fn name(self) -> &'static str {
            TABLE.def(self as usize).name
        }
        fn type_name(self) -> &'static str {
            TABLE.def(self as usize).type_name
        }
        fn from_name(name: &str) -> Option<Self> {
            TABLE.find(name)
        }
        fn keeps_input(self) -> bool {
            TABLE.def(self as usize).keeps_input
        }
    };
    Run {
        keeps_input: None,
        start,
        context,
        methods: TokenStream::new(),
        step: quote!(rt::table::step(self, state, input, cx).await),
        step_now: Some(quote! {
            fn step_now(&self, state: State, input: Value, cx: &mut rt::Cx) -> Result<rt::Step<State>, Value> {
                rt::table::step_now(self, state, input, cx)
            }
        }),
        table: Some((state_id, items)),
    }
}
