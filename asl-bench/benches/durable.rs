//! The durable engine (asl-engine): `cargo bench -p asl-bench --bench durable [-- N]`.
//!
//! 1. **Durable transitions per second**: 1000 executions of a 20-Pass chain in flight at once,
//!    run by the engine on an SQLite file (`synchronous=FULL`) and on PostgreSQL (when
//!    `ASL_TEST_POSTGRES` is set, in a schema of its own), until every one is SUCCEEDED in the
//!    store; and the same machine run the same way with no journal, in the same run, for the
//!    ratio.
//! 2. **Recovery**: N executions (default 10,000) in a long Wait (kept in memory: parking off)
//!    on SQLite, the engine crashed, then the time a new engine takes to `recover` them all
//!    (claim, read frames and history, resume each). `-- N recovery` runs only this part.

use std::sync::Arc;
use std::time::{Duration, Instant};

use asl_engine::store::{ExecutionStatus, PostgresOptions, PostgresStore, SqliteStore, Store};
use asl_engine::{Engine, EngineOptions};
use asl_runtime::{Execute, ExecutionOptions, Handlers, Value, Workflow, json};

const MACHINE: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:Chain";
const STATES: usize = 20;
const EXECUTIONS: usize = 1000;

fn chain() -> String {
    let states: Vec<String> = (0..STATES)
        .map(|i| {
            let next = if i + 1 == STATES { r#""End":true"#.to_string() } else { format!(r#""Next":"S{}""#, i + 1) };
            format!(r#""S{i}":{{"Type":"Pass","Parameters":{{"v.$":"$.v","step":{i}}},"ResultPath":"$.last",{next}}}"#)
        })
        .collect();
    format!(r#"{{"StartAt":"S0","States":{{{}}}}}"#, states.join(","))
}

/// Every execution of `machine` SUCCEEDED: polls the RUNNING list.
async fn all_done(engine: &Engine, machine: &str) {
    loop {
        if engine.list(Some(machine), Some(ExecutionStatus::Running), 1, None).await.unwrap().items.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Transitions per second of `EXECUTIONS` chains started at once on `store`.
async fn durable(store: Arc<dyn Store>, tag: &str) -> f64 {
    let engine = Engine::with_options(store, format!("bench-{tag}"), EngineOptions { retention: None, ..Default::default() });
    let machine = format!("{MACHINE}{tag}");
    engine.register_definition(&machine, &chain(), &Handlers::new()).unwrap();
    let t = Instant::now();
    // Started together, as requests arriving at a server: their inserts share commits.
    let starts: Vec<_> = (0..EXECUTIONS)
        .map(|i| {
            let (engine, machine) = (engine.clone(), machine.clone());
            tokio::spawn(async move { engine.start(&machine, None, json!({"v": i})).await.unwrap() })
        })
        .collect();
    for s in starts {
        s.await.unwrap();
    }
    all_done(&engine, &machine).await;
    let secs = t.elapsed().as_secs_f64();
    let done = engine.list(Some(&machine), Some(ExecutionStatus::Succeeded), 1000, None).await.unwrap().items.len();
    assert_eq!(done, EXECUTIONS.min(1000), "every execution SUCCEEDED");
    (EXECUTIONS * STATES) as f64 / secs
}

/// The same, with no journal: the executions as tokio tasks.
async fn in_memory() -> f64 {
    let m: Arc<dyn Execute> = Arc::new(Workflow::from_json(&chain()).unwrap().machine(&Handlers::new(), ExecutionOptions::default()).unwrap());
    let t = Instant::now();
    let tasks: Vec<_> = (0..EXECUTIONS)
        .map(|i| {
            let m = m.clone();
            tokio::spawn(async move { m.execute(json!({"v": i}), ExecutionOptions::default()).await.unwrap() })
        })
        .collect();
    for t in tasks {
        let _: Value = t.await.unwrap();
    }
    (EXECUTIONS * STATES) as f64 / t.elapsed().as_secs_f64()
}

async fn recovery(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recover.db");
    let def = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#;
    // Kept in memory (not parked), so that they are running when the engine crashes; all of
    // them at once (admission would otherwise hold all but `max_running` in the backlog).
    let options = EngineOptions { lease_ms: 3_000, retention: None, park_threshold: None, max_running: n, ..Default::default() };
    let t = Instant::now();
    {
        let a = Engine::with_options(Arc::new(SqliteStore::open(&path).unwrap()), "a".into(), options.clone());
        a.register_definition(MACHINE, def, &Handlers::new()).unwrap();
        for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
            let starts: Vec<_> = chunk
                .iter()
                .map(|&i| {
                    let a = a.clone();
                    tokio::spawn(async move { a.start(MACHINE, None, json!({"i": i})).await.unwrap() })
                })
                .collect();
            for s in starts {
                s.await.unwrap();
            }
        }
        // Every one has its Wait checkpointed before the crash.
        while a.store().frames(&a.list(Some(MACHINE), None, 1, None).await.unwrap().items[0].arn).await.unwrap().is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        a.crash();
    }
    let started = t.elapsed();
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let b = Engine::with_options(Arc::new(SqliteStore::open(&path).unwrap()), "b".into(), options);
    b.register_definition(MACHINE, def, &Handlers::new()).unwrap();
    let t = Instant::now();
    let resumed = b.recover().await.unwrap().len();
    let took = t.elapsed();
    assert_eq!(resumed, n);
    println!(
        "recovery (SQLite): {n} executions started and waiting in {:.2} s; a new engine resumed all {resumed} in {:.2} s ({:.0}/s)",
        started.as_secs_f64(),
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
    b.crash();
}

async fn postgres(conn: &str) -> Option<f64> {
    let schema = format!("asl_bench_{:016x}", std::process::id() as u64 ^ Instant::now().elapsed().as_nanos() as u64 ^ 0x5eed);
    let store = PostgresStore::connect_with(conn, PostgresOptions { schema: Some(schema.clone()), ..Default::default() }).await.ok()?;
    let rate = durable(Arc::new(store), "pg").await;
    if let Ok((client, c)) = tokio_postgres::connect(conn, tokio_postgres::NoTls).await {
        tokio::spawn(c);
        let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await;
    }
    Some(rate)
}

fn main() {
    // `cargo bench` passes `--bench`; a bare number is N for the recovery.
    let n = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000);
    // `recovery`: only the recovery part.
    let only_recovery = std::env::args().any(|a| a == "recovery");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        if only_recovery {
            recovery(n).await;
            return;
        }
        let memory = in_memory().await;
        let dir = tempfile::tempdir().unwrap();
        let sqlite = durable(Arc::new(SqliteStore::open(dir.path().join("bench.db")).unwrap()), "sqlite").await;
        let memory2 = in_memory().await;
        let memory = memory.max(memory2);
        println!("{EXECUTIONS} executions of a {STATES}-Pass chain in flight:");
        println!("  no journal:          {memory:>10.0} transitions/s");
        println!("  durable, SQLite:     {sqlite:>10.0} transitions/s  (no journal / SQLite = {:.1}x)", memory / sqlite);
        match std::env::var("ASL_TEST_POSTGRES") {
            Ok(conn) => match postgres(&conn).await {
                Some(pg) => println!("  durable, PostgreSQL: {pg:>10.0} transitions/s  (no journal / PostgreSQL = {:.1}x)", memory / pg),
                None => println!("  durable, PostgreSQL: unreachable at {conn}"),
            },
            Err(_) => println!("  durable, PostgreSQL: skipped (set ASL_TEST_POSTGRES)"),
        }
        recovery(n).await;
    });
}
