//! TestState's mocked Map and Parallel states and the `stateConfiguration` fields that go with
//! them (AWS: "A mock can only be specified for Task, Map, or Parallel states").
//!
//! The mock answers the whole state: its branches or iterations do not run. The state is run
//! as a Task state with its own data flow around the mock (InputPath, a Parallel's Parameters,
//! ResultSelector, ResultPath, OutputPath, Output, Assign, Catch), so statuses, next state and
//! DEBUG data come out as for a mocked Task.
//! - `mapIterationFailureCount` (Map only): that many iterations failed; beyond the state's
//!   ToleratedFailureCount / ToleratedFailurePercentage (none given: no failure tolerated) the
//!   state fails with `States.ExceedToleratedFailureThreshold` instead of answering the mock.
//! - `mapItemReaderData` (a Map with an ItemReader): the items' source text, read as the
//!   ItemReader's ReaderConfig says (JSON, JSONL, CSV, by the runtime's readers); the item count
//!   for ToleratedFailurePercentage, and DEBUG's afterItemsPath. S3 listings (no InputType)
//!   answer `NotImplemented`.
//! - `errorCausedByState` (with `mock.errorOutput`, Map or Parallel): must name a state inside
//!   the state's branches or item processor; it names where the mocked error came from, and
//!   the answer is the same whichever it names (an assumption: AWS's reference says no more).

use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::model::{InspectionData, TestStateConfiguration, TestStateInput};

/// The resource the stand-in Task calls (answered by the mock's handlers).
const MOCKED: &str = "arn:aws:states:::testState:mocked";

/// Fields of a Map or Parallel state that its stand-in Task keeps.
const KEPT: &[&str] = &["Comment", "QueryLanguage", "InputPath", "OutputPath", "ResultPath", "ResultSelector", "Output", "Assign", "Catch", "Next", "End"];

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::new(crate::error::ErrorCode::ValidationException, message)
}

/// What the configuration asks of a mocked Map (checked against the state).
#[derive(Default)]
pub(crate) struct MapRun {
    /// Items read by the ItemReader (`mapItemReaderData`).
    pub reader_items: Option<Vec<Value>>,
    /// Failed iterations (`mapIterationFailureCount`).
    pub failures: Option<u64>,
}

/// Checks `stateConfiguration` against the state under test and the mock: each field applies
/// to the states AWS names for it, or the request is refused.
pub(crate) fn check(input: &TestStateInput, kind: &str, state: &Value) -> Result<MapRun, ApiError> {
    let Some(c) = &input.state_configuration else { return Ok(MapRun::default()) };
    let TestStateConfiguration { error_caused_by_state, map_iteration_failure_count, map_item_reader_data, .. } = c;
    let mocked = input.mock.is_some();
    if let Some(source) = error_caused_by_state {
        if !matches!(kind, "Map" | "Parallel") || input.mock.as_ref().is_none_or(|m| m.error_output.is_none()) {
            return Err(validation("stateConfiguration.errorCausedByState applies to a Map or Parallel state with mock.errorOutput"));
        }
        if !inner_states(state).iter().any(|n| n == source) {
            return Err(validation(format!("stateConfiguration.errorCausedByState: '{source}' is not a state of the {kind} state's branches or item processor")));
        }
    }
    let mut run = MapRun::default();
    if let Some(n) = map_iteration_failure_count {
        if kind != "Map" || !mocked {
            return Err(validation("stateConfiguration.mapIterationFailureCount applies to a Map state with a mock"));
        }
        run.failures = Some((*n).max(0) as u64);
    }
    if let Some(data) = map_item_reader_data {
        let Some(reader) = state.get("ItemReader") else {
            return Err(validation("stateConfiguration.mapItemReaderData applies to a Map state with an ItemReader"));
        };
        if !mocked {
            return Err(validation("stateConfiguration.mapItemReaderData applies to a Map state with a mock"));
        }
        run.reader_items = Some(read_items(reader, data)?);
    }
    Ok(run)
}

