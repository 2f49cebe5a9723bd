//! Executions over the wire on the engine backend ([`EngineBackend`] on a memory store, and on
//! PostgreSQL when `ASL_TEST_POSTGRES` is set): AWS's response shapes for start, describe, list
//! and history, the errors, activities and task tokens.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use asl_engine::EngineOptions;
use asl_engine::store::{MemoryStore, PostgresOptions, PostgresStore, Store};
use asl_server::{EngineBackend, Limits, Server, Settings};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ROLE: &str = "arn:aws:iam::123456789012:role/r";
const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:";
const ACT: &str = "arn:aws:states:us-east-1:123456789012:activity:";

async fn serve(store: Arc<dyn Store>, limits: Limits) -> SocketAddr {
    let settings = Settings { limits, ..Default::default() };
    let backend = EngineBackend::with_store(settings, store, EngineOptions::default()).await.unwrap().with_activity_poll(Duration::from_millis(300));
    let bound = Server::builder().backend(backend).bind(([127, 0, 0, 1], 0).into()).await.unwrap();
    let addr = bound.local_addr();
    tokio::spawn(bound.serve());
    addr
}

async fn call(addr: SocketAddr, action: &str, body: Value) -> (u16, Value) {
    let body = body.to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nX-Amz-Target: AWSStepFunctions.{action}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let (headers, body) = out.split_once("\r\n\r\n").unwrap();
    (headers[9..12].parse().unwrap(), serde_json::from_str(body).unwrap_or(Value::Null))
}

async fn ok(addr: SocketAddr, action: &str, body: Value) -> Value {
    let (status, out) = call(addr, action, body).await;
    assert_eq!(status, 200, "{action}: {out}");
    out
}

/// The error code, as botocore reads `__type`.
async fn err(addr: SocketAddr, action: &str, body: Value) -> String {
    let (status, out) = call(addr, action, body).await;
    assert_eq!(status, 400, "{action} should fail: {out}");
    out["__type"].as_str().unwrap().rsplit('#').next().unwrap().to_string()
}

