//! TestState: one state run on a given input through the real runtime, as AWS's API defines it.
//!
//! The state is not re-implemented: it is placed in a small machine that the run-time loader
//! loads and the runtime executes, like any execution. Around it:
//! - before it, when `variables` are given, a Pass state assigning them;
//! - after it, each state it can go to (`Next`, `Default`, a Choice rule's or a Catch's `Next`,
//!   or, for an `End` state, a stand-in) is a JSONata Pass state that records the output and
//!   the variables, so that the next state and the variables after the state come out of the run;
//! - its `Retry` is taken off: AWS's TestState does not retry; a failure a retrier would retry is
//!   `RETRIABLE` (with the retrier's index and back-off), as AWS answers.
//!
//! DEBUG's data after each processing step comes from the run's own history (a Task's arguments
//! as scheduled, its result as it succeeded) and from one-state Pass machines that apply the
//! state's InputPath, Parameters, ResultSelector and ResultPath, through the same runtime.

use std::sync::Arc;

use asl_runtime::{ExecutionOptions, Failure, Handlers, History, TaskContext, Value};
use serde_json::{Map, json};

use super::machines::{Place, load};
use super::test_state_map;
use crate::error::{ApiError, ErrorCode};
use crate::model::*;

/// The name of the state under test when the definition is a single state (AWS does not say
/// what `$$.State.Name` reads then; an assumption).
const TESTED: &str = "TestState";
/// The stand-in after an `End` state.
const END: &str = "__TestStateEnd";
const VARIABLES: &str = "__TestStateVariables";

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidDefinition, message)
}

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::ValidationException, message)
}

fn json_member(text: &str, member: &str) -> Result<Value, ApiError> {
    serde_json::from_str(text).map_err(|e| validation(format!("{member} is not valid JSON: {e}")))
}

