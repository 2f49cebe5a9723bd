//! The embedded store: one SQLite file in WAL mode, nothing to install.
//!
//! rusqlite is synchronous, so the store owns two threads, each with its own connection: a writer
//! (every transaction that writes, one at a time, as SQLite allows) and a reader (WAL lets it read
//! a committed snapshot while the writer writes). Async callers send each a closure and await its
//! answer; no tokio worker ever blocks on the disk.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, Value as SqlValue};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use tokio::sync::oneshot;

use super::sql::{self, Expect, Stmt, Val};
use super::*;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// How hard a commit is made durable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteSync {
    /// `synchronous=FULL`: every commit is on disk before it returns, and survives power loss.
    Full,
    /// `synchronous=NORMAL`: survives a crash of the process (kill -9), may lose the last commits
    /// on power loss; faster.
    Normal,
}

pub struct SqliteStore {
    writer: mpsc::Sender<Job>,
    reader: mpsc::Sender<Job>,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating it if need be) the database file, migrating its schema; `SqliteSync::Full`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, SqliteSync::Full)
    }

    pub fn open_with(path: impl AsRef<Path>, sync: SqliteSync) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut writer = Connection::open(&path).map_err(sql_err)?;
        let mode = match sync {
            SqliteSync::Full => "FULL",
            SqliteSync::Normal => "NORMAL",
        };
        let journal: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(sql_err)?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unavailable(format!("{}: cannot use WAL mode (journal mode {journal})", path.display())));
        }
        writer.execute_batch(&format!("PRAGMA synchronous = {mode}; PRAGMA foreign_keys = OFF;")).map_err(sql_err)?;
        // Another process writing the same file waits for its lock instead of failing at once.
        writer.busy_timeout(Duration::from_secs(5)).map_err(sql_err)?;
        migrate(&mut writer)?;
        let reader = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(sql_err)?;
        reader.busy_timeout(Duration::from_secs(5)).map_err(sql_err)?;
        Ok(SqliteStore { writer: spawn(writer, "asl-sqlite-writer")?, reader: spawn(reader, "asl-sqlite-reader")?, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the writer (`write`) or reader thread.
    fn call<T: Send + 'static>(&self, write: bool, f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static) -> StoreFuture<'_, T> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |c| {
            let _ = tx.send(f(c));
        });
        let sent = if write { self.writer.send(job) } else { self.reader.send(job) };
        Box::pin(async move {
            sent.map_err(|_| StoreError::Unavailable("the SQLite thread has stopped".into()))?;
            rx.await.map_err(|_| StoreError::Unavailable("the SQLite thread has stopped".into()))?
        })
    }

    fn read<T: Send + 'static>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static) -> StoreFuture<'_, T> {
        self.call(false, move |c| f(c))
    }

    /// One IMMEDIATE transaction on the writer: it takes the write lock at once, so it never has to
    /// upgrade a read lock halfway (which could fail with SQLITE_BUSY against another process).
    fn transaction<T: Send + 'static>(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError> + Send + 'static) -> StoreFuture<'_, T> {
        self.call(true, move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql_err)?;
            let out = f(&tx)?;
            tx.commit().map_err(sql_err)?;
            Ok(out)
        })
    }
}

fn spawn(mut conn: Connection, name: &str) -> Result<mpsc::Sender<Job>, StoreError> {
    let (tx, rx) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            // Ends when the store (every sender) is dropped.
            for job in rx {
                job(&mut conn);
            }
        })
        .map_err(|e| StoreError::Unavailable(format!("cannot start the SQLite thread: {e}")))?;
    Ok(tx)
}

fn migrate(c: &mut Connection) -> Result<(), StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql_err)?;
    tx.execute_batch(sql::VERSION_TABLE).map_err(sql_err)?;
    let have: i64 = tx.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0)).map_err(sql_err)?;
    if have > sql::MIGRATIONS.len() as i64 {
        return Err(StoreError::Corrupt(format!("the database has schema version {have}, newer than this build knows ({})", sql::MIGRATIONS.len())));
    }
    for (n, m) in sql::MIGRATIONS.iter().enumerate().skip(have as usize) {
        tx.execute_batch(&sql::dialect(m, false)).map_err(sql_err)?;
        tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [n as i64 + 1]).map_err(sql_err)?;
    }
    tx.commit().map_err(sql_err)
}

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(match self {
            Val::Text(Some(s)) => SqlValue::Text(s.clone()),
            Val::Int(Some(n)) => SqlValue::Integer(*n),
            Val::Bool(b) => SqlValue::Integer(*b as i64),
            Val::Text(None) | Val::Int(None) => SqlValue::Null,
        }))
    }
}

