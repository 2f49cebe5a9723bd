//! Step Functions Local mock configurations on the `asl-server` binary (engine backend,
//! SQLite): AWS's documented example file (tests/mock/, unchanged) runs its three test cases
//! through StartExecution on `<stateMachineArn>#<TestCase>`, a test case execution outlives a
//! killed server without losing count of its mocked invocations, StartSyncExecution runs test
//! cases too, and mocked `.waitForTaskToken` and activity states behave as in Step Functions Local.
//! With `ASL_TEST_POSTGRES` (required under `CI=1`), a second server on the same PostgreSQL
//! schema takes a test case execution over from a crashed one.

#[path = "support/wire.rs"]
#[allow(dead_code)]
mod wire;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_asl-server");
const ROLE: &str = "arn:aws:iam::123456789012:role/service-role/LambdaSQSIntegration";
const MACHINE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:LambdaSQSIntegration";
const EXECUTION: &str = "arn:aws:states:us-east-1:123456789012:execution:LambdaSQSIntegration:";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mock").join(name)
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("asl-server-mock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    p
}

/// A running server process, killed (SIGKILL) when dropped.
struct Running {
    child: std::process::Child,
    addr: String,
}

impl Running {
    fn start(db: &Path, mock: &Path) -> Running {
        Self::start_logging(db, mock, Stdio::null())
    }

    /// [`start`](Self::start) with the server's stderr going to `log`.
    fn start_logging(db: &Path, mock: &Path, log: impl Into<Stdio>) -> Running {
        let mut child = Command::new(BIN)
            .args(["--port", "0", "--db"])
            .arg(format!("sqlite:{}", db.display()))
            .arg("--mock-config")
            .arg(mock)
            .env_remove("SFN_MOCK_CONFIG")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.trim().strip_prefix("asl-server listening on http://").unwrap_or_else(|| panic!("{line:?}")).to_string();
        Running { child, addr }
    }

    fn call(&self, action: &str, body: Value) -> (u16, Value) {
        use std::io::{Read, Write};
        let body = body.to_string();
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "POST / HTTP/1.1\r\nHost: {}\r\nX-Amz-Target: AWSStepFunctions.{action}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        (head[9..12].parse().unwrap(), serde_json::from_str(body).unwrap_or(Value::Null))
    }

    fn ok(&self, action: &str, body: Value) -> Value {
        let (status, out) = self.call(action, body);
        assert_eq!(status, 200, "{action}: {out}");
        out
    }

    fn create(&self, name: &str, definition: &str, kind: &str) -> String {
        self.ok("CreateStateMachine", json!({"name": name, "definition": definition, "roleArn": ROLE, "type": kind}))["stateMachineArn"].as_str().unwrap().to_string()
    }

