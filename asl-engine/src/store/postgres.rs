//! The shared store: PostgreSQL through tokio-postgres, for several processes sharing the work.
//!
//! A small pool of connections; every prepared statement is cached per connection. A batch of
//! groups is sent pipelined (all statements written before the first answer is read) inside one
//! transaction; only when something in it fails is it redone group by group with a savepoint
//! each, so the common case costs a handful of round trips however many groups it carries.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::Mutex;

use bytes::BytesMut;
use futures_util::future::join_all;
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, Config, NoTls, Statement};

use super::sql::{self, Expect, Stmt, Val};
use super::*;

/// How to connect.
#[derive(Clone, Debug)]
pub struct PostgresOptions {
    /// The schema to keep the tables in (created if missing); `None`: the connection's default
    /// search path. Letters, digits and `_` only.
    pub schema: Option<String>,
    /// Connections kept open at most.
    pub pool_size: usize,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions { schema: None, pool_size: 4 }
    }
}

pub struct PostgresStore {
    config: Config,
    schema: Option<String>,
    idle: Mutex<Vec<Conn>>,
    permits: Semaphore,
}

struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
    /// A transaction is open: if the caller's future is dropped now, the connection is not
    /// reused (its transaction state is unknown).
    in_tx: bool,
}

/// A connection taken from the pool; goes back on drop if it is still sound.
struct Lease<'a> {
    conn: Option<Conn>,
    store: &'a PostgresStore,
    _permit: SemaphorePermit<'a>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take()
            && !c.in_tx
            && !c.client.is_closed()
        {
            self.store.idle.lock().unwrap_or_else(|p| p.into_inner()).push(c);
        }
    }
}

impl std::ops::Deref for Lease<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn.as_ref().expect("present until drop")
    }
}

impl std::ops::DerefMut for Lease<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn.as_mut().expect("present until drop")
    }
}

impl PostgresStore {
    /// Connects with a libpq-style string (`host=127.0.0.1 user=postgres dbname=test`) or URL,
    /// and migrates the schema.
    pub async fn connect(conn: &str) -> Result<Self, StoreError> {
        Self::connect_with(conn, PostgresOptions::default()).await
    }

    pub async fn connect_with(conn: &str, options: PostgresOptions) -> Result<Self, StoreError> {
        let config: Config = conn.parse().map_err(|e| StoreError::InvalidArgument(format!("bad PostgreSQL connection string: {e}")))?;
        if let Some(s) = &options.schema
            && (s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            return Err(StoreError::InvalidArgument(format!("schema name {s:?}: use letters, digits and _")));
        }
        let store = PostgresStore { config, schema: options.schema, idle: Mutex::new(Vec::new()), permits: Semaphore::new(options.pool_size.max(1)) };
        store.migrate().await?;
        Ok(store)
    }

    async fn open(&self) -> Result<Conn, StoreError> {
        let (client, connection) = self.config.connect(NoTls).await.map_err(pg_err)?;
        // The connection task ends when the client is dropped or the socket fails; the client
        // then reports is_closed and its calls fail with Unavailable.
        tokio::spawn(connection);
        if let Some(s) = &self.schema {
            // IF NOT EXISTS is not atomic: two sessions creating the schema at once may see the
            // other's insert as a duplicate key. Then it exists, which is all we want.
            match client.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {s}")).await {
                Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) || e.code() == Some(&SqlState::DUPLICATE_SCHEMA) => {}
                r => r.map_err(pg_err)?,
            }
            client.batch_execute(&format!("SET search_path TO {s}")).await.map_err(pg_err)?;
        }
        Ok(Conn { client, statements: HashMap::new(), in_tx: false })
    }

    async fn conn(&self) -> Result<Lease<'_>, StoreError> {
        let permit = self.permits.acquire().await.map_err(|_| StoreError::Unavailable("the pool is closed".into()))?;
        let idle = {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            idle.retain(|c| !c.client.is_closed());
            idle.pop()
        };
        let conn = match idle {
            Some(c) => c,
            None => self.open().await?,
        };
        Ok(Lease { conn: Some(conn), store: self, _permit: permit })
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut c = self.conn().await?;
        c.begin().await?;
        // Processes starting together migrate one at a time.
        c.client.batch_execute(&format!("SELECT pg_advisory_xact_lock(hashtext(current_schema())); {}", sql::VERSION_TABLE)).await.map_err(pg_err)?;
        let have: i64 = c.client.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[]).await.map_err(pg_err)?.get(0);
        if have > sql::MIGRATIONS.len() as i64 {
            return Err(StoreError::Corrupt(format!("the database has schema version {have}, newer than this build knows ({})", sql::MIGRATIONS.len())));
        }
        for (n, m) in sql::MIGRATIONS.iter().enumerate().skip(have as usize) {
            c.client.batch_execute(&sql::dialect(m, true)).await.map_err(pg_err)?;
            c.client.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&(n as i64 + 1)]).await.map_err(pg_err)?;
        }
        c.commit().await
    }
}