pub(crate) async fn run(input: TestStateInput, handlers: &Handlers, place: Place) -> Result<TestStateOutput, ApiError> {
    // AWS: "This field may only be specified if a mock is specified in the same request."
    let given = match (&input.context, &input.mock) {
        (None, _) => None,
        (Some(_), None) => return Err(validation("context may only be specified if a mock is specified in the same request")),
        (Some(c), Some(_)) => match json_member(c, "context")? {
            v @ Value::Object(_) => Some(Arc::new(v)),
            _ => return Err(validation("context must be a JSON object (a Context object: Execution, State, StateMachine, Task, Map)")),
        },
    };
    let state_input: Value = match &input.input {
        Some(i) => serde_json::from_str(i).map_err(|e| ApiError::new(ErrorCode::InvalidExecutionInput, format!("Invalid State Machine Execution Input: '{e}'")))?,
        None => json!({}),
    };
    let variables: Map<String, Value> = match &input.variables {
        Some(v) => match json_member(v, "variables")? {
            Value::Object(m) => m,
            _ => return Err(validation("variables must be a JSON object")),
        },
        None => Map::new(),
    };
    let definition: Value = serde_json::from_str(&input.definition).map_err(|e| invalid(format!("Invalid State Machine Definition: 'the definition is not JSON: {e}'")))?;
    let (name, mut state, jsonata) = pick_state(&definition, input.state_name.as_deref())?;
    let kind = state.get("Type").and_then(Value::as_str).unwrap_or_default().to_string();
    let retriers = state.as_object_mut().and_then(|s| s.remove("Retry")).unwrap_or(Value::Null);
    let retry_count = input.state_configuration.as_ref().and_then(|c| c.retrier_retry_count).unwrap_or(0).max(0) as u32;

    let map_run = test_state_map::check(&input, &kind, &state)?;
    // A mocked Map's items (DEBUG's afterItemsPath, the count ToleratedFailurePercentage needs).
    let items = match (&input.mock, kind.as_str()) {
        (Some(_), "Map") => match map_run.reader_items.clone() {
            Some(read) => Some(Value::Array(read)),
            None => map_items(&state, jsonata, &state_input, handlers, &place, given.as_ref()).await,
        },
        _ => None,
    };
    let handlers = match &input.mock {
        Some(mock) => {
            if !matches!(kind.as_str(), "Task" | "Map" | "Parallel") {
                return Err(validation(format!("A mock can only be specified for Task, Map, or Parallel states, and the state is a {kind} state")));
            }
            let exceeded = match map_run.failures {
                Some(n) => test_state_map::tolerance_failure(&state, n, items.as_ref().and_then(Value::as_array).map(Vec::len))?,
                None => None,
            };
            mock_handlers(mock, exceeded)?
        }
        None => {
            // AWS: "TestState only supports ... Parallel, or Map states" when a mock is specified.
            if matches!(kind.as_str(), "Map" | "Parallel") {
                return Err(validation(format!("TestState supports a {kind} state only when a mock is specified")));
            }
            if kind == "Task" {
                let resource = state.get("Resource").and_then(Value::as_str).unwrap_or_default();
                // AWS's TestState refuses these without a mock: nothing would answer within the call.
                if resource.contains(":activity:") || resource.ends_with(".waitForTaskToken") || resource.ends_with(".sync") || resource.ends_with(".sync:2") {
                    return Err(validation(format!("TestState does not support the resource '{resource}' (activities, .sync and .waitForTaskToken) without a mock")));
                }
            }
            handlers.clone()
        }
    };
    // A mocked Map or Parallel runs as a Task around the mock (its branches or iterations do not).
    let original = state.clone();
    let kind = match (&input.mock, kind.as_str()) {
        (Some(_), "Map" | "Parallel") => {
            state = test_state_map::stand_in(&state, &kind);
            "Task".to_string()
        }
        _ => kind,
    };
    if kind == "Wait" {
        // Assumption: TestState answers at once instead of waiting (the wait is the one thing
        // a test of the state's data flow does not need).
        if let Some(s) = state.as_object_mut() {
            for f in ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"] {
                s.remove(f);
            }
            s.insert("Seconds".into(), json!(0));
        }
    }

    let mut assigned: Vec<String> = variables.keys().cloned().collect();
    collect_assigned(&state, &mut assigned);
    let targets = route_to_recorders(&mut state)?;
    if targets.contains(&name) {
        // Its recorder would take its place in the small machine.
        return Err(ApiError::not_wired("TestState", "a state whose Next (or a rule's or a Catch's) is the state itself"));
    }
    let mut states = Map::new();
    states.insert(name.clone(), state.clone());
    for t in &targets {
        states.insert(t.clone(), recorder(&assigned));
    }
    let start = if variables.is_empty() {
        name.clone()
    } else {
        states.insert(VARIABLES.into(), json!({"Type": "Pass", "QueryLanguage": "JSONPath", "Assign": Value::Object(variables.clone()), "Next": name}));
        VARIABLES.to_string()
    };
    let machine = json!({"StartAt": start, "States": states});
    let history = Arc::new(History::new());
    let result = execute(&machine, state_input.clone(), &handlers, &place, given.as_ref(), Some(history.clone())).await?;
    let events = history.events();

    let mut out = TestStateOutput { output: None, error: None, cause: None, inspection_data: None, next_state: None, status: None };
    let mut details = InspectionErrorDetails { catch_index: None, retry_index: None, retry_backoff_interval_seconds: None };
    let mut vars_after = None;
    match result {
        Ok(recorded) => {
            let entered = events.iter().rev().find(|e| e.kind.ends_with("StateEntered") && e.details["name"].as_str().is_some_and(|n| targets.iter().any(|t| t == n)));
            let next = entered.and_then(|e| e.details["name"].as_str()).map(str::to_string);
            out.output = Some(recorded["output"].to_string());
            vars_after = Some(recorded["variables"].clone());
            out.next_state = next.filter(|n| n != END);
            // A failure recorded in the run that ended well was caught by a Catch.
            match events.iter().rev().find(|e| is_failure(e.kind) && e.details.get("error").is_some()) {
                Some(f) => {
                    let error = f.details["error"].as_str().unwrap_or_default().to_string();
                    out.cause = f.details.get("cause").and_then(Value::as_str).map(str::to_string);
                    if let Some((i, backoff)) = retry_of(&retriers, &error, retry_count) {
                        (details.retry_index, details.retry_backoff_interval_seconds) = (Some(i), Some(backoff));
                        out.status = Some(TestExecutionStatus::Retriable);
                        out.output = None;
                        out.next_state = None;
                    } else {
                        details.catch_index = catch_of(&state, &error);
                        out.status = Some(TestExecutionStatus::CaughtError);
                    }
                    out.error = Some(error);
                }
                None => out.status = Some(TestExecutionStatus::Succeeded),
            }
        }
        Err(f) => {
            if let Some((i, backoff)) = retry_of(&retriers, &f.error, retry_count) {
                (details.retry_index, details.retry_backoff_interval_seconds) = (Some(i), Some(backoff));
                out.status = Some(TestExecutionStatus::Retriable);
            } else {
                out.status = Some(TestExecutionStatus::Failed);
            }
            out.error = Some(f.error);
            out.cause = f.cause;
        }
    }

    let level = input.inspection_level.unwrap_or(InspectionLevel::Info);
    if !matches!(level, InspectionLevel::Info) {
        let mut data = inspect(&kind, jsonata, &state, &state_input, &events, &name, &handlers, &place, given.as_ref()).await;
        if original.get("Type").and_then(Value::as_str) == Some("Map") {
            test_state_map::inspect_map(&mut data, &original, items.as_ref());
        }
        data.variables = vars_after.filter(|v| v.as_object().is_some_and(|m| !m.is_empty())).map(|v| v.to_string());
        let http = state.get("Resource").and_then(Value::as_str).is_some_and(|r| r.starts_with("arn:aws:states:::http:invoke"));
        if matches!(level, InspectionLevel::Trace) && http && input.mock.is_none() {
            // The call as made: the arguments as scheduled, the response as the result (or,
            // for a failed call, the failure's cause) carries it.
            let args = events.iter().find(|e| e.kind.ends_with("Scheduled")).and_then(|e| e.details["parameters"].as_str()).and_then(|p| serde_json::from_str::<Value>(p).ok());
            data.request = args.as_ref().and_then(super::http_task::trace_request);
            let answered = events.iter().find(|e| e.kind.ends_with("Succeeded") && e.kind != "ExecutionSucceeded").and_then(|e| e.details["output"].as_str().map(str::to_string));
            let failed = events.iter().find(|e| e.kind.ends_with("Failed") && e.kind != "ExecutionFailed").and_then(|e| e.details["cause"].as_str().map(str::to_string));
            data.response = answered.or(failed).and_then(|t| serde_json::from_str::<Value>(&t).ok()).as_ref().and_then(super::http_task::trace_response);
        }
        if details.catch_index.is_some() || details.retry_index.is_some() {
            data.error_details = Some(details);
        }
        out.inspection_data = Some(data);
    }
    Ok(out)
}

