//! The lowered workflow: what each state needs at run time, with every path, template, rule and
//! expression already parsed.
//!
//! One form serves both ways of running a workflow: `asl-codegen` lowers a checked definition
//! into these values, then either writes them as `static`s of generated code
//! ([`ToRust`](crate::ToRust), feature `tokens`) or hands them, in memory, to the runtime's
//! loader. Either way `asl-runtime` runs the same values through the same functions.
//!
//! Like the syntax trees, the specs hold their strings and lists as [`Str`](crate::Str) and
//! [`List`](crate::List): `'static` borrows in generated code, owned when loaded. The names that
//! runtime APIs hand out as `&'static str` (state names, Task resources) are interned
//! ([`crate::intern`]).

mod catch;
mod choice;
mod dynamic;
mod fail;
mod io;
mod map;
mod parallel;
mod pass;
mod retry;
mod task;
#[cfg(feature = "tokens")]
mod tokens;
mod wait;
mod workflow;

pub use catch::Catcher;
pub use choice::{ChoiceBranch, ChoiceSpec, Compare, Op, Operand, OperandKind, Rule};
pub use dynamic::Dynamic;
pub use fail::{FailSpec, Text};
pub use io::{Io, PathField, ResultPath};
pub use map::{BatcherSpec, Format, Items, MapSpec, OutputType, ReaderSpec, Source, Transformation, WriterSpec};
pub use parallel::ParallelSpec;
pub use pass::PassSpec;
pub use retry::{Jitter, Retrier};
pub use task::TaskSpec;
pub use wait::{WaitFor, WaitSpec};
pub use workflow::{Kind, StateSpec, Workflow};

/// The top-level parts of the context object (`$$`, `$states.context`), as a bit set: a spec
/// records the parts its expressions read, so the runtime builds only those.
pub mod ctx {
    pub const EXECUTION: u8 = 1;
    pub const STATE: u8 = 2;
    pub const STATE_MACHINE: u8 = 4;
    pub const TASK: u8 = 8;
    pub const MAP: u8 = 16;
    pub const ALL: u8 = 31;
}
