//! What the two database stores share: the schema and its migrations, the SQL of every
//! [`Write`], one parameter type, and row decoding. SQL is written with SQLite's `?N`
//! placeholders and rewritten to PostgreSQL's `$N` by [`to_postgres`]; the few dialect
//! differences are the `{C}` (byte-order collation) and `{LOCK}` (row locking) markers.

use super::*;

/// The schema, one entry per version; applied in order by each store's `migrate`, recorded in
/// `schema_version`. Never edit a released entry: append a new one.
pub(crate) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE state_machines (
    arn TEXT {C} PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    definition TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    created BIGINT NOT NULL,
    revision_id TEXT NOT NULL,
    status TEXT NOT NULL,
    tags TEXT NOT NULL,
    attributes TEXT NOT NULL
);
CREATE TABLE activities (
    arn TEXT {C} PRIMARY KEY,
    name TEXT NOT NULL,
    created BIGINT NOT NULL,
    tags TEXT NOT NULL
);
CREATE TABLE executions (
    arn TEXT {C} PRIMARY KEY,
    machine_arn TEXT {C} NOT NULL,
    name TEXT {C} NOT NULL,
    status TEXT NOT NULL,
    input TEXT NOT NULL,
    output TEXT,
    error TEXT,
    cause TEXT,
    start_date BIGINT NOT NULL,
    stop_date BIGINT,
    redrive_count BIGINT NOT NULL,
    redrive_date BIGINT,
    wake_at BIGINT,
    runnable BOOLEAN NOT NULL,
    owner TEXT,
    lease_until BIGINT,
    UNIQUE (machine_arn, name)
);
CREATE INDEX executions_by_start ON executions (start_date, arn);
CREATE INDEX executions_by_machine ON executions (machine_arn, start_date, arn);
-- Claiming looks only at RUNNING rows with work: these stay small however many executions wait.
CREATE INDEX executions_runnable ON executions (start_date) WHERE status = 'RUNNING' AND runnable;
CREATE INDEX executions_due ON executions (wake_at) WHERE status = 'RUNNING' AND wake_at IS NOT NULL;
CREATE INDEX executions_leased ON executions (lease_until) WHERE status = 'RUNNING' AND owner IS NOT NULL;
CREATE INDEX executions_ended ON executions (stop_date) WHERE stop_date IS NOT NULL;
CREATE TABLE frames (
    execution_arn TEXT {C} NOT NULL,
    scope TEXT {C} NOT NULL,
    frame TEXT NOT NULL,
    PRIMARY KEY (execution_arn, scope)
);
CREATE TABLE history_events (
    execution_arn TEXT {C} NOT NULL,
    id BIGINT NOT NULL,
    type TEXT NOT NULL,
    timestamp BIGINT NOT NULL,
    previous_id BIGINT NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (execution_arn, id)
);
CREATE TABLE tasks (
    token TEXT {C} PRIMARY KEY,
    execution_arn TEXT {C} NOT NULL,
    scope TEXT {C} NOT NULL,
    activity_arn TEXT {C},
    input TEXT NOT NULL,
    status TEXT NOT NULL,
    output TEXT,
    error TEXT,
    cause TEXT,
    worker TEXT,
    heartbeat_ms BIGINT,
    heartbeat_deadline BIGINT,
    timeout_deadline BIGINT,
    created BIGINT NOT NULL
);
CREATE INDEX tasks_by_execution ON tasks (execution_arn);
CREATE INDEX tasks_scheduled ON tasks (activity_arn, created, token) WHERE status = 'SCHEDULED';
CREATE INDEX tasks_timeout ON tasks (timeout_deadline) WHERE status IN ('SCHEDULED', 'STARTED');
CREATE INDEX tasks_heartbeat ON tasks (heartbeat_deadline) WHERE status IN ('SCHEDULED', 'STARTED');
"#,
    r#"
-- When an activity worker took the task, and the history event that records it (AWS's
-- ActivityStarted, written by the execution's owner).
ALTER TABLE tasks ADD COLUMN started BIGINT;
ALTER TABLE tasks ADD COLUMN started_event BIGINT;
"#,
    // 3: the machine an execution runs when not its state machine's registered one (a version,
    // an earlier revision): see `Execution::runs`.
    "ALTER TABLE executions ADD COLUMN runs TEXT;",
    // 4: the open (RUNNING) executions, by machine and start: the open-executions quota counts
    // them (`COUNT_OPEN`) and ListExecutions with a RUNNING filter reads them newest first,
    // without reading the ended ones.
    "CREATE INDEX executions_open ON executions (machine_arn, start_date, arn) WHERE status = 'RUNNING';",
];

pub(crate) const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)";