impl sql::Row for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> Result<Option<String>, StoreError> {
        self.get(i).map_err(column_err)
    }
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        self.get(i).map_err(column_err)
    }
    fn boolean(&self, i: usize) -> Result<bool, StoreError> {
        self.get(i).map_err(column_err)
    }
}

fn column_err(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(..) => sql_err(e),
        e => StoreError::Corrupt(format!("unexpected column value: {e}")),
    }
}

/// Maps SQLite's error codes to what a caller can do about them.
fn sql_err(e: rusqlite::Error) -> StoreError {
    let msg = e.to_string();
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy(msg),
        Some(
            ErrorCode::DiskFull
            | ErrorCode::SystemIoFailure
            | ErrorCode::CannotOpen
            | ErrorCode::ReadOnly
            | ErrorCode::PermissionDenied
            | ErrorCode::OutOfMemory
            | ErrorCode::FileLockingProtocolFailed,
        ) => StoreError::Unavailable(msg),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Corrupt(msg),
        _ => StoreError::Database(msg),
    }
}

fn is_unique(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)
}

fn query<T>(c: &Connection, sql: &str, params: &[Val], decode: impl Fn(&dyn sql::Row) -> Result<T, StoreError>) -> Result<Vec<T>, StoreError> {
    let mut st = c.prepare_cached(&sql::dialect(sql, false)).map_err(sql_err)?;
    let mut rows = st.query(rusqlite::params_from_iter(params)).map_err(sql_err)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(sql_err)? {
        out.push(decode(r)?);
    }
    Ok(out)
}

fn execute(c: &Connection, sql: &str, params: &[Val]) -> Result<usize, StoreError> {
    c.prepare_cached(&sql::dialect(sql, false)).and_then(|mut st| st.execute(rusqlite::params_from_iter(params))).map_err(sql_err)
}

fn run_stmt(c: &Connection, s: &Stmt) -> Result<(), StoreError> {
    let n = c.prepare_cached(&sql::dialect(s.text(), false)).and_then(|mut st| st.execute(rusqlite::params_from_iter(&s.params)));
    match (n, &s.expect) {
        (Err(e), Expect::Unique(err)) if is_unique(&e) => Err(err.clone()),
        (Err(e), _) => Err(sql_err(e)),
        (Ok(0), Expect::Rows(err)) => Err(err.clone()),
        (Ok(_), _) => Ok(()),
    }
}

fn text(s: &str) -> Val {
    Val::Text(Some(s.to_string()))
}

fn int(n: i64) -> Val {
    Val::Int(Some(n))
}

