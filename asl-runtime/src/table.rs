//! Large compiled machines, run from their lowered states. Past a number of states, `asl!`
//! does not write one method (and one `static` spec) per state: rustc's time and memory on
//! that grew past what a build can afford (20,000 states: 21.8 MB of Rust, rustc aborted at
//! 7 GB), and so did writing the lowered states as one `static` table (5,000 states: 4 GB).
//! The generated module instead holds the checked definition's text and lowers it once, on
//! first use, with the compiler's own `load` (the `loader` feature); the states then run as a
//! loaded workflow's do ([`crate::LoadedMachine`]): a `match` on each state's lowered kind
//! calls the same runtime functions, Choice rules walked as trees. The module keeps its typed
//! surface (the `State` enum, the `Tasks` trait): only the dispatch is data.

use std::future::Future;

use std::collections::HashMap;

use asl_syntax::List;
use asl_syntax::spec::{self, Catcher, ChoiceBranch, ChoiceSpec, FailSpec, Io, MapSpec, ParallelSpec, PassSpec, Rule, TaskSpec, WaitSpec};
use serde_json::Value;

use crate::cx::Cx;
use crate::error::Failure;
use crate::machine::{BoxFuture, Flow, Machine, Step, output_then_next, then_next};
use crate::task::TaskContext;
use crate::{choice, fail, map, parallel, pass, succeed, task, wait};

/// One state of a table, with what the machine loop asks of it.
pub struct Def<S: Clone + 'static> {
    /// The state's name as written.
    pub name: &'static str,
    /// `Pass`, `Task`, …
    pub type_name: &'static str,
    /// See [`StateId::keeps_input`].
    pub keeps_input: bool,
    /// `Next`, or None for `End` and for the states without either.
    pub next: Option<S>,
    /// What the state does.
    pub kind: Kind<S>,
}

/// A state's lowered kind, transitions as `S` (the fields are the lowered specs, as in
/// `asl_syntax::spec::Kind`).
#[allow(missing_docs)]
pub enum Kind<S: Clone + 'static> {
    Pass(PassSpec),
    /// `method`: the index of the `Tasks` method the resource calls ([`Tasks::call`]).
    Task {
        spec: TaskSpec,
        catch: List<Catcher<S>>,
        method: u32,
    },
    /// `rules`: one per branch, in order.
    Choice {
        spec: ChoiceSpec<S>,
        rules: List<Rule>,
    },
    Wait(WaitSpec),
    Succeed(Io),
    Fail(FailSpec),
    /// `branches`: each branch's first state.
    Parallel {
        spec: ParallelSpec,
        catch: List<Catcher<S>>,
        branches: List<S>,
    },
    /// `start`: the item processor's first state.
    Map {
        spec: MapSpec,
        catch: List<Catcher<S>>,
        start: S,
    },
}

/// A workflow's lowered states, transitions resolved to `S` (the generated `State`).
pub struct Table<S: Clone + 'static> {
    defs: Vec<Def<S>>,
    by_name: HashMap<&'static str, S>,
}