/// The items of `data` as the reader reads them (its ReaderConfig: InputType, ItemsPointer,
/// CSV headers and delimiter, a literal MaxItems), with the runtime's own parsers.
fn read_items(reader: &Value, data: &str) -> Result<Vec<Value>, ApiError> {
    use asl_runtime::items::{parse_csv, parse_json, parse_jsonl};
    let config = reader.get("ReaderConfig").cloned().unwrap_or(Value::Null);
    let text = |f: &str| config.get(f).and_then(Value::as_str);
    let max = config.get("MaxItems").and_then(Value::as_u64).filter(|n| *n > 0).map(|n| n as usize);
    let kind = text("InputType").unwrap_or("");
    let items = match kind {
        "JSON" => parse_json(data, text("ItemsPointer"), max),
        "JSONL" => parse_jsonl(data, max),
        "CSV" => {
            let delimiter = match text("CSVDelimiter").unwrap_or("COMMA") {
                "COMMA" => b',',
                "PIPE" => b'|',
                "SEMICOLON" => b';',
                "SPACE" => b' ',
                "TAB" => b'\t',
                other => return Err(validation(format!("unknown CSVDelimiter '{other}'"))),
            };
            let headers: Option<Vec<&str>> = match text("CSVHeaderLocation") {
                Some("GIVEN") => Some(config.get("CSVHeaders").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect()),
                _ => None,
            };
            parse_csv(data, delimiter, headers.as_deref(), max)
        }
        _ => return Err(ApiError::not_wired("TestState", "stateConfiguration.mapItemReaderData for an ItemReader without ReaderConfig.InputType (an S3 listing); JSON, JSONL and CSV are read")),
    };
    items.map_err(|e| validation(format!("stateConfiguration.mapItemReaderData: {e}")))
}

/// The names of every state inside a Map's item processor or a Parallel's branches, nested
/// ones included.
fn inner_states(state: &Value) -> Vec<String> {
    fn walk(states: &Value, out: &mut Vec<String>) {
        for (name, s) in states.as_object().into_iter().flatten() {
            out.push(name.clone());
            out.extend(inner_states(s));
        }
    }
    let mut out = Vec::new();
    for p in ["ItemProcessor", "Iterator"] {
        if let Some(states) = state.get(p).and_then(|p| p.get("States")) {
            walk(states, &mut out);
        }
    }
    for b in state.get("Branches").and_then(Value::as_array).into_iter().flatten() {
        if let Some(states) = b.get("States") {
            walk(states, &mut out);
        }
    }
    out
}

