//! Model → Rust tokens. The generated code is wiring only: one `static` spec per state (paths,
//! templates and rules parsed at build time), one async method per state calling the runtime,
//! and transitions as `State` values so rustc checks them.

mod choice;
mod naming;
mod spec;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span as TSpan, TokenStream};
use quote::quote;

use crate::diagnostic::Diagnostics;
use crate::model::{Kind, Machine, State};
pub use naming::{camel, resource_method, snake};

/// What to call the generated items and where the runtime is.
#[derive(Clone, Debug)]
pub struct Names {
    /// The module holding everything (`order` for `flows/order.json`).
    pub module: String,
    /// The machine type (`Order`).
    pub machine: String,
    /// Overrides of Task trait method names, by resource ARN.
    pub task_methods: BTreeMap<String, String>,
    /// Accept reads of variables no state assigns, and assignments to outer variables from a
    /// nested scope, as AWS does (failing at run time instead of at build time).
    pub lenient_variables: bool,
}

impl Names {
    /// Names derived from a file name: `flows/order.asl.json` → module `order`, type `Order`.
    pub fn from_path(path: &str) -> Names {
        let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let stem = file.strip_suffix(".json").unwrap_or(file);
        let stem = stem.strip_suffix(".asl").unwrap_or(stem);
        Names { module: snake(stem), machine: camel(stem), task_methods: BTreeMap::new(), lenient_variables: false }
    }
}

pub struct Emitter<'m> {
    pub machine: &'m Machine,
    pub names: &'m Names,
    /// `include_bytes!` target so cargo rebuilds on JSON edits (macro only).
    pub track_file: Option<String>,
    /// Source file label for docs (`flows/order.json`).
    pub source_label: String,
}

struct StateInfo<'m> {
    state: &'m State,
    /// The lowered state (same index).
    spec: &'m asl_syntax::spec::StateSpec,
    variant: Ident,
    method: Ident,
}

struct Ctx<'m> {
    states: Vec<StateInfo<'m>>,
    /// State name → index in `states` (a linear search made expansion quadratic).
    by_name: std::collections::HashMap<&'m str, usize>,
    /// resource ARN → trait method name.
    tasks: BTreeMap<String, Ident>,
    rt: TokenStream,
    k: TokenStream,
}