impl Conn {
    async fn begin(&mut self) -> Result<(), StoreError> {
        self.in_tx = true;
        self.client.batch_execute("BEGIN").await.map_err(pg_err)
    }

    async fn commit(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute("COMMIT").await.map_err(pg_err)?;
        self.in_tx = false;
        Ok(())
    }

    async fn rollback(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute("ROLLBACK").await.map_err(pg_err)?;
        self.in_tx = false;
        Ok(())
    }

    async fn prepare(&mut self, text: &str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.get(text) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&sql::dialect(text, true)).await.map_err(pg_err)?;
        self.statements.insert(text.to_string(), s.clone());
        Ok(s)
    }

    async fn query<T>(&mut self, text: &str, params: &[Val], decode: impl Fn(&dyn sql::Row) -> Result<T, StoreError>) -> Result<Vec<T>, StoreError> {
        let st = self.prepare(text).await?;
        let rows = self.client.query(&st, &refs(params)).await.map_err(pg_err)?;
        rows.iter().map(|r| decode(r)).collect()
    }

    async fn execute(&mut self, text: &str, params: &[Val]) -> Result<u64, StoreError> {
        let st = self.prepare(text).await?;
        self.client.execute(&st, &refs(params)).await.map_err(pg_err)
    }

    /// Runs `f` in a transaction, rolled back if it fails.
    async fn in_transaction<T>(&mut self, f: impl AsyncFnOnce(&mut Conn) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.begin().await?;
        match f(self).await {
            Ok(v) => {
                self.commit().await?;
                Ok(v)
            }
            Err(e) => {
                // If even the rollback fails the connection is dropped (in_tx stays set).
                let _ = self.rollback().await;
                Err(e)
            }
        }
    }

    /// Sends the statements pipelined; the first failure, judged by each statement's `Expect`.
    async fn run(&mut self, stmts: &[Stmt]) -> Result<(), StoreError> {
        let mut prepared = Vec::with_capacity(stmts.len());
        for s in stmts {
            prepared.push(self.prepare(s.text()).await?);
        }
        let client = &self.client;
        let results = join_all(stmts.iter().zip(&prepared).map(|(s, st)| async move {
            let r = client.execute(st, &refs(&s.params)).await;
            judge(s, r)
        }))
        .await;
        // The first error is the cause; later ones only say the transaction was aborted.
        results.into_iter().collect::<Result<Vec<()>, _>>().map(drop)
    }

    /// The optimistic pass of [`Store::apply_groups`]: every group's writes at once, with all
    /// history events in one multi-row INSERT and, when nothing in the round deletes frames or
    /// writes one frame twice, all frames in one multi-row upsert. Both only add rows to tables no
    /// other write touches, so taking them out of order changes nothing; the rest is sent in
    /// order, pipelined. Any failure sends the caller to the per-group pass.
    async fn run_round(&mut self, groups: &[Vec<Write>]) -> Result<(), StoreError> {
        let all = || groups.iter().flatten();
        let frames_in_bulk = !all().any(|w| matches!(w, Write::DeleteFrames { .. })) && {
            let mut keys = std::collections::HashSet::new();
            all().all(|w| match w {
                Write::PutFrame { execution_arn, scope, .. } => keys.insert((execution_arn, scope)),
                _ => true,
            })
        };
        let mut events: EventColumns<'_> = Default::default();
        let mut frames: (Vec<&str>, Vec<&str>, Vec<String>) = Default::default();
        let mut rest = Vec::new();
        for w in all() {
            match w {
                Write::AppendEvent(e) => {
                    events.0.push(&e.execution_arn);
                    events.1.push(e.id);
                    events.2.push(&e.event_type);
                    events.3.push(e.timestamp);
                    events.4.push(e.previous_id);
                    events.5.push(json_text(&e.details));
                }
                Write::PutFrame { execution_arn, scope, frame } if frames_in_bulk => {
                    frames.0.push(execution_arn);
                    frames.1.push(scope);
                    frames.2.push(json_text(frame));
                }
                w => rest.extend(sql::write_sql(w)),
            }
        }
        let mut prepared = Vec::with_capacity(rest.len());
        for s in &rest {
            prepared.push(self.prepare(s.text()).await?);
        }
        let events_st = self.prepare(EVENTS_BULK).await?;
        let frames_st = self.prepare(FRAMES_BULK).await?;
        let client = &self.client;
        let rest = join_all(rest.iter().zip(&prepared).map(|(s, st)| async move { judge(s, client.execute(st, &refs(&s.params)).await) }));
        let (e, f) = (&events, &frames);
        let events = async {
            if e.0.is_empty() {
                return Ok(());
            }
            let params: [&(dyn ToSql + Sync); 6] = [&e.0, &e.1, &e.2, &e.3, &e.4, &e.5];
            client.execute(&events_st, &params).await.map(drop).map_err(pg_err)
        };
        let frames = async {
            if f.0.is_empty() {
                return Ok(());
            }
            let params: [&(dyn ToSql + Sync); 3] = [&f.0, &f.1, &f.2];
            client.execute(&frames_st, &params).await.map(drop).map_err(pg_err)
        };
        // Polled together, so all requests are written before the first answer is awaited.
        let (rest, events, frames) = futures_util::future::join3(rest, events, frames).await;
        rest.into_iter().collect::<Result<Vec<()>, _>>()?;
        events.and(frames)
    }
}

