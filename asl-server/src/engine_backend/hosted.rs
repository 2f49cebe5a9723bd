//! What a host program serves beside the API's own machines: compiled (`asl!`) state machines
//! and Rust task handlers ([`Server::builder`](crate::Server::builder)`.machine(…)` and
//! `.handler(…)`).
//!
//! A compiled machine is saved as a state machine of the given name and definition (created,
//! or updated when the definition changed since the last run), so the whole API sees it; its
//! executions run the compiled code on the engine, durably, whenever they run the revision
//! whose definition is the compiled one. A revision made by UpdateStateMachine runs loaded.

use std::collections::HashMap;
use std::sync::Arc;

use asl_runtime::{Execute, Handler};

/// A compiled machine and the definition it was compiled from.
#[derive(Clone)]
pub struct Compiled {
    pub name: String,
    pub definition: String,
    pub machine: Arc<dyn Execute>,
}

/// Compiled machines and task handlers a host adds to [`EngineBackend`](super::EngineBackend).
#[derive(Clone, Default)]
pub struct Hosted {
    pub machines: Vec<Compiled>,
    /// Task resources (an ARN, or a pattern with `*`) served by Rust functions, before the
    /// server's own handlers: for the definitions loaded at run time.
    pub handlers: Vec<(String, Arc<dyn Handler>)>,
}

/// Compiled machines by state machine ARN.
pub(crate) type CompiledByArn = Arc<HashMap<String, Compiled>>;

/// The compiled machine for this machine and definition, if any.
pub(crate) fn compiled_for(compiled: &CompiledByArn, machine_arn: &str, definition: &str) -> Option<Arc<dyn Execute>> {
    compiled.get(machine_arn).filter(|c| c.definition == definition).map(|c| c.machine.clone())
}
