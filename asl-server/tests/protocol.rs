//! The wire protocol over a real socket: raw HTTP/1.1 requests as the SDKs send them, checking
//! status codes, `__type` codes and response members.

use std::net::SocketAddr;

use asl_server::{Limits, Server, ServerBuilder};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ROLE: &str = "arn:aws:iam::123456789012:role/r";
const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:";
const PASS: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;

async fn start(builder: ServerBuilder) -> SocketAddr {
    let bound = builder.bind(([127, 0, 0, 1], 0).into()).await.unwrap();
    let addr = bound.local_addr();
    tokio::spawn(bound.serve());
    addr
}

/// Sends one request; answers (status, body as JSON, raw headers).
async fn raw(addr: SocketAddr, target: Option<&str>, body: &[u8]) -> (u16, Value, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\nConnection: close\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00\r\n",
        body.len()
    );
    if let Some(t) = target {
        head.push_str(&format!("X-Amz-Target: {t}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (413) before taking the whole body; a write error then is expected.
    let _ = s.write_all(body).await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out).to_string();
    let (headers, body) = text.split_once("\r\n\r\n").expect("an HTTP response");
    let status = headers[9..12].parse().unwrap();
    let body = if body.is_empty() { Value::Null } else { serde_json::from_str(body).unwrap_or(Value::String(body.to_string())) };
    (status, body, headers.to_string())
}

async fn call(addr: SocketAddr, action: &str, body: Value) -> (u16, Value) {
    let (status, body, _) = raw(addr, Some(&format!("AWSStepFunctions.{action}")), body.to_string().as_bytes()).await;
    (status, body)
}

async fn ok(addr: SocketAddr, action: &str, body: Value) -> Value {
    let (status, out) = call(addr, action, body).await;
    assert_eq!(status, 200, "{action}: {out}");
    out
}

/// The code botocore reads: `__type` after the last `#`.
fn code(v: &Value) -> &str {
    v["__type"].as_str().unwrap_or("").rsplit('#').next().unwrap()
}

async fn err(addr: SocketAddr, action: &str, body: Value) -> (u16, String, String) {
    let (status, out) = call(addr, action, body).await;
    assert_ne!(status, 200, "{action} should fail: {out}");
    (status, code(&out).to_string(), out["message"].as_str().unwrap_or("").to_string())
}

#[tokio::test]
async fn state_machines_versions_aliases_and_tags_over_the_wire() {
    let addr = start(Server::builder()).await;
    let created = ok(addr, "CreateStateMachine", json!({"name": "Flow", "definition": PASS, "roleArn": ROLE, "tags": [{"key": "team", "value": "core"}]})).await;
    let arn = created["stateMachineArn"].as_str().unwrap().to_string();
    assert_eq!(arn, format!("{SM}Flow"));
    assert!(created["creationDate"].as_f64().unwrap() > 1.7e9, "epoch seconds as a number");

    // The same request again is idempotent; another definition under the name is not.
    assert_eq!(ok(addr, "CreateStateMachine", json!({"name": "Flow", "definition": PASS, "roleArn": ROLE})).await["stateMachineArn"], arn);
    let other = r#"{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}"#;
    assert_eq!(err(addr, "CreateStateMachine", json!({"name": "Flow", "definition": other, "roleArn": ROLE})).await.1, "StateMachineAlreadyExists");

    let d = ok(addr, "DescribeStateMachine", json!({"stateMachineArn": arn})).await;
    assert_eq!((d["name"].as_str(), d["type"].as_str(), d["status"].as_str()), (Some("Flow"), Some("STANDARD"), Some("ACTIVE")));
    assert_eq!(d["definition"], PASS);
    assert_eq!(d["loggingConfiguration"]["level"], "OFF");
    let rev1 = d["revisionId"].as_str().unwrap().to_string();

    // Update the definition and publish: version 1, then the revision moves on.
    let u = ok(addr, "UpdateStateMachine", json!({"stateMachineArn": arn, "definition": other, "publish": true, "versionDescription": "v1"})).await;
    assert_eq!(u["stateMachineVersionArn"], format!("{arn}:1"));
    assert_ne!(u["revisionId"].as_str().unwrap(), rev1);
    let v1 = ok(addr, "DescribeStateMachine", json!({"stateMachineArn": format!("{arn}:1")})).await;
    assert_eq!((v1["definition"].as_str(), v1["description"].as_str()), (Some(other), Some("v1")));
    // Publishing the unchanged revision answers version 1 again; a stale revisionId conflicts.
    assert_eq!(ok(addr, "PublishStateMachineVersion", json!({"stateMachineArn": arn})).await["stateMachineVersionArn"], format!("{arn}:1"));
    assert_eq!(err(addr, "PublishStateMachineVersion", json!({"stateMachineArn": arn, "revisionId": rev1})).await.1, "ConflictException");
    ok(addr, "UpdateStateMachine", json!({"stateMachineArn": arn, "definition": PASS})).await;
    assert_eq!(ok(addr, "PublishStateMachineVersion", json!({"stateMachineArn": arn})).await["stateMachineVersionArn"], format!("{arn}:2"));
    let versions = ok(addr, "ListStateMachineVersions", json!({"stateMachineArn": arn})).await;
    let listed: Vec<&str> = versions["stateMachineVersions"].as_array().unwrap().iter().map(|v| v["stateMachineVersionArn"].as_str().unwrap()).collect();
    assert_eq!(listed, vec![format!("{arn}:2"), format!("{arn}:1")], "newest first");

    // An alias splitting traffic; the version it routes to cannot be deleted.
    let routing = json!([{"stateMachineVersionArn": format!("{arn}:1"), "weight": 90}, {"stateMachineVersionArn": format!("{arn}:2"), "weight": 10}]);
    let alias = ok(addr, "CreateStateMachineAlias", json!({"name": "prod", "routingConfiguration": routing})).await;
    assert_eq!(alias["stateMachineAliasArn"], format!("{arn}:prod"));
    let da = ok(addr, "DescribeStateMachineAlias", json!({"stateMachineAliasArn": format!("{arn}:prod")})).await;
    assert_eq!(da["routingConfiguration"], routing);
    let bad_weights = json!([{"stateMachineVersionArn": format!("{arn}:1"), "weight": 50}]);
    let (_, c, _) = err(addr, "UpdateStateMachineAlias", json!({"stateMachineAliasArn": format!("{arn}:prod"), "routingConfiguration": bad_weights})).await;
    assert_eq!(c, "ValidationException");
    assert_eq!(err(addr, "DeleteStateMachineVersion", json!({"stateMachineVersionArn": format!("{arn}:1")})).await.1, "ConflictException");
    assert_eq!(ok(addr, "ListStateMachineAliases", json!({"stateMachineArn": arn})).await["stateMachineAliases"].as_array().unwrap().len(), 1);
    ok(addr, "DeleteStateMachineAlias", json!({"stateMachineAliasArn": format!("{arn}:prod")})).await;
    ok(addr, "DeleteStateMachineVersion", json!({"stateMachineVersionArn": format!("{arn}:1")})).await;
    assert_eq!(err(addr, "DescribeStateMachine", json!({"stateMachineArn": format!("{arn}:1")})).await.1, "StateMachineDoesNotExist");

    // Tags.
    ok(addr, "TagResource", json!({"resourceArn": arn, "tags": [{"key": "env", "value": "dev"}, {"key": "team", "value": "flow"}]})).await;
    ok(addr, "UntagResource", json!({"resourceArn": arn, "tagKeys": ["env"]})).await;
    assert_eq!(ok(addr, "ListTagsForResource", json!({"resourceArn": arn})).await["tags"], json!([{"key": "team", "value": "flow"}]));
    let many: Vec<Value> = (0..51).map(|i| json!({"key": format!("k{i}"), "value": ""})).collect();
    let (_, c, _) = err(addr, "TagResource", json!({"resourceArn": arn, "tags": many})).await;
    assert_eq!(c, "TooManyTags");
    assert_eq!(err(addr, "ListTagsForResource", json!({"resourceArn": format!("{SM}Nope")})).await.1, "ResourceNotFound");

    // Pagination over five machines, two at a time, in name order.
    for n in ["m1", "m2", "m3", "m4"] {
        ok(addr, "CreateStateMachine", json!({"name": n, "definition": PASS, "roleArn": ROLE, "type": "EXPRESS"})).await;
    }
    let mut names = Vec::new();
    let mut token = Value::Null;
    loop {
        let mut req = json!({"maxResults": 2});
        if !token.is_null() {
            req["nextToken"] = token.clone();
        }
        let page = ok(addr, "ListStateMachines", req).await;
        let items = page["stateMachines"].as_array().unwrap();
        assert!(items.len() <= 2);
        names.extend(items.iter().map(|i| i["name"].as_str().unwrap().to_string()));
        token = page.get("nextToken").cloned().unwrap_or(Value::Null);
        if token.is_null() {
            break;
        }
    }
    assert_eq!(names, ["Flow", "m1", "m2", "m3", "m4"]);
    assert_eq!(err(addr, "ListStateMachines", json!({"nextToken": "not-a-token"})).await.1, "InvalidToken");

    // Delete; deleting again succeeds, describing does not.
    ok(addr, "DeleteStateMachine", json!({"stateMachineArn": arn})).await;
    ok(addr, "DeleteStateMachine", json!({"stateMachineArn": arn})).await;
    assert_eq!(err(addr, "DescribeStateMachine", json!({"stateMachineArn": arn})).await.1, "StateMachineDoesNotExist");
}

#[tokio::test]
async fn activities_over_the_wire() {
    let addr = start(Server::builder()).await;
    let a = ok(addr, "CreateActivity", json!({"name": "Approve"})).await;
    let arn = a["activityArn"].as_str().unwrap().to_string();
    assert_eq!(arn, "arn:aws:states:us-east-1:123456789012:activity:Approve");
    assert_eq!(ok(addr, "CreateActivity", json!({"name": "Approve"})).await["activityArn"], arn, "idempotent");
    assert_eq!(ok(addr, "DescribeActivity", json!({"activityArn": arn})).await["name"], "Approve");
    assert_eq!(ok(addr, "ListActivities", json!({})).await["activities"][0]["activityArn"], arn);
    // GetActivityTask needs the engine, and says so; an unknown activity is still an error of its own.
    let (status, c, m) = err(addr, "GetActivityTask", json!({"activityArn": arn})).await;
    assert_eq!((status, c.as_str()), (501, "NotImplemented"));
    assert!(m.contains("execution engine"), "{m}");
    assert_eq!(err(addr, "GetActivityTask", json!({"activityArn": format!("{arn}x")})).await.1, "ActivityDoesNotExist");
    ok(addr, "DeleteActivity", json!({"activityArn": arn})).await;
    assert_eq!(err(addr, "DescribeActivity", json!({"activityArn": arn})).await.1, "ActivityDoesNotExist");
}

#[tokio::test]
async fn execution_actions_check_their_arguments_then_say_the_engine_is_missing() {
    let addr = start(Server::builder()).await;
    let arn = ok(addr, "CreateStateMachine", json!({"name": "Flow", "definition": PASS, "roleArn": ROLE})).await["stateMachineArn"].clone();
    let (status, c, m) = err(addr, "StartExecution", json!({"stateMachineArn": arn, "input": "{}"})).await;
    assert_eq!((status, c.as_str()), (501, "NotImplemented"));
    assert!(m.starts_with("StartExecution is not available yet"), "{m}");
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": arn, "input": "{not json"})).await.1, "InvalidExecutionInput");
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": arn, "name": "a/b"})).await.1, "InvalidName");
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Nope")})).await.1, "StateMachineDoesNotExist");
    let big = "x".repeat(256 * 1024 + 1);
    let (_, c, m) = err(addr, "StartExecution", json!({"stateMachineArn": arn, "input": big})).await;
    assert_eq!(c, "ValidationException");
    assert!(m.contains("'input'") && m.contains("262144") && !m.contains("xxx"), "sensitive input is not echoed: {m}");
    assert_eq!(err(addr, "StartSyncExecution", json!({"stateMachineArn": arn})).await.1, "StateMachineTypeNotSupported");
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": format!("{}#HappyPath", arn.as_str().unwrap())})).await.1, "ValidationException");
    let exec = "arn:aws:states:us-east-1:123456789012:execution:Flow:run-1";
    for action in ["DescribeExecution", "StopExecution", "GetExecutionHistory", "RedriveExecution", "DescribeStateMachineForExecution"] {
        let (status, c, _) = err(addr, action, json!({"executionArn": exec})).await;
        assert_eq!((status, c.as_str()), (501, "NotImplemented"), "{action}");
        assert_eq!(err(addr, action, json!({"executionArn": arn})).await.1, "InvalidArn", "{action} with a state machine ARN");
    }
    assert_eq!(err(addr, "SendTaskSuccess", json!({"taskToken": "t", "output": "{x"})).await.1, "InvalidOutput");
    assert_eq!(err(addr, "SendTaskHeartbeat", json!({"taskToken": "t"})).await.1, "NotImplemented");
}

#[tokio::test]
async fn malformed_requests_get_aws_shaped_errors() {
    let addr = start(Server::builder().max_body_bytes(64 * 1024)).await;
    let (status, body, headers) = raw(addr, Some("AWSStepFunctions.ListStateMachines"), b"{bad json").await;
    assert_eq!((status, code(&body)), (400, "SerializationException"));
    assert!(body["__type"].as_str().unwrap().starts_with("com.amazon.coral.service#"));
    assert!(headers.to_ascii_lowercase().contains("content-type: application/x-amz-json-1.0"));
    assert!(headers.to_ascii_lowercase().contains("x-amzn-requestid: "));
    let (status, body, _) = raw(addr, Some("AWSStepFunctions.Frobnicate"), b"{}").await;
    assert_eq!((status, code(&body)), (400, "UnknownOperationException"));
    let (status, body, _) = raw(addr, None, b"{}").await;
    assert_eq!((status, code(&body)), (400, "UnknownOperationException"));
    let (status, body, _) = raw(addr, Some("AWSStepFunctions.ListStateMachines"), &vec![b' '; 65 * 1024]).await;
    assert_eq!((status, code(&body)), (413, "RequestEntityTooLargeException"));
    let (status, body, _) = raw(addr, Some("AWSStepFunctions.ListStateMachines"), b"[1]").await;
    assert_eq!((status, code(&body)), (400, "SerializationException"));
    // An empty body is `{}`.
    let (status, body, _) = raw(addr, Some("AWSStepFunctions.ListActivities"), b"").await;
    assert_eq!((status, body), (200, json!({"activities": []})));

    let (_, c, m) = err(addr, "DescribeStateMachine", json!({})).await;
    assert_eq!((c.as_str(), m.as_str()), ("ValidationException", "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"));
    let (_, c, m) = err(addr, "ListStateMachines", json!({"maxResults": "ten"})).await;
    assert_eq!(c, "SerializationException");
    assert!(m.contains("'maxResults'") && m.contains("an integer"), "{m}");
    let (_, c, m) = err(addr, "ListStateMachines", json!({"maxResults": 1001})).await;
    assert_eq!(
        (c.as_str(), m.as_str()),
        ("ValidationException", "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000")
    );
    let (_, c, m) = err(addr, "CreateStateMachine", json!({"name": "x".repeat(81), "definition": PASS, "roleArn": "", "type": "FAST"})).await;
    assert_eq!(c, "ValidationException");
    assert!(m.starts_with("1 validation error detected: Value 'FAST' at 'type'"), "serde stops at the first shape error: {m}");
    let (_, c, m) = err(addr, "CreateStateMachine", json!({"name": "x".repeat(81), "definition": PASS, "roleArn": ""})).await;
    assert_eq!(c, "ValidationException");
    assert!(m.starts_with("2 validation errors detected: ") && m.contains("'name'") && m.contains("'roleArn'"), "{m}");
    let (_, c, m) = err(addr, "TagResource", json!({"resourceArn": format!("{SM}Flow"), "tags": [{"value": "v"}]})).await;
    assert_eq!(c, "ValidationException");
    assert!(m.contains("'tags.1.member.key'"), "{m}");
    assert_eq!(err(addr, "DescribeStateMachine", json!({"stateMachineArn": "Flow"})).await.1, "InvalidArn");
    assert_eq!(err(addr, "DescribeStateMachine", json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:activity:A"})).await.1, "InvalidArn");
    assert_eq!(err(addr, "CreateStateMachine", json!({"name": "a b", "definition": PASS, "roleArn": ROLE})).await.1, "InvalidName");
    assert_eq!(err(addr, "CreateStateMachine", json!({"name": "a", "definition": PASS, "roleArn": "my-role"})).await.1, "InvalidArn");
    let (_, c, m) = err(addr, "CreateStateMachine", json!({"name": "a", "definition": "{\"StartAt\":\"X\",\"States\":{}}", "roleArn": ROLE})).await;
    assert_eq!(c, "InvalidDefinition");
    assert!(m.starts_with("Invalid State Machine Definition: '"), "{m}");
    let v = ok(addr, "ValidateStateMachineDefinition", json!({"definition": "{\"StartAt\":\"X\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}"})).await;
    assert_eq!(v["result"], "FAIL");
    assert_eq!(v["diagnostics"][0]["location"], "/StartAt");
    assert_eq!(ok(addr, "ValidateStateMachineDefinition", json!({"definition": PASS})).await["result"], "OK");
}

#[tokio::test]
async fn quotas_answer_aws_limit_errors() {
    let limits = Limits { max_state_machines: 1, max_activities: 1, ..Limits::default() };
    let addr = start(Server::builder().limits(limits)).await;
    ok(addr, "CreateStateMachine", json!({"name": "a", "definition": PASS, "roleArn": ROLE})).await;
    assert_eq!(err(addr, "CreateStateMachine", json!({"name": "b", "definition": PASS, "roleArn": ROLE})).await.1, "StateMachineLimitExceeded");
    ok(addr, "CreateActivity", json!({"name": "a"})).await;
    assert_eq!(err(addr, "CreateActivity", json!({"name": "b"})).await.1, "ActivityLimitExceeded");

    let limits = Limits { api_calls_per_second: Some(1.0), api_burst: Some(2.0), ..Limits::default() };
    let addr = start(Server::builder().limits(limits)).await;
    ok(addr, "ListActivities", json!({})).await;
    ok(addr, "ListActivities", json!({})).await;
    let (status, c, _) = err(addr, "ListActivities", json!({})).await;
    assert_eq!((status, c.as_str()), (400, "ThrottlingException"));
}

#[tokio::test]
async fn test_case_suffixes_need_the_mock_configuration_to_have_them() {
    let mock = asl_server::MockConfig::parse(r#"{"StateMachines":{"Flow":{"TestCases":{"HappyPath":{"A":"R"}}}},"MockedResponses":{"R":{"0":{"Return":1}}}}"#).unwrap();
    let addr = start(Server::builder().mock_config(mock)).await;
    ok(addr, "CreateStateMachine", json!({"name": "Flow", "definition": PASS, "roleArn": ROLE})).await;
    // A known test case passes every check and reaches the (missing) engine.
    assert_eq!(err(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Flow#HappyPath")})).await.1, "NotImplemented");
    let (_, c, m) = err(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Flow#SadPath")})).await;
    assert_eq!(c, "ValidationException");
    assert!(m.contains("no test case 'SadPath' for state machine 'Flow'"), "{m}");
}

#[tokio::test]
async fn a_panicking_backend_answers_internal_failure_and_the_server_goes_on() {
    use asl_server::memory::DefinitionCheck;
    let check: DefinitionCheck = std::sync::Arc::new(|d: &str, _| if d.contains("boom") { panic!("checker bug") } else { Vec::new() });
    let backend = asl_server::MemoryBackend::new(Default::default()).with_definition_check(check);
    let addr = start(Server::builder().backend(backend)).await;
    let (status, c, _) = err(addr, "CreateStateMachine", json!({"name": "a", "definition": "boom", "roleArn": ROLE})).await;
    assert_eq!((status, c.as_str()), (500, "InternalFailure"));
    ok(addr, "CreateStateMachine", json!({"name": "a", "definition": PASS, "roleArn": ROLE})).await;
}

/// A backend of its own for StartExecution, forwarding the rest to a MemoryBackend with the
/// generated `forward_backend_methods!`: the way an engine backend takes over the execution actions.
mod forwarding {
    use asl_server::model::*;
    use asl_server::{ApiError, Backend, MemoryBackend};

    pub struct Engine {
        pub machines: MemoryBackend,
    }

    #[async_trait::async_trait]
    impl Backend for Engine {
        asl_server::forward_backend_methods!(machines:
            create_activity, create_state_machine, create_state_machine_alias, delete_activity, delete_state_machine,
            delete_state_machine_alias, delete_state_machine_version, describe_activity, describe_execution, describe_map_run,
            describe_state_machine, describe_state_machine_alias, describe_state_machine_for_execution, get_activity_task,
            get_execution_history, list_activities, list_executions, list_map_runs, list_state_machine_aliases,
            list_state_machine_versions, list_state_machines, list_tags_for_resource, publish_state_machine_version,
            redrive_execution, send_task_failure, send_task_heartbeat, send_task_success, start_sync_execution,
            stop_execution, tag_resource, test_state, untag_resource, update_map_run, update_state_machine,
            update_state_machine_alias, validate_state_machine_definition,
        );

        async fn start_execution(&self, input: StartExecutionInput) -> Result<StartExecutionOutput, ApiError> {
            let m = self.machines.resolve_state_machine(&input.state_machine_arn)?;
            let name = input.name.unwrap_or_else(|| "generated".into());
            Ok(StartExecutionOutput { execution_arn: format!("{}:{name}", m.state_machine_arn.replace(":stateMachine:", ":execution:")), start_date: Timestamp::now() })
        }
    }
}

#[tokio::test]
async fn a_backend_can_forward_the_actions_it_does_not_serve() {
    let engine = forwarding::Engine { machines: asl_server::MemoryBackend::new(Default::default()) };
    let addr = start(Server::builder().backend(engine)).await;
    ok(addr, "CreateStateMachine", json!({"name": "Flow", "definition": PASS, "roleArn": ROLE})).await;
    let started = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Flow"), "name": "run-1"})).await;
    assert_eq!(started["executionArn"], "arn:aws:states:us-east-1:123456789012:execution:Flow:run-1");
    assert_eq!(err(addr, "DescribeExecution", json!({"executionArn": started["executionArn"]})).await.1, "NotImplemented");
}

#[tokio::test]
async fn other_methods_and_paths_answer_json_errors() {
    let addr = start(Server::builder()).await;
    // GET / is the web console (tests/console.rs); other methods on / are not.
    for request in ["PUT / HTTP/1.1", "POST /2016-11-23/statemachines HTTP/1.1", "GET /console/nothing HTTP/1.1"] {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(format!("{request}\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        assert!(out.starts_with("HTTP/1.1 400"), "{request}: {out}");
        assert!(out.contains("#UnknownOperationException"), "{request}: {out}");
    }
}