impl Store for SqliteStore {
    fn apply_groups(&self, groups: Vec<Vec<Write>>) -> StoreFuture<'_, Vec<Result<(), StoreError>>> {
        // Statements (and their JSON text) are built here, on the caller's thread, so that the
        // writer thread only runs SQL.
        let groups: Vec<Vec<Stmt>> = groups.iter().map(|g| g.iter().flat_map(sql::write_sql).collect()).collect();
        self.call(true, move |c| {
            // Optimistic: all groups straight in one transaction; a failing statement leaves
            // SQLite's transaction usable, so only then is it redone with savepoints.
            {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql_err)?;
                if groups.iter().flatten().try_for_each(|s| run_stmt(&tx, s)).is_ok() {
                    tx.commit().map_err(sql_err)?;
                    return Ok(vec![Ok(()); groups.len()]);
                }
            } // dropping tx rolls it back
            let mut tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql_err)?;
            let mut results = Vec::with_capacity(groups.len());
            for group in &groups {
                // A savepoint per group: a failing group rolls back alone.
                let sp = tx.savepoint().map_err(sql_err)?;
                let r = group.iter().try_for_each(|s| run_stmt(&sp, s));
                match r {
                    Ok(()) => sp.commit().map_err(sql_err)?,
                    // A database failure (disk full...) fails the whole transaction: the caller
                    // retries everything rather than see some groups committed on a sick disk.
                    Err(e) if e.is_transient() => return Err(e),
                    Err(_) => drop(sp), // rolls back to the savepoint
                }
                results.push(r);
            }
            tx.commit().map_err(sql_err)?;
            Ok(results)
        })
    }

    fn get_machine(&self, arn: &str) -> StoreFuture<'_, Option<StateMachine>> {
        let arn = arn.to_string();
        self.read(move |c| Ok(query(c, sql::GET_MACHINE, &[text(&arn)], sql::machine)?.pop()))
    }

    fn list_machines(&self, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<StateMachine>> {
        self.read(move |c| {
            let after = next_token.as_deref().map(|k| read_token("m", k)).transpose()?.unwrap_or("").to_string();
            let size = page_size(max_results);
            let rows = query(c, sql::LIST_MACHINES, &[text(&after), int(size as i64 + 1)], sql::machine)?;
            Ok(sql::page(rows, size, |m| make_token("m", &m.arn)))
        })
    }

    fn get_activity(&self, arn: &str) -> StoreFuture<'_, Option<Activity>> {
        let arn = arn.to_string();
        self.read(move |c| Ok(query(c, sql::GET_ACTIVITY, &[text(&arn)], sql::activity)?.pop()))
    }

    fn list_activities(&self, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<Activity>> {
        self.read(move |c| {
            let after = next_token.as_deref().map(|k| read_token("a", k)).transpose()?.unwrap_or("").to_string();
            let size = page_size(max_results);
            let rows = query(c, sql::LIST_ACTIVITIES, &[text(&after), int(size as i64 + 1)], sql::activity)?;
            Ok(sql::page(rows, size, |a| make_token("a", &a.arn)))
        })
    }

    fn get_execution(&self, arn: &str) -> StoreFuture<'_, Option<Execution>> {
        let arn = arn.to_string();
        self.read(move |c| Ok(query(c, sql::GET_EXECUTION, &[text(&arn)], sql::execution)?.pop()))
    }

    fn find_execution(&self, machine_arn: &str, name: &str) -> StoreFuture<'_, Option<Execution>> {
        let p = [text(machine_arn), text(name)];
        self.read(move |c| Ok(query(c, sql::FIND_EXECUTION, &p, sql::execution)?.pop()))
    }

    fn list_executions(&self, filter: ExecutionFilter, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<Execution>> {
        self.read(move |c| {
            let after = next_token.as_deref().map(read_execution_token).transpose()?;
            let size = page_size(max_results);
            let (q, p) = sql::list_executions_sql(&filter, after, size);
            Ok(sql::page(query(c, &q, &p, sql::execution)?, size, execution_token))
        })
    }

    fn count_open(&self) -> StoreFuture<'_, u64> {
        self.read(|c| Ok(query(c, sql::COUNT_OPEN, &[], |r| r.req_int(0))?.pop().unwrap_or(0).max(0) as u64))
    }

    fn frames(&self, execution_arn: &str) -> StoreFuture<'_, Vec<(String, Value)>> {
        let arn = execution_arn.to_string();
        self.read(move |c| query(c, sql::FRAMES, &[text(&arn)], sql::frame))
    }

    fn history(&self, execution_arn: &str, reverse: bool, max_results: usize, next_token: Option<String>) -> StoreFuture<'_, Page<HistoryEvent>> {
        let arn = execution_arn.to_string();
        self.read(move |c| {
            let after = next_token.as_deref().map(read_event_token).transpose()?;
            let size = page_size(max_results);
            let (q, from) = if reverse { (sql::HISTORY_REVERSE, i64::MAX) } else { (sql::HISTORY_FORWARD, i64::MIN) };
            let rows = query(c, q, &[text(&arn), int(after.unwrap_or(from)), int(size as i64 + 1)], sql::event)?;
            Ok(sql::page(rows, size, |e| make_token("h", &e.id.to_string())))
        })
    }

    fn purge(&self, before: Millis, limit: usize) -> StoreFuture<'_, Purged> {
        self.transaction(move |tx| {
            let arns = query(tx, sql::PURGE_PICK, &[int(before), int(limit as i64)], |r| r.req_text(0))?;
            let mut purged = Purged::default();
            for arn in arns {
                let p = [text(&arn)];
                purged.events += execute(tx, sql::PURGE_EVENTS, &p)? as u64;
                execute(tx, sql::PURGE_FRAMES, &p)?;
                execute(tx, sql::PURGE_TASKS, &p)?;
                purged.executions += execute(tx, sql::PURGE_EXECUTION, &p)? as u64;
            }
            Ok(purged)
        })
    }

    fn claim(&self, owner: &str, now: Millis, lease_ms: i64, limit: usize) -> StoreFuture<'_, Vec<Execution>> {
        let p = [text(owner), int(now), int(now + lease_ms), int(limit as i64)];
        self.transaction(move |tx| {
            let mut v = query(tx, sql::CLAIM, &p, sql::execution)?;
            v.sort_by(|a, b| (a.start_date, &a.arn).cmp(&(b.start_date, &b.arn)));
            Ok(v)
        })
    }

    fn claim_woken(&self, owner: &str, now: Millis, lease_ms: i64, limit: usize) -> StoreFuture<'_, Vec<Execution>> {
        let p = [text(owner), int(now), int(now + lease_ms), int(limit as i64)];
        self.transaction(move |tx| {
            let mut v = query(tx, sql::CLAIM_WOKEN, &p, sql::execution)?;
            v.sort_by(|a, b| (a.start_date, &a.arn).cmp(&(b.start_date, &b.arn)));
            Ok(v)
        })
    }

    fn checkpoints(&self, arns: Vec<String>) -> StoreFuture<'_, Vec<Checkpoint>> {
        self.read(move |c| {
            let (mut frames, mut last) = (Vec::new(), Vec::new());
            for chunk in arns.chunks(sql::IN_LIST) {
                let p = sql::arn_params(chunk);
                frames.extend(query(c, sql::frames_of_sql(), &p, sql::arn_frame)?);
                last.extend(query(c, sql::last_events_sql(), &p, sql::arn_id)?);
            }
            Ok(sql::checkpoints(arns, frames, last))
        })
    }

    fn renew(&self, owner: &str, arns: Vec<String>, now: Millis, lease_ms: i64) -> StoreFuture<'_, Vec<String>> {
        let owner = owner.to_string();
        self.transaction(move |tx| {
            // A statement per chunk of arns, not per arn: a process holding 100,000 executions
            // renews them in a fraction of a second.
            let mut kept = Vec::new();
            for chunk in arns.chunks(sql::IN_LIST) {
                let mut p = vec![text(&owner), int(now + lease_ms)];
                p.extend(sql::arn_params(chunk));
                kept.extend(query(tx, sql::renew_sql(), &p, |r| r.req_text(0))?);
            }
            Ok(kept)
        })
    }

    fn get_task(&self, token: &str) -> StoreFuture<'_, Option<Task>> {
        let token = token.to_string();
        self.read(move |c| Ok(query(c, sql::GET_TASK, &[text(&token)], sql::task)?.pop()))
    }

    fn tasks(&self, execution_arn: &str) -> StoreFuture<'_, Vec<Task>> {
        let arn = execution_arn.to_string();
        self.read(move |c| query(c, sql::EXECUTION_TASKS, &[text(&arn)], sql::task))
    }

    fn claim_activity_task(&self, activity_arn: &str, worker: &str, now: Millis) -> StoreFuture<'_, Option<Task>> {
        let p = [text(activity_arn), text(worker), int(now)];
        self.transaction(move |tx| {
            let task = query(tx, sql::CLAIM_ACTIVITY_TASK, &p, sql::task)?.pop();
            if let Some(t) = &task {
                execute(tx, sql::MARK_RUNNABLE, &[text(&t.execution_arn)])?;
            }
            Ok(task)
        })
    }

    fn answer_task(&self, token: &str, outcome: TaskOutcome, now: Millis) -> StoreFuture<'_, Task> {
        let token = token.to_string();
        self.transaction(move |tx| answer(tx, &token, Some(outcome), now))
    }

    fn heartbeat(&self, token: &str, now: Millis) -> StoreFuture<'_, Task> {
        let token = token.to_string();
        self.transaction(move |tx| answer(tx, &token, None, now))
    }

    fn expire_tasks(&self, now: Millis, limit: usize) -> StoreFuture<'_, Vec<Task>> {
        self.transaction(move |tx| {
            let mut v = query(tx, sql::EXPIRE_TASKS, &[int(now), int(limit as i64)], sql::task)?;
            for t in &v {
                execute(tx, sql::MARK_RUNNABLE, &[text(&t.execution_arn)])?;
            }
            v.sort_by(|a, b| (a.created, &a.token).cmp(&(b.created, &b.token)));
            Ok(v)
        })
    }
}

/// An answer (`Some`) or a heartbeat (`None`) inside the writer's transaction.
fn answer(tx: &Connection, token: &str, outcome: Option<TaskOutcome>, now: Millis) -> Result<Task, StoreError> {
    let task = query(tx, sql::GET_TASK_FOR_UPDATE, &[text(token)], sql::task)?.pop().ok_or_else(|| StoreError::TaskDoesNotExist(token.to_string()))?;
    let is_answer = outcome.is_some();
    let task = sql::answered(task, outcome, now)?;
    execute(tx, sql::UPDATE_TASK, &sql::update_task_params(&task))?;
    if is_answer {
        execute(tx, sql::MARK_RUNNABLE, &[text(&task.execution_arn)])?;
    }
    Ok(task)
}
