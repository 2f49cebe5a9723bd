//! The loaded machine: lowered states in memory, dispatched by a `match` on their kind to the
//! runtime functions generated code calls.

use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use asl_syntax::spec::{self, Catcher, ChoiceBranch, ChoiceSpec, FailSpec, Io, MapSpec, ParallelSpec, PassSpec, Rule, TaskSpec, WaitSpec};
use serde_json::Value;

use super::{Handler, Handlers, LoadError};
use crate::cx::Cx;
use crate::error::Failure;
use crate::execution::{ExecutionOptions, execute, execute_from};
use crate::machine::{Flow, Machine, StateId, Step, output_then_next, then_next};
use crate::{choice, fail, map, parallel, pass, succeed, task, wait};

/// A state of a loaded machine: its index, with what the machine loop asks of every state.
#[derive(Clone, Copy)]
pub struct LoadedState {
    index: u32,
    name: &'static str,
    type_name: &'static str,
    keeps_input: bool,
}

impl LoadedState {
    /// The state's index in the lowered workflow.
    pub fn index(self) -> u32 {
        self.index
    }
}

impl PartialEq for LoadedState {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}

impl Eq for LoadedState {}

impl Hash for LoadedState {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.index.hash(h)
    }
}

impl fmt::Debug for LoadedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl StateId for LoadedState {
    fn name(self) -> &'static str {
        self.name
    }

    fn type_name(self) -> &'static str {
        self.type_name
    }

    /// A loaded state is found through its machine ([`LoadedMachine::state`]).
    fn from_name(_: &str) -> Option<Self> {
        None
    }

    fn keeps_input(self) -> bool {
        self.keeps_input
    }
}

/// A lowered state with its transitions resolved to [`LoadedState`]s and its handler found.
struct Def {
    next: Option<LoadedState>,
    kind: Kind,
}

enum Kind {
    Pass(PassSpec),
    Task { spec: TaskSpec, catch: Vec<Catcher<LoadedState>>, handler: Arc<dyn Handler> },
    Choice { spec: ChoiceSpec<LoadedState>, rules: Vec<Rule> },
    Wait(WaitSpec),
    Succeed(Io),
    Fail(FailSpec),
    Parallel { spec: ParallelSpec, catch: Vec<Catcher<LoadedState>>, branches: Vec<LoadedState> },
    Map { spec: MapSpec, catch: Vec<Catcher<LoadedState>>, start: LoadedState },
}

/// A workflow bound to its handlers: runs executions like a compiled machine.
pub struct LoadedMachine {
    workflow: Arc<spec::Workflow>,
    ids: Vec<LoadedState>,
    defs: Vec<Def>,
    options: ExecutionOptions,
}

impl LoadedMachine {
    pub(super) fn new(workflow: Arc<spec::Workflow>, handlers: &Handlers, options: ExecutionOptions) -> Result<Self, LoadError> {
        let ids: Vec<LoadedState> = workflow.states.iter().enumerate().map(|(i, s)| LoadedState { index: i as u32, name: s.name, type_name: s.type_name, keeps_input: s.keeps_input }).collect();
        let id = |i: u32| ids[i as usize];
        let catch = |cs: &[Catcher<u32>]| cs.iter().map(|c| c.clone().map_next(id)).collect();
        let mut missing: Vec<String> = Vec::new();
        let mut defs = Vec::with_capacity(workflow.states.len());
        for s in &workflow.states {
            let kind = match &s.kind {
                spec::Kind::Pass(p) => Kind::Pass(p.clone()),
                spec::Kind::Task { spec, catch: c } => match handlers.find(spec.resource) {
                    Some(handler) => Kind::Task { spec: spec.clone(), catch: catch(c), handler },
                    None => {
                        if !missing.iter().any(|m| m == spec.resource) {
                            missing.push(spec.resource.to_owned());
                        }
                        continue;
                    }
                },
                spec::Kind::Choice { spec, rules } => Kind::Choice {
                    spec: ChoiceSpec {
                        io: spec.io.clone(),
                        branches: spec.branches.iter().map(|b| ChoiceBranch { next: id(b.next), assign: b.assign.clone(), output: b.output.clone() }).collect(),
                        default: spec.default.map(id),
                        default_assign: spec.default_assign.clone(),
                        name: spec.name.clone(),
                        plain: spec.plain,
                    },
                    rules: rules.clone(),
                },
                spec::Kind::Wait(w) => Kind::Wait(w.clone()),
                spec::Kind::Succeed(io) => Kind::Succeed(io.clone()),
                spec::Kind::Fail(f) => Kind::Fail(f.clone()),
                spec::Kind::Parallel { spec, catch: c, branches } => Kind::Parallel { spec: spec.clone(), catch: catch(c), branches: branches.iter().map(|&b| id(b)).collect() },
                spec::Kind::Map { spec, catch: c, start } => Kind::Map { spec: spec.clone(), catch: catch(c), start: id(*start) },
            };
            defs.push(Def { next: s.next.map(id), kind });
        }
        if !missing.is_empty() {
            return Err(LoadError::MissingHandlers(missing));
        }
        Ok(LoadedMachine { workflow, ids, defs, options })
    }

