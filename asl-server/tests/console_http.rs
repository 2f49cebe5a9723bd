//! The console's own routes over HTTP, without a browser: the page and its assets, a machine's
//! graph as SVG, and an execution's history as server-sent events (with resumption).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(name: &str) -> Server {
    let db = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("console-http-{name}-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-server"))
        .args(["--port", "0", "--db", &format!("sqlite:{}", db.display())])
        .env_remove("SFN_MOCK_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("asl-server listening on http://").unwrap_or_else(|| panic!("{line:?}")).to_string();
    Server { child, addr }
}

/// One HTTP/1.1 exchange (`Connection: close`): the status line, the headers and the body.
fn http(addr: &str, request: &str) -> (String, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let out = String::from_utf8_lossy(&out).to_string();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    let body = if headers.to_ascii_lowercase().contains("transfer-encoding: chunked") { unchunk(body) } else { body.to_string() };
    (status.to_string(), headers.to_ascii_lowercase(), body)
}

fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

fn get(addr: &str, path: &str, extra: &str) -> (String, String, String) {
    http(addr, &format!("GET {path} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n"))
}

fn call(addr: &str, action: &str, body: Value) -> Value {
    let body = body.to_string();
    let (status, _, out) = http(
        addr,
        &format!(
            "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSStepFunctions.{action}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(status.contains(" 200 "), "{action}: {status} {out}");
    serde_json::from_str(&out).unwrap()
}

fn path_of(arn: &str) -> String {
    arn.replace(':', "%3A")
}

/// The messages of an event stream: (event, id, data).
fn messages(stream: &str) -> Vec<(String, Option<String>, String)> {
    stream
        .split("\n\n")
        .filter_map(|block| {
            let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name).map(|v| v.trim_start().to_string()));
            Some((field("event:")?, field("id:"), field("data:").unwrap_or_default()))
        })
        .collect()
}

const DEF: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","End":true}}}"#;

