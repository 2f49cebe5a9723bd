//! What the shared suite cannot say: data outlives the store, damaged or newer databases are
//! refused with clear errors, and lost connections are transient errors, not panics.

use std::time::Duration;

use asl_engine::store::*;
use serde_json::json;

const M: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:m";

fn exec(name: &str) -> Execution {
    Execution::new(
        &format!("arn:aws:states:us-east-1:123456789012:execution:m:{name}"),
        M,
        name,
        json!({"k": name}),
        1,
    )
}

#[tokio::test]
async fn sqlite_data_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let e = exec("e");
    {
        let s = SqliteStore::open(&path).unwrap();
        s.apply(vec![
            Write::InsertExecution(e.clone()),
            Write::PutFrame {
                execution_arn: e.arn.clone(),
                scope: "".into(),
                frame: json!({"at": "Wait"}),
            },
        ])
        .await
        .unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.get_execution(&e.arn).await.unwrap(), Some(e.clone()));
    assert_eq!(
        s.frames(&e.arn).await.unwrap(),
        vec![("".to_string(), json!({"at": "Wait"}))]
    );
    // Reopening did not apply the migrations again.
    let c = rusqlite::Connection::open(&path).unwrap();
    let versions: i64 = c
        .query_row("SELECT COUNT(*) FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(versions, 1);
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn sqlite_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(SqliteStore::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("INSERT INTO schema_version VALUES (99)", [])
        .unwrap();
    match SqliteStore::open(&path) {
        Err(StoreError::Corrupt(m)) => assert!(m.contains("schema version 99"), "{m}"),
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("opened a database of a newer schema"),
    }
}

#[tokio::test]
async fn sqlite_not_a_database_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.db");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    match SqliteStore::open(&path) {
        Err(e @ StoreError::Corrupt(_)) => assert!(!e.is_transient()),
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("opened junk"),
    }
}

#[tokio::test]
async fn bad_stored_json_is_corrupt_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let s = SqliteStore::open(&path).unwrap();
    let e = exec("e");
    s.apply(vec![Write::InsertExecution(e.clone())])
        .await
        .unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("UPDATE executions SET input = '{', status = 'RUNNING'", [])
        .unwrap();
    assert!(matches!(
        s.get_execution(&e.arn).await,
        Err(StoreError::Corrupt(_))
    ));
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE executions SET input = '{}', status = 'SLEEPING'",
            [],
        )
        .unwrap();
    match s.get_execution(&e.arn).await {
        Err(StoreError::Corrupt(m)) => assert!(m.contains("SLEEPING"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn postgres_unreachable_is_unavailable() {
    // Nothing listens on port 1.
    let err =
        PostgresStore::connect("host=127.0.0.1 port=1 user=postgres dbname=test connect_timeout=5")
            .await
            .err()
            .expect("connected to nothing");
    assert!(matches!(err, StoreError::Unavailable(_)), "{err}");
    assert!(err.is_transient());
    let bad = PostgresStore::connect_with(
        "host=127.0.0.1",
        PostgresOptions {
            schema: Some("x; DROP TABLE y".into()),
            pool_size: 1,
        },
    )
    .await;
    assert!(matches!(bad, Err(StoreError::InvalidArgument(_))));
}

/// A server-side kill of every connection: calls fail with a transient error and the pool
/// reconnects, nothing committed is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connection_loss_is_transient() {
    let Ok(conn) = std::env::var("ASL_TEST_POSTGRES") else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "NOTICE: ASL_TEST_POSTGRES is not set: postgres_connection_loss_is_transient skipped"
        );
        return;
    };
    let schema = format!("asl_test_{:016x}", fastrand::u64(..));
    let app = schema.clone();
    let store = PostgresStore::connect_with(
        &format!("{conn} application_name={app}"),
        PostgresOptions {
            schema: Some(schema.clone()),
            pool_size: 2,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("ASL_TEST_POSTGRES is set but PostgreSQL is unreachable: {e}"));
    let e = exec("e");
    store
        .apply(vec![Write::InsertExecution(e.clone())])
        .await
        .unwrap();

    let (admin, c) = tokio_postgres::connect(&conn, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(c);
    let killed = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&app],
        )
        .await
        .unwrap();
    assert!(!killed.is_empty());
    tokio::time::sleep(Duration::from_millis(100)).await;

    let mut errors = Vec::new();
    let got = loop {
        match store.get_execution(&e.arn).await {
            Ok(v) => break v,
            Err(err) => {
                assert!(err.is_transient(), "not transient: {err}");
                errors.push(err);
                assert!(errors.len() < 5, "the pool does not reconnect: {errors:?}");
            }
        }
    };
    assert_eq!(got, Some(e));
    admin
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .unwrap();
}

/// Two stores on one SQLite file, as two processes would have: their claims never overlap, and
/// what one commits the other reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sqlite_stores_share_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let a = std::sync::Arc::new(SqliteStore::open(&path).unwrap());
    let b = std::sync::Arc::new(SqliteStore::open(&path).unwrap());
    let n = 80;
    a.apply(
        (0..n)
            .map(|i| Write::InsertExecution(exec(&format!("e{i:03}"))))
            .collect(),
    )
    .await
    .unwrap();
    let claimer = |s: std::sync::Arc<SqliteStore>, owner: &'static str| {
        tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let got = s.claim(owner, 10, 60_000, 3).await.unwrap();
                if got.is_empty() {
                    return mine;
                }
                mine.extend(got.into_iter().map(|e| e.arn));
            }
        })
    };
    let (x, y) = (claimer(a.clone(), "A"), claimer(b.clone(), "B"));
    let (x, y) = (x.await.unwrap(), y.await.unwrap());
    let all: std::collections::HashSet<_> = x.iter().chain(&y).collect();
    assert_eq!(
        all.len(),
        x.len() + y.len(),
        "an execution was claimed by both"
    );
    assert_eq!(all.len(), n);
    let e = b.get_execution(&x[0]).await.unwrap().unwrap();
    assert_eq!(e.owner.as_deref(), Some("A"));
}