/// The columns of a multi-row history insert.
type EventColumns<'a> = (Vec<&'a str>, Vec<i64>, Vec<&'a str>, Vec<i64>, Vec<i64>, Vec<String>);

const EVENTS_BULK: &str = "INSERT INTO history_events (execution_arn, id, type, timestamp, previous_id, details)
    SELECT * FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::int8[], $5::int8[], $6::text[])";
const FRAMES_BULK: &str = "INSERT INTO frames (execution_arn, scope, frame)
    SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])
    ON CONFLICT (execution_arn, scope) DO UPDATE SET frame = excluded.frame";

fn judge(s: &Stmt, r: Result<u64, tokio_postgres::Error>) -> Result<(), StoreError> {
    match (r, &s.expect) {
        (Err(e), Expect::Unique(err)) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Err(err.clone()),
        (Err(e), _) => Err(pg_err(e)),
        (Ok(0), Expect::Rows(err)) => Err(err.clone()),
        (Ok(_), _) => Ok(()),
    }
}

fn refs(params: &[Val]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

impl ToSql for Val {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        // Each value checks its own type against the column's: a mismatch is an error, not
        // garbage bytes.
        match self {
            Val::Text(v) => v.to_sql_checked(ty, out),
            Val::Int(v) => v.to_sql_checked(ty, out),
            Val::Bool(v) => v.to_sql_checked(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl sql::Row for tokio_postgres::Row {
    fn text(&self, i: usize) -> Result<Option<String>, StoreError> {
        self.try_get(i).map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
    }
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        self.try_get(i).map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
    }
    fn boolean(&self, i: usize) -> Result<bool, StoreError> {
        self.try_get(i).map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
    }
}

/// Maps PostgreSQL's SQLSTATE classes to what a caller can do about them.
fn pg_err(e: tokio_postgres::Error) -> StoreError {
    let Some(db) = e.as_db_error() else {
        // No server answer: the socket failed, the server went away, or it never answered.
        return StoreError::Unavailable(format!("PostgreSQL: {e}"));
    };
    let msg = format!("PostgreSQL: {} ({})", db.message(), db.code().code());
    let code = db.code();
    let class = &code.code()[..2];
    if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED || *code == SqlState::LOCK_NOT_AVAILABLE {
        StoreError::Busy(msg)
    } else if matches!(class, "08" | "53" | "57" | "58") || *code == SqlState::READ_ONLY_SQL_TRANSACTION {
        // connection exception, insufficient resources (disk full, too many connections),
        // operator intervention (shutdown, restart), system error (I/O).
        StoreError::Unavailable(msg)
    } else if *code == SqlState::DATA_CORRUPTED || *code == SqlState::INDEX_CORRUPTED {
        StoreError::Corrupt(msg)
    } else if *code == SqlState::UNIQUE_VIOLATION {
        StoreError::Conflict(msg)
    } else {
        StoreError::Database(msg)
    }
}

fn text(s: &str) -> Val {
    Val::Text(Some(s.to_string()))
}

fn int(n: i64) -> Val {
    Val::Int(Some(n))
}

impl Store for PostgresStore {
    fn apply_groups(&self, groups: Vec<Vec<Write>>) -> StoreFuture<'_, Vec<Result<(), StoreError>>> {
        Box::pin(async move {
            let mut c = self.conn().await?;
            // Optimistic: everything in one pipelined transaction.
            c.begin().await?;
            match c.run_round(&groups).await {
                Ok(()) => {
                    c.commit().await?;
                    return Ok(vec![Ok(()); groups.len()]);
                }
                Err(e) if e.is_transient() => {
                    let _ = c.rollback().await;
                    return Err(e);
                }
                Err(_) => c.rollback().await?,
            }
            // Something failed: again, each group in a savepoint, to find which.
            let stmts: Vec<Vec<Stmt>> = groups.iter().map(|g| g.iter().flat_map(sql::write_sql).collect()).collect();
            c.begin().await?;
            let mut results = Vec::with_capacity(stmts.len());
            for group in &stmts {
                c.client.batch_execute("SAVEPOINT g").await.map_err(pg_err)?;
                let r = c.run(group).await;
                match &r {
                    Ok(()) => c.client.batch_execute("RELEASE SAVEPOINT g").await.map_err(pg_err)?,
                    Err(e) if e.is_transient() => {
                        let _ = c.rollback().await;
                        return Err(e.clone());
                    }
                    Err(_) => c.client.batch_execute("ROLLBACK TO SAVEPOINT g; RELEASE SAVEPOINT g").await.map_err(pg_err)?,
                }
                results.push(r);
            }
            c.commit().await?;
            Ok(results)
        })
    }

    fn get_machine(&self, arn: &str) -> StoreFuture<'_, Option<StateMachine>> {
        let p = [text(arn)];
        Box::pin(async move { Ok(self.conn().await?.query(sql::GET_MACHINE, &p, sql::machine).await?.pop()) })
    }

    fn list_machines(&self, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<StateMachine>> {
        Box::pin(async move {
            let after = next_token.as_deref().map(|k| read_token("m", k)).transpose()?.unwrap_or("").to_string();
            let size = page_size(max_results);
            let rows = self.conn().await?.query(sql::LIST_MACHINES, &[text(&after), int(size as i64 + 1)], sql::machine).await?;
            Ok(sql::page(rows, size, |m| make_token("m", &m.arn)))
        })
    }

    fn get_activity(&self, arn: &str) -> StoreFuture<'_, Option<Activity>> {
        let p = [text(arn)];
        Box::pin(async move { Ok(self.conn().await?.query(sql::GET_ACTIVITY, &p, sql::activity).await?.pop()) })
    }

    fn list_activities(&self, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<Activity>> {
        Box::pin(async move {
            let after = next_token.as_deref().map(|k| read_token("a", k)).transpose()?.unwrap_or("").to_string();
            let size = page_size(max_results);
            let rows = self.conn().await?.query(sql::LIST_ACTIVITIES, &[text(&after), int(size as i64 + 1)], sql::activity).await?;
            Ok(sql::page(rows, size, |a| make_token("a", &a.arn)))
        })
    }

    fn get_execution(&self, arn: &str) -> StoreFuture<'_, Option<Execution>> {
        let p = [text(arn)];
        Box::pin(async move { Ok(self.conn().await?.query(sql::GET_EXECUTION, &p, sql::execution).await?.pop()) })
    }

    fn find_execution(&self, machine_arn: &str, name: &str) -> StoreFuture<'_, Option<Execution>> {
        let p = [text(machine_arn), text(name)];
        Box::pin(async move { Ok(self.conn().await?.query(sql::FIND_EXECUTION, &p, sql::execution).await?.pop()) })
    }

    fn list_executions(&self, filter: ExecutionFilter, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<Execution>> {
        Box::pin(async move {
            let after = next_token.as_deref().map(read_execution_token).transpose()?;
            let size = page_size(max_results);
            let (q, p) = sql::list_executions_sql(&filter, after, size);
            Ok(sql::page(self.conn().await?.query(&q, &p, sql::execution).await?, size, execution_token))
        })
    }

    fn count_open(&self) -> StoreFuture<'_, u64> {
        Box::pin(async move { Ok(self.conn().await?.query(sql::COUNT_OPEN, &[], |r| r.req_int(0)).await?.pop().unwrap_or(0).max(0) as u64) })
    }

    fn frames(&self, execution_arn: &str) -> StoreFuture<'_, Vec<(String, Value)>> {
        let p = [text(execution_arn)];
        Box::pin(async move { self.conn().await?.query(sql::FRAMES, &p, sql::frame).await })
    }

    fn history(&self, execution_arn: &str, reverse: bool, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<HistoryEvent>> {
        let arn = execution_arn.to_string();
        Box::pin(async move {
            let after = next_token.as_deref().map(read_event_token).transpose()?;
            let size = page_size(max_results);
            let (q, from) = if reverse { (sql::HISTORY_REVERSE, i64::MAX) } else { (sql::HISTORY_FORWARD, i64::MIN) };
            let rows = self.conn().await?.query(q, &[text(&arn), int(after.unwrap_or(from)), int(size as i64 + 1)], sql::event).await?;
            Ok(sql::page(rows, size, |e| make_token("h", &e.id.to_string())))
        })
    }

    fn purge(&self, before: Millis, limit: usize) -> StoreFuture<'_, Purged> {
        Box::pin(async move {
            let mut c = self.conn().await?;
            c.in_transaction(async |c: &mut Conn| {
                let arns = c.query(sql::PURGE_PICK, &[int(before), int(limit as i64)], |r| r.req_text(0)).await?;
                let mut purged = Purged::default();
                for arn in arns {
                    let p = [text(&arn)];
                    purged.events += c.execute(sql::PURGE_EVENTS, &p).await?;
                    c.execute(sql::PURGE_FRAMES, &p).await?;
                    c.execute(sql::PURGE_TASKS, &p).await?;
                    purged.executions += c.execute(sql::PURGE_EXECUTION, &p).await?;
                }
                Ok(purged)
            })
            .await
        })
    }

    fn claim(&self, owner: &str, now: Millis, lease_ms: i64, limit: usize) -> StoreFuture<'_, Vec<Execution>> {
        let p = [text(owner), int(now), int(now + lease_ms), int(limit as i64)];
        Box::pin(async move {
            // One statement: the candidate rows are locked FOR UPDATE SKIP LOCKED (a concurrent
            // claimer skips them) and re-checked after locking, then leased.
            let mut v = self.conn().await?.query(sql::CLAIM, &p, sql::execution).await?;
            v.sort_by(|a, b| (a.start_date, &a.arn).cmp(&(b.start_date, &b.arn)));
            Ok(v)
        })
    }

    fn claim_woken(&self, owner: &str, now: Millis, lease_ms: i64, limit: usize) -> StoreFuture<'_, Vec<Execution>> {
        let p = [text(owner), int(now), int(now + lease_ms), int(limit as i64)];
        Box::pin(async move {
            let mut v = self.conn().await?.query(sql::CLAIM_WOKEN, &p, sql::execution).await?;
            v.sort_by(|a, b| (a.start_date, &a.arn).cmp(&(b.start_date, &b.arn)));
            Ok(v)
        })
    }

    fn checkpoints(&self, arns: Vec<String>) -> StoreFuture<'_, Vec<Checkpoint>> {
        Box::pin(async move {
            let mut c = self.conn().await?;
            let (mut frames, mut last) = (Vec::new(), Vec::new());
            for chunk in arns.chunks(sql::IN_LIST) {
                let p = sql::arn_params(chunk);
                frames.extend(c.query(sql::frames_of_sql(), &p, sql::arn_frame).await?);
                last.extend(c.query(sql::last_events_sql(), &p, sql::arn_id).await?);
            }
            Ok(sql::checkpoints(arns, frames, last))
        })
    }

    fn renew(&self, owner: &str, arns: Vec<String>, now: Millis, lease_ms: i64) -> StoreFuture<'_, Vec<String>> {
        let owner = owner.to_string();
        Box::pin(async move {
            let mut c = self.conn().await?;
            c.in_transaction(async |c: &mut Conn| {
                // A statement per chunk of arns, not per arn.
                let mut kept = Vec::new();
                for chunk in arns.chunks(sql::IN_LIST) {
                    let mut p = vec![text(&owner), int(now + lease_ms)];
                    p.extend(sql::arn_params(chunk));
                    kept.extend(c.query(sql::renew_sql(), &p, |r| r.req_text(0)).await?);
                }
                Ok(kept)
            })
            .await
        })
    }

    fn get_task(&self, token: &str) -> StoreFuture<'_, Option<Task>> {
        let p = [text(token)];
        Box::pin(async move { Ok(self.conn().await?.query(sql::GET_TASK, &p, sql::task).await?.pop()) })
    }

    fn tasks(&self, execution_arn: &str) -> StoreFuture<'_, Vec<Task>> {
        let p = [text(execution_arn)];
        Box::pin(async move { self.conn().await?.query(sql::EXECUTION_TASKS, &p, sql::task).await })
    }

    fn claim_activity_task(&self, activity_arn: &str, worker: &str, now: Millis) -> StoreFuture<'_, Option<Task>> {
        let p = [text(activity_arn), text(worker), int(now)];
        Box::pin(async move {
            let mut c = self.conn().await?;
            // The task is taken in a statement of its own (it locks only the task row), and
            // the execution marked runnable after it committed: holding the task while waiting
            // for the execution would invert the lock order (see `LOCK_EXECUTION_OF_TASK`).
            // Should the mark fail, the start is still recorded: at the answer, or when the
            // owner next reads the row.
            let task = c.query(sql::CLAIM_ACTIVITY_TASK, &p, sql::task).await?.pop();
            if let Some(t) = &task {
                let _ = c.execute(sql::MARK_RUNNABLE, &[text(&t.execution_arn)]).await;
            }
            Ok(task)
        })
    }

    fn answer_task(&self, token: &str, outcome: TaskOutcome, now: Millis) -> StoreFuture<'_, Task> {
        let token = token.to_string();
        Box::pin(async move { answer(&mut *self.conn().await?, &token, Some(outcome), now).await })
    }

    fn heartbeat(&self, token: &str, now: Millis) -> StoreFuture<'_, Task> {
        let token = token.to_string();
        Box::pin(async move { answer(&mut *self.conn().await?, &token, None, now).await })
    }

    fn expire_tasks(&self, now: Millis, limit: usize) -> StoreFuture<'_, Vec<Task>> {
        Box::pin(async move {
            let mut c = self.conn().await?;
            c.in_transaction(async |c: &mut Conn| {
                // The due tasks and their executions are locked together, skipping any held
                // (the next poll takes them): nothing here waits with a task row held.
                let pick = c.prepare(EXPIRE_PICK).await?;
                let tokens: Vec<String> = c.client.query(&pick, &[&now, &(limit as i64)]).await.map_err(pg_err)?.iter().map(|r| r.get(0)).collect();
                if tokens.is_empty() {
                    return Ok(Vec::new());
                }
                let expire = c.prepare(EXPIRE_PICKED).await?;
                let rows = c.client.query(&expire, &[&now, &tokens]).await.map_err(pg_err)?;
                let mut v = rows.iter().map(|r| sql::task(r)).collect::<Result<Vec<_>, _>>()?;
                for t in &v {
                    c.execute(sql::MARK_RUNNABLE, &[text(&t.execution_arn)]).await?;
                }
                v.sort_by(|a, b| (a.created, &a.token).cmp(&(b.created, &b.token)));
                Ok(v)
            })
            .await
        })
    }
}