#[test]
fn the_page_and_its_assets_are_served_from_the_binary() {
    let s = start("assets");
    let (status, headers, body) = get(&s.addr, "/", "");
    assert!(status.contains(" 200 "), "{status}");
    assert!(headers.contains("content-type: text/html; charset=utf-8"), "{headers}");
    assert!(headers.contains("content-security-policy: default-src 'self'"), "{headers}");
    assert!(body.contains(r#"<script src="/console/console.js" defer></script>"#));
    for (path, kind) in [("/console/console.js", "text/javascript"), ("/console/console.css", "text/css")] {
        let (status, headers, body) = get(&s.addr, path, "");
        assert!(status.contains(" 200 ") && headers.contains(kind) && body.len() > 1000, "{path}: {status} {headers}");
    }
    // Nothing the page loads comes from elsewhere (the SVG namespace is a name, not a fetch).
    let (_, _, js) = get(&s.addr, "/console/console.js", "");
    let (_, _, css) = get(&s.addr, "/console/console.css", "");
    for text in [&body, &js, &css] {
        let text = text.replace("'http://www.w3.org/2000/svg'", "");
        assert!(!text.contains("http://") && !text.contains("https://") && !text.contains("@import") && !text.contains("url("), "an outside reference");
    }
}

#[test]
fn the_graph_is_the_asl_graph_svg_with_state_names() {
    let s = start("graph");
    let sm = call(&s.addr, "CreateStateMachine", json!({"name": "Two", "definition": DEF, "roleArn": "arn:aws:iam::123456789012:role/r"}));
    let arn = sm["stateMachineArn"].as_str().unwrap();
    let (status, headers, svg) = get(&s.addr, &format!("/console/graph/{}", path_of(arn)), "");
    assert!(status.contains(" 200 ") && headers.contains("image/svg+xml"), "{status} {headers}");
    assert!(svg.starts_with("<svg ") && svg.contains(r#"data-state="A""#) && svg.contains(r#"data-state="B""#), "{svg}");
    // An execution's ARN draws the machine it ran.
    let exec = call(&s.addr, "StartExecution", json!({"stateMachineArn": arn, "name": "run"}));
    let (status, _, svg2) = get(&s.addr, &format!("/console/graph/{}", path_of(exec["executionArn"].as_str().unwrap())), "");
    assert!(status.contains(" 200 "), "{status}");
    assert_eq!(svg, svg2);
    // An unknown machine is the API's error, as text.
    let (status, _, body) = get(&s.addr, &format!("/console/graph/{}", path_of(&arn.replace("Two", "Nope"))), "");
    assert!(status.contains(" 400 ") && body.starts_with("StateMachineDoesNotExist: "), "{status} {body}");
}

#[test]
fn history_streams_as_server_sent_events_and_resumes() {
    let s = start("events");
    let sm = call(&s.addr, "CreateStateMachine", json!({"name": "Two", "definition": DEF, "roleArn": "arn:aws:iam::123456789012:role/r"}));
    let exec = call(&s.addr, "StartExecution", json!({"stateMachineArn": sm["stateMachineArn"], "name": "run", "input": "{\"n\":1}"}));
    let arn = exec["executionArn"].as_str().unwrap();
    let path = format!("/console/events/{}", path_of(arn));

    // The whole history, then `end` with DescribeExecution's answer; the stream closes itself.
    let (status, headers, body) = get(&s.addr, &path, "");
    assert!(status.contains(" 200 ") && headers.contains("content-type: text/event-stream"), "{status} {headers}");
    let msgs = messages(&body);
    let (kind, _, end) = msgs.last().unwrap();
    assert_eq!(kind, "end", "{body}");
    assert_eq!(serde_json::from_str::<Value>(end).unwrap()["status"], "SUCCEEDED");
    let events: Vec<Value> = msgs.iter().filter(|m| m.0 == "history").flat_map(|m| serde_json::from_str::<Vec<Value>>(&m.2).unwrap()).collect();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
    let ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6]);
    // Each message's id is its last event's, for Last-Event-ID.
    let last_history = msgs.iter().rev().find(|m| m.0 == "history").unwrap();
    assert_eq!(last_history.1.as_deref(), Some("6"));

    // Resuming after an id (query or Last-Event-ID) sends only what follows.
    for extra in [("?after=4", ""), ("", "Last-Event-ID: 4\r\n")] {
        let (_, _, body) = get(&s.addr, &format!("{path}{}", extra.0), extra.1);
        let later: Vec<i64> = messages(&body).iter().filter(|m| m.0 == "history").flat_map(|m| serde_json::from_str::<Vec<Value>>(&m.2).unwrap()).map(|e| e["id"].as_i64().unwrap()).collect();
        assert_eq!(later, [5, 6], "{extra:?}");
    }

    // An execution that does not exist: one `failure` message naming the API's error.
    let (_, _, body) = get(&s.addr, &format!("/console/events/{}", path_of(&arn.replace(":run", ":nope"))), "");
    let msgs = messages(&body);
    assert_eq!(msgs.len(), 1, "{body}");
    assert_eq!(msgs[0].0, "failure");
    assert_eq!(serde_json::from_str::<Value>(&msgs[0].2).unwrap()["error"], "ExecutionDoesNotExist");
}

#[test]
fn a_long_history_streams_whole_over_growing_pages() {
    let s = start("long");
    let def = r#"{"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Each","States":{"Each":{"Type":"Pass","End":true}}},"End":true}}}"#;
    let sm = call(&s.addr, "CreateStateMachine", json!({"name": "Fan", "definition": def, "roleArn": "arn:aws:iam::123456789012:role/r"}));
    let items: Vec<u32> = (0..300).collect();
    let exec = call(&s.addr, "StartExecution", json!({"stateMachineArn": sm["stateMachineArn"], "input": json!({"items": items}).to_string()}));
    let (_, _, body) = get(&s.addr, &format!("/console/events/{}", path_of(exec["executionArn"].as_str().unwrap())), "");
    let ids: Vec<i64> = messages(&body).iter().filter(|m| m.0 == "history").flat_map(|m| serde_json::from_str::<Vec<Value>>(&m.2).unwrap()).map(|e| e["id"].as_i64().unwrap()).collect();
    // 4 events per item and 6 around them, each once and in order.
    assert_eq!(ids, (1..=4 * 300 + 6).collect::<Vec<i64>>());
    assert_eq!(messages(&body).last().unwrap().0, "end");
}
