//! What the shared suite cannot say: data outlives the store, damaged or newer databases are
//! refused with clear errors, and lost connections are transient errors, not panics.

use std::time::Duration;

use asl_engine::store::*;
use serde_json::json;

const M: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:m";

/// Drops a test schema when the test ends, passed or panicked.
struct DropSchema(String, String);

impl Drop for DropSchema {
    fn drop(&mut self) {
        let (conn, schema) = (self.0.clone(), self.1.clone());
        // A thread of its own: this may run inside the test's runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let (client, c) = tokio_postgres::connect(&conn, tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(c);
                client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await.unwrap();
            })
        })
        .join();
    }
}

fn exec(name: &str) -> Execution {
    Execution::new(&format!("arn:aws:states:us-east-1:123456789012:execution:m:{name}"), M, name, json!({"k": name}), 1)
}

#[tokio::test]
async fn sqlite_data_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let e = exec("e");
    {
        let s = SqliteStore::open(&path).unwrap();
        s.apply(vec![Write::InsertExecution(e.clone()), Write::PutFrame { execution_arn: e.arn.clone(), scope: "".into(), frame: json!({"at": "Wait"}) }]).await.unwrap();
    }
    let count = || rusqlite::Connection::open(&path).unwrap().query_row("SELECT COUNT(*) FROM schema_version", [], |r| r.get::<_, i64>(0)).unwrap();
    let migrated = count();
    assert!(migrated >= 1);
    let s = SqliteStore::open_with(&path, SqliteSync::Normal).unwrap();
    assert_eq!(s.get_execution(&e.arn).await.unwrap(), Some(e.clone()));
    assert_eq!(s.frames(&e.arn).await.unwrap(), vec![("".to_string(), json!({"at": "Wait"}))]);
    // Reopening did not apply the migrations again (one row per migration).
    assert_eq!(count(), migrated);
    let c = rusqlite::Connection::open(&path).unwrap();
    let (rows, latest): (i64, i64) = c.query_row("SELECT COUNT(*), MAX(version) FROM schema_version", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!(rows, latest, "each migration recorded once");
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn sqlite_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(SqliteStore::open(&path).unwrap());
    rusqlite::Connection::open(&path).unwrap().execute("INSERT INTO schema_version VALUES (99)", []).unwrap();
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
    s.apply(vec![Write::InsertExecution(e.clone())]).await.unwrap();
    rusqlite::Connection::open(&path).unwrap().execute("UPDATE executions SET input = '{', status = 'RUNNING'", []).unwrap();
    assert!(matches!(s.get_execution(&e.arn).await, Err(StoreError::Corrupt(_))));
    rusqlite::Connection::open(&path).unwrap().execute("UPDATE executions SET input = '{}', status = 'SLEEPING'", []).unwrap();
    match s.get_execution(&e.arn).await {
        Err(StoreError::Corrupt(m)) => assert!(m.contains("SLEEPING"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn postgres_unreachable_is_unavailable() {
    // Nothing listens on port 1.
    let err = PostgresStore::connect("host=127.0.0.1 port=1 user=postgres dbname=test connect_timeout=5").await.err().expect("connected to nothing");
    assert!(matches!(err, StoreError::Unavailable(_)), "{err}");
    assert!(err.is_transient());
    let bad = PostgresStore::connect_with("host=127.0.0.1", PostgresOptions { schema: Some("x; DROP TABLE y".into()), pool_size: 1 }).await;
    assert!(matches!(bad, Err(StoreError::InvalidArgument(_))));
}

/// A server-side kill of every connection: calls fail with a transient error and the pool
/// reconnects, nothing committed is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connection_loss_is_transient() {
    let Ok(conn) = std::env::var("ASL_TEST_POSTGRES") else {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "NOTICE: ASL_TEST_POSTGRES is not set: postgres_connection_loss_is_transient skipped");
        return;
    };
    let schema = format!("asl_test_{:016x}", fastrand::u64(..));
    let _drop = DropSchema(conn.clone(), schema.clone());
    let app = schema.clone();
    let store = PostgresStore::connect_with(&format!("{conn} application_name={app}"), PostgresOptions { schema: Some(schema.clone()), pool_size: 2 })
        .await
        .unwrap_or_else(|e| panic!("ASL_TEST_POSTGRES is set but PostgreSQL is unreachable: {e}"));
    let e = exec("e");
    store.apply(vec![Write::InsertExecution(e.clone())]).await.unwrap();

    let (admin, c) = tokio_postgres::connect(&conn, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(c);
    let killed = admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", &[&app]).await.unwrap();
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
    a.apply((0..n).map(|i| Write::InsertExecution(exec(&format!("e{i:03}")))).collect()).await.unwrap();
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
    assert_eq!(all.len(), x.len() + y.len(), "an execution was claimed by both");
    assert_eq!(all.len(), n);
    // Each store reads the other's claims.
    for (arn, owner) in x.iter().map(|a| (a, "A")).chain(y.iter().map(|a| (a, "B"))) {
        let other = if owner == "A" { &b } else { &a };
        assert_eq!(other.get_execution(arn).await.unwrap().unwrap().owner.as_deref(), Some(owner));
    }
}

/// Two PostgreSQL stores (two processes, two pools) on one schema: concurrent claims and
/// activity polls never hand out one row twice, and a dead owner's executions are taken over
/// once its lease runs out, after which it can no longer write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_postgres_processes_share_the_work() {
    let Ok(conn) = std::env::var("ASL_TEST_POSTGRES") else {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "NOTICE: ASL_TEST_POSTGRES is not set: two_postgres_processes_share_the_work skipped");
        return;
    };
    let schema = format!("asl_test_{:016x}", fastrand::u64(..));
    let _drop = DropSchema(conn.clone(), schema.clone());
    let open = || {
        let (conn, schema) = (conn.clone(), schema.clone());
        async move {
            PostgresStore::connect_with(&conn, PostgresOptions { schema: Some(schema), pool_size: 3 }).await.unwrap_or_else(|e| panic!("ASL_TEST_POSTGRES is set but PostgreSQL is unreachable: {e}"))
        }
    };
    // Both migrate at once: the advisory lock makes one wait for the other.
    let (a, b) = tokio::join!(open(), open());
    let (a, b) = (std::sync::Arc::new(a), std::sync::Arc::new(b));

    let n = 120;
    a.apply((0..n).map(|i| Write::InsertExecution(exec(&format!("e{i:03}")))).collect()).await.unwrap();
    let act = "arn:aws:states:us-east-1:123456789012:activity:a";
    let e0 = exec("e000");
    b.apply((0..n).map(|i| Write::InsertTask(Task::new(&format!("t{i:03}"), &e0.arn, "", Some(act), json!(i), i as i64))).collect()).await.unwrap();

    let worker = |s: std::sync::Arc<PostgresStore>, owner: &'static str| {
        tokio::spawn(async move {
            let (mut execs, mut tasks) = (Vec::new(), Vec::new());
            loop {
                let got = s.claim(owner, 10, 1_000, 4).await.unwrap();
                let task = s.claim_activity_task(act, owner, 10).await.unwrap();
                if got.is_empty() && task.is_none() {
                    return (execs, tasks);
                }
                execs.extend(got.into_iter().map(|e| e.arn));
                tasks.extend(task.map(|t| t.token));
            }
        })
    };
    let (x, y) = (worker(a.clone(), "A"), worker(b.clone(), "B"));
    let ((xe, xt), (ye, yt)) = (x.await.unwrap(), y.await.unwrap());
    let execs: std::collections::HashSet<_> = xe.iter().chain(&ye).collect();
    let tasks: std::collections::HashSet<_> = xt.iter().chain(&yt).collect();
    assert_eq!((execs.len(), tasks.len()), (n, n), "something was handed out twice or not at all");
    assert_eq!(xe.len() + ye.len(), n);
    assert_eq!(xt.len() + yt.len(), n);

    // Both die holding their leases (until 1010); a third process takes everything over once
    // they have run out, and a dead owner that wakes up cannot write.
    let c = open().await;
    assert!(c.claim("C", 1_009, 1_000, 1_000).await.unwrap().is_empty());
    assert_eq!(c.claim("C", 1_010, 1_000, 1_000).await.unwrap().len(), n);
    let (dead, arn) = if xe.is_empty() { ("B", &ye[0]) } else { ("A", &xe[0]) };
    let event = HistoryEvent { execution_arn: arn.clone(), id: 1, event_type: "X".into(), timestamp: 0, previous_id: 0, details: json!({}) };
    let late = a.apply(vec![Write::CheckOwner { arn: arn.clone(), owner: dead.into() }, Write::AppendEvent(event)]).await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
    assert!(c.history(arn, false, 0, None).await.unwrap().items.is_empty());
}
