//! A compiled (`asl!`) machine and a Rust task handler served by `Server::builder()` (as
//! examples/compiled.rs does), driven over the wire: the machine is listed and described
//! without CreateStateMachine, StartExecution runs the compiled code on the engine, and a
//! definition created over the API calls the handler.

use std::net::SocketAddr;
use std::time::Duration;

use asl_runtime::{Failure, TaskContext, Value, json};
use asl_server::{DbUrl, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

asl_runtime::asl!("examples/greeting.json", task("arn:aws:lambda:us-east-1:123456789012:function:greet") = greet);

const DEFINITION: &str = include_str!("../examples/greeting.json");
const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:";

struct Greeter;

impl greeting::Tasks for Greeter {
    async fn greet(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let who = input["who"].as_str().ok_or_else(|| Failure::new("NoName", "the input has no \"who\""))?;
        Ok(json!({"greeting": format!("Hello, {who}"), "loud": input["loud"] == true}))
    }
}

async fn call(addr: SocketAddr, action: &str, body: Value) -> (u16, Value) {
    let body = body.to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("POST / HTTP/1.1\r\nHost: {addr}\r\nX-Amz-Target: AWSStepFunctions.{action}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
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

async fn ended(addr: SocketAddr, arn: &str) -> Value {
    for _ in 0..500 {
        let d = ok(addr, "DescribeExecution", json!({"executionArn": arn})).await;
        if d["status"] != "RUNNING" {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{arn} never ended");
}

async fn serve(db: DbUrl) -> SocketAddr {
    let bound = Server::builder()
        .db(db)
        .machine("Greeting", DEFINITION, greeting::Greeting::new(Greeter))
        .handler("arn:aws:lambda:us-east-1:123456789012:function:shout", |input: Value, _ctx: TaskContext| async move { Ok(json!(input.as_str().unwrap_or_default().to_uppercase())) })
        .bind(([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let addr = bound.local_addr();
    tokio::spawn(bound.serve());
    addr
}

#[tokio::test]
async fn a_compiled_machine_serves_the_whole_api() {
    let addr = serve(DbUrl::Memory).await;
    let listed = ok(addr, "ListStateMachines", json!({})).await;
    assert_eq!(listed["stateMachines"][0]["name"], "Greeting");
    let d = ok(addr, "DescribeStateMachine", json!({"stateMachineArn": format!("{SM}Greeting")})).await;
    assert_eq!((d["definition"].as_str(), d["status"].as_str()), (Some(DEFINITION), Some("ACTIVE")));

    // The Task is the Rust method: loaded, this definition's Lambda would fail (no endpoint).
    let arn = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Greeting"), "input": "{\"who\":\"Ann\",\"loud\":true}"})).await["executionArn"].as_str().unwrap().to_string();
    let d = ended(addr, &arn).await;
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    assert_eq!(serde_json::from_str::<Value>(d["output"].as_str().unwrap()).unwrap(), json!({"greeting": "Hello, Ann!"}));
    let h = ok(addr, "GetExecutionHistory", json!({"executionArn": arn})).await;
    let types: Vec<&str> = h["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(types.contains(&"LambdaFunctionSucceeded") && types.contains(&"ChoiceStateEntered"), "{types:?}");
    // Its failure is the compiled code's, in AWS's shape.
    let arn = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Greeting"), "input": "{}"})).await["executionArn"].as_str().unwrap().to_string();
    let d = ended(addr, &arn).await;
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("NoName")), "{d}");

    // A definition sent over the API calls the host's handler.
    let shout = json!({"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:shout", "End": true}}});
    ok(addr, "CreateStateMachine", json!({"name": "Shout", "definition": shout.to_string(), "roleArn": "arn:aws:iam::123456789012:role/r"})).await;
    let arn = ok(addr, "StartExecution", json!({"stateMachineArn": format!("{SM}Shout"), "input": "\"hey\""})).await["executionArn"].as_str().unwrap().to_string();
    assert_eq!(ended(addr, &arn).await["output"], "\"HEY\"");
}

#[tokio::test]
async fn a_compiled_machine_is_kept_and_updated_across_runs_of_the_host() {
    let db = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("compiled-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let first = serve(DbUrl::Sqlite(db.clone())).await;
    let created = ok(first, "DescribeStateMachine", json!({"stateMachineArn": format!("{SM}Greeting")})).await;
    // The host runs again on the same database: the same machine, not a second one.
    let again = serve(DbUrl::Sqlite(db.clone())).await;
    let d = ok(again, "DescribeStateMachine", json!({"stateMachineArn": format!("{SM}Greeting")})).await;
    assert_eq!((d["revisionId"].as_str(), d["creationDate"].as_f64()), (created["revisionId"].as_str(), created["creationDate"].as_f64()));
    let arn = ok(again, "StartExecution", json!({"stateMachineArn": format!("{SM}Greeting"), "input": "{\"who\":\"Bo\"}"})).await["executionArn"].as_str().unwrap().to_string();
    assert_eq!(serde_json::from_str::<Value>(ended(again, &arn).await["output"].as_str().unwrap()).unwrap(), json!({"greeting": "Hello, Bo", "loud": false}));
}
