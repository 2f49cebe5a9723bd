//! The cost of the API layer: `cargo bench -p asl-server --bench api [-- STARTS]`.
//!
//! On one SQLite file each (`synchronous=FULL`), with 64 clients at once:
//! 1. **StartExecution/s** and **end-to-end executions/s** of a 5-Pass chain: STARTS (default
//!    20,000) StartExecution calls over keep-alive HTTP connections to an in-process server,
//!    then until every execution is SUCCEEDED; beside the same starts made with `Engine::start`
//!    in process (64 tasks), for the ratio.
//! 2. **Activity round trip**: 2,000 executions of a one-activity machine, answered by 16
//!    workers with GetActivityTask / SendTaskSuccess over HTTP, until all SUCCEEDED; beside the
//!    engine's `get_activity_task` / `send_task_success` in process.

#[path = "../tests/support/wire.rs"]
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use asl_engine::store::{ExecutionStatus, SqliteStore, Store};
use asl_engine::{Engine, EngineOptions};
use asl_runtime::{Handlers, json};
use asl_server::{EngineBackend, Server, Settings};

const CLIENTS: usize = 64;
const WORKERS: usize = 16;
const ACTIVITY_EXECUTIONS: usize = 2000;
const ROLE: &str = "arn:aws:iam::123456789012:role/r";
const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:";
const ACT: &str = "arn:aws:states:us-east-1:123456789012:activity:work";

