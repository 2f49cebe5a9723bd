//! A state machine's definition loaded for the engine: named after the machine (for
//! `$$.StateMachine`), and run in the server's region and account with the machine's role (for
//! `$$.Execution.Id` and `$$.Execution.RoleArn`), which the engine's own
//! `register_definition` leaves at the runtime's defaults.

use std::sync::Arc;

use asl_engine::Engine;
use asl_runtime::{BoxFuture, Execute, ExecutionOptions, Failure, Handlers, LoadError, LoadOptions, Value, Workflow};

/// How the server loads definitions: AWS accepts a read of a variable no state assigns (it
/// fails when run), so the loader does too.
pub(crate) fn load_options(name: &str) -> LoadOptions {
    LoadOptions { name: name.to_string(), label: "definition".into(), lenient_variables: true }
}

pub(crate) fn load(definition: &str, name: &str) -> Result<Workflow, LoadError> {
    Workflow::load(definition, &load_options(name))
}

/// Where an execution runs: ARNs and role in its context object.
#[derive(Clone)]
pub(crate) struct Place {
    pub region: String,
    pub account: String,
    pub role_arn: String,
}

impl Place {
    pub(crate) fn apply(&self, options: &mut ExecutionOptions) {
        options.region = self.region.clone();
        options.account = self.account.clone();
        options.role_arn = Some(self.role_arn.clone());
    }
}

pub(crate) struct Placed {
    pub machine: Arc<dyn Execute>,
    pub place: Place,
}

impl Execute for Placed {
    fn execute(&self, input: Value, mut options: ExecutionOptions) -> BoxFuture<'_, Result<Value, Failure>> {
        self.place.apply(&mut options);
        self.machine.execute(input, options)
    }
    fn execution_timeout(&self) -> Option<std::time::Duration> {
        self.machine.execution_timeout()
    }
}

/// Loads `definition` and registers it with the engine under `machine_arn`; activity resources
/// go to the engine's activity handler, the rest to `handlers`.
pub(crate) fn register(engine: &Engine, machine_arn: &str, name: &str, definition: &str, handlers: &Handlers, place: Place) -> Result<(), String> {
    let handlers = handlers.clone().on("arn:aws:states:*:*:activity:*", engine.activity_handler());
    engine.register(machine_arn, placed(definition, name, &handlers, place)?);
    Ok(())
}

/// Loads `definition` as the machine an execution runs (`handlers` must route activities).
pub(crate) fn placed(definition: &str, name: &str, handlers: &Handlers, place: Place) -> Result<Arc<dyn Execute>, String> {
    let wf = load(definition, name).map_err(|e| e.to_string())?;
    let machine = wf.machine(handlers, ExecutionOptions::default()).map_err(|e| e.to_string())?;
    Ok(Arc::new(Placed { machine: Arc::new(machine), place }))
}