/// The state to test: the definition itself, or with `stateName` the state of that name in a
/// machine definition. Also whether it is JSONata (the state's or the machine's QueryLanguage).
fn pick_state(definition: &Value, state_name: Option<&str>) -> Result<(String, Value, bool), ApiError> {
    let Some(d) = definition.as_object() else { return Err(invalid("Invalid State Machine Definition: 'the definition is not a JSON object'")) };
    let (name, mut state, top) = match state_name {
        Some(n) => {
            let Some(states) = d.get("States").and_then(Value::as_object) else {
                return Err(invalid("Invalid State Machine Definition: 'stateName is given, so the definition must be a state machine with States'"));
            };
            let Some(s) = states.get(n) else { return Err(validation(format!("State '{n}' is not in the definition's States"))) };
            (n.to_string(), s.clone(), d.get("QueryLanguage").cloned())
        }
        None if d.contains_key("States") => return Err(validation("The definition is a state machine: name the state to test with stateName")),
        None => (TESTED.to_string(), definition.clone(), None),
    };
    let Some(s) = state.as_object_mut() else { return Err(invalid("Invalid State Machine Definition: 'the state is not a JSON object'")) };
    if !s.get("Type").is_some_and(Value::is_string) {
        return Err(invalid("Invalid State Machine Definition: 'the state has no Type'"));
    }
    if !s.contains_key("QueryLanguage")
        && let Some(q) = top
    {
        s.insert("QueryLanguage".into(), q);
    }
    let jsonata = s.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata");
    Ok((name, state, jsonata))
}