/// The SQL for one dialect: `{C}` becomes PostgreSQL's byte-order collation (so that arns sort
/// the same everywhere) and `{LOCK}` its `FOR UPDATE SKIP LOCKED`; SQLite needs neither (it
/// compares bytes, and one writer at a time holds the whole database). `{UPDATE}` locks a row
/// read before it is changed.
pub(crate) fn dialect(sql: &str, postgres: bool) -> std::borrow::Cow<'_, str> {
    if postgres {
        to_postgres(&sql.replace("{C}", "COLLATE \"C\"").replace("{LOCK}", "FOR UPDATE SKIP LOCKED").replace("{UPDATE}", "FOR UPDATE")).into()
    } else if sql.contains('{') {
        sql.replace("{C}", "").replace("{LOCK}", "").replace("{UPDATE}", "").into()
    } else {
        // The common case, on SQLite's hot path: no copy.
        sql.into()
    }
}

/// `?1` → `$1` (no SQL here has a `?` inside a string literal).
fn to_postgres(sql: &str) -> String {
    sql.replace('?', "$")
}

pub(crate) const EXECUTION_COLS: &str = "arn, machine_arn, name, status, input, output, error, cause, start_date, stop_date, redrive_count, redrive_date, wake_at, runnable, owner, lease_until, runs";

/// A parameter of either database.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
}

fn t(s: &str) -> Val {
    Val::Text(Some(s.to_string()))
}
fn ot(s: &Option<String>) -> Val {
    Val::Text(s.clone())
}
fn oj(v: &Option<Value>) -> Val {
    Val::Text(v.as_ref().map(json_text))
}
fn j(v: &Value) -> Val {
    Val::Text(Some(json_text(v)))
}
fn i(n: i64) -> Val {
    Val::Int(Some(n))
}
fn oi(n: Option<i64>) -> Val {
    Val::Int(n)
}

/// How a statement's outcome is judged.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expect {
    Any,
    /// No row changed: this error (a missing row, a lost lease).
    Rows(StoreError),
    /// A unique constraint failed: this error.
    Unique(StoreError),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stmt {
    pub sql: &'static str,
    pub dynamic: Option<String>,
    pub params: Vec<Val>,
    pub expect: Expect,
}

impl Stmt {
    fn new(sql: &'static str, params: Vec<Val>, expect: Expect) -> Self {
        Stmt { sql, dynamic: None, params, expect }
    }
    /// The SQL text (before [`dialect`]).
    pub fn text(&self) -> &str {
        self.dynamic.as_deref().unwrap_or(self.sql)
    }
}

pub(crate) fn machine_params(m: &StateMachine) -> Vec<Val> {
    vec![t(&m.arn), t(&m.name), t(m.machine_type.as_str()), t(&m.definition), t(&m.role_arn), i(m.created), t(&m.revision_id), t(&m.status), j(&m.tags), j(&m.attributes)]
}

pub(crate) fn execution_params(e: &Execution) -> Vec<Val> {
    vec![
        t(&e.arn),
        t(&e.machine_arn),
        t(&e.name),
        t(e.status.as_str()),
        j(&e.input),
        oj(&e.output),
        ot(&e.error),
        ot(&e.cause),
        i(e.start_date),
        oi(e.stop_date),
        i(e.redrive_count),
        oi(e.redrive_date),
        oi(e.wake_at),
        Val::Bool(e.runnable),
        ot(&e.owner),
        oi(e.lease_until),
        ot(&e.runs),
    ]
}

pub(crate) fn task_params(x: &Task) -> Vec<Val> {
    vec![
        t(&x.token),
        t(&x.execution_arn),
        t(&x.scope),
        ot(&x.activity_arn),
        j(&x.input),
        t(x.status.as_str()),
        oj(&x.output),
        ot(&x.error),
        ot(&x.cause),
        ot(&x.worker),
        oi(x.heartbeat_ms),
        oi(x.heartbeat_deadline),
        oi(x.timeout_deadline),
        i(x.created),
        oi(x.started),
        oi(x.started_event),
    ]
}

