//! Between the engine's records and AWS's shapes: execution statuses and descriptions, history
//! events with their per-type `…EventDetails` member, and the engine's errors as AWS's codes.

use asl_engine::EngineError;
use asl_engine::store::{self, StoreError};
use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ErrorCode};
use crate::model::*;

pub(crate) fn timestamp(ms: store::Millis) -> Timestamp {
    Timestamp(ms as f64 / 1000.0)
}

pub(crate) fn status(s: store::ExecutionStatus) -> ExecutionStatus {
    match s {
        store::ExecutionStatus::Running => ExecutionStatus::Running,
        store::ExecutionStatus::Succeeded => ExecutionStatus::Succeeded,
        store::ExecutionStatus::Failed => ExecutionStatus::Failed,
        store::ExecutionStatus::TimedOut => ExecutionStatus::TimedOut,
        store::ExecutionStatus::Aborted => ExecutionStatus::Aborted,
        store::ExecutionStatus::PendingRedrive => ExecutionStatus::PendingRedrive,
    }
}

pub(crate) fn store_status(s: ExecutionStatus) -> store::ExecutionStatus {
    match s {
        ExecutionStatus::Running => store::ExecutionStatus::Running,
        ExecutionStatus::Succeeded => store::ExecutionStatus::Succeeded,
        ExecutionStatus::Failed => store::ExecutionStatus::Failed,
        ExecutionStatus::TimedOut => store::ExecutionStatus::TimedOut,
        ExecutionStatus::Aborted => store::ExecutionStatus::Aborted,
        ExecutionStatus::PendingRedrive => store::ExecutionStatus::PendingRedrive,
    }
}

/// DescribeExecution's answer; `redrive` is the engine's `redriveStatus` of it.
fn run_key(e: &store::Execution) -> Option<super::RunKey> {
    e.runs.as_deref().and_then(super::RunKey::decode)
}

pub(crate) fn describe(e: &store::Execution, redrive: Option<asl_engine::RedriveStatus>) -> DescribeExecutionOutput {
    DescribeExecutionOutput {
        execution_arn: e.arn.clone(),
        state_machine_arn: e.machine_arn.clone(),
        name: Some(e.name.clone()),
        status: status(e.status),
        start_date: timestamp(e.start_date),
        stop_date: e.stop_date.map(timestamp),
        input: Some(e.input.to_string()),
        input_details: Some(CloudWatchEventsExecutionDataDetails { included: Some(true) }),
        output: e.output.as_ref().map(Value::to_string),
        output_details: e.output.as_ref().map(|_| CloudWatchEventsExecutionDataDetails { included: Some(true) }),
        trace_header: None,
        map_run_arn: None,
        error: e.error.clone(),
        cause: e.cause.clone(),
        state_machine_version_arn: run_key(e).and_then(|k| k.version_arn),
        state_machine_alias_arn: run_key(e).and_then(|k| k.alias_arn),
        redrive_count: Some(e.redrive_count as i32),
        redrive_date: e.redrive_date.map(timestamp),
        redrive_status: redrive.as_ref().map(|r| match r {
            asl_engine::RedriveStatus::Redrivable => ExecutionRedriveStatus::Redrivable,
            asl_engine::RedriveStatus::NotRedrivable(_) => ExecutionRedriveStatus::NotRedrivable,
        }),
        redrive_status_reason: redrive.as_ref().and_then(|r| r.reason().map(str::to_string)),
    }
}

pub(crate) fn list_item(e: &store::Execution) -> ExecutionListItem {
    ExecutionListItem {
        execution_arn: e.arn.clone(),
        state_machine_arn: e.machine_arn.clone(),
        name: e.name.clone(),
        status: status(e.status),
        start_date: timestamp(e.start_date),
        stop_date: e.stop_date.map(timestamp),
        map_run_arn: None,
        item_count: None,
        state_machine_version_arn: run_key(e).and_then(|k| k.version_arn),
        state_machine_alias_arn: run_key(e).and_then(|k| k.alias_arn),
        redrive_count: Some(e.redrive_count as i32),
        redrive_date: e.redrive_date.map(timestamp),
    }
}

/// The member of AWS's `HistoryEvent` that holds an event type's details: `stateEnteredEventDetails`
/// for every `…StateEntered`, else the type with a lower-case first letter and `EventDetails`.
pub(crate) fn details_member(event_type: &str) -> String {
    if event_type.ends_with("StateEntered") {
        return "stateEnteredEventDetails".into();
    }
    if event_type.ends_with("StateExited") {
        return "stateExitedEventDetails".into();
    }
    let mut c = event_type.chars();
    match c.next() {
        Some(f) => format!("{}{}EventDetails", f.to_ascii_lowercase(), c.as_str()),
        None => String::new(),
    }
}

