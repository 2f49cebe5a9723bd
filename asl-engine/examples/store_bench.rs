//! Durable transitions per second through the group-commit writer.
//!
//! Each transition is what the engine writes for one state: upsert the execution's frame, append
//! two history events, update the execution. N concurrent writers (one execution each) commit
//! transitions back to back for a few seconds.
//!
//! ```text
//! cargo run --release -p asl-engine --example store_bench -- sqlite [seconds]
//! cargo run --release -p asl-engine --example store_bench -- postgres 'host=127.0.0.1 user=postgres dbname=test' [seconds]
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use asl_engine::store::*;
use serde_json::json;

async fn run(store: Arc<dyn Store>, committer: Committer, writers: usize, secs: f64, tag: &str) -> (u64, f64) {
    let execs: Vec<Execution> = (0..writers)
        .map(|i| Execution::new(&format!("arn:aws:states:us-east-1:1:execution:bench:{tag}-{i}"), "arn:aws:states:us-east-1:1:stateMachine:bench", &format!("{tag}-{i}"), json!({"i": i}), i as i64))
        .collect();
    for chunk in execs.chunks(500) {
        store.apply(chunk.iter().cloned().map(Write::InsertExecution).collect()).await.unwrap();
    }
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let tasks: Vec<_> = execs
        .into_iter()
        .map(|e| {
            let (c, done) = (committer.clone(), done.clone());
            tokio::spawn(async move {
                let mut id = 0;
                while Instant::now() < deadline {
                    let state = format!("State{}", id / 2);
                    let writes = vec![
                        Write::PutFrame { execution_arn: e.arn.clone(), scope: String::new(), frame: json!({"state": state, "input": {"n": id, "payload": "x".repeat(64)}}) },
                        Write::AppendEvent(HistoryEvent {
                            execution_arn: e.arn.clone(),
                            id: id + 1,
                            event_type: "PassStateExited".into(),
                            timestamp: id,
                            previous_id: id,
                            details: json!({"name": state}),
                        }),
                        Write::AppendEvent(HistoryEvent {
                            execution_arn: e.arn.clone(),
                            id: id + 2,
                            event_type: "PassStateEntered".into(),
                            timestamp: id,
                            previous_id: id + 1,
                            details: json!({"name": state}),
                        }),
                        Write::UpdateExecution { arn: e.arn.clone(), patch: ExecutionPatch { wake_at: Some(Some(id)), ..Default::default() } },
                    ];
                    c.commit(writes).await.unwrap();
                    id += 2;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    (done.load(Ordering::Relaxed), start.elapsed().as_secs_f64())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kind = args.first().map(String::as_str).unwrap_or("sqlite");
    let dir = tempfile::tempdir().unwrap();
    let (store, secs, schema): (Arc<dyn Store>, f64, _) = match kind {
        "sqlite" => (Arc::new(SqliteStore::open(dir.path().join("bench.db")).unwrap()), args.get(1).map_or(3.0, |s| s.parse().unwrap()), None),
        "postgres" => {
            let conn = args.get(1).expect("a connection string");
            let schema = format!("asl_bench_{:08x}", fastrand::u32(..));
            let opts = PostgresOptions { schema: Some(schema.clone()), pool_size: 6 };
            let store = PostgresStore::connect_with(conn, opts).await.unwrap();
            let secs = args.get(2).map_or(3.0, |s| s.parse().unwrap());
            (Arc::new(store), secs, Some((conn.clone(), schema)))
        }
        other => panic!("unknown store {other}: sqlite or postgres"),
    };
    // Commits in flight at once: SQLite has one writer; PostgreSQL overlaps transactions on its
    // pool's connections. ASL_BENCH_IN_FLIGHT overrides.
    let in_flight = std::env::var("ASL_BENCH_IN_FLIGHT").ok().and_then(|v| v.parse().ok()).unwrap_or(if kind == "postgres" { 2 } else { 1 });
    for writers in [1, 100, 1000] {
        let committer = Committer::with_options(store.clone(), 4096, in_flight);
        let cpu = cpu_seconds();
        let (count, secs) = run(store.clone(), committer, writers, secs, &format!("w{writers}")).await;
        let cpu_us = (cpu_seconds() - cpu) * 1e6 / count as f64;
        println!("{kind}: {writers:>4} concurrent writers: {:>8.0} durable transitions/s ({cpu_us:.0} µs of this process's CPU each)", count as f64 / secs);
    }
    if let Some((conn, schema)) = schema {
        let (client, connection) = tokio_postgres::connect(&conn, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).await.unwrap();
    }
}

/// User + system CPU time of this process, from /proc (Linux), to tell the cost of a transition
/// apart from time lost to other jobs on a busy machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(") ").next().unwrap_or("").split(' ').collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat; 12 and 13 after "pid (comm) ".
    (ticks(11) + ticks(12)) / 100.0
}