/// The statements of one write.
pub(crate) fn write_sql(w: &Write) -> Vec<Stmt> {
    use Expect::*;
    match w {
        Write::InsertMachine(m) => vec![Stmt::new(
            "INSERT INTO state_machines (arn, name, type, definition, role_arn, created, revision_id, status, tags, attributes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            machine_params(m),
            Unique(StoreError::AlreadyExists { what: "state machine", key: m.arn.clone() }),
        )],
        Write::UpdateMachine(m) => vec![Stmt::new(
            "UPDATE state_machines SET name = ?2, type = ?3, definition = ?4, role_arn = ?5, created = ?6, revision_id = ?7, status = ?8, tags = ?9, attributes = ?10 WHERE arn = ?1",
            machine_params(m),
            Rows(StoreError::NotFound { what: "state machine", key: m.arn.clone() }),
        )],
        Write::DeleteMachine(arn) => vec![Stmt::new("DELETE FROM state_machines WHERE arn = ?1", vec![t(arn)], Any)],
        Write::InsertActivity(a) => vec![Stmt::new(
            "INSERT INTO activities (arn, name, created, tags) VALUES (?1, ?2, ?3, ?4)",
            vec![t(&a.arn), t(&a.name), i(a.created), j(&a.tags)],
            Unique(StoreError::AlreadyExists { what: "activity", key: a.arn.clone() }),
        )],
        Write::DeleteActivity(arn) => vec![Stmt::new("DELETE FROM activities WHERE arn = ?1", vec![t(arn)], Any)],
        Write::InsertExecution(e) => vec![Stmt::new(
            "INSERT INTO executions (arn, machine_arn, name, status, input, output, error, cause, start_date, stop_date, redrive_count, redrive_date, wake_at, runnable, owner, lease_until, runs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            execution_params(e),
            Unique(StoreError::AlreadyExists { what: "execution", key: e.arn.clone() }),
        )],
        Write::UpdateExecution { arn, patch } => {
            let mut sets = Vec::new();
            let mut params = vec![t(arn)];
            let mut set = |col: &str, v: Val| {
                params.push(v);
                sets.push(format!("{col} = ?{}", params.len()));
            };
            let p = patch;
            if let Some(v) = p.status {
                set("status", t(v.as_str()))
            }
            if let Some(v) = &p.output {
                set("output", oj(v))
            }
            if let Some(v) = &p.error {
                set("error", ot(v))
            }
            if let Some(v) = &p.cause {
                set("cause", ot(v))
            }
            if let Some(v) = p.stop_date {
                set("stop_date", oi(v))
            }
            if let Some(v) = p.redrive_count {
                set("redrive_count", i(v))
            }
            if let Some(v) = p.redrive_date {
                set("redrive_date", oi(v))
            }
            if let Some(v) = p.wake_at {
                set("wake_at", oi(v))
            }
            if let Some(v) = p.runnable {
                set("runnable", Val::Bool(v))
            }
            // An empty patch still checks that the execution exists.
            let sets = if sets.is_empty() { "arn = arn".to_string() } else { sets.join(", ") };
            vec![Stmt { sql: "", dynamic: Some(format!("UPDATE executions SET {sets} WHERE arn = ?1")), params, expect: Rows(StoreError::NotFound { what: "execution", key: arn.clone() }) }]
        }
        // A no-op update: on PostgreSQL it also locks the row until commit, so no claim can take
        // the execution between this check and the rest of the batch.
        Write::CheckOwner { arn, owner } => {
            vec![Stmt::new("UPDATE executions SET owner = owner WHERE arn = ?1 AND owner = ?2", vec![t(arn), t(owner)], Rows(StoreError::Conflict(format!("{owner} does not hold execution {arn}"))))]
        }
        Write::Acquire { arn, owner, now, lease_until } => vec![Stmt::new(
            "UPDATE executions SET owner = ?2, lease_until = ?4 WHERE arn = ?1 AND (owner IS NULL OR owner = ?2 OR lease_until IS NULL OR lease_until < ?3)",
            vec![t(arn), t(owner), i(*now), i(*lease_until)],
            Rows(StoreError::Conflict(format!("another owner holds execution {arn}"))),
        )],
        Write::Release { arn, owner } => vec![Stmt::new("UPDATE executions SET owner = NULL, lease_until = NULL WHERE arn = ?1 AND owner = ?2", vec![t(arn), t(owner)], Any)],
        Write::Park { arn, owner, wake_at, token } => vec![Stmt::new(PARK, vec![t(arn), t(owner), oi(*wake_at), ot(token)], Any)],
        Write::PutFrame { execution_arn, scope, frame } => vec![Stmt::new(
            "INSERT INTO frames (execution_arn, scope, frame) VALUES (?1, ?2, ?3) ON CONFLICT (execution_arn, scope) DO UPDATE SET frame = excluded.frame",
            vec![t(execution_arn), t(scope), j(frame)],
            Any,
        )],
        Write::DeleteFrames { execution_arn, prefix } => vec![Stmt::new("DELETE FROM frames WHERE execution_arn = ?1 AND substr(scope, 1, length(?2)) = ?2", vec![t(execution_arn), t(prefix)], Any)],
        Write::AppendEvent(ev) => vec![Stmt::new(
            "INSERT INTO history_events (execution_arn, id, type, timestamp, previous_id, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            vec![t(&ev.execution_arn), i(ev.id), t(&ev.event_type), i(ev.timestamp), i(ev.previous_id), j(&ev.details)],
            Unique(StoreError::AlreadyExists { what: "history event", key: format!("{} #{}", ev.execution_arn, ev.id) }),
        )],
        Write::InsertTask(x) => vec![Stmt::new(
            "INSERT INTO tasks (token, execution_arn, scope, activity_arn, input, status, output, error, cause, worker, heartbeat_ms, heartbeat_deadline, timeout_deadline, created, started, started_event) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            task_params(x),
            Unique(StoreError::AlreadyExists { what: "task", key: x.token.clone() }),
        )],
        Write::TaskStartRecorded { token, event_id } => vec![Stmt::new("UPDATE tasks SET started_event = ?2 WHERE token = ?1", vec![t(token), i(*event_id)], Any)],
        Write::CancelTasks { execution_arn, scope_prefix } => vec![Stmt::new(
            "UPDATE tasks SET status = 'CANCELLED' WHERE execution_arn = ?1 AND substr(scope, 1, length(?2)) = ?2 AND status IN ('SCHEDULED', 'STARTED')",
            vec![t(execution_arn), t(scope_prefix)],
            Any,
        )],
    }
}

