//! The generated module around its states: the `State` enum, the `Tasks` trait, the machine
//! type and its public methods. Written once for the real module and for the skeleton `asl!`
//! emits beside a workflow's errors, so the skeleton's signatures cannot drift from the real
//! ones and the user's code type-checks against either alike.

use proc_macro2::TokenStream;
use quote::quote;

use super::Names;
use super::naming::ident;
use crate::outline::{Idents, Outline};

/// What the public items are made of.
pub(super) struct Public<'a> {
    pub names: &'a Names,
    pub outline: &'a Outline,
    pub ids: &'a Idents,
    pub doc: String,
    /// `include_bytes!` target so cargo rebuilds on JSON edits (macro only).
    pub track_file: Option<&'a str>,
    pub timeout: Option<u64>,
}

/// What runs the states (absent from a skeleton).
pub(super) struct Run {
    pub keeps_input: Option<TokenStream>,
    /// The `StartAt` state's `State` value.
    pub start: TokenStream,
    pub context: u8,
    /// The machine type's private methods: one per state, and `step`'s groups.
    pub methods: TokenStream,
    /// `step`'s body.
    pub step: TokenStream,
    pub step_now: Option<TokenStream>,
    /// A table machine's `StateId` methods and its module-level items (see `table`).
    pub table: Option<(TokenStream, TokenStream)>,
}