/// The Task events AWS gives a resource type and resource (`TaskScheduled`, `TaskStarted`, …).
pub(crate) fn is_task_event(event_type: &str) -> bool {
    event_type.starts_with("Task") && !event_type.starts_with("TaskState")
}

/// The resource of every Task event in `events` (a whole history, oldest first): a Task event
/// whose details do not name it has the one of the `TaskScheduled` event before it in its scope
/// (events point to the one before them in the same scope).
pub(crate) fn task_resources(events: &[store::HistoryEvent]) -> HashMap<i64, String> {
    let by_id: HashMap<i64, &store::HistoryEvent> = events.iter().map(|e| (e.id, e)).collect();
    let mut out = HashMap::new();
    for e in events.iter().filter(|e| is_task_event(&e.event_type)) {
        let mut at = Some(e);
        let mut steps = 0;
        while let Some(x) = at {
            if let Some(r) = x.details.get("resource").and_then(Value::as_str) {
                out.insert(e.id, r.to_string());
                break;
            }
            if x.event_type == "TaskScheduled" || steps > 8 {
                break;
            }
            steps += 1;
            at = by_id.get(&x.previous_id).copied();
        }
    }
    out
}

/// AWS's `resourceType` and `resource` of a Task resource ARN: `arn:aws:states:::sqs:sendMessage`
/// is (`sqs`, `sendMessage`); another ARN is (its service, the whole ARN).
fn resource_parts(resource: &str) -> (String, String) {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::")
        && let Some((svc, api)) = rest.split_once(':')
    {
        return (svc.to_string(), api.to_string());
    }
    let svc = resource.split(':').nth(2).unwrap_or_default();
    (svc.to_string(), resource.to_string())
}

fn is_activity(resource: &str) -> bool {
    let parts: Vec<&str> = resource.splitn(7, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "states", r, a, "activity", n] if !r.is_empty() && !a.is_empty() && !n.is_empty())
}