// ---- reads ----

pub(crate) const GET_MACHINE: &str = "SELECT arn, name, type, definition, role_arn, created, revision_id, status, tags, attributes FROM state_machines WHERE arn = ?1";
pub(crate) const LIST_MACHINES: &str = "SELECT arn, name, type, definition, role_arn, created, revision_id, status, tags, attributes FROM state_machines WHERE arn > ?1 ORDER BY arn LIMIT ?2";
pub(crate) const GET_ACTIVITY: &str = "SELECT arn, name, created, tags FROM activities WHERE arn = ?1";
pub(crate) const LIST_ACTIVITIES: &str = "SELECT arn, name, created, tags FROM activities WHERE arn > ?1 ORDER BY arn LIMIT ?2";
pub(crate) const GET_EXECUTION: &str = "SELECT arn, machine_arn, name, status, input, output, error, cause, start_date, stop_date, redrive_count, redrive_date, wake_at, runnable, owner, lease_until, runs FROM executions WHERE arn = ?1";
pub(crate) const FIND_EXECUTION: &str = "SELECT arn, machine_arn, name, status, input, output, error, cause, start_date, stop_date, redrive_count, redrive_date, wake_at, runnable, owner, lease_until, runs FROM executions WHERE machine_arn = ?1 AND name = ?2";
/// The open-executions quota's count, from the partial index `executions_open`.
pub(crate) const COUNT_OPEN: &str = "SELECT COUNT(*) FROM executions WHERE status = 'RUNNING'";
pub(crate) const FRAMES: &str = "SELECT scope, frame FROM frames WHERE execution_arn = ?1 ORDER BY scope";
pub(crate) const HISTORY_FORWARD: &str = "SELECT execution_arn, id, type, timestamp, previous_id, details FROM history_events WHERE execution_arn = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
pub(crate) const HISTORY_REVERSE: &str = "SELECT execution_arn, id, type, timestamp, previous_id, details FROM history_events WHERE execution_arn = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3";
pub(crate) const GET_TASK: &str = "SELECT token, execution_arn, scope, activity_arn, input, status, output, error, cause, worker, heartbeat_ms, heartbeat_deadline, timeout_deadline, created, started, started_event FROM tasks WHERE token = ?1";
pub(crate) const GET_TASK_FOR_UPDATE: &str = "SELECT token, execution_arn, scope, activity_arn, input, status, output, error, cause, worker, heartbeat_ms, heartbeat_deadline, timeout_deadline, created, started, started_event FROM tasks WHERE token = ?1 {UPDATE}";
pub(crate) const EXECUTION_TASKS: &str = "SELECT token, execution_arn, scope, activity_arn, input, status, output, error, cause, worker, heartbeat_ms, heartbeat_deadline, timeout_deadline, created, started, started_event FROM tasks WHERE execution_arn = ?1 ORDER BY created, token";

/// The list query for a filter, and its parameters; `LIMIT` is `size + 1` to see if there is more.
pub(crate) fn list_executions_sql(filter: &ExecutionFilter, after: Option<(Millis, String)>, size: usize) -> (String, Vec<Val>) {
    let mut conds = Vec::new();
    let mut params = Vec::new();
    if let Some(m) = &filter.machine_arn {
        params.push(t(m));
        conds.push(format!("machine_arn = ?{}", params.len()));
    }
    match filter.status {
        // Written out, not a parameter: the planner uses the partial index `executions_open`
        // only for a condition it can see.
        Some(ExecutionStatus::Running) => conds.push("status = 'RUNNING'".to_string()),
        Some(s) => {
            params.push(t(s.as_str()));
            conds.push(format!("status = ?{}", params.len()));
        }
        None => {}
    }
    if let Some((start, arn)) = after {
        params.push(i(start));
        params.push(t(&arn));
        let (a, b) = (params.len() - 1, params.len());
        conds.push(format!("(start_date < ?{a} OR (start_date = ?{a} AND arn < ?{b}))"));
    }
    params.push(i(size as i64 + 1));
    let cond = if conds.is_empty() { "TRUE".to_string() } else { conds.join(" AND ") };
    let sql = format!("SELECT {EXECUTION_COLS} FROM executions WHERE {cond} ORDER BY start_date DESC, arn DESC LIMIT ?{}", params.len());
    (sql, params)
}