/// The module a workflow compiles to; with `run` None, its skeleton: the same public items,
/// whose runs cannot happen (the crate does not build, the workflow's errors are beside it).
pub(super) fn module(p: &Public, run: Option<Run>) -> TokenStream {
    let rt = quote!(::asl_runtime::__private);
    let module = ident(&p.names.module);
    let machine = ident(&p.names.machine);
    let doc = &p.doc;
    let variants = &p.ids.variants;
    let variant_docs = p.outline.states.iter().map(|(name, ty)| if ty.is_empty() { format!(" State `{name}`.") } else { format!(" {ty} state `{name}`.") });
    let names: Vec<&str> = p.outline.states.iter().map(|(n, _)| n.as_str()).collect();
    let types: Vec<&str> = p.outline.states.iter().map(|(_, t)| t.as_str()).collect();
    // a module given as a raw identifier (`module = r#type`) is named without its `r#`
    let machine_name = p.names.module.strip_prefix("r#").unwrap_or(&p.names.module);
    let timeout = match p.timeout {
        Some(t) => quote!(Some(#t)),
        None => quote!(None),
    };
    let task_methods = p.outline.tasks.iter().map(|(arn, users)| {
        let m = &p.ids.tasks[arn];
        let users: Vec<String> = users.iter().map(|s| format!("`{s}`")).collect();
        let doc = format!(" Resource `{arn}`, called by {}.", users.join(", "));
        quote! {
            #[doc = #doc]
            fn #m(&self, input: Value, ctx: rt::TaskContext) -> impl Future<Output = Result<Value, rt::Failure>> + Send;
        }
    });
    // The trait declares its methods in the order of their ARNs.
    let mut task_methods: Vec<(&String, TokenStream)> = p.outline.tasks.iter().map(|(arn, _)| arn).zip(task_methods).collect();
    task_methods.sort_by(|a, b| a.0.cmp(b.0));
    let task_methods = task_methods.into_iter().map(|(_, t)| t);
    let unit_tasks = p.outline.tasks.is_empty().then(|| {
        quote! {
            /// This workflow has no Task states: `()` is its task set.
            impl Tasks for () {}
        }
    });
    let track = p.track_file.map(|f| {
        quote!(
            const _: &[u8] = include_bytes!(#f);
        )
    });
    let never = quote!(unreachable!("aslc: this workflow did not compile"));
    // a skeleton's `step` leaves its arguments unused
    let allow = if run.is_some() { quote!(clippy::all, unused_imports, dead_code) } else { quote!(clippy::all, unused_imports, unused_variables, dead_code) };
    let (keeps_input, start, context, methods, step, step_now, table) = match run {
        Some(r) => (r.keeps_input, r.start, r.context, r.methods, r.step, r.step_now, r.table),
        None => (None, never.clone(), 0, TokenStream::new(), never, None, None),
    };
    // A table machine's `Debug` reads the names from a table (derived, it is a `match` of one
    // arm per state: 800 MB of rustc's memory at 5,000 states).
    let debug = if table.is_some() { TokenStream::new() } else { quote!(Debug,) };
    let (state_id, table_items) = match table {
        Some((state_id, items)) => (state_id, items),
        None => (
            quote! {
                fn name(self) -> &'static str {
                    match self { #(State::#variants => #names,)* }
                }
                fn type_name(self) -> &'static str {
                    match self { #(State::#variants => #types,)* }
                }
                fn from_name(name: &str) -> Option<Self> {
                    match name { #(#names => Some(State::#variants),)* _ => None }
                }
                #keeps_input
            },
            TokenStream::new(),
        ),
    };

    quote! {
        #[doc = #doc]
        pub mod #module {
            #![allow(#allow)]
            use ::core::future::Future;
            use #rt as rt;
            use rt::syntax as ast;
            use rt::Value;
            #track

            /// Every state of the workflow, including those inside Parallel branches and Map
            /// processors. Transitions are values of this type, so rustc checks them.
            #[derive(Clone, Copy, #debug PartialEq, Eq, Hash)]
            pub enum State {
                #(#[doc = #variant_docs] #variants,)*
            }

            impl rt::StateId for State {
                #state_id
            }

            /// The workflow's Task resources: one method per distinct resource. Implement it
            /// to give the workflow its work; a missing method is a compile error.
            pub trait Tasks: Send + Sync + 'static {
                #(#task_methods)*
            }
            #unit_tasks

            /// The state machine. Create it with [`new`](Self::new) and run executions with
            /// [`start`](Self::start).
            pub struct #machine<T> {
                tasks: T,
                options: rt::ExecutionOptions,
            }

            impl<T: Tasks> #machine<T> {
                /// The workflow's top-level `TimeoutSeconds`.
                pub const TIMEOUT_SECONDS: Option<u64> = #timeout;

                pub fn new(tasks: T) -> Self {
                    #machine { tasks, options: rt::ExecutionOptions::default() }
                }

                /// With execution options (names, ARNs, clock, observer).
                pub fn with_options(tasks: T, options: rt::ExecutionOptions) -> Self {
                    #machine { tasks, options }
                }

                pub fn tasks(&self) -> &T {
                    &self.tasks
                }

                /// Runs an execution to its end: the output, or the error and cause it failed with.
                pub fn start(&self, input: Value) -> impl Future<Output = Result<Value, rt::Failure>> + Send + '_ {
                    rt::execute(self, input, &self.options, Self::TIMEOUT_SECONDS)
                }

                /// Runs an execution with options of its own (its name, observer, clock, …)
                /// instead of the machine's.
                pub fn start_with(&self, input: Value, options: rt::ExecutionOptions) -> impl Future<Output = Result<Value, rt::Failure>> + Send + '_ {
                    async move { rt::execute(self, input, &options, Self::TIMEOUT_SECONDS).await }
                }

                /// Runs an execution entered at `state` (a top-level state) with `input`.
                pub fn start_at(&self, state: State, input: Value) -> impl Future<Output = Result<Value, rt::Failure>> + Send + '_ {
                    rt::execute_from(self, state, input, &self.options, Self::TIMEOUT_SECONDS)
                }

                #methods
            }

            impl<T: Tasks> rt::Machine for #machine<T> {
                type State = State;
                fn start_state(&self) -> State {
                    #start
                }
                fn machine_name(&self) -> &str {
                    #machine_name
                }
                fn context(&self) -> u8 {
                    #context
                }
                fn timeout_seconds(&self) -> Option<u64> {
                    Self::TIMEOUT_SECONDS
                }

                async fn step(&self, state: State, input: Value, cx: &mut rt::Cx) -> rt::Step<State> {
                    #step
                }

                #step_now
            }
            #table_items
        }
    }
}

