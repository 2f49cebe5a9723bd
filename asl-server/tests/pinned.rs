//! Executions pinned to the definition they started on (engine backend, over raw HTTP): a
//! version or alias ARN runs that version's definition, UpdateStateMachine leaves running
//! executions on theirs, DescribeExecution names the version and alias, and
//! DescribeStateMachineForExecution answers the definition the execution runs. (A restart of
//! the binary in between is in tests/binary.rs.)

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use asl_engine::EngineOptions;
use asl_engine::store::MemoryStore;
use asl_server::{EngineBackend, Server, Settings};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ROLE: &str = "arn:aws:iam::123456789012:role/r";
const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:";
const ACT: &str = "arn:aws:states:us-east-1:123456789012:activity:";

async fn serve() -> SocketAddr {
    let backend = EngineBackend::with_store(Settings::default(), Arc::new(MemoryStore::new()), EngineOptions::default()).await.unwrap().with_activity_poll(Duration::from_secs(5));
    let bound = Server::builder().backend(backend).bind(([127, 0, 0, 1], 0).into()).await.unwrap();
    let addr = bound.local_addr();
    tokio::spawn(bound.serve());
    addr
}

async fn ok(addr: SocketAddr, action: &str, body: Value) -> Value {
    let body = body.to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("POST / HTTP/1.1\r\nHost: {addr}\r\nX-Amz-Target: AWSStepFunctions.{action}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let (headers, body) = out.split_once("\r\n\r\n").unwrap();
    assert_eq!(&headers[9..12], "200", "{action}: {body}");
    serde_json::from_str(body).unwrap()
}

async fn finished(addr: SocketAddr, arn: &str) -> Value {
    for _ in 0..500 {
        let d = ok(addr, "DescribeExecution", json!({"executionArn": arn})).await;
        if d["status"] != "RUNNING" {
            assert_eq!(d["status"], "SUCCEEDED", "{d}");
            return serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{arn} never ended");
}

/// A machine that waits for the activity `gate`, then says which definition it was.
fn definition(says: &str) -> String {
    json!({"StartAt": "Wait", "States": {
        "Wait": {"Type": "Task", "Resource": format!("{ACT}gate"), "ResultPath": null, "Next": "Say"},
        "Say": {"Type": "Pass", "Result": says, "End": true}}})
    .to_string()
}

async fn start(addr: SocketAddr, arn: &str, name: &str) -> String {
    ok(addr, "StartExecution", json!({"stateMachineArn": arn, "name": name})).await["executionArn"].as_str().unwrap().to_string()
}

/// Answers `n` gate tasks.
async fn open_gate(addr: SocketAddr, n: usize) {
    for _ in 0..n {
        let t = ok(addr, "GetActivityTask", json!({"activityArn": format!("{ACT}gate")})).await;
        let token = t["taskToken"].as_str().expect("a task came");
        ok(addr, "SendTaskSuccess", json!({"taskToken": token, "output": "{}"})).await;
    }
}

#[tokio::test]
async fn versions_aliases_and_updates_run_the_definition_they_started_on() {
    let addr = serve().await;
    ok(addr, "CreateActivity", json!({"name": "gate"})).await;
    let m = format!("{SM}M");
    ok(addr, "CreateStateMachine", json!({"name": "M", "definition": definition("v1"), "roleArn": ROLE, "publish": true})).await;
    let v2 = ok(addr, "UpdateStateMachine", json!({"stateMachineArn": m, "definition": definition("v2"), "publish": true})).await;
    assert_eq!(v2["stateMachineVersionArn"], format!("{m}:2"));
    ok(addr, "CreateStateMachineAlias", json!({"name": "old", "routingConfiguration": [{"stateMachineVersionArn": format!("{m}:1"), "weight": 100}]})).await;
    // The current definition, not published.
    ok(addr, "UpdateStateMachine", json!({"stateMachineArn": m, "definition": definition("v3")})).await;

    let on_v1 = start(addr, &format!("{m}:1"), "on-v1").await;
    let on_alias = start(addr, &format!("{m}:old"), "on-alias").await;
    let on_v2 = start(addr, &format!("{m}:2"), "on-v2").await;
    let current = start(addr, &m, "current").await;
    // Changed while they all wait: none of them sees it.
    ok(addr, "UpdateStateMachine", json!({"stateMachineArn": m, "definition": definition("v4")})).await;
    let later = start(addr, &m, "later").await;

    // What they run, before they end.
    let d = ok(addr, "DescribeExecution", json!({"executionArn": on_alias})).await;
    assert_eq!((d["stateMachineArn"].as_str(), d["stateMachineVersionArn"].as_str(), d["stateMachineAliasArn"].as_str()), (Some(m.as_str()), Some(&*format!("{m}:1")), Some(&*format!("{m}:old"))));
    let d = ok(addr, "DescribeExecution", json!({"executionArn": on_v2})).await;
    assert_eq!((d["stateMachineVersionArn"].as_str(), d.get("stateMachineAliasArn")), (Some(&*format!("{m}:2")), None));
    let d = ok(addr, "DescribeExecution", json!({"executionArn": current})).await;
    assert_eq!((d.get("stateMachineVersionArn"), d.get("stateMachineAliasArn")), (None, None));
    let listed = ok(addr, "ListExecutions", json!({"stateMachineArn": m})).await;
    let on_v1_item = listed["executions"].as_array().unwrap().iter().find(|e| e["name"] == "on-v1").unwrap().clone();
    assert_eq!(on_v1_item["stateMachineVersionArn"], format!("{m}:1"));
    // A version or alias ARN lists what was started through it.
    let names = |v: Value| v["executions"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let mut through_v1 = names(ok(addr, "ListExecutions", json!({"stateMachineArn": format!("{m}:1")})).await);
    through_v1.sort();
    assert_eq!(through_v1, ["on-alias", "on-v1"]);
    assert_eq!(names(ok(addr, "ListExecutions", json!({"stateMachineArn": format!("{m}:old")})).await), ["on-alias"]);
    for (arn, says) in [(&on_v1, "v1"), (&on_alias, "v1"), (&on_v2, "v2"), (&current, "v3"), (&later, "v4")] {
        let sm = ok(addr, "DescribeStateMachineForExecution", json!({"executionArn": arn})).await;
        assert_eq!(sm["definition"].as_str(), Some(definition(says).as_str()), "{arn}");
        assert_eq!(sm["stateMachineArn"], m);
    }

    open_gate(addr, 5).await;
    for (arn, says) in [(&on_v1, "v1"), (&on_alias, "v1"), (&on_v2, "v2"), (&current, "v3"), (&later, "v4")] {
        assert_eq!(finished(addr, arn).await, json!(says), "{arn}");
    }
    // Each finished one still names what it ran.
    let sm = ok(addr, "DescribeStateMachineForExecution", json!({"executionArn": on_v1})).await;
    assert_eq!(sm["definition"].as_str(), Some(definition("v1").as_str()));
}

#[tokio::test]
async fn a_version_deleted_while_it_runs_lets_its_executions_finish() {
    let addr = serve().await;
    ok(addr, "CreateActivity", json!({"name": "gate"})).await;
    let m = format!("{SM}D");
    ok(addr, "CreateStateMachine", json!({"name": "D", "definition": definition("one"), "roleArn": ROLE, "publish": true})).await;
    ok(addr, "UpdateStateMachine", json!({"stateMachineArn": m, "definition": definition("two")})).await;
    let on_v1 = start(addr, &format!("{m}:1"), "x").await;
    ok(addr, "DeleteStateMachineVersion", json!({"stateMachineVersionArn": format!("{m}:1")})).await;
    let sm = ok(addr, "DescribeStateMachineForExecution", json!({"executionArn": on_v1})).await;
    assert_eq!(sm["definition"].as_str(), Some(definition("one").as_str()));
    open_gate(addr, 1).await;
    assert_eq!(finished(addr, &on_v1).await, json!("one"));
}