/// ?1 owner, ?2 now, ?3 lease until, ?4 limit. The condition is the memory store's `claimable`:
/// the claimer's own rows whose lease lapsed less than a lease ago are left out (it is running
/// them and its renewer is late: see [`Store::claim`]), and the rest of its own come last.
/// The inner UNION ALL finds candidates through the three partial indexes (one per reason to
/// run), so a poll costs the same with a million parked executions as with none (an OR over the
/// three, or a plain UNION, lets SQLite choose a plan that scans the whole table; `IN` removes
/// the duplicates). Each reason gives its ?4 oldest candidates (the runnable ones read in
/// their index's order, so a backlog of a million started executions costs a claim ?4 rows, not
/// the backlog; the due and expired ones are sorted, as few as are due now; the expired ones
/// with the same rule as the outer condition, or the claimer's own would fill the limit). The middle SELECT re-states the condition so that
/// PostgreSQL re-checks it on each row after locking it, orders, limits and locks; SKIP LOCKED
/// makes a concurrent claimer pass over rows being claimed instead of waiting for them.
pub(crate) const CLAIM: &str = "UPDATE executions SET owner = ?1, lease_until = ?3 WHERE arn IN (
    SELECT arn FROM executions WHERE arn IN (
            SELECT arn FROM (SELECT arn FROM executions WHERE status = 'RUNNING' AND runnable AND owner IS NULL ORDER BY start_date, arn LIMIT ?4) AS r
            UNION ALL SELECT arn FROM (SELECT arn FROM executions WHERE status = 'RUNNING' AND wake_at IS NOT NULL AND wake_at <= ?2 AND owner IS NULL ORDER BY start_date, arn LIMIT ?4) AS d
            UNION ALL SELECT arn FROM (SELECT arn FROM executions WHERE status = 'RUNNING' AND owner IS NOT NULL AND lease_until <= ?2 AND (owner <> ?1 OR lease_until <= 2 * ?2 - ?3) ORDER BY CASE WHEN owner = ?1 THEN 1 ELSE 0 END, start_date, arn LIMIT ?4) AS l)
        AND status = 'RUNNING'
        AND ((owner IS NULL AND (runnable OR wake_at <= ?2)) OR (owner IS NOT NULL AND lease_until <= ?2 AND (owner <> ?1 OR lease_until <= 2 * ?2 - ?3)))
    ORDER BY CASE WHEN owner = ?1 THEN 1 ELSE 0 END, start_date, arn LIMIT ?4 {LOCK})
RETURNING arn, machine_arn, name, status, input, output, error, cause, start_date, stop_date, redrive_count, redrive_date, wake_at, runnable, owner, lease_until, runs";

/// ?1 arn, ?2 owner, ?3 wake at, ?4 the token waited for. In PostgreSQL the batch's
/// `CheckOwner` has locked the row, so an answer's `MARK_RUNNABLE` comes after this statement,
/// or its task row is seen here (each statement reads what was committed when it began).
const PARK: &str = "UPDATE executions SET owner = NULL, lease_until = NULL, wake_at = ?3,
    runnable = EXISTS (SELECT 1 FROM tasks WHERE token = ?4 AND status NOT IN ('SCHEDULED', 'STARTED'))
WHERE arn = ?1 AND owner = ?2";

/// ?1 owner, ?2 now, ?3 lease until, ?4 limit: [`CLAIM`] without the expired leases. The
/// claimed rows leave the runnable and due indexes (`runnable`, `wake_at` cleared: a parked
/// execution sets them again), so those stay as small as the number of parked rows due.
pub(crate) const CLAIM_WOKEN: &str = "UPDATE executions SET owner = ?1, lease_until = ?3, runnable = FALSE, wake_at = NULL WHERE arn IN (
    SELECT arn FROM executions WHERE arn IN (
            SELECT arn FROM (SELECT arn FROM executions WHERE status = 'RUNNING' AND runnable AND owner IS NULL ORDER BY start_date, arn LIMIT ?4) AS r
            UNION ALL SELECT arn FROM (SELECT arn FROM executions WHERE status = 'RUNNING' AND wake_at IS NOT NULL AND wake_at <= ?2 AND owner IS NULL ORDER BY start_date, arn LIMIT ?4) AS d)
        AND status = 'RUNNING' AND owner IS NULL AND (runnable OR wake_at <= ?2)
    ORDER BY start_date, arn LIMIT ?4 {LOCK})
