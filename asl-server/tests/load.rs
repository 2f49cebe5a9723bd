//! A load test (bounded: a few thousand calls, seconds in a debug build): many keep-alive
//! clients at once on the loopback start executions of a pass machine and of an activity
//! machine while workers take and answer the activity tasks. No execution and no token is
//! lost (each start is one execution that SUCCEEDS, each token is answered once and its
//! execution ends with the answer), and the server's memory stays bounded over rounds.
//! Throughput is measured by `cargo bench -p asl-server --bench api`, not here.

#[path = "support/wire.rs"]
mod wire;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_engine::EngineOptions;
use asl_engine::store::SqliteStore;
use asl_server::{EngineBackend, Server, Settings};
use serde_json::{Value, json};

const CLIENTS: usize = 32;
const PASS_STARTS: usize = 800;
const ACTIVITY_STARTS: usize = 200;
const WORKERS: usize = 8;
const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:";
const ACT: &str = "arn:aws:states:us-east-1:123456789012:activity:load";

async fn serve() -> SocketAddr {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("load-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let backend = EngineBackend::with_store(Settings::default(), store, EngineOptions { lease_ms: 5_000, ..Default::default() }).await.unwrap().with_activity_poll(Duration::from_millis(500));
    let bound = Server::builder().backend(backend).bind(([127, 0, 0, 1], 0).into()).await.unwrap();
    let addr = bound.local_addr();
    tokio::spawn(bound.serve());
    addr
}

/// The process's resident memory in KiB (Linux), if known.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Every execution of `machine`, listed in pages: (name, status).
async fn all_executions(c: &mut wire::Conn, machine: &str) -> Vec<(String, String)> {
    let (mut out, mut token): (Vec<(String, String)>, Option<String>) = (Vec::new(), None);
    loop {
        let mut body = json!({"stateMachineArn": machine, "maxResults": 1000});
        if let Some(t) = &token {
            body["nextToken"] = json!(t);
        }
        let page = c.ok("ListExecutions", &body.to_string()).await;
        out.extend(page["executions"].as_array().unwrap().iter().map(|e| (e["name"].as_str().unwrap().to_string(), e["status"].as_str().unwrap().to_string())));
        token = page["nextToken"].as_str().map(str::to_string);
        if token.is_none() {
            return out;
        }
    }
}

/// One round: every start acknowledged, every task answered once, every execution SUCCEEDED.
async fn round(addr: SocketAddr, n: usize) {
    let pass = format!("{SM}Pass");
    let work = format!("{SM}Work");
    let answered: Arc<Mutex<HashSet<String>>> = Arc::default();
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let answered = answered.clone();
            tokio::spawn(async move {
                let mut c = wire::Conn::open(addr).await;
                let poll = json!({"activityArn": ACT, "workerName": format!("w{w}")}).to_string();
                while answered.lock().unwrap().len() < ACTIVITY_STARTS {
                    let task = c.ok("GetActivityTask", &poll).await;
                    let Some(token) = task["taskToken"].as_str() else { continue };
                    let input: Value = serde_json::from_str(task["input"].as_str().unwrap()).unwrap();
                    c.ok("SendTaskSuccess", &json!({"taskToken": token, "output": json!({"answered": input["id"]}).to_string()}).to_string()).await;
                    assert!(answered.lock().unwrap().insert(token.to_string()), "token {token} handed out twice");
                }
            })
        })
        .collect();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|k| {
            tokio::spawn(async move {
                let mut c = wire::Conn::open(addr).await;
                let mut names = Vec::new();
                for i in (k..PASS_STARTS).step_by(CLIENTS) {
                    let name = format!("r{n}-p{i}");
                    c.ok("StartExecution", &json!({"stateMachineArn": format!("{SM}Pass"), "name": name, "input": json!({"id": i}).to_string()}).to_string()).await;
                    names.push(name);
                }
                for i in (k..ACTIVITY_STARTS).step_by(CLIENTS) {
                    let name = format!("r{n}-a{i}");
                    c.ok("StartExecution", &json!({"stateMachineArn": format!("{SM}Work"), "name": name, "input": json!({"id": i}).to_string()}).to_string()).await;
                }
                names
            })
        })
        .collect();
    for c in clients {
        c.await.unwrap();
    }
    for w in workers {
        tokio::time::timeout(Duration::from_secs(60), w).await.expect("the workers answered every task").unwrap();
    }
    let mut c = wire::Conn::open(addr).await;
    for (machine, count, prefix) in [(&pass, PASS_STARTS, format!("r{n}-p")), (&work, ACTIVITY_STARTS, format!("r{n}-a"))] {
        let mut mine = Vec::new();
        for _ in 0..600 {
            mine = all_executions(&mut c, machine).await.into_iter().filter(|(name, _)| name.starts_with(&prefix)).collect();
            if mine.len() == count && mine.iter().all(|(_, s)| s == "SUCCEEDED") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(mine.len(), count, "{machine}: executions lost");
        let not_done: Vec<_> = mine.iter().filter(|(_, s)| s != "SUCCEEDED").collect();
        assert!(not_done.is_empty(), "{machine}: not SUCCEEDED: {:?}", &not_done[..not_done.len().min(5)]);
    }
    // Each activity execution ended with its own answer.
    for i in [0, ACTIVITY_STARTS / 2, ACTIVITY_STARTS - 1] {
        let d = c.ok("DescribeExecution", &json!({"executionArn": format!("arn:aws:states:us-east-1:123456789012:execution:Work:r{n}-a{i}")}).to_string()).await;
        assert_eq!(serde_json::from_str::<Value>(d["output"].as_str().unwrap()).unwrap(), json!({"answered": i}));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_lose_no_execution_and_no_token_in_bounded_memory() {
    let addr = serve().await;
    let mut c = wire::Conn::open(addr).await;
    c.ok("CreateActivity", r#"{"name":"load"}"#).await;
    let pass = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Parameters": {"id.$": "$.id"}, "End": true}}});
    c.ok("CreateStateMachine", &json!({"name": "Pass", "definition": pass.to_string(), "roleArn": "arn:aws:iam::123456789012:role/r"}).to_string()).await;
    let work = json!({"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": ACT, "End": true}}});
    c.ok("CreateStateMachine", &json!({"name": "Work", "definition": work.to_string(), "roleArn": "arn:aws:iam::123456789012:role/r"}).to_string()).await;

    round(addr, 0).await;
    let after_first = rss_kib();
    round(addr, 1).await;
    round(addr, 2).await;
    // Finished executions leave memory (they are in the database): two more rounds of the
    // same load grow the process by far less than the first round's footprint would.
    if let (Some(first), Some(last)) = (after_first, rss_kib()) {
        eprintln!("resident memory: {first} KiB after one round, {last} KiB after three");
        assert!(last < first + 64 * 1024, "memory grew from {first} KiB to {last} KiB over two more rounds");
    }
}