/// The lock order of every transaction that changes both an execution and its tasks: the
/// execution's row first. An owner's batch locks the execution (`CheckOwner`) before it records
/// a task's start or cancels its tasks; an answer that locked the task first and then marked
/// the execution runnable deadlocked with it (40P01).
const LOCK_EXECUTION_OF_TASK: &str = "SELECT arn FROM executions WHERE arn = (SELECT execution_arn FROM tasks WHERE token = ?1) {UPDATE}";

/// ?1 now, ?2 limit: the tasks whose deadline passed, locked with their executions (both or
/// neither: `SKIP LOCKED` never waits), oldest first.
const EXPIRE_PICK: &str = "SELECT t.token FROM tasks t JOIN executions e ON e.arn = t.execution_arn
WHERE t.token IN (
        SELECT token FROM tasks WHERE status IN ('SCHEDULED', 'STARTED') AND timeout_deadline IS NOT NULL AND timeout_deadline <= ?1
        UNION ALL SELECT token FROM tasks WHERE status IN ('SCHEDULED', 'STARTED') AND heartbeat_deadline IS NOT NULL AND heartbeat_deadline <= ?1)
    AND t.status IN ('SCHEDULED', 'STARTED') AND (t.timeout_deadline <= ?1 OR t.heartbeat_deadline <= ?1)
