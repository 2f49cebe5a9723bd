//! What the server's Task states call: activities are the engine's own (registered by
//! `Engine::register_definition`); `.waitForTaskToken` integrations hand their token out through
//! the execution's history (the `TaskScheduled` event's parameters) and wait for SendTask*;
//! the HTTP Task makes its call ([`super::http_task`]);
//! every other resource fails the task with an error naming it, since this server has no AWS
//! service behind it.

use asl_runtime::{Failure, Handlers, TaskContext, Value};

pub(crate) fn server_handlers(lambda_endpoint: Option<&str>) -> Handlers {
    let mut h = Handlers::new();
    if let Some(endpoint) = lambda_endpoint {
        // Before the `.waitForTaskToken` catch-all: lambda:invoke.waitForTaskToken invokes, then waits.
        h = h
            .on("arn:aws:lambda:*", super::lambda::function_handler(endpoint.to_string()))
            .on("arn:aws:states:::lambda:invoke", super::lambda::invoke_handler(endpoint.to_string()))
            .on("arn:aws:states:::lambda:invoke.waitForTaskToken", super::lambda::invoke_handler(endpoint.to_string()));
    }
    h = h.on("arn:aws:states:::http:invoke", super::http_task::handler());
    h.on("*.waitForTaskToken", |_input: Value, _ctx: TaskContext| async { Ok(Value::Null) }).fallback(|_input: Value, ctx: TaskContext| async move {
        let lambda = ctx.resource.starts_with("arn:aws:lambda:") || ctx.resource.starts_with("arn:aws:states:::lambda:");
        let how = if lambda {
            "start asl-server with --lambda-endpoint URL (a Lambda-compatible endpoint such as `sam local start-lambda`)"
        } else if ctx.resource.starts_with("arn:aws:states:::http:invoke") {
            "it runs the HTTP task's plain request-response form (arn:aws:states:::http:invoke) only"
        } else {
            "it serves activities (arn:aws:states:…:activity:…), .waitForTaskToken callbacks and, with --lambda-endpoint, Lambda functions; \
             other AWS services are not wired in yet (mock them with a Step Functions Local mock configuration, --mock-config FILE, and StartExecution on <stateMachineArn>#<TestCase>)"
        };
        Err(Failure::new("States.Runtime", format!("asl-server cannot call the Task resource '{}': {how}", ctx.resource)))
    })
}

/// The definition check of CreateStateMachine, UpdateStateMachine and
/// ValidateStateMachineDefinition: the structural check with AWS's codes, then the run-time
/// loader's own checks (the same as `asl check` and `asl!`), each at its JSON pointer.
pub fn loader_definition_check(definition: &str, kind: crate::model::StateMachineType) -> Vec<crate::model::ValidateStateMachineDefinitionDiagnostic> {
    use crate::model::{ValidateStateMachineDefinitionDiagnostic as Diag, ValidateStateMachineDefinitionSeverity as Severity};
    let basic = crate::memory::basic_definition_check(definition, kind);
    if !basic.is_empty() {
        return basic;
    }
    match super::machines::load(definition, "definition") {
        Ok(_) => Vec::new(),
        Err(asl_runtime::LoadError::Invalid { diagnostics, .. }) => diagnostics
            .into_iter()
            .map(|d| Diag {
                severity: Severity::Error,
                code: "SCHEMA_VALIDATION_FAILED".into(),
                message: match d.help {
                    Some(h) => format!("{} (help: {h})", d.message),
                    None => d.message,
                },
                location: Some(if d.pointer.is_empty() { "/".into() } else { d.pointer }),
            })
            .collect(),
        Err(e) => vec![Diag { severity: Severity::Error, code: "SCHEMA_VALIDATION_FAILED".into(), message: e.to_string(), location: None }],
    }
}