/// Points every transition of the state at a recorder and answers the recorders' names.
fn route_to_recorders(state: &mut Value) -> Result<Vec<String>, ApiError> {
    let mut targets = Vec::new();
    let s = state.as_object_mut().expect("checked by pick_state");
    let kind = s.get("Type").and_then(Value::as_str).unwrap_or_default().to_string();
    if s.remove("End") == Some(json!(true)) {
        s.insert("Next".into(), json!(END));
    }
    let mut add = |v: Option<&Value>| {
        if let Some(n) = v.and_then(Value::as_str)
            && !targets.iter().any(|t| t == n)
        {
            targets.push(n.to_string());
        }
    };
    add(s.get("Next"));
    add(s.get("Default"));
    for list in ["Choices", "Catch"] {
        for rule in s.get(list).and_then(Value::as_array).into_iter().flatten() {
            add(rule.get("Next"));
        }
    }
    if targets.is_empty() && !matches!(kind.as_str(), "Succeed" | "Fail" | "Choice") {
        return Err(invalid("Invalid State Machine Definition: 'the state has neither Next nor End'"));
    }
    Ok(targets)
}

/// A terminal state recording its input (the tested state's output) and the variables.
fn recorder(variables: &[String]) -> Value {
    // JSONata leaves out an object member whose value is undefined: a variable no one set is absent.
    let members: Vec<String> = variables.iter().map(|v| format!("{}: ${v}", json!(v))).collect();
    json!({"Type": "Pass", "QueryLanguage": "JSONata", "Output": format!("{{% {{'output': $states.input, 'variables': {{{}}}}} %}}", members.join(", ")), "End": true})
}

/// The names the state's `Assign`s (its own, its Choice rules', its Catches') may set.
fn collect_assigned(state: &Value, out: &mut Vec<String>) {
    let mut add = |a: Option<&Value>| {
        for k in a.and_then(Value::as_object).into_iter().flat_map(|m| m.keys()) {
            let k = k.strip_suffix(".$").unwrap_or(k).to_string();
            if !out.contains(&k) {
                out.push(k);
            }
        }
    };
    add(state.get("Assign"));
    for list in ["Choices", "Catch"] {
        for rule in state.get(list).and_then(Value::as_array).into_iter().flatten() {
            add(rule.get("Assign"));
        }
    }
}

/// What answers the state under test: the mock, or `exceeded` (a mocked Map whose failed
/// iterations pass its tolerance).
fn mock_handlers(mock: &MockInput, exceeded: Option<Failure>) -> Result<Handlers, ApiError> {
    let failing = |f: Failure| {
        Handlers::new().fallback(move |_: Value, _: TaskContext| {
            let f = f.clone();
            async move { Err(f) }
        })
    };
    match (&mock.result, &mock.error_output) {
        (Some(r), None) => {
            let result = json_member(r, "mock.result")?;
            if let Some(f) = exceeded {
                return Ok(failing(f));
            }
            Ok(Handlers::new().fallback(move |_: Value, _: TaskContext| {
                let r = result.clone();
                async move { Ok(r) }
            }))
        }
        (None, Some(e)) => Ok(failing(Failure { error: e.error.clone().unwrap_or_default(), cause: e.cause.clone() })),
        _ => Err(validation("mock must have exactly one of result and errorOutput")),
    }
}