ORDER BY t.created, t.token LIMIT ?2 FOR UPDATE OF e, t SKIP LOCKED";

/// ?1 now, ?2 the tokens `EXPIRE_PICK` locked.
const EXPIRE_PICKED: &str = "UPDATE tasks SET status = 'TIMED_OUT',
    error = CASE WHEN timeout_deadline <= ?1 THEN 'States.Timeout' ELSE 'States.HeartbeatTimeout' END
WHERE token = ANY(?2::text[])
RETURNING token, execution_arn, scope, activity_arn, input, status, output, error, cause, worker, heartbeat_ms, heartbeat_deadline, timeout_deadline, created, started, started_event";

/// An answer (`Some`) or a heartbeat (`None`): the task row is locked while it is judged, after
/// its execution's row for an answer (which marks the execution runnable).
async fn answer(c: &mut Conn, token: &str, outcome: Option<TaskOutcome>, now: Millis) -> Result<Task, StoreError> {
    c.in_transaction(async |c: &mut Conn| {
        if outcome.is_some() {
            c.query(LOCK_EXECUTION_OF_TASK, &[text(token)], |_| Ok(())).await?;
        }
        let task = c.query(sql::GET_TASK_FOR_UPDATE, &[text(token)], sql::task).await?.pop().ok_or_else(|| StoreError::TaskDoesNotExist(token.to_string()))?;
        let is_answer = outcome.is_some();
        let task = sql::answered(task, outcome, now)?;
        c.execute(sql::UPDATE_TASK, &sql::update_task_params(&task)).await?;
        if is_answer {
            c.execute(sql::MARK_RUNNABLE, &[text(&task.execution_arn)]).await?;
        }
        Ok(task)
    })
    .await
}