fn chain() -> String {
    let states: Vec<String> = (0..5)
        .map(|i| {
            let next = if i == 4 { r#""End":true"#.to_string() } else { format!(r#""Next":"S{}""#, i + 1) };
            format!(r#""S{i}":{{"Type":"Pass","Parameters":{{"v.$":"$.v","step":{i}}},"ResultPath":"$.last",{next}}}"#)
        })
        .collect();
    format!(r#"{{"StartAt":"S0","States":{{{}}}}}"#, states.join(","))
}

fn activity_machine() -> String {
    json!({"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": ACT, "End": true}}}).to_string()
}

fn store(tag: &str) -> Arc<dyn Store> {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("api-bench-{tag}-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Arc::new(SqliteStore::open(&path).unwrap())
}

fn options() -> EngineOptions {
    EngineOptions { retention: None, lease_ms: 5_000, ..Default::default() }
}

async fn server() -> SocketAddr {
    let backend = EngineBackend::with_store(Settings::default(), store("api"), options()).await.unwrap();
    let bound = Server::builder().backend(backend).bind(([127, 0, 0, 1], 0).into()).await.unwrap();
    let addr = bound.local_addr();
    tokio::spawn(bound.serve());
    addr
}

/// Splits `n` calls over `clients` tasks running `each(client, i)`; waits for all.
async fn fan_out<F, Fut>(clients: usize, n: usize, each: F)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let tasks: Vec<_> = (0..clients).map(|c| tokio::spawn(each(n / clients + usize::from(c < n % clients)))).collect();
    for t in tasks {
        t.await.unwrap();
    }
}

async fn api_idle(addr: SocketAddr, machine: &str) {
    let mut c = wire::Conn::open(addr).await;
    let body = json!({"stateMachineArn": machine, "statusFilter": "RUNNING", "maxResults": 1}).to_string();
    while !c.ok("ListExecutions", &body).await["executions"].as_array().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn engine_idle(engine: &Engine, machine: &str) {
    while !engine.list(Some(machine), Some(ExecutionStatus::Running), 1, None).await.unwrap().items.is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// (starts/s, executions/s) over the API.
async fn api_chain(addr: SocketAddr, n: usize) -> (f64, f64) {
    let machine = format!("{SM}Chain");
    wire::Conn::open(addr).await.ok("CreateStateMachine", &json!({"name": "Chain", "definition": chain(), "roleArn": ROLE}).to_string()).await;
    let body = Arc::new(json!({"stateMachineArn": machine, "input": "{\"v\":1}"}).to_string());
    let t = Instant::now();
    fan_out(CLIENTS, n, |k| {
        let body = body.clone();
        async move {
            let mut c = wire::Conn::open(addr).await;
            for _ in 0..k {
                c.ok("StartExecution", &body).await;
            }
        }
    })
    .await;
    let started = t.elapsed();
    api_idle(addr, &machine).await;
    (n as f64 / started.as_secs_f64(), n as f64 / t.elapsed().as_secs_f64())
}

/// The same in process.
async fn engine_chain(n: usize) -> (f64, f64) {
    let engine = Engine::with_options(store("engine"), "bench-in-process".into(), options());
    let machine = format!("{SM}Chain");
    engine.register_definition(&machine, &chain(), &Handlers::new()).unwrap();
    let t = Instant::now();
    fan_out(CLIENTS, n, |k| {
        let (engine, machine) = (engine.clone(), machine.clone());
        async move {
            for _ in 0..k {
                engine.start(&machine, None, json!({"v": 1})).await.unwrap();
            }
        }
    })
    .await;
    let started = t.elapsed();
    engine_idle(&engine, &machine).await;
    (n as f64 / started.as_secs_f64(), n as f64 / t.elapsed().as_secs_f64())
}

/// Executions/s of the activity round trip over the API.
async fn api_activity(addr: SocketAddr, n: usize) -> f64 {
    let machine = format!("{SM}Work");
    let mut c = wire::Conn::open(addr).await;
    c.ok("CreateActivity", r#"{"name":"work"}"#).await;
    c.ok("CreateStateMachine", &json!({"name": "Work", "definition": activity_machine(), "roleArn": ROLE}).to_string()).await;
    let answered = Arc::new(AtomicUsize::new(0));
    let t = Instant::now();
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let answered = answered.clone();
            tokio::spawn(async move {
                let mut c = wire::Conn::open(addr).await;
                let poll = json!({"activityArn": ACT, "workerName": format!("w{w}")}).to_string();
                while answered.load(Ordering::SeqCst) < n {
                    let task = c.ok("GetActivityTask", &poll).await;
                    let Some(token) = task["taskToken"].as_str() else { continue };
                    c.ok("SendTaskSuccess", &json!({"taskToken": token, "output": task["input"]}).to_string()).await;
                    answered.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let body = Arc::new(json!({"stateMachineArn": machine, "input": "{\"v\":1}"}).to_string());
    fan_out(CLIENTS, n, |k| {
        let body = body.clone();
        async move {
            let mut c = wire::Conn::open(addr).await;
            for _ in 0..k {
                c.ok("StartExecution", &body).await;
            }
        }
    })
    .await;
    api_idle(addr, &machine).await;
    let rate = n as f64 / t.elapsed().as_secs_f64();
    for w in workers {
        w.abort();
    }
    rate
}

async fn engine_activity(n: usize) -> f64 {
    let engine = Engine::with_options(store("engine-activity"), "bench-activity".into(), options());
    let machine = format!("{SM}Work");
    engine.register_definition(&machine, &activity_machine(), &Handlers::new()).unwrap();
    let answered = Arc::new(AtomicUsize::new(0));
    let t = Instant::now();
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let (engine, answered) = (engine.clone(), answered.clone());
            tokio::spawn(async move {
                while answered.load(Ordering::SeqCst) < n {
                    let Some(task) = engine.get_activity_task(ACT, &format!("w{w}"), Duration::from_secs(60)).await.unwrap() else { continue };
                    engine.send_task_success(&task.token, task.input).await.unwrap();
                    answered.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    fan_out(CLIENTS, n, |k| {
        let (engine, machine) = (engine.clone(), machine.clone());
        async move {
            for _ in 0..k {
                engine.start(&machine, None, json!({"v": 1})).await.unwrap();
            }
        }
    })
    .await;
    engine_idle(&engine, &machine).await;
    let rate = n as f64 / t.elapsed().as_secs_f64();
    for w in workers {
        w.abort();
    }
    rate
}

fn main() {
    // `cargo bench` passes `--bench`; a number is the count of starts.
    let n = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(20_000);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let (engine_starts, engine_done) = engine_chain(n).await;
        let addr = server().await;
        let (api_starts, api_done) = api_chain(addr, n).await;
        println!("5-Pass chain, {n} executions, {CLIENTS} clients, SQLite:");
        println!("  StartExecution/s    API {api_starts:>9.0}   in process {engine_starts:>9.0}   API/in-process {:.2}", api_starts / engine_starts);
        println!("  executions/s (e2e)  API {api_done:>9.0}   in process {engine_done:>9.0}   API/in-process {:.2}", api_done / engine_done);
        let engine_act = engine_activity(ACTIVITY_EXECUTIONS).await;
        let api_act = api_activity(addr, ACTIVITY_EXECUTIONS).await;
        println!("activity round trip, {ACTIVITY_EXECUTIONS} executions, {WORKERS} workers, SQLite:");
        println!("  executions/s (e2e)  API {api_act:>9.0}   in process {engine_act:>9.0}   API/in-process {:.2}", api_act / engine_act);
    });
}