async fn wait_for(addr: SocketAddr, arn: &str, status: &str) -> Value {
    let mut d = Value::Null;
    for _ in 0..200 {
        d = ok(addr, "DescribeExecution", json!({"executionArn": arn})).await;
        if d["status"] == status {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{arn} never became {status}: {d}");
}

fn memory() -> Arc<dyn Store> {
    Arc::new(MemoryStore::new())
}

async fn start_describe_history(addr: SocketAddr) {
    let def = json!({"StartAt": "Greet", "States": {"Greet": {"Type": "Pass", "Parameters": {"hello.$": "$.who"}, "Next": "Done"}, "Done": {"Type": "Succeed"}}});
    ok(addr, "CreateStateMachine", json!({"name": "Hello", "definition": def.to_string(), "roleArn": ROLE})).await;
    let started = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Hello"), "name": "first", "input": "{\"who\":\"world\"}"})).await;
    assert_eq!(started["executionArn"], "arn:aws:states:us-east-1:123456789012:execution:Hello:first");
    assert!(started["startDate"].as_f64().unwrap() > 1.7e9, "{started}");
    let d = wait_for(addr, "arn:aws:states:us-east-1:123456789012:execution:Hello:first", "SUCCEEDED").await;
    assert_eq!(d["stateMachineArn"], format!("{SM}Hello"));
    assert_eq!(serde_json::from_str::<Value>(d["output"].as_str().unwrap()).unwrap(), json!({"hello": "world"}));
    assert_eq!(d["input"], "{\"who\":\"world\"}");
    assert!(d["stopDate"].as_f64().unwrap() >= d["startDate"].as_f64().unwrap());
    let h = ok(addr, "GetExecutionHistory", json!({"executionArn": started["executionArn"]})).await;
    let events = h["events"].as_array().unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["ExecutionStarted", "PassStateEntered", "PassStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]);
    assert_eq!(events[0].get("previousEventId"), None);
    assert_eq!(events[1]["previousEventId"], 1);
    assert_eq!(events[1]["stateEnteredEventDetails"]["name"], "Greet");
    assert_eq!(events[2]["stateExitedEventDetails"]["output"], "{\"hello\":\"world\"}");
    assert!(events[0]["timestamp"].as_f64().unwrap() > 1.7e9);
    let back = ok(addr, "GetExecutionHistory", json!({"executionArn": started["executionArn"], "reverseOrder": true, "maxResults": 4})).await;
    assert_eq!(back["events"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect::<Vec<_>>(), [6, 5, 4, 3]);
    let rest = ok(addr, "GetExecutionHistory", json!({"executionArn": started["executionArn"], "reverseOrder": true, "maxResults": 4, "nextToken": back["nextToken"]})).await;
    assert_eq!(rest["events"].as_array().unwrap().len(), 2);
    assert_eq!(rest.get("nextToken"), None);
    assert_eq!(err(addr, "GetExecutionHistory", json!({"executionArn": started["executionArn"], "nextToken": "nonsense"})).await, "InvalidToken");
    let listed = ok(addr, "ListExecutions", json!({"stateMachineArn": format!("{SM}Hello"), "statusFilter": "SUCCEEDED"})).await;
    assert_eq!(listed["executions"][0]["name"], "first");
    assert_eq!(ok(addr, "ListExecutions", json!({"stateMachineArn": format!("{SM}Hello"), "statusFilter": "RUNNING"})).await["executions"], json!([]));
    let m = ok(addr, "DescribeStateMachineForExecution", json!({"executionArn": started["executionArn"]})).await;
    assert_eq!((m["name"].as_str(), m["definition"].as_str()), (Some("Hello"), Some(def.to_string().as_str())));
}

#[tokio::test]
async fn start_describe_and_history_in_aws_shapes() {
    start_describe_history(serve(memory(), Limits::default()).await).await;
}

#[tokio::test]
async fn execution_errors() {
    let addr = serve(memory(), Limits::default()).await;
    let pass = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;
    ok(addr, "CreateStateMachine", json!({"name": "M", "definition": pass, "roleArn": ROLE})).await;
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Nope")})).await, "StateMachineDoesNotExist");
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}M"), "input": "{"})).await, "InvalidExecutionInput");
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}M"), "name": "a b"})).await, "InvalidName");
    assert_eq!(err(addr, "DescribeExecution", json!({"executionArn": "arn:aws:states:us-east-1:123456789012:execution:M:none"})).await, "ExecutionDoesNotExist");
    assert_eq!(err(addr, "DescribeExecution", json!({"executionArn": format!("{SM}M")})).await, "InvalidArn");
    assert_eq!(err(addr, "StopExecution", json!({"executionArn": "arn:aws:states:us-east-1:123456789012:execution:M:none"})).await, "ExecutionDoesNotExist");
    assert_eq!(err(addr, "SendTaskSuccess", json!({"taskToken": "unknown", "output": "{}"})).await, "TaskDoesNotExist");
    assert_eq!(err(addr, "SendTaskSuccess", json!({"taskToken": "unknown", "output": "{"})).await, "InvalidOutput");
    assert_eq!(err(addr, "SendTaskFailure", json!({"taskToken": "unknown"})).await, "TaskDoesNotExist");
    assert_eq!(err(addr, "SendTaskHeartbeat", json!({"taskToken": "unknown"})).await, "TaskDoesNotExist");
    assert_eq!(err(addr, "GetActivityTask", json!({"activityArn": format!("{ACT}none")})).await, "ActivityDoesNotExist");
    assert_eq!(err(addr, "ListExecutions", json!({"stateMachineArn": format!("{SM}M"), "nextToken": "zz"})).await, "InvalidToken");
    assert_eq!(err(addr, "StartSyncExecution", json!({"stateMachineArn": format!("{SM}M")})).await, "StateMachineTypeNotSupported");
    // A definition the loader refuses: AWS's code, our message with the place.
    let (status, out) =
        call(addr, "CreateStateMachine", json!({"name": "Bad", "roleArn": ROLE, "definition": r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"ResultPath":"$$x"}}}"#})).await;
    assert_eq!(status, 400);
    let message = out["message"].as_str().unwrap();
    assert!(out["__type"].as_str().unwrap().ends_with("#InvalidDefinition") && message.contains("/States/A/ResultPath"), "{out}");
    let started = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}M"), "name": "x", "input": "{}"})).await;
    wait_for(addr, started["executionArn"].as_str().unwrap(), "SUCCEEDED").await;
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}M"), "name": "x", "input": "{}"})).await, "ExecutionAlreadyExists");
}

