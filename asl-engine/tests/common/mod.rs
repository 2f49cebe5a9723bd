//! What the engine tests share: a database (an SQLite file, or a PostgreSQL schema of its own
//! when `ASL_TEST_POSTGRES` is set), engine options with short polls, and waiting for an end.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use asl_engine::store::{ExecutionStatus, PostgresOptions, PostgresStore, SqliteStore, Store};
use asl_engine::{Engine, EngineOptions};

/// One database the engines of a test share: an SQLite file, or a PostgreSQL schema of its own
/// (dropped afterwards) when `ASL_TEST_POSTGRES` is set.
pub enum Db {
    Sqlite(tempfile::TempDir),
    Postgres { conn: String, schema: String },
}

impl Db {
    pub fn sqlite() -> Self {
        Db::Sqlite(tempfile::tempdir().unwrap())
    }

    pub fn postgres() -> Option<Self> {
        let Ok(conn) = std::env::var("ASL_TEST_POSTGRES") else {
            // Under CI they must run (the lock-order and two-process tests are PostgreSQL's).
            assert!(!std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false"), "CI is set but ASL_TEST_POSTGRES is not: the PostgreSQL tests must run");
            static NOTICE: std::sync::Once = std::sync::Once::new();
            NOTICE.call_once(|| {
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "NOTICE: ASL_TEST_POSTGRES is not set: the PostgreSQL engine tests are skipped");
            });
            return None;
        };
        Some(Db::Postgres { conn, schema: format!("asl_engine_test_{:016x}", fastrand::u64(..)) })
    }

    pub async fn open(&self) -> Arc<dyn Store> {
        match self {
            Db::Sqlite(dir) => Arc::new(SqliteStore::open(dir.path().join("asl.db")).unwrap()),
            Db::Postgres { conn, schema } => Arc::new(
                PostgresStore::connect_with(conn, PostgresOptions { schema: Some(schema.clone()), ..Default::default() })
                    .await
                    .unwrap_or_else(|e| panic!("ASL_TEST_POSTGRES is set but PostgreSQL is unreachable: {e}")),
            ),
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Db::Postgres { conn, schema } = self {
            let (conn, schema) = (conn.clone(), schema.clone());
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    let (client, c) = tokio_postgres::connect(&conn, tokio_postgres::NoTls).await.unwrap();
                    tokio::spawn(c);
                    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await;
                })
            })
            .join();
        }
    }
}

pub fn options(lease_ms: i64) -> EngineOptions {
    EngineOptions { lease_ms, token_poll: Duration::from_millis(50), ..Default::default() }
}

pub async fn finished(engine: &Engine, arn: &str) -> asl_engine::store::Execution {
    for _ in 0..600 {
        let e = engine.describe(arn).await.unwrap();
        if e.status != ExecutionStatus::Running {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{arn} did not end");
}
