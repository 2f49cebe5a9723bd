//! The `asl-server` binary: its options, the endpoint line it prints, the mock configuration
//! it reads (`--mock-config FILE` or `SFN_MOCK_CONFIG`), checked before it listens, and its
//! database: state machines, activities and running executions outlive a killed server.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_asl-server");

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("asl-server-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Starts the binary and answers the endpoint it printed; the process is killed at the end.
fn endpoint_of(cmd: &mut Command) -> String {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    line
}

#[test]
fn prints_the_endpoint_it_listens_on() {
    let line = endpoint_of(Command::new(BIN).args(["--port", "0", "--db", &format!("sqlite:{}", tmp("db.sqlite").display())]).env_remove("SFN_MOCK_CONFIG"));
    let endpoint = line.trim().strip_prefix("asl-server listening on http://127.0.0.1:").unwrap_or_else(|| panic!("{line:?}"));
    assert!(endpoint.parse::<u16>().unwrap() > 0);
}

#[test]
fn bad_options_exit_2_with_the_reason() {
    for (args, says) in [
        (vec!["--db", "mysql://x"], "expected sqlite:PATH, postgres://USER@HOST/DB or memory"),
        (vec!["--port", "http"], "--port: 'http' is not a port number"),
        (vec!["--frobnicate", "1"], "unknown option --frobnicate"),
        (vec!["--port"], "--port needs a value"),
        (vec!["--lambda-endpoint", "localhost:3001"], "--lambda-endpoint: 'localhost:3001' is not an http:// or https:// URL"),
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says) && err.contains("usage: asl-server"), "{args:?}: {err}");
    }
}