#[tokio::test]
async fn activities_tokens_and_stop() {
    let addr = serve(memory(), Limits::default()).await;
    ok(addr, "CreateActivity", json!({"name": "Check"})).await;
    let def = json!({"StartAt": "Check", "States": {"Check": {"Type": "Task", "Resource": format!("{ACT}Check"), "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "Flow", "definition": def.to_string(), "roleArn": ROLE})).await;
    // No task yet: the long poll ends with an empty answer.
    assert_eq!(ok(addr, "GetActivityTask", json!({"activityArn": format!("{ACT}Check")})).await, json!({}));
    let a = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Flow"), "name": "a", "input": "{\"n\":1}"})).await["executionArn"].as_str().unwrap().to_string();
    // Running, same name and input: the same execution; another input: taken.
    assert_eq!(ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Flow"), "name": "a", "input": "{\"n\":1}"})).await["executionArn"], a);
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Flow"), "name": "a", "input": "{\"n\":2}"})).await, "ExecutionAlreadyExists");
    let task = ok(addr, "GetActivityTask", json!({"activityArn": format!("{ACT}Check"), "workerName": "w1"})).await;
    assert_eq!(task["input"], "{\"n\":1}");
    ok(addr, "SendTaskFailure", json!({"taskToken": task["taskToken"], "error": "No", "cause": "because"})).await;
    let d = wait_for(addr, &a, "FAILED").await;
    assert_eq!((d["error"].as_str(), d["cause"].as_str()), (Some("No"), Some("because")));
    let h = ok(addr, "GetExecutionHistory", json!({"executionArn": a, "reverseOrder": true})).await;
    let types: Vec<&str> = h["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["ExecutionFailed", "ActivityFailed", "ActivityStarted", "ActivityScheduled", "TaskStateEntered", "ExecutionStarted"]);
    assert_eq!(h["events"][1]["activityFailedEventDetails"], json!({"error": "No", "cause": "because"}));
    // Started when the worker took it, with the name it gave GetActivityTask.
    assert_eq!(h["events"][2]["activityStartedEventDetails"], json!({"workerName": "w1"}));

    let b = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Flow"), "name": "b"})).await["executionArn"].as_str().unwrap().to_string();
    let task = ok(addr, "GetActivityTask", json!({"activityArn": format!("{ACT}Check")})).await;
    let stopped = ok(addr, "StopExecution", json!({"executionArn": b, "error": "Halt", "cause": "test"})).await;
    assert!(stopped["stopDate"].as_f64().unwrap() > 1.7e9);
    let d = ok(addr, "DescribeExecution", json!({"executionArn": b})).await;
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("ABORTED"), Some("Halt")));
    assert_eq!(err(addr, "SendTaskSuccess", json!({"taskToken": task["taskToken"], "output": "{}"})).await, "TaskDoesNotExist");
    let h = ok(addr, "GetExecutionHistory", json!({"executionArn": b, "reverseOrder": true, "maxResults": 1})).await;
    assert_eq!(h["events"][0]["type"], "ExecutionAborted");
    assert_eq!(h["events"][0]["executionAbortedEventDetails"], json!({"error": "Halt", "cause": "test"}));
}

