//! Kills a worker process (`examples/crash_worker.rs`) with SIGKILL at random moments and
//! restarts it on the same SQLite file; every execution must end SUCCEEDED with the output of
//! an uninterrupted run. `ASL_CRASH_KILLS` sets the number of kills (default 10).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use asl_engine::store::{ExecutionFilter, ExecutionStatus, SqliteStore, Store};

fn worker() -> PathBuf {
    // target/<profile>/deps/crash-… → target/<profile>/examples/crash_worker
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("examples").join("crash_worker")
}

#[test]
fn sigkill_at_random_moments_loses_nothing() {
    let kills: usize = std::env::var("ASL_CRASH_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let executions = 4;
    let bin = worker();
    assert!(bin.exists(), "build the example first: cargo build -p asl-engine --example crash_worker ({bin:?})");
    let plain = Command::new(&bin).arg("--plain").arg(executions.to_string()).output().unwrap();
    let expected: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    let mut total = 0;
    let mut rounds = 0;
    while total < kills {
        total += round(&bin, &expected, executions, kills - total);
        rounds += 1;
    }
    eprintln!("{total} kills over {rounds} rounds of {executions} executions");
}

/// One SQLite file: kills the worker up to `kills` times (until its executions end), then lets
/// it finish and checks the file. Returns the kills made.
fn round(bin: &PathBuf, expected: &serde_json::Value, executions: usize, kills: usize) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let (db, log) = (dir.path().join("crash.db"), dir.path().join("calls.log"));
    let mut killed = 0;
    let started = Instant::now();
    loop {
        let mut child = Command::new(bin).arg(&db).arg(&log).arg(executions.to_string()).stdout(Stdio::piped()).spawn().unwrap();
        let spawned = Instant::now();
        let life = if killed < kills { Duration::from_millis(fastrand::u64(50..2_000)) } else { Duration::from_secs(600) };
        let mut finished = false;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let mut out = String::new();
                std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
                assert!(status.success() && out.contains("DONE"), "worker: {status} {out}");
                finished = true;
                break;
            }
            if spawned.elapsed() >= life {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                killed += 1;
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if finished {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(900), "not done after {killed} kills");
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let store = SqliteStore::open(&db).unwrap();
    let all = rt.block_on(store.list_executions(ExecutionFilter::default(), 100, None)).unwrap();
    assert_eq!(all.items.len(), 2 * executions);
    for e in &all.items {
        assert_eq!(e.status, ExecutionStatus::Succeeded, "{e:?}");
        assert_eq!(e.output.as_ref(), Some(&expected[&e.name]), "{}", e.arn);
        let h = rt.block_on(store.history(&e.arn, false, 1000, None)).unwrap();
        let ids: Vec<i64> = h.items.iter().map(|e| e.id).collect();
        assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>(), "history ids of {}", e.arn);
    }
    // Tasks completed more than once: only a task in flight at a kill (completed, its result
    // not yet checkpointed) may run again. The final task C ends the execution, so each run of
    // it that completed before a kill could be repeated only if the kill came before its commit.
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for l in text.lines() {
        // `<execution> <task> <attempt> <pid>`: the same task and attempt, whichever process ran it.
        *counts.entry(l.rsplit_once(' ').map_or(l, |(task, _pid)| task)).or_default() += 1;
    }
    let repeats: usize = counts.values().map(|c| c - 1).sum();
    eprintln!("{killed} kills, {} task completions, {repeats} repeated (at-least-once, in flight at a kill)", text.lines().count());
    assert!(repeats <= killed * executions * 4, "{repeats} repeats for {killed} kills: {counts:?}");
    killed
}
