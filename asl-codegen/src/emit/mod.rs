//! Model → Rust tokens. The generated code is wiring only: one `static` spec per state (paths,
//! templates and rules parsed at build time), one async method per state calling the runtime,
//! and transitions as `State` values so rustc checks them.

mod choice;
pub(crate) mod naming;
mod public;
mod spec;
mod table;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span as TSpan, TokenStream};
use quote::quote;

use crate::diagnostic::Diagnostics;
use crate::model::{Kind, Machine, State};
use crate::outline::Outline;
pub use naming::{camel, resource_method, snake};
pub use public::skeleton;
use public::{Public, Run, module};
pub use table::TABLE_MIN_STATES;

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
    /// How the states are emitted.
    pub form: Form,
}

/// How a machine's states are emitted: one method per state (Choice rules as straight-line
/// Rust), or one `static` table of lowered states run by the runtime (see `table`). Both run
/// the same runtime functions; `Auto` takes the table from [`TABLE_MIN_STATES`] states on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Form {
    #[default]
    Auto,
    Methods,
    Table,
}

impl Names {
    /// Names derived from a file name: `flows/order.asl.json` → module `order`, type `Order`.
    pub fn from_path(path: &str) -> Names {
        let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let stem = file.strip_suffix(".json").unwrap_or(file);
        let stem = stem.strip_suffix(".asl").unwrap_or(stem);
        Names { module: snake(stem), machine: camel(stem), task_methods: BTreeMap::new(), lenient_variables: false, form: Form::Auto }
    }
}

pub struct Emitter<'m> {
    pub machine: &'m Machine,
    pub names: &'m Names,
    /// `include_bytes!` target so cargo rebuilds on JSON edits (macro only).
    pub track_file: Option<String>,
    /// Source file label for docs (`flows/order.json`).
    pub source_label: String,
    /// The definition's text (held by a machine run from its lowered states, see `table`).
    pub text: &'m str,
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
        let outline = Outline::of(self.machine);
        let ids = outline.idents(self.names);
        let states: Vec<StateInfo> = flat
            .iter()
            .zip(&lowered.states)
            .zip(ids.variants.iter().zip(&ids.methods))
            .map(|((st, spec), (variant, method))| StateInfo { state: st, spec, variant: variant.clone(), method: method.clone() })
            .collect();
        let k = quote!(ast);
        let by_name = states.iter().enumerate().map(|(i, s)| (s.state.name.as_str(), i)).collect();
        let cx = Ctx { states, by_name, tasks: ids.tasks.clone(), k };
        let label = &self.source_label;
        let mut doc = format!(" The `{}` workflow, compiled from `{label}` by aslc.", self.names.module);
        if let Some(c) = &self.machine.comment {
            doc.push_str(&format!("\n\n {c}"));
        }
        if flat.len() <= DIAGRAM_MAX_STATES {
            doc.push_str(&diagram(self.machine, &self.names.module));
        }
        let public = Public { names: self.names, outline: &outline, ids: &ids, doc, track_file: self.track_file.as_deref(), timeout: self.machine.timeout_seconds };
        let table = match self.names.form {
            Form::Auto => flat.len() >= TABLE_MIN_STATES,
            Form::Methods => false,
            Form::Table => true,
        };
        let run = if table {
            table::run(&cx, &naming::ident(&self.names.machine), self.text, &self.names.module, self.names.lenient_variables, cx.state_path(&self.machine.scope.start_at.value), lowered.context)
        } else {
            self.run(&cx, lowered.context)
        };
        module(&public, Some(run))
    }

    /// What runs the states: everything of the module but its public items.
    fn run(&self, cx: &Ctx, context: u8) -> Run {
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
        Run { keeps_input, start, context, methods: quote!(#(#state_fns)* #(#group_fns)*), step: quote!(match state { #(#arms)* }), step_now, table: None }
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

/// The `Tasks` trait's methods: each distinct Task resource ARN with its method name.
pub fn task_methods(machine: &Machine, names: &Names) -> BTreeMap<String, String> {
    Outline::of(machine).idents(names).tasks.into_iter().map(|(arn, m)| (arn, m.to_string())).collect()
}

/// Fields parsed and validated but not yet executed fail the build rather than being ignored.
/// None today: a Task's `Credentials` is accepted and not applied (aslc cannot assume roles
/// locally; `asl check` warns about it).
pub(crate) fn unsupported(_st: &State, _d: &mut Diagnostics) {}
