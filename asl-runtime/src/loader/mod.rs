//! Workflows loaded at run time: a definition no build has seen (`asl run`, a server's
//! CreateStateMachine) goes through the compiler's own checks and lowering, then runs through
//! the same runtime functions as compiled code, with the same spec values held in memory.
//! Only the dispatch differs: a `match` on the state's lowered kind instead of one generated
//! method per state, and Task handlers found by resource ARN instead of a `Tasks` trait.

mod handlers;
mod machine;

use std::fmt;
use std::sync::Arc;

use asl_codegen::{Diagnostic, Names, SourceFile};
use asl_syntax::spec;
use serde_json::Value;

pub use handlers::{Handler, Handlers};
pub use machine::{LoadedMachine, LoadedState};

use crate::error::Failure;
use crate::execution::ExecutionOptions;

/// A checked and lowered workflow, ready to run with a set of [`Handlers`].
#[derive(Clone, Debug)]
pub struct Workflow {
    spec: Arc<spec::Workflow>,
}

/// How a definition is loaded.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// The state machine's name (`$$.StateMachine.Name`, in ARNs).
    pub name: String,
    /// Where the text came from, for diagnostics (a file name).
    pub label: String,
    /// Accept reads of variables no state assigns, failing at run time as AWS does
    /// (`asl!` refuses them by default).
    pub lenient_variables: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { name: "workflow".into(), label: "definition.json".into(), lenient_variables: false }
    }
}

/// Why a workflow could not be loaded or bound to its handlers.
#[derive(Clone, Debug)]
pub enum LoadError {
    /// The definition is invalid: the compiler's diagnostics, and their rendering (rustc style,
    /// naming the file, line and column).
    Invalid {
        /// Each problem, with where it is.
        diagnostics: Vec<Diagnostic>,
        /// The problems as rustc-style text.
        rendered: String,
    },
    /// Task resources that no handler takes.
    MissingHandlers(Vec<String>),
    /// The definition file could not be read.
    Io(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Invalid { rendered, .. } => f.write_str(rendered.trim_end()),
            LoadError::MissingHandlers(r) => write!(f, "no handler for the Task resource{} {}", if r.len() == 1 { "" } else { "s" }, r.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")),
            LoadError::Io(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for LoadError {}

impl Workflow {
    /// Checks and lowers a definition with the default [`LoadOptions`].
    pub fn from_json(text: &str) -> Result<Workflow, LoadError> {
        Workflow::load(text, &LoadOptions::default())
    }

    /// Checks and lowers a definition: the same checks, diagnostics and lowering as `asl!`.
    pub fn load(text: &str, options: &LoadOptions) -> Result<Workflow, LoadError> {
        let names = Names { module: options.name.clone(), lenient_variables: options.lenient_variables, ..Names::from_path(&options.label) };
        match asl_codegen::load(text, &names) {
            Ok(spec) => Ok(Workflow { spec: Arc::new(spec) }),
            Err(diagnostics) => {
                let rendered = SourceFile { name: &options.label, text }.render(&diagnostics);
                Err(LoadError::Invalid { diagnostics, rendered })
            }
        }
    }

    /// Reads and loads a definition file; the machine is named after the file
    /// (`flows/order.asl.json` → `order`) and diagnostics name the file.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Workflow, LoadError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| LoadError::Io(format!("cannot read {}: {e}", path.display())))?;
        let label = path.display().to_string();
        let name = Names::from_path(&label).module;
        Workflow::load(&text, &LoadOptions { name, label, lenient_variables: false })
    }

    /// The lowered workflow.
    pub fn spec(&self) -> &spec::Workflow {
        &self.spec
    }

    /// The distinct Task resources, in the order their states are listed.
    pub fn resources(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for st in &self.spec.states {
            if let spec::Kind::Task { spec, .. } = &st.kind
                && !out.contains(&spec.resource)
            {
                out.push(spec.resource);
            }
        }
        out
    }

    /// The machine that runs this workflow with `handlers`; refused when a Task resource has
    /// no handler (naming every such resource).
    pub fn machine(&self, handlers: &Handlers, options: ExecutionOptions) -> Result<LoadedMachine, LoadError> {
        LoadedMachine::new(self.spec.clone(), handlers, options)
    }

    /// Runs one execution to its end with default options.
    pub async fn run(&self, input: Value, handlers: &Handlers) -> Result<Value, Failure> {
        let m = self.machine(handlers, ExecutionOptions::default()).map_err(|e| Failure::new(crate::error::names::RUNTIME, e.to_string()))?;
        m.start(input).await
    }
}