impl<S: Copy + Send + Sync + 'static> Table<S> {
    /// Checks and lowers `text` as `asl!` did at build time (the same `module` name and
    /// variable rule), `states` being `State`'s variants in the lowered order and `resources`
    /// the Task resources in the order of their method numbers.
    ///
    /// # Panics
    /// If `text` does not load: it is the text the build checked, so it always does.
    #[cfg(feature = "loader")]
    pub fn load(text: &str, module: &str, lenient_variables: bool, states: &[S], resources: &[&str]) -> Table<S> {
        let names = asl_codegen::Names { module: module.to_owned(), lenient_variables, ..asl_codegen::Names::from_path("definition.json") };
        let workflow = asl_codegen::load(text, &names).unwrap_or_else(|d| panic!("aslc: a definition checked at build time did not load: {d:?}"));
        Table::new(workflow, states, resources)
    }

    /// The table of a lowered `workflow` (without the `loader` feature nothing makes one).
    #[cfg_attr(not(feature = "loader"), allow(dead_code))]
    fn new(workflow: spec::Workflow, states: &[S], resources: &[&str]) -> Table<S> {
        assert_eq!(workflow.states.len(), states.len(), "aslc: the lowered states are the State enum's");
        let id = |i: u32| states[i as usize];
        let catch = |cs: Vec<Catcher<u32>>| -> List<Catcher<S>> { cs.into_iter().map(|c| c.map_next(id)).collect::<Vec<_>>().into() };
        let by_name = workflow.states.iter().zip(states).map(|(s, id)| (s.name, *id)).collect();
        let defs = workflow
            .states
            .into_iter()
            .map(|s| {
                let kind = match s.kind {
                    spec::Kind::Pass(p) => Kind::Pass(p),
                    spec::Kind::Task { spec, catch: c } => {
                        let method = resources.iter().position(|r| *r == spec.resource).expect("aslc: every Task resource has a method") as u32;
                        Kind::Task { spec, catch: catch(c), method }
                    }
                    spec::Kind::Choice { spec, rules } => Kind::Choice {
                        spec: ChoiceSpec {
                            io: spec.io,
                            branches: spec.branches.iter().map(|b| ChoiceBranch { next: id(b.next), assign: b.assign.clone(), output: b.output.clone() }).collect::<Vec<_>>().into(),
                            default: spec.default.map(id),
                            default_assign: spec.default_assign,
                            name: spec.name,
                            plain: spec.plain,
                        },
                        rules: rules.into(),
                    },
                    spec::Kind::Wait(w) => Kind::Wait(w),
                    spec::Kind::Succeed(io) => Kind::Succeed(io),
                    spec::Kind::Fail(f) => Kind::Fail(f),
                    spec::Kind::Parallel { spec, catch: c, branches } => Kind::Parallel { spec, catch: catch(c), branches: branches.into_iter().map(id).collect::<Vec<_>>().into() },
                    spec::Kind::Map { spec, catch: c, start } => Kind::Map { spec, catch: catch(c), start: id(start) },
                };
                Def { name: s.name, type_name: s.type_name, keeps_input: s.keeps_input, next: s.next.map(id), kind }
            })
            .collect();
        Table { defs, by_name }
    }

    /// The state's definition; `index` is its place in the lowered order (`State as usize`).
    pub fn def(&self, index: usize) -> &Def<S> {
        &self.defs[index]
    }

    /// The state named `name`.
    pub fn find(&self, name: &str) -> Option<S> {
        self.by_name.get(name).copied()
    }
}

/// A machine run from a [`Table`]: its states' [`Def`]s and its Task methods by index.
pub trait Tables: Machine {
    /// The state's definition.
    fn def(&self, state: Self::State) -> &'static Def<Self::State>;
    /// Calls the `Tasks` method numbered `method`.
    fn call(&self, method: u32, input: Value, ctx: TaskContext) -> BoxFuture<'_, Result<Value, Failure>>;
}

/// [`Machine::step`] of a table machine.
pub fn step<'a, M: Tables>(m: &'a M, state: M::State, input: Value, cx: &'a mut Cx) -> impl Future<Output = Step<M::State>> + Send + 'a {
    let def = m.def(state);
    async move {
        match &def.kind {
            Kind::Task { spec, catch, method } => then_next(task::run(spec, catch, input, cx, |input, ctx| m.call(*method, input, ctx)), def.next).await,
            Kind::Wait(spec) => output_then_next(wait::run(spec, input, cx), def.next).await,
            Kind::Parallel { spec, catch, branches } => then_next(parallel::run(spec, catch, branches, input, cx, m), def.next).await,
            Kind::Map { spec, catch, start } => then_next(map::run(spec, catch, *start, input, cx, m), def.next).await,
            // The machine loop runs these through `step_now`; here for completeness.
            _ => step_now(m, state, input, cx).unwrap_or_else(|_| Err(Failure::runtime("a waiting state reached the immediate path"))),
        }
    }
}

/// [`Machine::step_now`] of a table machine.
pub fn step_now<M: Tables>(m: &M, state: M::State, input: Value, cx: &mut Cx) -> Result<Step<M::State>, Value> {
    let def = m.def(state);
    Ok(match &def.kind {
        Kind::Pass(spec) => pass::run(spec, input, cx).map(|out| Flow::Done(out).then(def.next)),
        Kind::Choice { spec, rules } => choice::run(spec, input, cx, |env| choice::rule::pick(rules, env)),
        Kind::Succeed(io) => succeed::run(io, input, cx),
        Kind::Fail(spec) => Err(fail::run(spec, &input, cx)),
        Kind::Task { .. } | Kind::Wait(_) | Kind::Parallel { .. } | Kind::Map { .. } => return Err(input),
    })
}