impl Ctx<'_> {
    fn variant(&self, name: &str) -> &Ident {
        &self.states[*self.by_name.get(name).expect("validated: target exists")].variant
    }

    fn state_path(&self, name: &str) -> TokenStream {
        let v = self.variant(name);
        quote!(State::#v)
    }

    /// The `State` value of the lowered state at `index`.
    fn state_at(&self, index: u32) -> TokenStream {
        let v = &self.states[index as usize].variant;
        quote!(State::#v)
    }
}

impl Emitter<'_> {
    pub fn emit(&self) -> TokenStream {
        let flat = crate::lower::flatten(self.machine);
        let lowered = crate::lower::lower(self.machine, &self.names.module);
        let mut variants = naming::Unique::default();
        let mut methods = naming::Unique::default();
        methods.reserve(&["new", "with_options", "tasks", "start", "start_with", "start_at", "step", "options"]);
        let states: Vec<StateInfo> = flat
            .iter()
            .zip(&lowered.states)
            .map(|(st, spec)| StateInfo {
                state: st,
                spec,
                variant: Ident::new(&variants.get(camel(&st.name), ""), TSpan::call_site()),
                method: Ident::new(&methods.get(snake(&st.name), "_"), TSpan::call_site()),
            })
            .collect();
        let tasks = task_methods(self.machine, self.names).into_iter().map(|(arn, m)| (arn, Ident::new(&m, TSpan::call_site()))).collect();
        let rt = quote!(::asl_runtime::__private);
        let k = quote!(ast);
        let by_name = states.iter().enumerate().map(|(i, s)| (s.state.name.as_str(), i)).collect();
        let cx = Ctx { states, by_name, tasks, rt, k };
        self.module(&cx, &flat, lowered.context)
    }

    fn module(&self, cx: &Ctx, flat: &[&State], context: u8) -> TokenStream {
        let rt = &cx.rt;
        let module = Ident::new(&self.names.module, TSpan::call_site());
        let machine = Ident::new(&self.names.machine, TSpan::call_site());
        let label = &self.source_label;
        let mut doc = format!(" The `{}` workflow, compiled from `{label}` by aslc.", self.names.module);
        if let Some(c) = &self.machine.comment {
            doc.push_str(&format!("\n\n {c}"));
        }
        if flat.len() <= DIAGRAM_MAX_STATES {
            doc.push_str(&diagram(self.machine, &self.names.module));
        }
        let variants: Vec<_> = cx.states.iter().map(|s| &s.variant).collect();
        let variant_docs: Vec<String> = cx.states.iter().map(|s| format!(" {} state `{}`.", s.state.kind.type_name(), s.state.name)).collect();
        let names: Vec<&str> = cx.states.iter().map(|s| s.state.name.as_str()).collect();
        let types: Vec<&str> = cx.states.iter().map(|s| s.state.kind.type_name()).collect();
        // Top-level states that hand on their input unchanged: every top-level state's input
        // was measured against the payload limit (the execution input at start, each output
        // after its state), so theirs need not be measured again. A nested scope's first input
        // (a branch's or an item's) is not measured, hence top level only.
        let kept: Vec<&Ident> = cx.states.iter().filter(|s| s.spec.keeps_input).map(|s| &s.variant).collect();
        let keeps_input = (!kept.is_empty()).then(|| {
            quote! {
                fn keeps_input(self) -> bool {
                    matches!(self, #(State::#kept)|*)
                }
            }
        });
        let start = cx.state_path(&self.machine.scope.start_at.value);
        let machine_name = &self.names.module;
        let timeout = match self.machine.timeout_seconds {
            Some(t) => quote!(Some(#t)),
            None => quote!(None),
        };

        let task_methods = cx.tasks.iter().map(|(arn, m)| {
            let users: Vec<String> = flat.iter().filter(|s| matches!(&s.kind, Kind::Task(t) if &t.resource.value == arn)).map(|s| format!("`{}`", s.name)).collect();
            let doc = format!(" Resource `{arn}`, called by {}.", users.join(", "));
            quote! {
                #[doc = #doc]
                fn #m(&self, input: Value, ctx: rt::TaskContext) -> impl Future<Output = Result<Value, rt::Failure>> + Send;
            }
        });
        let unit_tasks = cx.tasks.is_empty().then(|| {
            quote! {
                /// This workflow has no Task states: `()` is its task set.
                impl Tasks for () {}
            }
        });
        // `step` awaits every state that waits. rustc's work on one `async fn` grows faster than
        // its number of await points, so past STEP_GROUP of them `step` awaits one `async fn` per
        // group of STEP_GROUP states instead (small machines keep the single layer).
        let waiting: Vec<&StateInfo> = cx.states.iter().filter(|s| suspends(s.state)).collect();
        let groups: Vec<&[&StateInfo]> = if waiting.len() > STEP_GROUP { waiting.chunks(STEP_GROUP).collect() } else { Vec::new() };
        let mut arms: Vec<TokenStream> = cx
            .states
            .iter()
            .filter(|s| groups.is_empty() || !suspends(s.state))
            .map(|s| {
                let v = &s.variant;
                let m = &s.method;
                if suspends(s.state) { quote!(State::#v => self.#m(input, cx).await,) } else { quote!(State::#v => self.#m(input, cx),) }
            })
            .collect();
        let mut group_fns = Vec::new();
        for (k, group) in groups.iter().enumerate() {
            let name = Ident::new(&format!("__step_group_{k}"), TSpan::call_site());
            let vs: Vec<_> = group.iter().map(|s| &s.variant).collect();
            let ms: Vec<_> = group.iter().map(|s| &s.method).collect();
            arms.push(quote!(#(State::#vs)|* => self.#name(state, input, cx).await,));
            group_fns.push(quote! {
                async fn #name(&self, state: State, input: Value, cx: &mut rt::Cx) -> rt::Step<State> {
                    match state {
                        #(State::#vs => self.#ms(input, cx).await,)*
                        _ => unreachable!("`step` sends only this group's states here"),
                    }
                }
            });
        }
        let rest = cx.states.iter().any(|s| suspends(s.state)).then(|| quote!(_ => Err(input),));
        let any_now = cx.states.iter().any(|s| !suspends(s.state));
        // States that never wait run without a future: the machine loop calls them directly.
        let now_arms = cx.states.iter().filter(|s| !suspends(s.state)).map(|s| {
            let v = &s.variant;
            let m = &s.method;
            quote!(State::#v => Ok(self.#m(input, cx)),)
        });
        let step_now = any_now.then(|| {
            quote! {
                fn step_now(&self, state: State, input: Value, cx: &mut rt::Cx) -> Result<rt::Step<State>, Value> {
                    match state {
                        #(#now_arms)*
                        #rest
                    }
                }
            }
        });
        let state_fns = cx.states.iter().map(|s| self.state_fn(cx, s));
        let track = self.track_file.as_ref().map(|f| {
            quote!(
                const _: &[u8] = include_bytes!(#f);
            )
        });

        quote! {
            #[doc = #doc]
            pub mod #module {
                #![allow(clippy::all, unused_imports, dead_code)]
                use ::core::future::Future;
                use #rt as rt;
                use rt::syntax as ast;
                use rt::Value;
                #track

                /// Every state of the workflow, including those inside Parallel branches and Map
                /// processors. Transitions are values of this type, so rustc checks them.
                #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
                pub enum State {
                    #(#[doc = #variant_docs] #variants,)*
                }

                impl rt::StateId for State {
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

                    #(#state_fns)*

                    #(#group_fns)*
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
                        match state {
                            #(#arms)*
                        }
                    }

                    #step_now
                }
            }
        }
    }

    fn state_fn(&self, cx: &Ctx, s: &StateInfo) -> TokenStream {
        let st = s.state;
        let m = &s.method;
        let mut doc = format!(" {} state `{}`.", st.kind.type_name(), st.name);
        if let Some(c) = &st.comment {
            doc.push_str(&format!("\n\n {c}"));
        }
        let body = spec::body(cx, s.spec);
        // A state that waits returns its runtime future wrapped, not an `async fn`'s: the
        // input moves straight into the runtime's future instead of being kept by this layer
        // too (a parked execution holds one copy).
        if suspends(st) {
            return quote! {
                #[doc = #doc]
                fn #m<'a>(&'a self, input: Value, cx: &'a mut rt::Cx) -> impl Future<Output = rt::Step<State>> + Send + 'a {
                    #body
                }
            };
        }
        quote! {
            #[doc = #doc]
            fn #m(&self, input: Value, cx: &mut rt::Cx) -> rt::Step<State> {
                #body
            }
        }
    }
}

/// Whether a state can wait (on a task, a timer or inner scopes); the others are plain functions.
fn suspends(st: &State) -> bool {
    !matches!(st.kind, Kind::Pass(_) | Kind::Choice(_) | Kind::Succeed | Kind::Fail(_))
}

/// Above this many states the module docs skip the diagram (it would dwarf the code).
const DIAGRAM_MAX_STATES: usize = 150;

/// Waiting states awaited by one generated `async fn` (see `module`).
const STEP_GROUP: usize = 64;

/// The workflow's picture for rustdoc: the self-laid-out SVG as inline HTML (rendered by
/// `cargo doc` without scripts), on one line so Markdown keeps it as one HTML block.
fn diagram(machine: &Machine, name: &str) -> String {
    let g = crate::graph::Graph::build(name, machine, None);
    let svg: String = crate::graph::svg::render(&g).lines().map(str::trim).collect::<Vec<_>>().join(" ");
    format!("\n\n <div class=\"aslc-diagram\">{svg}</div>")
}

/// The `Tasks` trait's methods: each distinct Task resource ARN with its method name, in the
/// order the trait declares them.
pub fn task_methods(machine: &Machine, names: &Names) -> BTreeMap<String, String> {
    let flat = crate::lower::flatten(machine);
    let mut unique = naming::Unique::default();
    let mut tasks = BTreeMap::new();
    for st in flat {
        if let Kind::Task(t) = &st.kind {
            let arn = &t.resource.value;
            if !tasks.contains_key(arn) {
                let base = names.task_methods.get(arn).cloned().unwrap_or_else(|| resource_method(arn));
                tasks.insert(arn.clone(), unique.get(base, "_"));
            }
        }
    }
    tasks
}

/// Fields parsed and validated but not yet executed fail the build rather than being ignored.
/// None today: a Task's `Credentials` is accepted and not applied (aslc cannot assume roles
/// locally; `asl check` warns about it).
pub(crate) fn unsupported(_st: &State, _d: &mut Diagnostics) {}