    /// Waits (up to `limit`) for the execution to end; answers DescribeExecution.
    fn finished(&self, arn: &str, limit: Duration) -> Value {
        let until = Instant::now() + limit;
        loop {
            let d = self.ok("DescribeExecution", json!({"executionArn": arn}));
            if d["status"] != "RUNNING" || Instant::now() > until {
                return d;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn history(&self, arn: &str) -> Vec<Value> {
        self.ok("GetExecutionHistory", json!({"executionArn": arn, "maxResults": 1000}))["events"].as_array().unwrap().clone()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn types(history: &[Value]) -> Vec<&str> {
    history.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

fn failed_errors(history: &[Value]) -> Vec<&str> {
    history.iter().filter(|e| e["type"] == "TaskFailed").map(|e| e["taskFailedEventDetails"]["error"].as_str().unwrap()).collect()
}

fn definition() -> String {
    std::fs::read_to_string(data("LambdaSQSIntegration.asl.json")).unwrap()
}

fn parsed(v: &Value) -> Value {
    serde_json::from_str(v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))).unwrap()
}

/// The documented results: HappyPath and RetryPath succeed with the mocked SQS answer,
/// RetryPath after a ResourceNotReady, two timeouts and the retrier's backoff (2 + 4 + 8 s);
/// HybridPath's unmocked SQSState makes its real call, which this server cannot make.
#[test]
fn the_documented_mock_file_runs_unchanged() {
    let server = Running::start(&tmp("documented.sqlite"), &data("MockConfigFile.json"));
    assert_eq!(server.create("LambdaSQSIntegration", &definition(), "STANDARD"), MACHINE);
    let start = |case: &str| -> String {
        let out = server.ok("StartExecution", json!({"stateMachineArn": format!("{MACHINE}#{case}"), "name": format!("with{case}"), "input": "{\"data\":\"test input\"}"}));
        out["executionArn"].as_str().unwrap().to_string()
    };
    let (happy, retry, hybrid) = (start("HappyPath"), start("RetryPath"), start("HybridPath"));
    // The execution belongs to the machine: its ARN does not name the test case.
    assert_eq!(happy, format!("{EXECUTION}withHappyPath"));

    // An unknown test case, or a test case of another machine, is refused.
    let (status, out) = server.call("StartExecution", json!({"stateMachineArn": format!("{MACHINE}#NoSuchCase")}));
    assert_eq!((status, out["__type"].as_str().unwrap().rsplit('#').next().unwrap()), (400, "ValidationException"), "{out}");
    assert!(out["message"].as_str().unwrap().contains("no test case 'NoSuchCase' for state machine 'LambdaSQSIntegration'"), "{out}");

    let sqs_answer = json!({"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51", "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"});
    let d = server.finished(&happy, Duration::from_secs(10));
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    assert_eq!(parsed(&d["output"]), sqs_answer);
    assert_eq!(d["stateMachineArn"], MACHINE);
    let h = server.history(&happy);
    #[rustfmt::skip]
    assert_eq!(types(&h), [
        "ExecutionStarted",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "ExecutionSucceeded",
    ]);
    // The mocked Lambda answer is LambdaState's result, SQSState's input.
    assert_eq!(parsed(&h[6]["stateEnteredEventDetails"]["input"]), json!({"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}));
    assert_eq!((h[4]["taskSucceededEventDetails"]["resourceType"].as_str(), h[4]["taskSucceededEventDetails"]["resource"].as_str()), (Some("lambda"), Some("invoke")));

    let d = server.finished(&hybrid, Duration::from_secs(10));
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("States.Runtime")), "{d}");
    assert!(d["cause"].as_str().unwrap().contains("arn:aws:states:::sqs:sendMessage"), "{d}");
    assert_eq!(types(&server.history(&hybrid))[..6], ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited"]);

    let d = server.finished(&retry, Duration::from_secs(30));
    assert_eq!((d["status"].as_str(), parsed(&d["output"])), (Some("SUCCEEDED"), sqs_answer), "{d}");
    let h = server.history(&retry);
    assert_eq!(failed_errors(&h), ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"]);
    assert_eq!(types(&h).iter().filter(|t| **t == "TaskSucceeded").count(), 2);
    // The backoff: 2, 4 and 8 seconds between the attempts.
    let took = d["stopDate"].as_f64().unwrap() - d["startDate"].as_f64().unwrap();
    assert!((14.0..20.0).contains(&took), "RetryPath took {took} s");

    // The same machine without a test case makes the real calls.
    let plain = server.ok("StartExecution", json!({"stateMachineArn": MACHINE, "name": "unmocked"}))["executionArn"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(300));
    let h = server.history(&plain);
    assert!(!types(&h).contains(&"TaskSucceeded"), "{h:?}");
}

/// A RetryPath execution killed during its first backoff resumes on a new server and goes on
/// counting its invocations from its history: attempts 1 to 3 get the responses "1-2" and "3".
#[test]
fn a_test_case_execution_outlives_a_killed_server() {
    let db = tmp("restart.sqlite");
    let exec = {
        let server = Running::start(&db, &data("MockConfigFile.json"));
        server.create("LambdaSQSIntegration", &definition(), "STANDARD");
        let out = server.ok("StartExecution", json!({"stateMachineArn": format!("{MACHINE}#RetryPath"), "name": "killed"}));
        let exec = out["executionArn"].as_str().unwrap().to_string();
        let until = Instant::now() + Duration::from_secs(10);
        while failed_errors(&server.history(&exec)).is_empty() {
            assert!(Instant::now() < until, "the first attempt never failed");
            std::thread::sleep(Duration::from_millis(20));
        }
        exec
        // Killed here (SIGKILL), in the 2 s backoff before attempt 1.
    };
    let server = Running::start(&db, &data("MockConfigFile.json"));
    let d = server.finished(&exec, Duration::from_secs(60));
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    let h = server.history(&exec);
    assert_eq!(failed_errors(&h), ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"], "{:?}", types(&h));
}

/// A server whose mock configuration lost the test case cannot resume its executions: they
/// stay RUNNING (the server says why, once), and run on when the test case is back.
#[test]
fn an_execution_waits_for_its_test_case_to_come_back() {
    let db = tmp("lost.sqlite");
    let exec = {
        let server = Running::start(&db, &data("MockConfigFile.json"));
        server.create("LambdaSQSIntegration", &definition(), "STANDARD");
        let out = server.ok("StartExecution", json!({"stateMachineArn": format!("{MACHINE}#RetryPath"), "name": "orphan"}));
        let exec = out["executionArn"].as_str().unwrap().to_string();
        let until = Instant::now() + Duration::from_secs(10);
        while failed_errors(&server.history(&exec)).is_empty() {
            assert!(Instant::now() < until, "the first attempt never failed");
            std::thread::sleep(Duration::from_millis(20));
        }
        exec
    };
    let other = tmp("other-cases.json");
    std::fs::write(&other, r#"{"StateMachines":{"LambdaSQSIntegration":{"TestCases":{"HappyPath":{"LambdaState":"R"}}}},"MockedResponses":{"R":{"0":{"Return":1}}}}"#).unwrap();
    let log = tmp("lost.log");
    {
        let server = Running::start_logging(&db, &other, std::fs::File::create(&log).unwrap());
        // Past the dead server's lease (5 s on SQLite) and a few recovery rounds.
        std::thread::sleep(Duration::from_secs(9));
        assert_eq!(server.ok("DescribeExecution", json!({"executionArn": exec}))["status"], "RUNNING");
    }
    let said = std::fs::read_to_string(&log).unwrap();
    assert_eq!(said.matches("has no test case 'RetryPath'").count(), 1, "{said}");
    let server = Running::start(&db, &data("MockConfigFile.json"));
    let d = server.finished(&exec, Duration::from_secs(60));
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    assert_eq!(failed_errors(&server.history(&exec)), ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"]);
}

/// StartSyncExecution runs a test case of an EXPRESS machine in memory.
#[test]
fn start_sync_execution_runs_test_cases() {
    let server = Running::start(&tmp("sync.sqlite"), &data("MockConfigFile.json"));
    server.create("LambdaSQSIntegration", &definition(), "EXPRESS");
    let out = server.ok("StartSyncExecution", json!({"stateMachineArn": format!("{MACHINE}#HappyPath"), "input": "{}"}));
    assert_eq!((out["status"].as_str(), parsed(&out["output"])["MessageId"].as_str()), (Some("SUCCEEDED"), Some("3bcb6e8e-8b51-4375-b0bc-1a59812c6e51")), "{out}");
    assert_eq!(out["stateMachineArn"], MACHINE);
    let out = server.ok("StartSyncExecution", json!({"stateMachineArn": format!("{MACHINE}#HybridPath")}));
    assert_eq!((out["status"].as_str(), out["error"].as_str()), (Some("FAILED"), Some("States.Runtime")), "{out}");
    let (status, out) = server.call("StartSyncExecution", json!({"stateMachineArn": format!("{MACHINE}#Nope")}));
    assert_eq!(status, 400, "{out}");
}

/// A mocked `.waitForTaskToken` state ends with its mocked response (no SendTaskSuccess);
/// a mocked activity state fails the execution, as Step Functions Local refuses to mock
/// activities; a response with no entry for an invocation fails it with `States.Runtime`.
#[test]
fn mocked_callbacks_activities_and_missing_entries() {
    let mock = tmp("callbacks.json");
    std::fs::write(
        &mock,
        json!({
            "StateMachines": {
                "Callback": {"TestCases": {"Answered": {"Ask": "Approved"}}},
                "Approval": {"TestCases": {"Mocked": {"Approve": "Approved"}}},
                "Twice": {"TestCases": {"OnlyOnce": {"Call": "Approved"}}}
            },
            "MockedResponses": {"Approved": {"0": {"Return": {"approved": true}}}}
        })
        .to_string(),
    )
    .unwrap();
    let server = Running::start(&tmp("callbacks.sqlite"), &mock);
    let sm = |name: &str| format!("arn:aws:states:us-east-1:123456789012:stateMachine:{name}");

    let ask = json!({"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "TimeoutSeconds": 30, "End": true}}});
    server.create("Callback", &ask.to_string(), "STANDARD");
    let e = server.ok("StartExecution", json!({"stateMachineArn": format!("{}#Answered", sm("Callback"))}))["executionArn"].as_str().unwrap().to_string();
    let d = server.finished(&e, Duration::from_secs(10));
    assert_eq!((d["status"].as_str(), parsed(&d["output"])), (Some("SUCCEEDED"), json!({"approved": true})), "{d}");

    let activity = server.ok("CreateActivity", json!({"name": "Approve"}))["activityArn"].as_str().unwrap().to_string();
    let approve = json!({"StartAt": "Approve", "States": {"Approve": {"Type": "Task", "Resource": activity, "End": true}}});
    server.create("Approval", &approve.to_string(), "STANDARD");
    let e = server.ok("StartExecution", json!({"stateMachineArn": format!("{}#Mocked", sm("Approval"))}))["executionArn"].as_str().unwrap().to_string();
    let d = server.finished(&e, Duration::from_secs(10));
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("States.Runtime")), "{d}");
    assert!(d["cause"].as_str().unwrap().contains("Activity state cannot be mocked."), "{d}");

    // A loop calls the mocked state twice: invocation 1 has no entry.
    let twice = json!({"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "ResultPath": null, "Next": "Again"},
        "Again": {"Type": "Choice", "Choices": [{"Variable": "$.again", "IsPresent": false, "Next": "Mark"}], "Default": "Done"},
        "Mark": {"Type": "Pass", "Result": true, "ResultPath": "$.again", "Next": "Call"},
        "Done": {"Type": "Succeed"}}});
    server.create("Twice", &twice.to_string(), "STANDARD");
    let e = server.ok("StartExecution", json!({"stateMachineArn": format!("{}#OnlyOnce", sm("Twice"))}))["executionArn"].as_str().unwrap().to_string();
    let d = server.finished(&e, Duration::from_secs(10));
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("States.Runtime")), "{d}");
    assert!(d["cause"].as_str().unwrap().contains("no entry for invocation 1 of state 'Call'"), "{d}");
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Two servers on one PostgreSQL schema: the first crashes (its engine stops, writing
/// nothing) during RetryPath's first backoff; the second takes the execution over once the
/// lease lapses, runs it under the test case its run key records, and numbers the remaining
/// invocations from the shared history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_server_on_postgres_takes_a_test_case_execution_over() {
    use asl_engine::EngineOptions;
    use asl_engine::store::{PostgresOptions, PostgresStore};
    use asl_server::{EngineBackend, MockConfig, Server, Settings};
    use std::sync::Arc;

    let Ok(conn) = std::env::var("ASL_TEST_POSTGRES") else {
        assert!(!in_ci(), "CI=1: ASL_TEST_POSTGRES must be set for the PostgreSQL mock test");
        eprintln!("ASL_TEST_POSTGRES not set: skipping");
        return;
    };
    let schema = format!("asl_mock_{}", std::process::id());
    let mock = Arc::new(MockConfig::load(&data("MockConfigFile.json")).unwrap());
    let server = |store: PostgresStore| {
        let settings = Settings { mock_config: Some(mock.clone()), ..Default::default() };
        async move {
            let backend = EngineBackend::with_store(settings, Arc::new(store), EngineOptions { lease_ms: 1_000, ..Default::default() }).await.unwrap();
            let engine = backend.engine().clone();
            let bound = Server::builder().backend(backend).bind(([127, 0, 0, 1], 0).into()).await.unwrap();
            let addr = bound.local_addr();
            tokio::spawn(bound.serve());
            (addr, engine)
        }
    };
    let store = || PostgresStore::connect_with(&conn, PostgresOptions { schema: Some(schema.clone()), ..Default::default() });
    let (first, engine) = server(store().await.unwrap()).await;
    let mut c = wire::Conn::open(first).await;
    c.ok("CreateStateMachine", &json!({"name": "LambdaSQSIntegration", "definition": definition(), "roleArn": ROLE}).to_string()).await;
    let exec = c.ok("StartExecution", &json!({"stateMachineArn": format!("{MACHINE}#RetryPath"), "name": "taken-over"}).to_string()).await["executionArn"].as_str().unwrap().to_string();
    async fn history(c: &mut wire::Conn, exec: &str) -> Vec<Value> {
        let body = json!({"executionArn": exec, "maxResults": 1000}).to_string();
        c.ok("GetExecutionHistory", &body).await["events"].as_array().unwrap().clone()
    }
    let until = Instant::now() + Duration::from_secs(10);
    while failed_errors(&history(&mut c, &exec).await).is_empty() {
        assert!(Instant::now() < until, "the first attempt never failed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    engine.crash();

    let (second, _engine) = server(store().await.unwrap()).await;
    let mut c = wire::Conn::open(second).await;
    let until = Instant::now() + Duration::from_secs(60);
    let d = loop {
        let d = c.ok("DescribeExecution", &json!({"executionArn": exec}).to_string()).await;
        if d["status"] != "RUNNING" || Instant::now() > until {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    let h = history(&mut c, &exec).await;
    assert_eq!(failed_errors(&h), ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"], "{:?}", types(&h));
}
