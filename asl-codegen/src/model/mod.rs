//! The typed ASL model: every field of every state type, with expressions already parsed.
//!
//! Built from the spanned JSON by [`parse`](crate::parse); every node keeps the span and JSON
//! pointer it came from so later checks can point at it.

mod choice;
mod errors;

pub use choice::{ChoiceBranch, Compare, Op, Operand, OperandKind, Rule};
pub use errors::{Catcher, Jitter, Retrier};

use asl_syntax::template::Template;

use crate::json::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

/// Where a name was written: its text, span and JSON pointer.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
    pub pointer: String,
}

/// A whole workflow.
#[derive(Clone, Debug)]
pub struct Machine {
    pub comment: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub query_language: QueryLanguage,
    pub scope: Scope,
}

/// A set of states with a start: the top level, a Parallel branch or a Map processor.
/// Transitions never leave the scope they are written in.
#[derive(Clone, Debug)]
pub struct Scope {
    pub start_at: Located<String>,
    pub states: Vec<State>,
    pub comment: Option<String>,
    /// JSON pointer of the scope object (`` for the top level).
    pub pointer: String,
}

#[derive(Clone, Debug)]
pub struct State {
    pub name: String,
    pub name_span: Span,
    /// `/States/<name>` (nested: `/States/P/Branches/0/States/<name>`).
    pub pointer: String,
    pub comment: Option<String>,
    pub query_language: QueryLanguage,
    /// `Next` (Some) or `End: true` (None) for the states that take one; None for Choice,
    /// Succeed and Fail.
    pub next: Option<Located<String>>,
    pub io: Io,
    pub assign: Option<Template>,
    pub kind: Kind,
}

/// The data-flow fields. JSONPath states use the path fields; JSONata states use `output`.
#[derive(Clone, Debug, Default)]
pub struct Io {
    pub input_path: PathField,
    pub output_path: PathField,
    pub result_path: ResultPath,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata).
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    /// JSONata `Output`.
    pub output: Option<Template>,
}

pub use asl_syntax::spec::{Dynamic, PathField, ResultPath};

#[derive(Clone, Debug)]
pub enum Kind {
    Pass(Pass),
    Task(Task),
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Parallel),
    Map(Map),
}

impl Kind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Pass(_) => "Pass",
            Kind::Task(_) => "Task",
            Kind::Choice(_) => "Choice",
            Kind::Wait(_) => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail(_) => "Fail",
            Kind::Parallel(_) => "Parallel",
            Kind::Map(_) => "Map",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Pass {
    /// `Result`: a static value (paths inside are not evaluated).
    pub result: Option<serde_json::Value>,
}

#[derive(Clone, Debug)]
pub struct Task {
    pub resource: Located<String>,
    pub timeout_seconds: Option<Dynamic<u64>>,
    pub heartbeat_seconds: Option<Dynamic<u64>>,
    pub credentials: Option<Template>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
}

#[derive(Clone, Debug)]
pub struct Choice {
    pub choices: Vec<ChoiceBranch>,
    pub default: Option<Located<String>>,
}

/// How long a Wait state waits: the runtime's own type.
pub use asl_syntax::spec::WaitFor as Wait;

/// `Error`/`ErrorPath` and `Cause`/`CausePath`: the runtime's own texts.
#[derive(Clone, Debug)]
pub struct Fail {
    pub error: Option<asl_syntax::spec::Text>,
    pub cause: Option<asl_syntax::spec::Text>,
}

#[derive(Clone, Debug)]
pub struct Parallel {
    pub branches: Vec<Scope>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapMode {
    Inline,
    Distributed,
}

#[derive(Clone, Debug)]
pub struct Map {
    pub processor: Scope,
    pub mode: MapMode,
    /// `ItemsPath` (JSONPath) or `Items` (JSONata, or an array, whose `{% %}` strings at any
    /// depth are evaluated).
    pub items: asl_syntax::spec::Items,
    /// `ItemSelector` (or the older `Parameters`).
    pub item_selector: Option<Template>,
    pub max_concurrency: Option<Dynamic<u64>>,
    pub tolerated_failure_count: Option<Dynamic<u64>>,
    pub tolerated_failure_percentage: Option<Dynamic<f64>>,
    /// Distributed mode: where the items come from (instead of the input).
    pub item_reader: Option<ItemReader>,
    pub item_batcher: Option<ItemBatcher>,
    pub result_writer: Option<ResultWriter>,
    pub label: Option<String>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
}

/// `ItemReader`, `ItemBatcher`, `ResultWriter` and their settings: the runtime's own types.
pub use asl_syntax::spec::{BatcherSpec as ItemBatcher, Format as InputFormat, OutputType, ReaderSpec as ItemReader, Source as ReaderSource, Transformation, WriterSpec as ResultWriter};

impl State {
    /// The states this state can move to, with where each transition is written.
    pub fn targets(&self) -> Vec<&Located<String>> {
        let mut out: Vec<&Located<String>> = self.next.iter().collect();
        match &self.kind {
            Kind::Choice(c) => {
                out.extend(c.choices.iter().map(|b| &b.next));
                out.extend(c.default.iter());
            }
            Kind::Task(Task { catch, .. }) | Kind::Parallel(Parallel { catch, .. }) | Kind::Map(Map { catch, .. }) => {
                out.extend(catch.iter().map(|c| &c.next));
            }
            _ => {}
        }
        out
    }

    /// Nested scopes (Parallel branches, Map processor).
    pub fn scopes(&self) -> Vec<&Scope> {
        match &self.kind {
            Kind::Parallel(p) => p.branches.iter().collect(),
            Kind::Map(m) => vec![&m.processor],
            _ => vec![],
        }
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self.kind, Kind::Succeed | Kind::Fail(_)) || (self.next.is_none() && !matches!(self.kind, Kind::Choice(_)))
    }
}