RETURNING arn, machine_arn, name, status, input, output, error, cause, start_date, stop_date, redrive_count, redrive_date, wake_at, runnable, owner, lease_until, runs";

/// How many arns a statement with an `IN` list takes: lists are padded to this length (with
/// their first arn again), so that one prepared statement serves every batch.
pub(crate) const IN_LIST: usize = 500;

/// `?from, ?from+1, …` for [`IN_LIST`] parameters.
fn in_list(from: usize) -> String {
    (from..from + IN_LIST).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

/// Up to [`IN_LIST`] arns as parameters, padded with the first.
pub(crate) fn arn_params(arns: &[String]) -> Vec<Val> {
    let mut p: Vec<Val> = arns.iter().map(|a| t(a)).collect();
    while p.len() < IN_LIST {
        p.push(p.first().cloned().unwrap_or(Val::Text(None)));
    }
    p
}

/// ?1 owner, ?2 lease until, then [`IN_LIST`] arns: one statement renews a chunk of leases.
pub(crate) fn renew_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| format!("UPDATE executions SET lease_until = ?2 WHERE owner = ?1 AND arn IN ({}) RETURNING arn", in_list(3)))
}

/// [`IN_LIST`] arns: their frames.
pub(crate) fn frames_of_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| format!("SELECT execution_arn, scope, frame FROM frames WHERE execution_arn IN ({}) ORDER BY execution_arn, scope", in_list(1)))
}

/// [`IN_LIST`] arns: the last history event id of each that has one.
pub(crate) fn last_events_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| format!("SELECT execution_arn, MAX(id) FROM history_events WHERE execution_arn IN ({}) GROUP BY execution_arn", in_list(1)))
}

/// Assembles [`Checkpoint`]s from the rows of [`frames_of_sql`] and [`last_events_sql`].
pub(crate) fn checkpoints(arns: Vec<String>, frames: Vec<(String, String, Value)>, last: Vec<(String, i64)>) -> Vec<Checkpoint> {
    let mut by_arn: std::collections::HashMap<String, Checkpoint> = arns.into_iter().map(|a| (a.clone(), Checkpoint { execution_arn: a, frames: Vec::new(), last_event: 0 })).collect();
    for (arn, scope, frame) in frames {
        if let Some(c) = by_arn.get_mut(&arn) {
            c.frames.push((scope, frame));
        }
    }
    for (arn, id) in last {
        if let Some(c) = by_arn.get_mut(&arn) {
            c.last_event = id;
        }
    }
    by_arn.into_values().collect()
}

pub(crate) fn arn_frame(r: &dyn Row) -> Result<(String, String, Value), StoreError> {
    Ok((r.req_text(0)?, r.req_text(1)?, r.json(2)?))
}

pub(crate) fn arn_id(r: &dyn Row) -> Result<(String, i64), StoreError> {
    Ok((r.req_text(0)?, r.req_int(1)?))
}

/// ?1 activity, ?2 worker, ?3 now.
pub(crate) const CLAIM_ACTIVITY_TASK: &str = "UPDATE tasks SET status = 'STARTED', worker = ?2, started = ?3,
    heartbeat_deadline = CASE WHEN heartbeat_ms IS NULL THEN heartbeat_deadline ELSE ?3 + heartbeat_ms END
WHERE token = (SELECT token FROM tasks WHERE activity_arn = ?1 AND status = 'SCHEDULED' ORDER BY created, token LIMIT 1 {LOCK})
RETURNING token, execution_arn, scope, activity_arn, input, status, output, error, cause, worker, heartbeat_ms, heartbeat_deadline, timeout_deadline, created, started, started_event";

/// ?1 now, ?2 limit. Shaped like [`CLAIM`], for the same reasons.
pub(crate) const EXPIRE_TASKS: &str = "UPDATE tasks SET status = 'TIMED_OUT',
    error = CASE WHEN timeout_deadline <= ?1 THEN 'States.Timeout' ELSE 'States.HeartbeatTimeout' END
WHERE token IN (SELECT token FROM tasks WHERE token IN (
            SELECT token FROM tasks WHERE status IN ('SCHEDULED', 'STARTED') AND timeout_deadline IS NOT NULL AND timeout_deadline <= ?1
            UNION ALL SELECT token FROM tasks WHERE status IN ('SCHEDULED', 'STARTED') AND heartbeat_deadline IS NOT NULL AND heartbeat_deadline <= ?1)
        AND status IN ('SCHEDULED', 'STARTED') AND (timeout_deadline <= ?1 OR heartbeat_deadline <= ?1)
    ORDER BY created, token LIMIT ?2 {LOCK})
RETURNING token, execution_arn, scope, activity_arn, input, status, output, error, cause, worker, heartbeat_ms, heartbeat_deadline, timeout_deadline, created, started, started_event";