/// A Map's items as its ItemsPath (JSONPath, after InputPath) or Items (JSONata) selects them
/// from the input; `None` when they are not an array (or read variables TestState does not set
/// here).
async fn map_items(state: &Value, jsonata: bool, input: &Value, handlers: &Handlers, place: &Place, given: Option<&Arc<Value>>) -> Option<Value> {
    let machine = if jsonata {
        let items = state.get("Items").cloned().unwrap_or(json!("{% $states.input %}"));
        json!({"StartAt": "Items", "States": {"Items": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": items, "End": true}}})
    } else {
        let mut first = json!({"Type": "Pass", "Next": "Items"});
        if let Some(p) = state.get("InputPath") {
            first["InputPath"] = p.clone();
        }
        let items = json!({"Type": "Pass", "InputPath": state.get("ItemsPath").cloned().unwrap_or(json!("$")), "End": true});
        json!({"StartAt": "Input", "States": {"Input": first, "Items": items}})
    };
    match execute(&machine, input.clone(), handlers, place, given, None).await {
        Ok(Ok(v)) if v.is_array() => Some(v),
        _ => None,
    }
}

/// Runs `machine`; `given` is the request's `context` (its fields replace the runtime's in `$$`).
async fn execute(machine: &Value, input: Value, handlers: &Handlers, place: &Place, given: Option<&Arc<Value>>, history: Option<Arc<History>>) -> Result<Result<Value, Failure>, ApiError> {
    let text = machine.to_string();
    let wf = load(&text, "TestState").map_err(|e| invalid(format!("Invalid State Machine Definition: '{e}'")))?;
    let mut options = ExecutionOptions { name: Some(crate::ids::new_id()), observer: history.map(|h| h as Arc<dyn asl_runtime::Observer>), context: given.cloned(), ..Default::default() };
    place.apply(&mut options);
    let m = wf.machine(handlers, options.clone()).map_err(|e| invalid(format!("Invalid State Machine Definition: '{e}'")))?;
    Ok(asl_runtime::Execute::execute(&m, input, options).await)
}

fn is_failure(kind: &str) -> bool {
    kind != "ExecutionFailed" && (kind.ends_with("Failed") || kind.ends_with("TimedOut"))
}

/// Whether an `ErrorEquals` list matches `error`, by AWS's rules: `States.ALL` matches any error
/// but `States.Runtime` and `States.DataLimitExceeded`; `States.TaskFailed` any but those and
/// `States.Timeout`.
fn matches(errors: &Value, error: &str) -> bool {
    errors.as_array().into_iter().flatten().filter_map(Value::as_str).any(|e| match e {
        "States.ALL" => !matches!(error, "States.Runtime" | "States.DataLimitExceeded"),
        "States.TaskFailed" => !matches!(error, "States.Runtime" | "States.DataLimitExceeded" | "States.Timeout"),
        e => e == error,
    })
}

/// The retrier that would retry `error` on attempt `count` + 1, and its back-off in seconds.
fn retry_of(retriers: &Value, error: &str, count: u32) -> Option<(i32, i32)> {
    let (i, r) = retriers.as_array()?.iter().enumerate().find(|(_, r)| matches(&r["ErrorEquals"], error))?;
    let max = r.get("MaxAttempts").and_then(Value::as_u64).unwrap_or(3);
    if u64::from(count) >= max {
        return None;
    }
    let interval = r.get("IntervalSeconds").and_then(Value::as_f64).unwrap_or(1.0);
    let rate = r.get("BackoffRate").and_then(Value::as_f64).unwrap_or(2.0);
    let mut delay = interval * rate.powi(count as i32);
    if let Some(cap) = r.get("MaxDelaySeconds").and_then(Value::as_f64) {
        delay = delay.min(cap);
    }
    Some((i as i32, delay.round() as i32))
}

fn catch_of(state: &Value, error: &str) -> Option<i32> {
    state.get("Catch")?.as_array()?.iter().position(|c| matches(&c["ErrorEquals"], error)).map(|i| i as i32)
}

/// DEBUG's data after each step of the state's data flow.
#[allow(clippy::too_many_arguments)]
async fn inspect(kind: &str, jsonata: bool, state: &Value, input: &Value, events: &[asl_runtime::Event], name: &str, handlers: &Handlers, place: &Place, given: Option<&Arc<Value>>) -> InspectionData {
    let mut d = InspectionData {
        input: Some(input.to_string()),
        after_arguments: None,
        after_input_path: None,
        after_parameters: None,
        result: None,
        after_result_selector: None,
        after_result_path: None,
        request: None,
        response: None,
        variables: None,
        error_details: None,
        after_items_path: None,
        after_item_selector: None,
        after_item_batcher: None,
        after_items_pointer: None,
        tolerated_failure_count: None,
        tolerated_failure_percentage: None,
        max_concurrency: None,
    };
    // What the Task was called with and what it answered, as the run recorded them.
    let scheduled = events.iter().find(|e| e.kind.ends_with("Scheduled")).and_then(|e| e.details["parameters"].as_str()).map(str::to_string);
    let succeeded = events.iter().find(|e| e.kind.ends_with("Succeeded") && e.kind != "ExecutionSucceeded").and_then(|e| e.details["output"].as_str()).map(str::to_string);
    if jsonata {
        d.after_arguments = scheduled;
        d.result = succeeded;
        return d;
    }
    let field = |f: &str| state.get(f).cloned();
    let pass = |extra: Value| {
        let mut s = json!({"Type": "Pass", "QueryLanguage": "JSONPath", "End": true});
        if let (Some(s), Some(e)) = (s.as_object_mut(), extra.as_object()) {
            s.extend(e.clone());
        }
        json!({"StartAt": name, "States": {name: s}})
    };
    let step = |extra: Value, on: Value| {
        let m = pass(extra);
        async move {
            match execute(&m, on, handlers, place, given, None).await {
                Ok(Ok(v)) => Some(v),
                _ => None,
            }
        }
    };
    let with = |pairs: &[(&str, Option<Value>)]| Value::Object(pairs.iter().filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v))).collect());
    let after_input = step(with(&[("InputPath", field("InputPath"))]), input.clone()).await;
    d.after_input_path = after_input.as_ref().map(Value::to_string);
    if !matches!(kind, "Task" | "Pass" | "Map" | "Parallel") {
        return d;
    }
    let params = step(with(&[("InputPath", field("InputPath")), ("Parameters", field("Parameters"))]), input.clone()).await;
    d.after_parameters = match kind {
        "Task" => scheduled.or(params.as_ref().map(Value::to_string)),
        _ => params.as_ref().map(Value::to_string),
    };
    let result = match kind {
        "Task" => succeeded.and_then(|s| serde_json::from_str::<Value>(&s).ok()),
        "Pass" => field("Result").or(params),
        _ => None,
    };
    let Some(result) = result else { return d };
    d.result = Some(result.to_string());
    let selected = match field("ResultSelector") {
        Some(sel) => step(json!({"Parameters": sel}), result).await,
        None => Some(result),
    };
    d.after_result_selector = selected.as_ref().map(Value::to_string);
    if let Some(sel) = selected {
        d.after_result_path = step(with(&[("Result", Some(sel)), ("ResultPath", field("ResultPath"))]), input.clone()).await.map(|v| v.to_string());
    }
    d
}
