//! How long a claim poll takes when many executions are parked (waiting on a token or a far
//! timer): it should not grow with their number.
//!
//! ```text
//! cargo run --release -p asl-engine --example claim_scale -- sqlite [parked]
//! cargo run --release -p asl-engine --example claim_scale -- postgres 'host=127.0.0.1 user=postgres dbname=test' [parked]
//! ```

use std::sync::Arc;
use std::time::Instant;

use asl_engine::store::*;
use serde_json::json;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kind = args.first().map(String::as_str).unwrap_or("sqlite");
    let dir = tempfile::tempdir().unwrap();
    let (store, parked, schema): (Arc<dyn Store>, usize, _) = match kind {
        "sqlite" => (Arc::new(SqliteStore::open(dir.path().join("scale.db")).unwrap()), args.get(1).map_or(200_000, |s| s.parse().unwrap()), None),
        "postgres" => {
            let conn = args.get(1).expect("a connection string").clone();
            let schema = format!("asl_scale_{:08x}", fastrand::u32(..));
            let opts = PostgresOptions { schema: Some(schema.clone()), pool_size: 2 };
            let store = PostgresStore::connect_with(&conn, opts).await.unwrap();
            (Arc::new(store), args.get(2).map_or(200_000, |s| s.parse().unwrap()), Some((conn, schema)))
        }
        other => panic!("unknown store {other}: sqlite or postgres"),
    };
    let machine = "arn:aws:states:us-east-1:1:stateMachine:scale";
    let started = Instant::now();
    for chunk in (0..parked).collect::<Vec<_>>().chunks(5_000) {
        let writes = chunk
            .iter()
            .map(|&i| {
                let mut e = Execution::new(&format!("arn:aws:states:us-east-1:1:execution:scale:p{i}"), machine, &format!("p{i}"), json!({}), i as i64);
                e.runnable = false;
                // Half wait on a token, half on a timer far away.
                e.wake_at = (i % 2 == 0).then_some(i64::MAX / 2);
                Write::InsertExecution(e)
            })
            .collect();
        store.apply(writes).await.unwrap();
    }
    println!("{kind}: {parked} parked executions stored in {:.1} s", started.elapsed().as_secs_f64());
    for round in 0..3 {
        let writes =
            (0..100).map(|i| Write::InsertExecution(Execution::new(&format!("arn:aws:states:us-east-1:1:execution:scale:r{round}-{i}"), machine, &format!("r{round}-{i}"), json!({}), 0))).collect();
        store.apply(writes).await.unwrap();
        let t = Instant::now();
        let got = store.claim("w", 1_000, 60_000, 100).await.unwrap();
        let idle = Instant::now();
        let none = store.claim("w", 1_000, 60_000, 100).await.unwrap();
        println!("{kind}: claim of 100 runnable among {parked} parked: {:.2} ms; an empty poll: {:.2} ms", (idle - t).as_secs_f64() * 1e3, idle.elapsed().as_secs_f64() * 1e3);
        assert_eq!((got.len(), none.len()), (100, 0));
    }
    if let Some((conn, schema)) = schema {
        let (client, connection) = tokio_postgres::connect(&conn, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).await.unwrap();
    }
}