pub(crate) const MARK_RUNNABLE: &str = "UPDATE executions SET runnable = TRUE WHERE arn = ?1";

/// ?1 token, then status, output, error, cause, heartbeat deadline.
pub(crate) const UPDATE_TASK: &str = "UPDATE tasks SET status = ?2, output = ?3, error = ?4, cause = ?5, heartbeat_deadline = ?6 WHERE token = ?1";

pub(crate) fn update_task_params(x: &Task) -> Vec<Val> {
    vec![t(&x.token), t(x.status.as_str()), oj(&x.output), ot(&x.error), ot(&x.cause), oi(x.heartbeat_deadline)]
}

/// Applies an answer or a heartbeat to a task read under lock; the task as it becomes.
pub(crate) fn answered(mut task: Task, outcome: Option<TaskOutcome>, now: Millis) -> Result<Task, StoreError> {
    if let Some(err) = task_answer_error(&task, now) {
        return Err(err);
    }
    match outcome {
        Some(TaskOutcome::Success(v)) => {
            task.status = TaskStatus::Succeeded;
            task.output = Some(v);
        }
        Some(TaskOutcome::Failure { error, cause }) => {
            task.status = TaskStatus::Failed;
            task.error = error;
            task.cause = cause;
        }
        None => {
            if let Some(hb) = task.heartbeat_ms {
                task.heartbeat_deadline = Some(now + hb);
            }
        }
    }
    Ok(task)
}

/// ?1 before, ?2 limit. The executions are locked before their tasks are deleted (the lock
/// order of every path that changes both; concurrent purges skip each other's).
pub(crate) const PURGE_PICK: &str = "SELECT arn FROM executions WHERE stop_date < ?1 AND status NOT IN ('RUNNING', 'PENDING_REDRIVE') ORDER BY stop_date, arn LIMIT ?2 {LOCK}";
pub(crate) const PURGE_EVENTS: &str = "DELETE FROM history_events WHERE execution_arn = ?1";
pub(crate) const PURGE_FRAMES: &str = "DELETE FROM frames WHERE execution_arn = ?1";
pub(crate) const PURGE_TASKS: &str = "DELETE FROM tasks WHERE execution_arn = ?1";
pub(crate) const PURGE_EXECUTION: &str = "DELETE FROM executions WHERE arn = ?1";

// ---- decoding ----

/// A result row of either database.
pub(crate) trait Row {
    fn text(&self, i: usize) -> Result<Option<String>, StoreError>;
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    fn boolean(&self, i: usize) -> Result<bool, StoreError>;

    fn req_text(&self, i: usize) -> Result<String, StoreError> {
        self.text(i)?.ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
    }
    fn req_int(&self, i: usize) -> Result<i64, StoreError> {
        self.int(i)?.ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
    }
    fn json(&self, i: usize) -> Result<Value, StoreError> {
        parse_json(&self.req_text(i)?)
    }
    fn opt_json(&self, i: usize) -> Result<Option<Value>, StoreError> {
        self.text(i)?.as_deref().map(parse_json).transpose()
    }
}

pub(crate) fn machine(r: &dyn Row) -> Result<StateMachine, StoreError> {
    Ok(StateMachine {
        arn: r.req_text(0)?,
        name: r.req_text(1)?,
        machine_type: MachineType::parse(&r.req_text(2)?)?,
        definition: r.req_text(3)?,
        role_arn: r.req_text(4)?,
        created: r.req_int(5)?,
        revision_id: r.req_text(6)?,
        status: r.req_text(7)?,
        tags: r.json(8)?,
        attributes: r.json(9)?,
    })
}

pub(crate) fn activity(r: &dyn Row) -> Result<Activity, StoreError> {
    Ok(Activity { arn: r.req_text(0)?, name: r.req_text(1)?, created: r.req_int(2)?, tags: r.json(3)? })
}

pub(crate) fn execution(r: &dyn Row) -> Result<Execution, StoreError> {
    Ok(Execution {
        arn: r.req_text(0)?,
        machine_arn: r.req_text(1)?,
        name: r.req_text(2)?,
        status: ExecutionStatus::parse(&r.req_text(3)?)?,
        input: r.json(4)?,
        output: r.opt_json(5)?,
        error: r.text(6)?,
        cause: r.text(7)?,
        start_date: r.req_int(8)?,
        stop_date: r.int(9)?,
        redrive_count: r.req_int(10)?,
        redrive_date: r.int(11)?,
        wake_at: r.int(12)?,
        runnable: r.boolean(13)?,
        owner: r.text(14)?,
        lease_until: r.int(15)?,
        runs: r.text(16)?,
    })
}

pub(crate) fn event(r: &dyn Row) -> Result<HistoryEvent, StoreError> {
    Ok(HistoryEvent { execution_arn: r.req_text(0)?, id: r.req_int(1)?, event_type: r.req_text(2)?, timestamp: r.req_int(3)?, previous_id: r.req_int(4)?, details: r.json(5)? })
}