#[test]
fn a_broken_mock_configuration_stops_the_server_naming_the_place() {
    let file = tmp("BrokenMock.json");
    std::fs::write(&file, r#"{"StateMachines":{"M":{"TestCases":{"T":{"S":"R"}}}},"MockedResponses":{"R":{"0":{"Throw":{"Error":"E"}}}}}"#).unwrap();
    let out = Command::new(BIN).args(["--port", "0", "--mock-config"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}: at MockedResponses.R.\"0\".Throw: missing field Cause", file.display())), "{err}");

    // The same through Step Functions Local's environment variable.
    let out = Command::new(BIN).args(["--port", "0"]).env("SFN_MOCK_CONFIG", &file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_good_mock_configuration_is_announced() {
    let file = tmp("MockConfigFile.json");
    std::fs::write(&file, r#"{"StateMachines":{"M":{"TestCases":{"T":{"S":"R"}}}},"MockedResponses":{"R":{"0-1":{"Return":{"ok":true}}}}}"#).unwrap();
    let mut child = Command::new(BIN).args(["--port", "0", "--db", "memory"]).env("SFN_MOCK_CONFIG", &file).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.contains(&format!("mock configuration {} (1 state machines)", file.display())), "{line}");
}

/// A running server process, killed (SIGKILL) when dropped.
struct Running {
    child: std::process::Child,
    addr: String,
}

impl Running {
    fn start(db: &std::path::Path) -> Running {
        let mut child =
            Command::new(BIN).args(["--port", "0", "--db"]).arg(format!("sqlite:{}", db.display())).env_remove("SFN_MOCK_CONFIG").stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.trim().strip_prefix("asl-server listening on http://").unwrap_or_else(|| panic!("{line:?}")).to_string();
        Running { child, addr }
    }

    /// One action over a plain HTTP/1.1 connection: (status, JSON body).
    fn call(&self, action: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
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
        (head[9..12].parse().unwrap(), serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
    }

    fn ok(&self, action: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, out) = self.call(action, body);
        assert_eq!(status, 200, "{action}: {out}");
        out
    }

    fn wait_for(&self, arn: &str, status: &str) -> serde_json::Value {
        for _ in 0..300 {
            let d = self.ok("DescribeExecution", serde_json::json!({"executionArn": arn}));
            if d["status"] == status {
                return d;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("{arn} never became {status}");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_execution_waiting_on_an_activity_outlives_a_killed_server() {
    use serde_json::json;
    let db = tmp("restart.sqlite");
    let _ = std::fs::remove_file(&db);
    let activity = "arn:aws:states:us-east-1:123456789012:activity:approve";
    let definition = json!({"StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "Parameters": {"order.$": "$.order"}, "Next": "Approve"},
        "Approve": {"Type": "Task", "Resource": activity, "ResultPath": "$.approval", "End": true}}});
    let execution = {
        let server = Running::start(&db);
        server.ok("CreateActivity", json!({"name": "approve"}));
        server.ok("CreateStateMachine", json!({"name": "Orders", "definition": definition.to_string(), "roleArn": "arn:aws:iam::123456789012:role/r", "publish": true}));
        server
            .ok("CreateStateMachineAlias", json!({"name": "live", "routingConfiguration": [{"stateMachineVersionArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Orders:1", "weight": 100}]}));
        server.ok("TagResource", json!({"resourceArn": activity, "tags": [{"key": "team", "value": "billing"}]}));
        server
            .ok("CreateStateMachine", json!({"name": "Gone", "definition": "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}", "roleArn": "arn:aws:iam::123456789012:role/r"}));
        server.ok("DeleteStateMachine", json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Gone"}));
        let arn = server.ok("StartExecution", json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Orders", "name": "order-7", "input": "{\"order\":7}"}))["executionArn"]
            .as_str()
            .unwrap()
            .to_string();
        // Wait until the activity task is scheduled, then kill the server (SIGKILL: nothing is flushed).
        let scheduled = || server.ok("GetExecutionHistory", json!({"executionArn": arn}))["events"].as_array().unwrap().iter().any(|e| e["type"] == "ActivityScheduled");
        for _ in 0..100 {
            if scheduled() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(scheduled(), "the activity was never scheduled");
        std::thread::sleep(std::time::Duration::from_millis(200));
        arn
    };
    let server = Running::start(&db);
    // The machine, the activity and the execution are all still there.
    assert_eq!(server.ok("DescribeStateMachine", json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Orders"}))["name"], "Orders");
    assert_eq!(server.ok("DescribeActivity", json!({"activityArn": activity}))["name"], "approve");
    assert_eq!(server.ok("ListTagsForResource", json!({"resourceArn": activity}))["tags"], json!([{"key": "team", "value": "billing"}]));
    assert_eq!(server.ok("DescribeStateMachineAlias", json!({"stateMachineAliasArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Orders:live"}))["name"], "live");
    let machines = server.ok("ListStateMachines", json!({}))["stateMachines"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(machines, ["Orders"]);
    assert_eq!(server.ok("DescribeExecution", json!({"executionArn": execution}))["status"], "RUNNING");
    let task = server.ok("GetActivityTask", json!({"activityArn": activity, "workerName": "after-restart"}));
    assert_eq!(serde_json::from_str::<serde_json::Value>(task["input"].as_str().unwrap()).unwrap(), json!({"order": 7}));
    server.ok("SendTaskSuccess", json!({"taskToken": task["taskToken"], "output": "{\"approved\":true}"}));
    let done = server.wait_for(&execution, "SUCCEEDED");
    assert_eq!(serde_json::from_str::<serde_json::Value>(done["output"].as_str().unwrap()).unwrap(), json!({"order": 7, "approval": {"approved": true}}));
    // The same token again: the task is over.
    let (status, err) = server.call("SendTaskSuccess", json!({"taskToken": task["taskToken"], "output": "{}"}));
    assert_eq!((status, err["__type"].as_str().unwrap().rsplit('#').next().unwrap()), (400, "TaskDoesNotExist"), "{err}");
}

#[test]
fn resumed_executions_run_the_definition_they_started_on() {
    use serde_json::json;
    let db = tmp("pinned.sqlite");
    let _ = std::fs::remove_file(&db);
    let gate = "arn:aws:states:us-east-1:123456789012:activity:gate";
    let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:Pinned";
    let definition = |says: &str| {
        json!({"StartAt": "Wait", "States": {
            "Wait": {"Type": "Task", "Resource": gate, "ResultPath": null, "Next": "Say"},
            "Say": {"Type": "Pass", "Result": says, "End": true}}})
        .to_string()
    };
    let (current, on_version) = {
        let server = Running::start(&db);
        server.ok("CreateActivity", json!({"name": "gate"}));
        server.ok("CreateStateMachine", json!({"name": "Pinned", "definition": definition("first"), "roleArn": "arn:aws:iam::123456789012:role/r", "publish": true}));
        let current = server.ok("StartExecution", json!({"stateMachineArn": machine, "name": "current"}))["executionArn"].as_str().unwrap().to_string();
        server.ok("UpdateStateMachine", json!({"stateMachineArn": machine, "definition": definition("second")}));
        let on_version = server.ok("StartExecution", json!({"stateMachineArn": format!("{machine}:1"), "name": "on-version"}))["executionArn"].as_str().unwrap().to_string();
        server.ok("UpdateStateMachine", json!({"stateMachineArn": machine, "definition": definition("third")}));
        let scheduled = |arn: &str| server.ok("GetExecutionHistory", json!({"executionArn": arn}))["events"].as_array().unwrap().iter().any(|e| e["type"] == "ActivityScheduled");
        for _ in 0..100 {
            if scheduled(&current) && scheduled(&on_version) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        (current, on_version)
    };
    let server = Running::start(&db);
    let d = server.ok("DescribeExecution", json!({"executionArn": on_version}));
    assert_eq!(d["stateMachineVersionArn"], format!("{machine}:1"));
    assert_eq!(server.ok("DescribeStateMachineForExecution", json!({"executionArn": current}))["definition"].as_str(), Some(definition("first").as_str()));
    for _ in 0..2 {
        let task = server.ok("GetActivityTask", json!({"activityArn": gate}));
        server.ok("SendTaskSuccess", json!({"taskToken": task["taskToken"], "output": "{}"}));
    }
    for arn in [&current, &on_version] {
        let done = server.wait_for(arn, "SUCCEEDED");
        assert_eq!(done["output"], "\"first\"", "{arn}");
    }
    let later = server.ok("StartExecution", json!({"stateMachineArn": machine, "name": "later"}))["executionArn"].as_str().unwrap().to_string();
    let task = server.ok("GetActivityTask", json!({"activityArn": gate}));
    server.ok("SendTaskSuccess", json!({"taskToken": task["taskToken"], "output": "{}"}));
    assert_eq!(server.wait_for(&later, "SUCCEEDED")["output"], "\"third\"");
}

#[test]
fn two_servers_on_one_database_create_the_same_machine_as_aws() {
    use serde_json::json;
    let db = tmp("shared.sqlite");
    let _ = std::fs::remove_file(&db);
    let (a, b) = (Running::start(&db), Running::start(&db));
    let pass = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;
    let create = |s: &Running, name: &str, definition: &str| s.call("CreateStateMachine", json!({"name": name, "definition": definition, "roleArn": "arn:aws:iam::123456789012:role/r"}));
    // One after the other: the same request is idempotent, a different one is refused.
    let first = a.ok("CreateStateMachine", json!({"name": "Shared", "definition": pass, "roleArn": "arn:aws:iam::123456789012:role/r"}));
    let (status, again) = create(&b, "Shared", pass);
    assert_eq!((status, &again["stateMachineArn"]), (200, &first["stateMachineArn"]), "{again}");
    assert_eq!(again["creationDate"], first["creationDate"]);
    let (status, other) = create(&b, "Shared", r#"{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}"#);
    assert_eq!((status, other["__type"].as_str().unwrap().rsplit('#').next().unwrap()), (400, "StateMachineAlreadyExists"), "{other}");
    // At the same time, many times over: every answer is the one ARN.
    for round in 0..10 {
        let name = format!("Race{round}");
        let (x, y) = std::thread::scope(|s| {
            let x = s.spawn(|| create(&a, &name, pass));
            let y = s.spawn(|| create(&b, &name, pass));
            (x.join().unwrap(), y.join().unwrap())
        });
        assert_eq!((x.0, y.0), (200, 200), "{x:?} {y:?}");
        assert_eq!(x.1["stateMachineArn"], y.1["stateMachineArn"]);
    }
    // A machine the other server made is described here, and runs here.
    let described = b.ok("DescribeStateMachine", json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Race3"}));
    assert_eq!(described["definition"], pass, "{described}");
    a.ok("UpdateStateMachine", json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Race4", "definition": r#"{"StartAt":"U","States":{"U":{"Type":"Pass","End":true}}}"#}));
    let updated = b.ok("DescribeStateMachine", json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Race4"}));
    assert!(updated["definition"].as_str().unwrap().contains("\"U\""), "{updated}");
    let arn = b.ok("StartExecution", json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Race3", "input": "{\"n\":1}"}))["executionArn"].as_str().unwrap().to_string();
    assert_eq!(b.wait_for(&arn, "SUCCEEDED")["output"], "{\"n\":1}");
    // Activities too.
    let act = a.ok("CreateActivity", json!({"name": "shared"}));
    assert_eq!(b.ok("CreateActivity", json!({"name": "shared"}))["activityArn"], act["activityArn"]);
    let other = a.ok("CreateActivity", json!({"name": "made-on-a"}));
    assert_eq!(b.ok("DescribeActivity", json!({"activityArn": other["activityArn"]}))["name"], "made-on-a");
}