/// The Task that stands for a mocked Map or Parallel state.
pub(crate) fn stand_in(state: &Value, kind: &str) -> Value {
    let mut t: Map<String, Value> = state.as_object().into_iter().flatten().filter(|(k, _)| KEPT.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    // A Parallel's Parameters (Arguments in JSONata) are its branches' input: the call's here.
    // A Map's are per item (its ItemSelector), so they have no place in the one call.
    if kind == "Parallel" {
        for f in ["Parameters", "Arguments"] {
            if let Some(v) = state.get(f) {
                t.insert(f.into(), v.clone());
            }
        }
    }
    t.insert("Type".into(), json!("Task"));
    t.insert("Resource".into(), json!(MOCKED));
    Value::Object(t)
}

/// The failure a mocked Map gives when its failed iterations pass its tolerance, if they do.
/// `items` is how many items it had (needed for ToleratedFailurePercentage).
pub(crate) fn tolerance_failure(state: &Value, failures: u64, items: Option<usize>) -> Result<Option<asl_runtime::Failure>, ApiError> {
    for f in ["ToleratedFailureCountPath", "ToleratedFailurePercentagePath"] {
        if state.get(f).is_some() {
            return Err(ApiError::not_wired("TestState", &format!("stateConfiguration.mapIterationFailureCount with {f} (literal ToleratedFailureCount and ToleratedFailurePercentage are read)")));
        }
    }
    let count = state.get("ToleratedFailureCount").and_then(Value::as_u64);
    let percentage = state.get("ToleratedFailurePercentage").and_then(Value::as_f64);
    let over_count = count.map(|c| failures > c);
    let over_percentage = match (percentage, items) {
        (None, _) => None,
        (Some(p), Some(n)) => Some(n > 0 && failures as f64 * 100.0 / n as f64 > p),
        (Some(_), None) => {
            return Err(validation("stateConfiguration.mapIterationFailureCount with ToleratedFailurePercentage needs the items: an ItemsPath or Items the input has, or mapItemReaderData"));
        }
    };
    let exceeded = match (over_count, over_percentage) {
        (None, None) => failures > 0,
        (a, b) => a.unwrap_or(false) || b.unwrap_or(false),
    };
    Ok(exceeded.then(|| asl_runtime::Failure::new("States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded")))
}

/// DEBUG's Map fields: the definition's tolerances and concurrency, and the items.
pub(crate) fn inspect_map(d: &mut InspectionData, state: &Value, items: Option<&Value>) {
    d.tolerated_failure_count = state.get("ToleratedFailureCount").and_then(Value::as_i64).map(|n| n as i32);
    d.tolerated_failure_percentage = state.get("ToleratedFailurePercentage").and_then(Value::as_f64);
    d.max_concurrency = state.get("MaxConcurrency").and_then(Value::as_i64).map(|n| n as i32);
    d.after_items_path = items.map(Value::to_string);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerances_follow_aws_rules() {
        let none = json!({});
        assert!(tolerance_failure(&none, 0, None).unwrap().is_none());
        assert_eq!(tolerance_failure(&none, 1, None).unwrap().unwrap().error, "States.ExceedToleratedFailureThreshold");
        let count = json!({"ToleratedFailureCount": 2});
        assert!(tolerance_failure(&count, 2, None).unwrap().is_none());
        assert!(tolerance_failure(&count, 3, None).unwrap().is_some());
        let pct = json!({"ToleratedFailurePercentage": 50});
        assert!(tolerance_failure(&pct, 2, Some(4)).unwrap().is_none());
        assert!(tolerance_failure(&pct, 3, Some(4)).unwrap().is_some());
        assert!(tolerance_failure(&pct, 1, None).is_err());
        // Either threshold breached fails it.
        let both = json!({"ToleratedFailureCount": 10, "ToleratedFailurePercentage": 25});
        assert!(tolerance_failure(&both, 2, Some(4)).unwrap().is_some());
        assert!(tolerance_failure(&json!({"ToleratedFailureCountPath": "$.n"}), 1, None).is_err());
    }

    #[test]
    fn inner_states_are_found_at_any_depth() {
        let map = json!({"Type": "Map", "ItemProcessor": {"States": {"A": {"Type": "Parallel", "Branches": [{"States": {"B": {}}}]}}}});
        assert_eq!(inner_states(&map), ["A", "B"]);
        let t = stand_in(&json!({"Type": "Parallel", "Parameters": {"x": 1}, "Branches": [], "ResultPath": "$.r", "Next": "N"}), "Parallel");
        assert_eq!(t, json!({"Type": "Task", "Resource": MOCKED, "Parameters": {"x": 1}, "ResultPath": "$.r", "Next": "N"}));
        let t = stand_in(&json!({"Type": "Map", "ItemsPath": "$.xs", "Parameters": {"x": 1}, "ItemProcessor": {}, "End": true}), "Map");
        assert_eq!(t, json!({"Type": "Task", "Resource": MOCKED, "End": true}));
    }

    #[test]
    fn reader_data_is_read_as_json_or_jsonl() {
        let json_reader = json!({"ReaderConfig": {"InputType": "JSON"}});
        assert_eq!(read_items(&json_reader, "[1,2]").unwrap(), [json!(1), json!(2)]);
        assert!(read_items(&json_reader, "{}").is_err());
        let pointed = json!({"ReaderConfig": {"InputType": "JSON", "ItemsPointer": "/rows", "MaxItems": 1}});
        assert_eq!(read_items(&pointed, r#"{"rows":[1,2]}"#).unwrap(), [json!(1)]);
        let jsonl = json!({"ReaderConfig": {"InputType": "JSONL"}});
        assert_eq!(read_items(&jsonl, "{\"a\":1}\n\n{\"a\":2}\n").unwrap().len(), 2);
        let csv = json!({"ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}});
        assert_eq!(read_items(&csv, "id,name\n1,a\n2,b\n").unwrap(), [json!({"id": "1", "name": "a"}), json!({"id": "2", "name": "b"})]);
        let given = json!({"ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["x"], "CSVDelimiter": "PIPE"}});
        assert_eq!(read_items(&given, "1\n2\n").unwrap(), [json!({"x": "1"}), json!({"x": "2"})]);
        assert!(read_items(&json!({}), "[]").is_err());
    }
}