pub(crate) fn task(r: &dyn Row) -> Result<Task, StoreError> {
    Ok(Task {
        token: r.req_text(0)?,
        execution_arn: r.req_text(1)?,
        scope: r.req_text(2)?,
        activity_arn: r.text(3)?,
        input: r.json(4)?,
        status: TaskStatus::parse(&r.req_text(5)?)?,
        output: r.opt_json(6)?,
        error: r.text(7)?,
        cause: r.text(8)?,
        worker: r.text(9)?,
        heartbeat_ms: r.int(10)?,
        heartbeat_deadline: r.int(11)?,
        timeout_deadline: r.int(12)?,
        created: r.req_int(13)?,
        started: r.int(14)?,
        started_event: r.int(15)?,
    })
}

pub(crate) fn frame(r: &dyn Row) -> Result<(String, Value), StoreError> {
    Ok((r.req_text(0)?, r.json(1)?))
}

/// Splits `size + 1` fetched rows into a page.
pub(crate) fn page<T>(mut items: Vec<T>, size: usize, token: impl Fn(&T) -> String) -> Page<T> {
    let next_token = if items.len() > size {
        items.truncate(size);
        items.last().map(token)
    } else {
        None
    };
    Page { items, next_token }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite's plan for a statement, one line per step.
    fn plan(c: &rusqlite::Connection, sql: &str, params: &[Val]) -> String {
        let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {}", dialect(sql, false))).unwrap();
        let rows = st.query_map(rusqlite::params_from_iter(params), |r| r.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    fn schema() -> rusqlite::Connection {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        for m in MIGRATIONS {
            c.execute_batch(&dialect(m, false)).unwrap();
        }
        c
    }

    /// Polling must not read the parked executions or the tasks that wait for no deadline: each
    /// reason to run is found through its partial index, and the table is never scanned.
    #[test]
    fn claims_and_expiry_use_the_partial_indexes() {
        let c = schema();
        let p = plan(&c, CLAIM, &[t("o"), i(1), i(2), i(3)]);
        for index in ["executions_runnable", "executions_due", "executions_leased"] {
            assert!(p.contains(index), "{index} unused:\n{p}");
        }
        assert!(!p.lines().any(|l| l.starts_with("SCAN executions") && !l.contains("executions_runnable")), "{p}");
        // Each reason reads its index in order, up to the limit: no sort of all its rows.
        let p = plan(&c, CLAIM_WOKEN, &[t("o"), i(1), i(2), i(3)]);
        for index in ["executions_runnable", "executions_due"] {
            assert!(p.contains(index), "{index} unused:\n{p}");
        }
        assert!(p.contains("SCAN executions USING INDEX executions_runnable") && !p.contains("TEMP B-TREE FOR ORDER BY\nSCAN r"), "{p}");
        let p = plan(&c, EXPIRE_TASKS, &[i(1), i(2)]);
        for index in ["tasks_timeout", "tasks_heartbeat"] {
            assert!(p.contains(index), "{index} unused:\n{p}");
        }
        let p = plan(&c, CLAIM_ACTIVITY_TASK, &[t("a"), t("w"), i(1)]);
        assert!(p.contains("tasks_scheduled"), "{p}");
    }

    /// A start's reads and the quota's count go through indexes: their cost does not grow with
    /// the number of executions stored.
    #[test]
    fn starts_and_counts_use_indexes() {
        let c = schema();
        let p = plan(&c, FIND_EXECUTION, &[t("m"), t("n")]);
        assert!(p.contains("USING INDEX sqlite_autoindex_executions_2"), "{p}");
        let p = plan(&c, COUNT_OPEN, &[]);
        assert!(p.contains("executions_open"), "{p}");
        let filter = ExecutionFilter { machine_arn: Some("m".into()), status: Some(ExecutionStatus::Running) };
        let (q, params) = list_executions_sql(&filter, None, 10);
        let p = plan(&c, &q, &params);
        assert!(p.contains("executions_open") && !p.contains("TEMP B-TREE"), "{p}");
    }

    #[test]
    fn postgres_dialect() {
        let sql = dialect("SELECT ?1 FROM t WHERE a = ?2 ORDER BY x {LOCK}", true);
        assert_eq!(sql, "SELECT $1 FROM t WHERE a = $2 ORDER BY x FOR UPDATE SKIP LOCKED");
        assert_eq!(dialect("CREATE TABLE t (a TEXT {C})", true), "CREATE TABLE t (a TEXT COLLATE \"C\")");
        assert_eq!(dialect("CREATE TABLE t (a TEXT {C}) {UPDATE}", false), "CREATE TABLE t (a TEXT ) ");
    }
}