/// The skeleton of the module `text` would compile to: its public items as far as the text
/// shows them (states and Task resources read even through JSON syntax errors).
pub fn skeleton(label: &str, text: &str, names: &Names, track_file: Option<&str>) -> TokenStream {
    let outline = Outline::scan(text);
    let ids = outline.idents(names);
    let doc = format!(" The `{}` workflow: `{label}` has errors (reported beside this), so this module has its public items only.", names.module);
    module(&Public { names, outline: &outline, ids: &ids, doc, track_file, timeout: None }, None)
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    /// The public items of a generated module: the `State` enum, the `Tasks` trait, the machine
    /// struct and the signatures of the machine's `pub` methods, as text.
    fn public_items(tokens: proc_macro2::TokenStream) -> Vec<String> {
        let file: syn::File = syn::parse2(tokens).expect("generated code parses");
        let syn::Item::Mod(m) = &file.items[0] else { panic!("a module") };
        let mut out = Vec::new();
        for item in &m.content.as_ref().expect("inline module").1 {
            match item {
                syn::Item::Enum(_) | syn::Item::Trait(_) | syn::Item::Struct(_) => out.push(item.to_token_stream().to_string()),
                syn::Item::Impl(i) if i.trait_.is_none() => {
                    for it in &i.items {
                        match it {
                            syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => out.push(f.sig.to_token_stream().to_string()),
                            syn::ImplItem::Const(c) => out.push(format!("const {}: {}", c.ident, c.ty.to_token_stream())),
                            _ => {}
                        }
                    }
                }
                // the trait impls (`StateId`, `Machine`) by their headers
                syn::Item::Impl(i) => out.push(format!("{} {}", i.trait_.as_ref().unwrap().1.to_token_stream(), i.self_ty.to_token_stream())),
                _ => {}
            }
        }
        out
    }

    /// The skeleton of a valid workflow has the real module's public items, item for item.
    #[test]
    fn the_skeleton_has_the_real_public_items() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut compared = 0;
        for dir in ["tests/flows", "examples/order", "examples/approval", "examples/fanout"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
                let path = e.path();
                if path.extension().is_none_or(|x| x != "json") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let names = crate::Names::from_path(&path.to_string_lossy());
                let Ok(real) = crate::generate("flow.json", &text, &names, None) else { continue };
                let skeleton = super::skeleton("flow.json", &text, &names, None);
                assert_eq!(public_items(skeleton), public_items(real), "{}", path.display());
                compared += 1;
            }
        }
        assert!(compared >= 20, "only {compared} workflows compared");
    }

    /// Whatever the text (the corpus cut short anywhere, or with its brackets and quotes
    /// scrambled), the skeleton is Rust that parses: `asl!` never hands rustc broken tokens.
    #[test]
    fn the_skeleton_of_any_text_parses() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/corpus/cases");
        let names = crate::Names::from_path("flow.json");
        let mut texts = 0;
        for e in std::fs::read_dir(root).unwrap().flatten() {
            let text = std::fs::read_to_string(e.path().join("definition.json")).unwrap();
            let cuts = (1..8).map(|k| text.len() * k / 8).filter(|&i| text.is_char_boundary(i));
            let scrambled = text.replace('"', "").replace('}', "]");
            for t in cuts.map(|i| text[..i].to_owned()).chain([scrambled]) {
                let tokens = super::skeleton("flow.json", &t, &names, None);
                syn::parse2::<syn::File>(tokens).unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
                texts += 1;
            }
        }
        assert!(texts > 3000, "{texts}");
    }
}