    /// The lowered workflow this machine runs.
    pub fn workflow(&self) -> &spec::Workflow {
        &self.workflow
    }

    /// The state named `name`.
    pub fn state(&self, name: &str) -> Option<LoadedState> {
        self.workflow.index_of(name).map(|i| self.ids[i as usize])
    }

    /// The execution options every execution of this machine starts with.
    pub fn options(&self) -> &ExecutionOptions {
        &self.options
    }

    /// Runs an execution to its end: the output, or the error and cause it failed with.
    pub fn start(&self, input: Value) -> impl Future<Output = Result<Value, Failure>> + Send + '_ {
        execute(self, input, &self.options, self.workflow.timeout_seconds)
    }

    /// Runs an execution entered at `state` (a top-level state) with `input`.
    pub fn start_at(&self, state: LoadedState, input: Value) -> impl Future<Output = Result<Value, Failure>> + Send + '_ {
        execute_from(self, state, input, &self.options, self.workflow.timeout_seconds)
    }
}

impl Machine for LoadedMachine {
    type State = LoadedState;

    fn start_state(&self) -> LoadedState {
        self.ids[self.workflow.start as usize]
    }

    fn machine_name(&self) -> &str {
        &self.workflow.name
    }

    fn context(&self) -> u8 {
        self.workflow.context
    }

    fn timeout_seconds(&self) -> Option<u64> {
        self.workflow.timeout_seconds
    }

    fn state_named(&self, name: &str) -> Option<LoadedState> {
        self.state(name)
    }

    fn step<'a>(&'a self, state: LoadedState, input: Value, cx: &'a mut Cx) -> impl Future<Output = Step<LoadedState>> + Send + 'a {
        let def = &self.defs[state.index as usize];
        async move {
            match &def.kind {
                Kind::Task { spec, catch, handler } => then_next(task::run(spec, catch, input, cx, |input, ctx| handler.call(input, ctx)), def.next).await,
                Kind::Wait(spec) => output_then_next(wait::run(spec, input, cx), def.next).await,
                Kind::Parallel { spec, catch, branches } => then_next(parallel::run(spec, catch, branches, input, cx, self), def.next).await,
                Kind::Map { spec, catch, start } => then_next(map::run(spec, catch, *start, input, cx, self), def.next).await,
                // The machine loop runs these through `step_now`; here for completeness.
                _ => self.step_now(state, input, cx).unwrap_or_else(|_| Err(Failure::runtime("a waiting state reached the immediate path"))),
            }
        }
    }

    fn step_now(&self, state: LoadedState, input: Value, cx: &mut Cx) -> Result<Step<LoadedState>, Value> {
        let def = &self.defs[state.index as usize];
        Ok(match &def.kind {
            Kind::Pass(spec) => pass::run(spec, input, cx).map(|out| Flow::Done(out).then(def.next)),
            Kind::Choice { spec, rules } => choice::run(spec, input, cx, |env| choice::rule::pick(rules, env)),
            Kind::Succeed(io) => succeed::run(io, input, cx),
            Kind::Fail(spec) => Err(fail::run(spec, &input, cx)),
            Kind::Task { .. } | Kind::Wait(_) | Kind::Parallel { .. } | Kind::Map { .. } => return Err(input),
        })
    }
}