#[tokio::test]
async fn open_executions_quota_answers_execution_limit_exceeded() {
    let addr = serve(memory(), Limits { max_open_executions: 1, ..Default::default() }).await;
    ok(addr, "CreateActivity", json!({"name": "Wait"})).await;
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": format!("{ACT}Wait"), "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "Held", "definition": def.to_string(), "roleArn": ROLE})).await;
    ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Held"), "name": "one"})).await;
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Held"), "name": "two"})).await, "ExecutionLimitExceeded");
    // Repeating the running one is not a new execution.
    ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Held"), "name": "one"})).await;

    // A large quota is checked on a count at most a second old: starts in a row go through.
    let addr = serve(memory(), Limits { max_open_executions: 50_000, ..Default::default() }).await;
    ok(addr, "CreateActivity", json!({"name": "Wait"})).await;
    ok(addr, "CreateStateMachine", json!({"name": "Held", "definition": def.to_string(), "roleArn": ROLE})).await;
    for i in 0..5 {
        ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Held"), "name": format!("n{i}")})).await;
    }
    assert_eq!(ok(addr, "ListExecutions", json!({"stateMachineArn": format!("{SM}Held"), "statusFilter": "RUNNING"})).await["executions"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn express_machines_run_synchronously() {
    let addr = serve(memory(), Limits::default()).await;
    let def = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope", "Cause": "by design"}}});
    ok(addr, "CreateStateMachine", json!({"name": "Fast", "type": "EXPRESS", "definition": def.to_string(), "roleArn": ROLE})).await;
    let out = ok(addr, "StartSyncExecution", json!({"stateMachineArn": format!("{SM}Fast"), "name": "s1", "input": "{}"})).await;
    assert_eq!((out["status"].as_str(), out["error"].as_str(), out["cause"].as_str(), out["name"].as_str()), (Some("FAILED"), Some("Nope"), Some("by design"), Some("s1")));
    assert!(out["executionArn"].as_str().unwrap().starts_with("arn:aws:states:us-east-1:123456789012:express:Fast:s1:"), "{out}");
    // A Task on a resource the server cannot call fails, naming it.
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "Calls", "type": "EXPRESS", "definition": def.to_string(), "roleArn": ROLE})).await;
    let out = ok(addr, "StartSyncExecution", json!({"stateMachineArn": format!("{SM}Calls")})).await;
    assert_eq!(out["status"], "FAILED");
    assert!(out["cause"].as_str().unwrap().contains("arn:aws:states:::dynamodb:getItem"), "{out}");
}

#[tokio::test]
async fn on_postgres_when_configured() {
    let Ok(conn) = std::env::var("ASL_TEST_POSTGRES") else {
        eprintln!("ASL_TEST_POSTGRES not set: skipping");
        return;
    };
    let schema = format!("asl_server_{}", std::process::id());
    let store = PostgresStore::connect_with(&conn, PostgresOptions { schema: Some(schema), ..Default::default() }).await.unwrap();
    start_describe_history(serve(Arc::new(store), Limits::default()).await).await;
}

/// A Lambda-compatible endpoint: `Double` doubles `n`, `Boom` raises a function error, any other
/// function is not found.
async fn lambda_double() -> String {
    use axum::extract::Path;
    async fn invoke(Path(name): Path<String>, body: axum::body::Bytes) -> axum::response::Response {
        let input: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        // Called by name or by ARN (`arn:aws:lambda:…:function:Double`), as Lambda takes both.
        let (error, out) = match name.rsplit(':').next().unwrap_or_default() {
            "Double" => (None, json!({"n": input["n"].as_i64().unwrap_or(0) * 2})),
            "Boom" => (Some("Unhandled"), json!({"errorType": "ValueError", "errorMessage": "bad input"})),
            _ => return axum::response::Response::builder().status(404).body(axum::body::Body::from(r#"{"Type":"User","message":"Function not found"}"#)).unwrap(),
        };
        let mut r = axum::response::Response::builder().status(200);
        if let Some(e) = error {
            r = r.header("X-Amz-Function-Error", e);
        }
        r.body(axum::body::Body::from(out.to_string())).unwrap()
    }
    let app = axum::Router::new().route("/2015-03-31/functions/{name}/invocations", axum::routing::post(invoke));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn lambda_tasks_call_the_lambda_endpoint() {
    let endpoint = lambda_double().await;
    let settings = Settings { lambda_endpoint: Some(endpoint), ..Default::default() };
    let backend = EngineBackend::with_store(settings, memory(), EngineOptions::default()).await.unwrap();
    let bound = Server::builder().backend(backend).bind(([127, 0, 0, 1], 0).into()).await.unwrap();
    let addr = bound.local_addr();
    tokio::spawn(bound.serve());
    let def = json!({"StartAt": "ByArn", "States": {
        "ByArn": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Double", "Next": "ByInvoke"},
        "ByInvoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "Double", "Payload.$": "$"}, "OutputPath": "$.Payload", "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "Lambdas", "definition": def.to_string(), "roleArn": ROLE})).await;
    let a = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Lambdas"), "input": "{\"n\":5}"})).await["executionArn"].as_str().unwrap().to_string();
    let d = wait_for(addr, &a, "SUCCEEDED").await;
    assert_eq!(serde_json::from_str::<Value>(d["output"].as_str().unwrap()).unwrap(), json!({"n": 20}));
    let h = ok(addr, "GetExecutionHistory", json!({"executionArn": a})).await;
    let types: Vec<&str> = h["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(types.contains(&"LambdaFunctionSucceeded") && types.contains(&"TaskSucceeded"), "{types:?}");

    let def = json!({"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "Boom"}, "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "Fails", "definition": def.to_string(), "roleArn": ROLE})).await;
    let b = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Fails")})).await["executionArn"].as_str().unwrap().to_string();
    let d = wait_for(addr, &b, "FAILED").await;
    assert_eq!(d["error"], "ValueError");
    assert!(d["cause"].as_str().unwrap().contains("bad input"), "{d}");
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Missing", "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "Missing", "definition": def.to_string(), "roleArn": ROLE})).await;
    let c = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Missing")})).await["executionArn"].as_str().unwrap().to_string();
    assert_eq!(wait_for(addr, &c, "FAILED").await["error"], "Lambda.ResourceNotFoundException");
}

