//! Memory with many waiting executions: `cargo bench -p asl-bench --bench parked [-- N]`.
//!
//! Starts N executions (default 1,000,000) on an SQLite file (`synchronous=FULL`), half parked
//! in a Wait of a day and half on a `.waitForTaskToken` callback nobody answers, with the
//! engine's default parking (a wait due ≥ 1 s ahead parks at once, a token after 1 s without an
//! answer). At 10,000, 100,000 and 1,000,000 waiting (once every one has left memory) it
//! reports the process's resident memory (`VmRSS` of /proc/self/status), the database's size on
//! disk, the start rate (a start records the execution, the engine runs it later) and the rate
//! at which they were all run and parked (from the first start to the last park); the memory
//! per waiting execution is the growth between two checkpoints divided by the executions added. RSS is read after `malloc_trim(0)` (glibc keeps
//! freed memory otherwise); "tokio tasks" counts the runtime's live tasks (the engine's own
//! few: none per parked execution).

use std::sync::Arc;
use std::time::{Duration, Instant};

use asl_engine::store::SqliteStore;
use asl_engine::{Engine, EngineOptions};
use asl_runtime::{Handlers, TaskContext, Value, json};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:Waiting";

/// A day's Wait or a callback token, by the input's `kind`.
const DEF: &str = r#"{"StartAt":"Which","States":{
  "Which":{"Type":"Choice","Choices":[{"Variable":"$.kind","StringEquals":"token","Next":"Ask"}],"Default":"Day"},
  "Day":{"Type":"Wait","Seconds":86400,"End":true},
  "Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
         "Parameters":{"token.$":"$$.Task.Token","n.$":"$.n"},"End":true}}}"#;

/// The process's resident memory, in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok()).map_or(0, |kb| kb * 1024)
}

/// The database file and its WAL, in bytes.
fn db_size(path: &std::path::Path) -> u64 {
    ["", "-wal", "-shm"].iter().map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).map_or(0, |m| m.len())).sum()
}

unsafe extern "C" {
    /// glibc: returns freed heap memory to the system, so that RSS shows what is in use.
    fn malloc_trim(pad: usize) -> i32;
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parked.db");
        let engine = Engine::with_options(Arc::new(SqliteStore::open(&path).unwrap()), "bench".into(), EngineOptions { retention: None, ..Default::default() });
        // The callback's handler sends nothing: nobody answers.
        let quiet = Handlers::new().fallback(|_: Value, _: TaskContext| async move { Ok(json!({})) });
        engine.register_definition(MACHINE, DEF, &quiet).unwrap();
        let base = rss();
        println!("parked executions on SQLite: RSS at start {:.1} MB", mb(base));
        println!("{:>10} {:>10} {:>12} {:>14} {:>12} {:>12} {:>12} {:>12}", "waiting", "RSS MB", "RSS growth", "B/execution", "DB MB", "starts/s", "parked/s", "tokio tasks");
        let mut started = 0usize;
        let mut newest = Vec::new();
        let mut last = (0usize, base);
        for checkpoint in [10_000usize, 100_000, 1_000_000].into_iter().filter(|&c| c < n).chain([n]) {
            let t = Instant::now();
            let from = started;
            while started < checkpoint {
                let chunk = (checkpoint - started).min(2000);
                let starts: Vec<_> = (started..started + chunk)
                    .map(|i| {
                        let engine = engine.clone();
                        let kind = if i % 2 == 0 { "wait" } else { "token" };
                        tokio::spawn(async move { engine.start(MACHINE, None, json!({"kind": kind, "n": i})).await.unwrap() })
                    })
                    .collect();
                newest.clear();
                for s in starts {
                    newest.push(s.await.unwrap());
                }
                started += chunk;
            }
            let rate = (checkpoint - from) as f64 / t.elapsed().as_secs_f64();
            // A start records the execution; the engine claims and runs it later (oldest first):
            // every one has run once the newest are claimed (not runnable any more).
            let settle = Instant::now();
            for arn in &newest {
                while engine.describe(arn).await.unwrap().runnable && settle.elapsed() < Duration::from_secs(1800) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            // Every one parked: none left in memory (tokens park 1 s after they are handed out).
            while engine.running_here() > 0 && settle.elapsed() < Duration::from_secs(1800) {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let ran = (checkpoint - from) as f64 / t.elapsed().as_secs_f64();
            tokio::time::sleep(Duration::from_millis(500)).await;
            let in_memory = engine.running_here();
            // SAFETY: a plain glibc call with no pointers.
            unsafe { malloc_trim(0) };
            let now = rss();
            let tasks = tokio::runtime::Handle::current().metrics().num_alive_tasks();
            let per = (now as f64 - last.1 as f64) / (checkpoint - last.0) as f64;
            println!(
                "{checkpoint:>10} {:>10.1} {:>+11.1}M {per:>14.1} {:>12.1} {rate:>12.0} {ran:>12.0} {tasks:>12}{}",
                mb(now),
                mb(now.saturating_sub(last.1)),
                mb(db_size(&path)),
                if in_memory > 0 { format!("  ({in_memory} still in memory)") } else { String::new() }
            );
            last = (checkpoint, now);
        }
        let parked = engine.list(Some(MACHINE), Some(asl_engine::store::ExecutionStatus::Running), 1, None).await.unwrap().items.len();
        assert_eq!(parked, 1, "the executions are RUNNING (parked) in the store");
        engine.crash();
    });
}
