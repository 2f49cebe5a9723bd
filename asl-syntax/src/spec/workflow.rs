//! A whole lowered workflow, as a loaded machine holds it: every scope's states in one list,
//! transitions as indices into it.

use super::{Catcher, ChoiceSpec, FailSpec, Io, MapSpec, ParallelSpec, PassSpec, Rule, TaskSpec, WaitSpec};

#[derive(Clone, Debug)]
pub struct Workflow {
    /// The state machine's name (`$$.StateMachine.Name`, the ARN's last part).
    pub name: String,
    pub comment: Option<String>,
    /// The top-level `TimeoutSeconds`.
    pub timeout_seconds: Option<u64>,
    /// The top-level `StartAt`.
    pub start: u32,
    /// Every state, nested scopes included (names are unique across scopes).
    pub states: Vec<StateSpec>,
    /// The parts of the context object any state reads (a [`ctx`](super::ctx) bit set).
    pub context: u8,
}

impl Workflow {
    /// The index of the state named `name`.
    pub fn index_of(&self, name: &str) -> Option<u32> {
        self.states.iter().position(|s| s.name == name).map(|i| i as u32)
    }
}

#[derive(Clone, Debug)]
pub struct StateSpec {
    /// Interned ([`crate::intern`]).
    pub name: &'static str,
    /// `Pass`, `Task`, …
    pub type_name: &'static str,
    /// The state's output is always its input, already measured against the payload limit
    /// (see `StateId::keeps_input` in the runtime).
    pub keeps_input: bool,
    /// `Next` (an index), or None for `End` and for the states without either.
    pub next: Option<u32>,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Pass(PassSpec),
    Task {
        spec: TaskSpec,
        catch: Vec<Catcher<u32>>,
    },
    /// `rules`: one per branch, in order.
    Choice {
        spec: ChoiceSpec<u32>,
        rules: Vec<Rule>,
    },
    Wait(WaitSpec),
    Succeed(Io),
    Fail(FailSpec),
    /// `branches`: each branch's first state.
    Parallel {
        spec: ParallelSpec,
        catch: Vec<Catcher<u32>>,
        branches: Vec<u32>,
    },
    /// `start`: the item processor's first state.
    Map {
        spec: MapSpec,
        catch: Vec<Catcher<u32>>,
        start: u32,
    },
}

impl Kind {
    /// Whether the state can wait (on a task, a timer or inner scopes); the others run at once.
    pub fn suspends(&self) -> bool {
        matches!(self, Kind::Task { .. } | Kind::Wait(_) | Kind::Parallel { .. } | Kind::Map { .. })
    }
}