#[tokio::test]
async fn lambda_tasks_without_an_endpoint_and_http_tasks_fail_saying_why() {
    let addr = serve(memory(), Limits::default()).await;
    let def = json!({"StartAt": "L", "States": {"L": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F", "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "NoLambda", "definition": def.to_string(), "roleArn": ROLE})).await;
    let a = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}NoLambda")})).await["executionArn"].as_str().unwrap().to_string();
    let d = wait_for(addr, &a, "FAILED").await;
    assert!(d["cause"].as_str().unwrap().contains("--lambda-endpoint"), "{d}");
    let def =
        json!({"StartAt": "H", "States": {"H": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {"ApiEndpoint": "https://example.com", "Method": "GET"}, "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "NoHttp", "definition": def.to_string(), "roleArn": ROLE})).await;
    let a = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}NoHttp")})).await["executionArn"].as_str().unwrap().to_string();
    let cause = wait_for(addr, &a, "FAILED").await["cause"].as_str().unwrap().to_string();
    assert!(cause.contains("arn:aws:states:::http:invoke") && cause.contains("TLS"), "{cause}");
}

#[tokio::test]
async fn a_failed_execution_is_redriven_from_the_state_that_failed() {
    let addr = serve(memory(), Limits::default()).await;
    ok(addr, "CreateActivity", json!({"name": "Review"})).await;
    let def = json!({"StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "Result": "prepared", "ResultPath": "$.step", "Next": "Review"},
        "Review": {"Type": "Task", "Resource": format!("{ACT}Review"), "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "Reviewed", "definition": def.to_string(), "roleArn": ROLE})).await;
    let a = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Reviewed"), "name": "r1", "input": "{\"doc\":1}"})).await["executionArn"].as_str().unwrap().to_string();
    let running = ok(addr, "DescribeExecution", json!({"executionArn": a})).await;
    assert_eq!((running["redriveStatus"].as_str(), running["redriveStatusReason"].as_str()), (Some("NOT_REDRIVABLE"), Some("Execution is RUNNING and cannot be redriven")));
    assert_eq!(err(addr, "RedriveExecution", json!({"executionArn": a})).await, "ExecutionNotRedrivable");
    let task = ok(addr, "GetActivityTask", json!({"activityArn": format!("{ACT}Review")})).await;
    ok(addr, "SendTaskFailure", json!({"taskToken": task["taskToken"], "error": "Unavailable"})).await;
    let failed = wait_for(addr, &a, "FAILED").await;
    assert_eq!((failed["redriveStatus"].as_str(), failed["redriveCount"].as_i64()), (Some("REDRIVABLE"), Some(0)));
    let redriven = ok(addr, "RedriveExecution", json!({"executionArn": a})).await;
    assert!(redriven["redriveDate"].as_f64().unwrap() > 1.7e9, "{redriven}");
    let d = ok(addr, "DescribeExecution", json!({"executionArn": a})).await;
    assert_eq!((d["status"].as_str(), d["redriveCount"].as_i64()), (Some("RUNNING"), Some(1)));
    // The Task that failed runs again, on the input it had (Prepare's output), not from the start.
    let task = ok(addr, "GetActivityTask", json!({"activityArn": format!("{ACT}Review")})).await;
    assert_eq!(serde_json::from_str::<Value>(task["input"].as_str().unwrap()).unwrap(), json!({"doc": 1, "step": "prepared"}));
    ok(addr, "SendTaskSuccess", json!({"taskToken": task["taskToken"], "output": "{\"ok\":true}"})).await;
    let done = wait_for(addr, &a, "SUCCEEDED").await;
    assert_eq!(done["output"], "{\"ok\":true}");
    let h = ok(addr, "GetExecutionHistory", json!({"executionArn": a})).await;
    let types: Vec<&str> = h["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types.iter().filter(|t| **t == "ExecutionRedriven").count(), 1, "{types:?}");
    assert_eq!(types.iter().filter(|t| **t == "PassStateEntered").count(), 1, "Prepare ran once: {types:?}");
    let redriven = h["events"].as_array().unwrap().iter().find(|e| e["type"] == "ExecutionRedriven").unwrap();
    assert_eq!(redriven["executionRedrivenEventDetails"], json!({"redriveCount": 1}));
    let listed = ok(addr, "ListExecutions", json!({"stateMachineArn": format!("{SM}Reviewed"), "redriveFilter": "REDRIVEN"})).await;
    assert_eq!(listed["executions"][0]["name"], "r1");
    assert_eq!(ok(addr, "ListExecutions", json!({"stateMachineArn": format!("{SM}Reviewed"), "redriveFilter": "NOT_REDRIVEN"})).await["executions"], json!([]));
    assert_eq!(err(addr, "RedriveExecution", json!({"executionArn": a})).await, "ExecutionNotRedrivable");
}

#[tokio::test]
async fn the_context_object_names_the_machine_the_execution_and_the_role() {
    let addr = serve(memory(), Limits::default()).await;
    // Also: a read of a variable no state assigns is accepted, as AWS accepts it (it fails when run).
    let def = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "Next": "B"}, "B": {"Type": "Pass", "Parameters": {"v.$": "$unset"}, "End": true}}});
    let role = "arn:aws:iam::123456789012:role/service-role/Runner";
    ok(addr, "CreateStateMachine", json!({"name": "order-flow.v2", "definition": def.to_string(), "roleArn": role})).await;
    let a = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}order-flow.v2"), "name": "run-1"})).await["executionArn"].as_str().unwrap().to_string();
    let d = wait_for(addr, &a, "FAILED").await;
    assert_eq!(d["error"], "States.Runtime", "{d}");
    let h = ok(addr, "GetExecutionHistory", json!({"executionArn": a})).await;
    let exited = h["events"].as_array().unwrap().iter().find(|e| e["type"] == "PassStateExited").unwrap();
    let out: Value = serde_json::from_str(exited["stateExitedEventDetails"]["output"].as_str().unwrap()).unwrap();
    assert_eq!(out["ctx"]["Execution"]["Id"], a);
    assert_eq!(out["ctx"]["Execution"]["RoleArn"], role);
    assert_eq!(out["ctx"]["StateMachine"]["Id"], format!("{SM}order-flow.v2"));
    assert_eq!(out["ctx"]["StateMachine"]["Name"], "order-flow.v2");
}

#[tokio::test]
async fn an_activity_past_its_timeout_answers_task_timed_out() {
    let addr = serve(memory(), Limits::default()).await;
    ok(addr, "CreateActivity", json!({"name": "Slow"})).await;
    let def = json!({"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": format!("{ACT}Slow"), "TimeoutSeconds": 1, "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "Late", "definition": def.to_string(), "roleArn": ROLE})).await;
    let a = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Late")})).await["executionArn"].as_str().unwrap().to_string();
    let task = ok(addr, "GetActivityTask", json!({"activityArn": format!("{ACT}Slow")})).await;
    let d = wait_for(addr, &a, "FAILED").await;
    assert_eq!(d["error"], "States.Timeout");
    let code = err(addr, "SendTaskSuccess", json!({"taskToken": task["taskToken"], "output": "{}"})).await;
    assert_eq!(code, "TaskTimedOut");
    let h = ok(addr, "GetExecutionHistory", json!({"executionArn": a, "reverseOrder": true})).await;
    assert_eq!(h["events"][1]["type"], "ActivityTimedOut", "{h}");
}