/// A stored event in AWS's shape. `resource` is the Task resource of a Task event
/// ([`task_resources`]): an activity's events become AWS's `Activity…` events, others get
/// `resourceType`, `resource` and `region`. With `include_data` false, `input` and `output` are
/// left out (GetExecutionHistory's `includeExecutionData`). An event type or
/// details the API model does not have (an engine-only event) comes out with its type and ids.
pub(crate) fn history_event(h: &store::HistoryEvent, resource: Option<&str>, region: &str, include_data: bool) -> Option<HistoryEvent> {
    let mut event_type = h.event_type.clone();
    let mut details = match &h.details {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    if let Some(resource) = resource.filter(|_| is_task_event(&h.event_type)) {
        if is_activity(resource) {
            event_type = h.event_type.replacen("Task", "Activity", 1);
            details.remove("resourceType");
            if event_type == "ActivityScheduled" {
                details.insert("resource".into(), resource.into());
                if let Some(p) = details.remove("parameters") {
                    details.insert("input".into(), p);
                }
                details.remove("region");
            } else {
                details.remove("resource");
            }
        } else {
            let (kind, name) = resource_parts(resource);
            details.insert("resourceType".into(), kind.into());
            details.insert("resource".into(), name.into());
            if event_type == "TaskScheduled" {
                details.insert("region".into(), region.into());
                details.entry("parameters").or_insert_with(|| "{}".into());
            }
        }
    }
    if !include_data {
        details.remove("input");
        details.remove("output");
    }
    let mut v = json!({"timestamp": h.timestamp as f64 / 1000.0, "type": event_type, "id": h.id});
    if h.previous_id > 0 {
        v["previousEventId"] = json!(h.previous_id);
    }
    let bare = v.clone();
    if !details.is_empty() {
        v[details_member(&event_type)] = Value::Object(details);
    }
    serde_json::from_value(v).or_else(|_| serde_json::from_value(bare)).ok()
}

/// AWS's error for an engine failure.
pub(crate) fn engine_error(e: EngineError) -> ApiError {
    match e {
        EngineError::UnknownMachine(a) => ApiError::new(ErrorCode::StateMachineDoesNotExist, format!("State Machine Does Not Exist: '{a}'")),
        EngineError::ExecutionAlreadyExists(a) => ApiError::new(ErrorCode::ExecutionAlreadyExists, format!("Execution Already Exists: '{a}'")),
        EngineError::ExecutionDoesNotExist(a) => ApiError::new(ErrorCode::ExecutionDoesNotExist, format!("Execution Does Not Exist: '{a}'")),
        EngineError::InvalidDefinition(m) => ApiError::new(ErrorCode::InvalidDefinition, format!("Invalid State Machine Definition: '{m}'")),
        EngineError::Store(e) => store_error(e),
        EngineError::ExecutionNotRedrivable(reason) => ApiError::new(ErrorCode::ExecutionNotRedrivable, reason),
        EngineError::ExecutionLimitExceeded(limit) => ApiError::new(ErrorCode::ExecutionLimitExceeded, format!("Execution Limit Exceeded: this server runs at most {limit} open executions")),
        #[allow(unreachable_patterns)]
        other => ApiError::new(ErrorCode::InternalFailure, other.to_string()),
    }
}

pub(crate) fn store_error(e: StoreError) -> ApiError {
    let message = match &e {
        StoreError::TaskDoesNotExist(_) | StoreError::TaskFinished { .. } => {
            "Task Does Not Exist: the task token names no open task (never issued, already answered, or its execution ended)".to_string()
        }
        StoreError::TaskTimedOut(_) => "Task Timed Out: the task's timeout or heartbeat deadline has passed".to_string(),
        StoreError::InvalidArgument(m) => format!("Invalid Token: {m}"),
        other => other.to_string(),
    };
    let code = match e.aws_code() {
        Some("TaskDoesNotExist") => ErrorCode::TaskDoesNotExist,
        Some("TaskTimedOut") => ErrorCode::TaskTimedOut,
        Some("InvalidToken") => ErrorCode::InvalidToken,
        Some("ExecutionAlreadyExists") => ErrorCode::ExecutionAlreadyExists,
        Some("ExecutionDoesNotExist") => ErrorCode::ExecutionDoesNotExist,
        Some("StateMachineDoesNotExist") => ErrorCode::StateMachineDoesNotExist,
        Some("StateMachineAlreadyExists") => ErrorCode::StateMachineAlreadyExists,
        Some("ActivityDoesNotExist") => ErrorCode::ActivityDoesNotExist,
        _ => ErrorCode::InternalFailure,
    };
    ApiError::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, details: Value) -> store::HistoryEvent {
        store::HistoryEvent { execution_arn: "arn:x".into(), id: 2, event_type: kind.into(), timestamp: 1_500, previous_id: 1, details }
    }

    #[test]
    fn events_carry_aws_detail_members() {
        let e = history_event(&event("PassStateEntered", json!({"name": "A", "input": "{}"})), None, "us-east-1", true).unwrap();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v, json!({"timestamp": 1.5, "type": "PassStateEntered", "id": 2, "previousEventId": 1, "stateEnteredEventDetails": {"name": "A", "input": "{}"}}));
        let e = history_event(&event("ExecutionStarted", json!({"input": "{\"a\":1}", "roleArn": "r"})), None, "us-east-1", false).unwrap();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["executionStartedEventDetails"].get("input"), None);
        assert_eq!(details_member("MapIterationStarted"), "mapIterationStartedEventDetails");
    }

    #[test]
    fn task_events_name_their_resource_and_activity_tasks_are_activity_events() {
        let sqs = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
        let events = vec![
            store::HistoryEvent { previous_id: 0, id: 1, ..event("TaskScheduled", json!({"resource": sqs, "parameters": "{}"})) },
            store::HistoryEvent { previous_id: 1, id: 2, ..event("TaskStarted", json!({"resource": sqs})) },
            store::HistoryEvent { previous_id: 2, id: 3, ..event("TaskFailed", json!({"error": "E", "cause": "C"})) },
        ];
        let resources = task_resources(&events);
        assert_eq!(resources.get(&3).map(String::as_str), Some(sqs));
        let v = serde_json::to_value(history_event(&events[2], Some(sqs), "eu-west-1", true).unwrap()).unwrap();
        assert_eq!(v["taskFailedEventDetails"], json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken", "error": "E", "cause": "C"}));
        let v = serde_json::to_value(history_event(&events[0], Some(sqs), "eu-west-1", true).unwrap()).unwrap();
        assert_eq!(v["taskScheduledEventDetails"]["region"], "eu-west-1");
        let act = "arn:aws:states:us-east-1:123456789012:activity:approve";
        let v = serde_json::to_value(history_event(&event("TaskScheduled", json!({"resource": act, "parameters": "{\"x\":1}"})), Some(act), "us-east-1", true).unwrap()).unwrap();
        assert_eq!(v["type"], "ActivityScheduled");
        assert_eq!(v["activityScheduledEventDetails"], json!({"resource": act, "input": "{\"x\":1}"}));
        let v = serde_json::to_value(history_event(&event("TaskSucceeded", json!({"resource": act, "output": "{}"})), Some(act), "us-east-1", true).unwrap()).unwrap();
        assert_eq!(v["type"], "ActivitySucceeded");
        assert_eq!(v["activitySucceededEventDetails"], json!({"output": "{}"}));
    }
}
