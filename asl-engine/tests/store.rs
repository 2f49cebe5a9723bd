//! One suite run against every store: the memory store, SQLite, and PostgreSQL when
//! `ASL_TEST_POSTGRES` names a database (e.g. `host=127.0.0.1 user=postgres dbname=test`). When it
//! is set, the PostgreSQL tests must reach it (they fail otherwise); each test gets a schema of
//! its own, dropped afterwards.

use std::collections::HashSet;
use std::sync::Arc;

use asl_engine::store::*;
use serde_json::{Value, json};

mod fixture {
    use super::*;

    pub struct Fixture {
        pub store: Arc<dyn Store>,
        _dir: Option<tempfile::TempDir>,
        schema: Option<(String, String)>,
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            // Drop the test's schema even when the test panicked; on a thread of its own because
            // this may run inside the test's runtime.
            if let Some((conn, schema)) = self.schema.take() {
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
    }

    pub async fn memory() -> Option<Fixture> {
        Some(Fixture { store: Arc::new(MemoryStore::new()), _dir: None, schema: None })
    }

    pub async fn sqlite() -> Option<Fixture> {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("asl.db")).unwrap();
        Some(Fixture { store: Arc::new(store), _dir: Some(dir), schema: None })
    }

    pub async fn postgres() -> Option<Fixture> {
        let Ok(conn) = std::env::var("ASL_TEST_POSTGRES") else {
            // Under CI they must run (the lock-order and two-process tests are PostgreSQL's).
            assert!(!std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false"), "CI is set but ASL_TEST_POSTGRES is not: the PostgreSQL tests must run");
            // Straight to stderr, past the test harness's capture, once per run.
            static NOTICE: std::sync::Once = std::sync::Once::new();
            NOTICE.call_once(|| {
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "NOTICE: ASL_TEST_POSTGRES is not set: the PostgreSQL store tests are skipped");
            });
            return None;
        };
        let schema = format!("asl_test_{:016x}", fastrand::u64(..));
        let store = PostgresStore::connect_with(&conn, PostgresOptions { schema: Some(schema.clone()), ..Default::default() })
            .await
            .unwrap_or_else(|e| panic!("ASL_TEST_POSTGRES is set but PostgreSQL is unreachable: {e}"));
        Some(Fixture { store: Arc::new(store), _dir: None, schema: Some((conn, schema)) })
    }
}

macro_rules! suite {
    ($kind:ident: $($test:ident),* $(,)?) => {
        mod $kind {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let Some(f) = crate::fixture::$kind().await else { return };
                    crate::$test(f.store.clone()).await;
                }
            )*
        }
    };
}

macro_rules! all_stores {
    ($($test:ident),* $(,)?) => {
        suite!(memory: $($test),*);
        suite!(sqlite: $($test),*);
        suite!(postgres: $($test),*);
    };
}

all_stores!(
    machines_crud,
    activities_crud,
    executions_crud,
    batch_is_atomic,
    groups_fail_alone,
    writes_keep_their_order,
    list_executions_newest_first,
    history_pages_both_ways,
    frames_and_prefix_deletion,
    claims_and_leases,
    acquire_takes_a_free_or_expired_lease,
    concurrent_claims_never_overlap,
    activity_tasks_go_to_one_worker,
    token_answers_and_errors,
    expired_tasks,
    retention,
    committer_groups_callers,
    owner_batches_and_answers_never_deadlock,
    own_lapsed_leases_come_last,
);

fn machine(arn: &str) -> StateMachine {
    StateMachine {
        arn: arn.into(),
        name: arn.rsplit(':').next().unwrap().into(),
        machine_type: MachineType::Standard,
        definition: r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#.into(),
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        created: 1000,
        revision_id: "r1".into(),
        status: "ACTIVE".into(),
        tags: json!({"team": "a"}),
        attributes: json!({}),
    }
}

const M1: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:one";
const M2: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:two";

fn exec(name: &str, machine: &str, start: Millis) -> Execution {
    let arn = format!("{}:{name}", machine.replace(":stateMachine:", ":execution:"));
    Execution::new(&arn, machine, name, json!({"n": name}), start)
}

fn event(arn: &str, id: i64) -> HistoryEvent {
    HistoryEvent { execution_arn: arn.into(), id, event_type: "PassStateEntered".into(), timestamp: 1000 + id, previous_id: id - 1, details: json!({"name": "P", "id": id}) }
}

fn frame(arn: &str, scope: &str, v: Value) -> Write {
    Write::PutFrame { execution_arn: arn.into(), scope: scope.into(), frame: v }
}

async fn insert(s: &Arc<dyn Store>, e: &Execution) {
    s.apply(vec![Write::InsertExecution(e.clone())]).await.unwrap();
}

async fn machines_crud(s: Arc<dyn Store>) {
    let a = machine(&format!("{M1}a"));
    s.apply(vec![Write::InsertMachine(a.clone())]).await.unwrap();
    assert_eq!(s.get_machine(&a.arn).await.unwrap(), Some(a.clone()));
    let dup = s.apply(vec![Write::InsertMachine(a.clone())]).await.unwrap_err();
    assert!(matches!(dup, StoreError::AlreadyExists { what: "state machine", .. }), "{dup}");
    assert_eq!(dup.aws_code(), Some("StateMachineAlreadyExists"));

    let mut b = a.clone();
    b.definition = "{}".into();
    b.machine_type = MachineType::Express;
    b.attributes = json!({"version": 2, "z": 1, "a": 0});
    s.apply(vec![Write::UpdateMachine(b.clone())]).await.unwrap();
    assert_eq!(s.get_machine(&a.arn).await.unwrap(), Some(b.clone()));
    let missing = s.apply(vec![Write::UpdateMachine(machine(M2))]).await.unwrap_err();
    assert!(matches!(missing, StoreError::NotFound { .. }), "{missing}");

    for n in ["c", "b", "d"] {
        s.apply(vec![Write::InsertMachine(machine(&format!("{M1}{n}")))]).await.unwrap();
    }
    let p1 = s.list_machines(3, None).await.unwrap();
    let names: Vec<_> = p1.items.iter().map(|m| m.arn.clone()).collect();
    assert_eq!(names, [format!("{M1}a"), format!("{M1}b"), format!("{M1}c")]);
    let p2 = s.list_machines(3, p1.next_token).await.unwrap();
    assert_eq!(p2.items.len(), 1);
    assert_eq!(p2.items[0].arn, format!("{M1}d"));
    assert_eq!(p2.next_token, None);

    s.apply(vec![Write::DeleteMachine(a.arn.clone())]).await.unwrap();
    assert_eq!(s.get_machine(&a.arn).await.unwrap(), None);
}

async fn activities_crud(s: Arc<dyn Store>) {
    let arn = |n: &str| format!("arn:aws:states:us-east-1:123456789012:activity:{n}");
    for n in ["x", "y", "z"] {
        let a = Activity { arn: arn(n), name: n.into(), created: 5, tags: json!([{"key": "k", "value": n}]) };
        s.apply(vec![Write::InsertActivity(a)]).await.unwrap();
    }
    let got = s.get_activity(&arn("y")).await.unwrap().unwrap();
    assert_eq!(got.name, "y");
    assert_eq!(got.tags, json!([{"key": "k", "value": "y"}]));
    let dup = Activity { arn: arn("y"), name: "y".into(), created: 6, tags: json!([]) };
    assert!(matches!(s.apply(vec![Write::InsertActivity(dup)]).await, Err(StoreError::AlreadyExists { .. })));
    let p = s.list_activities(2, None).await.unwrap();
    assert_eq!(p.items.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["x", "y"]);
    let p = s.list_activities(2, p.next_token).await.unwrap();
    assert_eq!(p.items.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["z"]);
    assert!(p.next_token.is_none());
    s.apply(vec![Write::DeleteActivity(arn("x"))]).await.unwrap();
    assert!(s.get_activity(&arn("x")).await.unwrap().is_none());
    assert!(matches!(s.list_activities(2, Some("m:zzz".into())).await, Err(StoreError::InvalidArgument(_))));
}

async fn executions_crud(s: Arc<dyn Store>) {
    let mut e = exec("e1", M1, 100);
    // Key order is kept (JSONB would sort it).
    e.input = json!({"zeta": 1, "alpha": [1, {"y": 2, "b": 3}]});
    insert(&s, &e).await;
    let got = s.get_execution(&e.arn).await.unwrap().unwrap();
    assert_eq!(got, e);
    assert_eq!(got.input.to_string(), r#"{"zeta":1,"alpha":[1,{"y":2,"b":3}]}"#);
    assert_eq!(s.find_execution(M1, "e1").await.unwrap(), Some(e.clone()));
    assert_eq!(s.find_execution(M2, "e1").await.unwrap(), None);

    // The same name under another arn: AWS's ExecutionAlreadyExists.
    let mut same_name = exec("e1", M1, 200);
    same_name.arn.push_str("-other");
    let err = s.apply(vec![Write::InsertExecution(same_name)]).await.unwrap_err();
    assert_eq!(err.aws_code(), Some("ExecutionAlreadyExists"), "{err}");

    let patch = ExecutionPatch {
        status: Some(ExecutionStatus::Failed),
        error: Some(Some("States.TaskFailed".into())),
        cause: Some(Some("boom".into())),
        stop_date: Some(Some(150)),
        wake_at: Some(Some(999)),
        runnable: Some(false),
        ..Default::default()
    };
    s.apply(vec![Write::UpdateExecution { arn: e.arn.clone(), patch }]).await.unwrap();
    let got = s.get_execution(&e.arn).await.unwrap().unwrap();
    assert_eq!((got.status, got.error.as_deref(), got.cause.as_deref()), (ExecutionStatus::Failed, Some("States.TaskFailed"), Some("boom")));
    assert_eq!((got.stop_date, got.wake_at, got.runnable), (Some(150), Some(999), false));

    // A redrive clears error and stop date and counts.
    let patch = ExecutionPatch {
        status: Some(ExecutionStatus::Running),
        error: Some(None),
        cause: Some(None),
        stop_date: Some(None),
        wake_at: Some(None),
        redrive_count: Some(1),
        redrive_date: Some(Some(160)),
        output: Some(Some(json!({"done": true}))),
        runnable: Some(true),
    };
    s.apply(vec![Write::UpdateExecution { arn: e.arn.clone(), patch }]).await.unwrap();
    let got = s.get_execution(&e.arn).await.unwrap().unwrap();
    assert_eq!((got.error, got.cause, got.stop_date, got.wake_at), (None, None, None, None));
    assert_eq!((got.redrive_count, got.redrive_date, got.output), (1, Some(160), Some(json!({"done": true}))));

    let err = s.apply(vec![Write::UpdateExecution { arn: "arn:nope".into(), patch: ExecutionPatch::default() }]).await.unwrap_err();
    assert_eq!(err.aws_code(), Some("ExecutionDoesNotExist"), "{err}");
}

async fn batch_is_atomic(s: Arc<dyn Store>) {
    let e = exec("a", M1, 1);
    insert(&s, &e).await;
    s.apply(vec![Write::AppendEvent(event(&e.arn, 1))]).await.unwrap();
    // Frame, a new event and an execution update, then an event id that is taken: nothing stays.
    let r = s
        .apply(vec![
            frame(&e.arn, "", json!({"at": "P"})),
            Write::AppendEvent(event(&e.arn, 2)),
            Write::UpdateExecution { arn: e.arn.clone(), patch: ExecutionPatch { runnable: Some(false), ..Default::default() } },
            Write::AppendEvent(event(&e.arn, 1)),
        ])
        .await;
    assert!(matches!(r, Err(StoreError::AlreadyExists { what: "history event", .. })), "{r:?}");
    assert!(s.frames(&e.arn).await.unwrap().is_empty());
    assert_eq!(s.history(&e.arn, false, 0, None).await.unwrap().items.len(), 1);
    assert!(s.get_execution(&e.arn).await.unwrap().unwrap().runnable);

    // A batch failing on a missing row rolls back too.
    let r = s.apply(vec![frame(&e.arn, "", json!(1)), Write::UpdateExecution { arn: "arn:missing".into(), patch: ExecutionPatch::default() }]).await;
    assert!(matches!(r, Err(StoreError::NotFound { .. })), "{r:?}");
    assert!(s.frames(&e.arn).await.unwrap().is_empty());
}

async fn groups_fail_alone(s: Arc<dyn Store>) {
    let e = exec("g", M1, 1);
    insert(&s, &e).await;
    let groups = vec![
        vec![frame(&e.arn, "a", json!(1)), Write::AppendEvent(event(&e.arn, 1))],
        vec![frame(&e.arn, "b", json!(2)), Write::CheckOwner { arn: e.arn.clone(), owner: "nobody".into() }],
        vec![frame(&e.arn, "c", json!(3)), Write::AppendEvent(event(&e.arn, 2))],
    ];
    let results = s.apply_groups(groups).await.unwrap();
    assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
    assert!(matches!(results[1], Err(StoreError::Conflict(_))), "{results:?}");
    let scopes: Vec<String> = s.frames(&e.arn).await.unwrap().into_iter().map(|f| f.0).collect();
    assert_eq!(scopes, ["a", "c"]);
    assert_eq!(s.history(&e.arn, false, 0, None).await.unwrap().items.len(), 2);
}

/// Within a batch and across the groups of one transaction, later writes win (a store may send
/// writes in bulk, but not reorder what depends on order).
async fn writes_keep_their_order(s: Arc<dyn Store>) {
    let e = exec("o", M1, 1);
    insert(&s, &e).await;
    let results = s
        .apply_groups(vec![
            vec![frame(&e.arn, "a", json!(1)), frame(&e.arn, "b", json!(1))],
            vec![frame(&e.arn, "a", json!(2)), Write::AppendEvent(event(&e.arn, 1))],
            vec![Write::DeleteFrames { execution_arn: e.arn.clone(), prefix: "b".into() }, frame(&e.arn, "b", json!(3))],
        ])
        .await
        .unwrap();
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(s.frames(&e.arn).await.unwrap(), vec![("a".into(), json!(2)), ("b".into(), json!(3))]);
    s.apply(vec![frame(&e.arn, "c", json!(1)), Write::DeleteFrames { execution_arn: e.arn.clone(), prefix: "".into() }]).await.unwrap();
    assert!(s.frames(&e.arn).await.unwrap().is_empty());
    let patch = |n: i64| Write::UpdateExecution { arn: e.arn.clone(), patch: ExecutionPatch { wake_at: Some(Some(n)), ..Default::default() } };
    s.apply_groups(vec![vec![patch(1)], vec![patch(2)]]).await.unwrap();
    assert_eq!(s.get_execution(&e.arn).await.unwrap().unwrap().wake_at, Some(2));
}

async fn list_executions_newest_first(s: Arc<dyn Store>) {
    let mut all = Vec::new();
    for (i, (m, start, status)) in [
        (M1, 10, ExecutionStatus::Running),
        (M2, 20, ExecutionStatus::Succeeded),
        (M1, 30, ExecutionStatus::Succeeded),
        (M1, 30, ExecutionStatus::Failed), // same start: arn decides
        (M2, 40, ExecutionStatus::Running),
        (M1, 50, ExecutionStatus::Succeeded),
        (M1, 60, ExecutionStatus::Running),
    ]
    .into_iter()
    .enumerate()
    {
        let mut e = exec(&format!("x{i}"), m, start);
        e.status = status;
        insert(&s, &e).await;
        all.push(e);
    }
    let newest_first = |mut v: Vec<Execution>| {
        v.sort_by(|a, b| (b.start_date, &b.arn).cmp(&(a.start_date, &a.arn)));
        v.into_iter().map(|e| e.arn).collect::<Vec<_>>()
    };
    let collect = |filter: ExecutionFilter, size: usize| {
        let s = s.clone();
        async move {
            let (mut out, mut token) = (Vec::new(), None);
            loop {
                let p = s.list_executions(filter.clone(), size, token).await.unwrap();
                assert!(p.items.len() <= size);
                out.extend(p.items.into_iter().map(|e| e.arn));
                match p.next_token {
                    Some(t) => token = Some(t),
                    None => return out,
                }
            }
        }
    };
    assert_eq!(collect(ExecutionFilter::default(), 2).await, newest_first(all.clone()));
    assert_eq!(collect(ExecutionFilter::default(), 100).await, newest_first(all.clone()));
    let m1 = ExecutionFilter { machine_arn: Some(M1.into()), status: None };
    assert_eq!(collect(m1, 3).await, newest_first(all.iter().filter(|e| e.machine_arn == M1).cloned().collect()));
    let m1_succeeded = ExecutionFilter { machine_arn: Some(M1.into()), status: Some(ExecutionStatus::Succeeded) };
    let want = newest_first(all.iter().filter(|e| e.machine_arn == M1 && e.status == ExecutionStatus::Succeeded).cloned().collect());
    assert_eq!(want.len(), 2);
    assert_eq!(collect(m1_succeeded, 1).await, want);
    let running = ExecutionFilter { machine_arn: None, status: Some(ExecutionStatus::Running) };
    assert_eq!(collect(running, 2).await.len(), 3);
    let bad = s.list_executions(ExecutionFilter::default(), 2, Some("h:3".into())).await;
    assert!(matches!(bad, Err(StoreError::InvalidArgument(_))), "{bad:?}");
}

async fn history_pages_both_ways(s: Arc<dyn Store>) {
    let (a, b) = (exec("h1", M1, 1), exec("h2", M1, 2));
    insert(&s, &a).await;
    insert(&s, &b).await;
    s.apply((1..=25).map(|i| Write::AppendEvent(event(&a.arn, i))).collect()).await.unwrap();
    s.apply((1..=3).map(|i| Write::AppendEvent(event(&b.arn, i))).collect()).await.unwrap();

    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let p = s.history(&a.arn, false, 10, token).await.unwrap();
        ids.extend(p.items.iter().map(|e| e.id));
        token = p.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(ids, (1..=25).collect::<Vec<_>>());

    let p = s.history(&a.arn, true, 10, None).await.unwrap();
    assert_eq!(p.items.iter().map(|e| e.id).collect::<Vec<_>>(), (16..=25).rev().collect::<Vec<_>>());
    let p = s.history(&a.arn, true, 10, p.next_token).await.unwrap();
    assert_eq!(p.items[0].id, 15);
    let p = s.history(&a.arn, true, 10, p.next_token).await.unwrap();
    assert_eq!(p.items.iter().map(|e| e.id).collect::<Vec<_>>(), (1..=5).rev().collect::<Vec<_>>());
    assert!(p.next_token.is_none());

    let all = s.history(&a.arn, false, 0, None).await.unwrap();
    assert_eq!(all.items.len(), 25);
    assert_eq!(all.items[4], event(&a.arn, 5));
    assert!(all.next_token.is_none());
    // A page of exactly what is left has no next token.
    assert!(s.history(&b.arn, false, 3, None).await.unwrap().next_token.is_none());
    assert!(matches!(s.history(&a.arn, false, 10, Some("bogus".into())).await, Err(StoreError::InvalidArgument(_))));
}

async fn frames_and_prefix_deletion(s: Arc<dyn Store>) {
    let (a, b) = (exec("f1", M1, 1), exec("f2", M1, 2));
    insert(&s, &a).await;
    insert(&s, &b).await;
    s.apply(vec![
        frame(&a.arn, "", json!({"root": 1})),
        frame(&a.arn, "p0/0", json!("branch 0")),
        frame(&a.arn, "p0/1", json!("branch 1")),
        frame(&a.arn, "p1", json!("other")),
        frame(&b.arn, "p0/0", json!("b's")),
    ])
    .await
    .unwrap();
    s.apply(vec![frame(&a.arn, "p0/1", json!("branch 1 again"))]).await.unwrap();
    let got = s.frames(&a.arn).await.unwrap();
    assert_eq!(got, vec![("".to_string(), json!({"root": 1})), ("p0/0".to_string(), json!("branch 0")), ("p0/1".to_string(), json!("branch 1 again")), ("p1".to_string(), json!("other")),]);
    s.apply(vec![Write::DeleteFrames { execution_arn: a.arn.clone(), prefix: "p0/".into() }]).await.unwrap();
    let scopes: Vec<String> = s.frames(&a.arn).await.unwrap().into_iter().map(|f| f.0).collect();
    assert_eq!(scopes, ["", "p1"]);
    assert_eq!(s.frames(&b.arn).await.unwrap().len(), 1);
    // A prefix with LIKE's wildcards in it is still a plain prefix.
    s.apply(vec![frame(&a.arn, "x_1", json!(1)), frame(&a.arn, "xa1", json!(2))]).await.unwrap();
    s.apply(vec![Write::DeleteFrames { execution_arn: a.arn.clone(), prefix: "x_".into() }]).await.unwrap();
    let scopes: Vec<String> = s.frames(&a.arn).await.unwrap().into_iter().map(|f| f.0).collect();
    assert_eq!(scopes, ["", "p1", "xa1"]);
    s.apply(vec![Write::DeleteFrames { execution_arn: a.arn.clone(), prefix: "".into() }]).await.unwrap();
    assert!(s.frames(&a.arn).await.unwrap().is_empty());
}

async fn claims_and_leases(s: Arc<dyn Store>) {
    let runnable = exec("runnable", M1, 1);
    let mut later = exec("later", M1, 2);
    later.runnable = false;
    later.wake_at = Some(5_000);
    let mut due = exec("due", M1, 3);
    due.runnable = false;
    due.wake_at = Some(900);
    let mut parked = exec("parked", M1, 4);
    parked.runnable = false;
    let mut done = exec("done", M1, 5);
    done.status = ExecutionStatus::Succeeded;
    for e in [&runnable, &later, &due, &parked, &done] {
        insert(&s, e).await;
    }
    let arns = |v: Vec<Execution>| v.into_iter().map(|e| e.arn).collect::<Vec<_>>();

    let got = s.claim("A", 1_000, 500, 10).await.unwrap();
    assert!(got.iter().all(|e| e.owner.as_deref() == Some("A") && e.lease_until == Some(1_500)));
    assert_eq!(arns(got), [runnable.arn.clone(), due.arn.clone()]);
    assert!(s.claim("B", 1_100, 500, 10).await.unwrap().is_empty(), "B took A's live leases");

    // A writes while it holds them; once B takes over after the lease ran out, A cannot.
    let check = |owner: &str| Write::CheckOwner { arn: runnable.arn.clone(), owner: owner.into() };
    s.apply(vec![check("A"), frame(&runnable.arn, "", json!("A"))]).await.unwrap();
    assert_eq!(s.renew("A", vec![runnable.arn.clone(), due.arn.clone(), later.arn.clone()], 1_200, 500).await.unwrap().len(), 2);
    assert!(s.claim("B", 1_600, 500, 10).await.unwrap().is_empty(), "renewed leases were taken");
    let taken = s.claim("B", 1_700, 500, 10).await.unwrap();
    assert_eq!(arns(taken), [runnable.arn.clone(), due.arn.clone()]);
    let err = s.apply(vec![check("A"), frame(&runnable.arn, "", json!("A late"))]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(!err.is_transient());
    assert_eq!(s.frames(&runnable.arn).await.unwrap()[0].1, json!("A"));
    assert!(s.renew("A", vec![runnable.arn.clone()], 1_800, 500).await.unwrap().is_empty());

    // Parking: release, and nothing to do means nobody claims it; a timer makes it claimable.
    s.apply(vec![
        check("B"),
        Write::UpdateExecution { arn: runnable.arn.clone(), patch: ExecutionPatch { runnable: Some(false), wake_at: Some(Some(3_000)), ..Default::default() } },
        Write::Release { arn: runnable.arn.clone(), owner: "B".into() },
    ])
    .await
    .unwrap();
    assert!(!s.release("A", &due.arn).await.unwrap());
    assert!(s.release("B", &due.arn).await.unwrap());
    let e = s.get_execution(&runnable.arn).await.unwrap().unwrap();
    assert_eq!((e.owner, e.lease_until), (None, None));
    // due is still due (wake_at 900) and unowned now; runnable sleeps until 3000.
    assert_eq!(arns(s.claim("C", 2_000, 500, 10).await.unwrap()), [due.arn.clone()]);
    // At 3000 runnable's timer is due and C's lease (until 2500) has run out.
    assert_eq!(arns(s.claim("D", 3_000, 500, 10).await.unwrap()), [runnable.arn.clone(), due.arn.clone()]);
    // At 5000 three are claimable (later's timer too); limit 1 takes the oldest.
    assert_eq!(arns(s.claim("E", 5_000, 500, 1).await.unwrap()), vec![runnable.arn.clone()]);
    // E's own live lease is not handed out again.
    assert_eq!(arns(s.claim("E", 5_000, 500, 5).await.unwrap()), [later.arn.clone(), due.arn.clone()]);
}

async fn acquire_takes_a_free_or_expired_lease(s: Arc<dyn Store>) {
    let mut e = exec("ended", M1, 1);
    e.status = ExecutionStatus::Failed;
    e.runnable = false;
    insert(&s, &e).await;
    let acquire = |owner: &str, now: Millis| Write::Acquire { arn: e.arn.clone(), owner: owner.into(), now, lease_until: now + 500 };
    // Nobody holds it: A takes it, with the lease.
    s.apply(vec![acquire("A", 1_000)]).await.unwrap();
    let got = s.get_execution(&e.arn).await.unwrap().unwrap();
    assert_eq!((got.owner.as_deref(), got.lease_until), (Some("A"), Some(1_500)));
    // B cannot while A's lease lasts, and the rest of B's batch is not written.
    let err = s.apply(vec![acquire("B", 1_200), frame(&e.arn, "", json!("B"))]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(s.frames(&e.arn).await.unwrap().is_empty());
    // A again is fine; after A's lease ran out B takes it.
    s.apply(vec![acquire("A", 1_300)]).await.unwrap();
    s.apply(vec![acquire("B", 1_900)]).await.unwrap();
    assert_eq!(s.get_execution(&e.arn).await.unwrap().unwrap().owner.as_deref(), Some("B"));
    // An unknown execution is a conflict too (nothing to take).
    let none = Write::Acquire { arn: "arn:nope".into(), owner: "A".into(), now: 0, lease_until: 1 };
    assert!(matches!(s.apply(vec![none]).await, Err(StoreError::Conflict(_))));
}

async fn concurrent_claims_never_overlap(s: Arc<dyn Store>) {
    let n = 60;
    s.apply((0..n).map(|i| Write::InsertExecution(exec(&format!("c{i:03}"), M1, i))).collect()).await.unwrap();
    let claimer = |owner: &'static str| {
        let s = s.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let got = s.claim(owner, 10, 60_000, 7).await.unwrap();
                if got.is_empty() {
                    return mine;
                }
                assert!(got.iter().all(|e| e.owner.as_deref() == Some(owner)));
                mine.extend(got.into_iter().map(|e| e.arn));
                tokio::task::yield_now().await;
            }
        })
    };
    let (a, b) = (claimer("A"), claimer("B"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    // Each claim takes only unowned rows, so a row claimed by A is never claimed again by B.
    let all: HashSet<_> = a.iter().chain(&b).collect();
    assert_eq!(all.len(), a.len() + b.len(), "an execution was claimed twice");
    assert_eq!(all.len(), n as usize);
}

fn activity_task(token: &str, activity: Option<&str>, created: Millis) -> Task {
    let e = exec("t", M1, 1);
    Task::new(token, &e.arn, &format!("scope-{token}"), activity, json!({"token": token}), created)
}

const ACT: &str = "arn:aws:states:us-east-1:123456789012:activity:approve";
const ACT2: &str = "arn:aws:states:us-east-1:123456789012:activity:other";

async fn activity_tasks_go_to_one_worker(s: Arc<dyn Store>) {
    let mut e = exec("t", M1, 1);
    e.runnable = false;
    insert(&s, &e).await;
    let n = 40;
    let mut writes: Vec<Write> = (0..n).map(|i| Write::InsertTask(activity_task(&format!("tok{i:03}"), Some(ACT), 100 + i))).collect();
    writes.push(Write::InsertTask(activity_task("elsewhere", Some(ACT2), 1)));
    writes.push(Write::InsertTask(activity_task("callback", None, 1)));
    s.apply(writes).await.unwrap();

    // Oldest first.
    let first = s.claim_activity_task(ACT, "w0", 500).await.unwrap().unwrap();
    assert_eq!((first.token.as_str(), first.status, first.worker.as_deref()), ("tok000", TaskStatus::Started, Some("w0")));
    assert_eq!(first.input, json!({"token": "tok000"}));
    // Stamped with the claim's time, and its execution runnable: its owner records the start.
    assert_eq!((first.started, first.started_event), (Some(500), None));
    assert!(s.get_execution(&e.arn).await.unwrap().unwrap().runnable);
    s.apply(vec![Write::TaskStartRecorded { token: first.token.clone(), event_id: 7 }]).await.unwrap();
    assert_eq!(s.get_task(&first.token).await.unwrap().unwrap().started_event, Some(7));

    let worker = |name: &'static str| {
        let s = s.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(t) = s.claim_activity_task(ACT, name, 500).await.unwrap() {
                assert_eq!(t.worker.as_deref(), Some(name));
                mine.push(t.token);
            }
            mine
        })
    };
    let (a, b) = (worker("w1"), worker("w2"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let all: HashSet<_> = a.iter().chain(&b).cloned().collect();
    assert_eq!(all.len(), a.len() + b.len(), "a task went to two workers");
    assert_eq!(all.len(), n as usize - 1);
    assert!(!all.contains("elsewhere") && !all.contains("callback"));
    assert_eq!(s.get_task("elsewhere").await.unwrap().unwrap().status, TaskStatus::Scheduled);
    assert_eq!(s.tasks(&first.execution_arn).await.unwrap().len(), n as usize + 2);
}

async fn token_answers_and_errors(s: Arc<dyn Store>) {
    let mut e = exec("t", M1, 1);
    e.runnable = false;
    insert(&s, &e).await;
    let cb = activity_task("cb", None, 1);
    let mut act = activity_task("act", Some(ACT), 2);
    act.heartbeat_ms = Some(100);
    act.timeout_deadline = Some(10_000);
    let mut late = activity_task("late", None, 3);
    late.timeout_deadline = Some(50);
    let doomed = activity_task("doomed", None, 4);
    s.apply([cb, act, late, doomed].into_iter().map(Write::InsertTask).collect()).await.unwrap();

    let unknown = s.answer_task("nope", TaskOutcome::Success(json!(1)), 10).await.unwrap_err();
    assert_eq!(unknown, StoreError::TaskDoesNotExist("nope".into()));
    assert_eq!(unknown.aws_code(), Some("TaskDoesNotExist"));

    let t = s.answer_task("cb", TaskOutcome::Success(json!({"ok": true})), 10).await.unwrap();
    assert_eq!((t.status, t.output), (TaskStatus::Succeeded, Some(json!({"ok": true}))));
    assert_eq!(s.get_task("cb").await.unwrap().unwrap().status, TaskStatus::Succeeded);
    assert!(s.get_execution(&e.arn).await.unwrap().unwrap().runnable, "an answer makes the execution runnable");
    let again = s.answer_task("cb", TaskOutcome::Success(json!(2)), 11).await.unwrap_err();
    assert_eq!(again, StoreError::TaskFinished { token: "cb".into(), status: TaskStatus::Succeeded });
    assert_eq!(again.aws_code(), Some("TaskDoesNotExist"));
    assert!(matches!(s.heartbeat("cb", 12).await, Err(StoreError::TaskFinished { .. })));

    let late_err = s.answer_task("late", TaskOutcome::Success(json!(1)), 50).await.unwrap_err();
    assert_eq!(late_err, StoreError::TaskTimedOut("late".into()));
    assert_eq!(late_err.aws_code(), Some("TaskTimedOut"));

    // Heartbeats keep an activity task alive; missing one times it out.
    let t = s.claim_activity_task(ACT, "w", 1_000).await.unwrap().unwrap();
    assert_eq!(t.heartbeat_deadline, Some(1_100));
    assert_eq!(s.heartbeat("act", 1_050).await.unwrap().heartbeat_deadline, Some(1_150));
    assert_eq!(s.get_task("act").await.unwrap().unwrap().heartbeat_deadline, Some(1_150));
    assert_eq!(s.heartbeat("act", 1_150).await.unwrap_err(), StoreError::TaskTimedOut("act".into()));
    assert_eq!(s.answer_task("act", TaskOutcome::Success(json!(1)), 1_200).await.unwrap_err(), StoreError::TaskTimedOut("act".into()));

    // A stopped execution cancels its tokens.
    s.apply(vec![Write::CancelTasks { execution_arn: e.arn.clone(), scope_prefix: "".into() }]).await.unwrap();
    let err = s.answer_task("doomed", TaskOutcome::Failure { error: Some("E".into()), cause: None }, 20).await.unwrap_err();
    assert_eq!(err, StoreError::TaskFinished { token: "doomed".into(), status: TaskStatus::Cancelled });
    // Only open tasks are cancelled.
    assert_eq!(s.get_task("cb").await.unwrap().unwrap().status, TaskStatus::Succeeded);

    let f = Task::new("fail", &e.arn, "s", None, json!(null), 9);
    s.apply(vec![Write::InsertTask(f)]).await.unwrap();
    let t = s.answer_task("fail", TaskOutcome::Failure { error: Some("Denied".into()), cause: Some("no".into()) }, 30).await.unwrap();
    assert_eq!((t.status, t.error.as_deref(), t.cause.as_deref()), (TaskStatus::Failed, Some("Denied"), Some("no")));
    let dup = s.apply(vec![Write::InsertTask(Task::new("fail", &e.arn, "s", None, json!(null), 9))]).await;
    assert!(matches!(dup, Err(StoreError::AlreadyExists { what: "task", .. })));
}

async fn expired_tasks(s: Arc<dyn Store>) {
    let mut e = exec("t", M1, 1);
    e.runnable = false;
    insert(&s, &e).await;
    let mut a = activity_task("timeout", Some(ACT), 1);
    a.timeout_deadline = Some(100);
    let mut b = activity_task("heartbeat", Some(ACT), 2);
    b.heartbeat_deadline = Some(90);
    b.timeout_deadline = Some(1_000);
    let mut c = activity_task("fine", None, 3);
    c.timeout_deadline = Some(1_000);
    let mut d = activity_task("answered", None, 0);
    d.timeout_deadline = Some(10);
    d.status = TaskStatus::Succeeded;
    s.apply([a, b, c, d].into_iter().map(Write::InsertTask).collect()).await.unwrap();

    assert!(s.expire_tasks(80, 10).await.unwrap().is_empty());
    let got = s.expire_tasks(100, 10).await.unwrap();
    let got: Vec<_> = got.iter().map(|t| (t.token.as_str(), t.status, t.error.as_deref())).collect();
    assert_eq!(got, [("timeout", TaskStatus::TimedOut, Some("States.Timeout")), ("heartbeat", TaskStatus::TimedOut, Some("States.HeartbeatTimeout"))]);
    assert!(s.get_execution(&e.arn).await.unwrap().unwrap().runnable);
    assert!(s.expire_tasks(100, 10).await.unwrap().is_empty(), "expired tasks are handed out once");
    assert_eq!(s.get_task("fine").await.unwrap().unwrap().status, TaskStatus::Scheduled);
    assert_eq!(s.answer_task("timeout", TaskOutcome::Success(json!(1)), 101).await.unwrap_err(), StoreError::TaskTimedOut("timeout".into()));
}

async fn retention(s: Arc<dyn Store>) {
    let day = 86_400_000;
    let mut old = exec("old", M1, 1);
    old.status = ExecutionStatus::Succeeded;
    old.stop_date = Some(10 * day);
    let mut old2 = exec("old2", M1, 2);
    old2.status = ExecutionStatus::Aborted;
    old2.stop_date = Some(11 * day);
    let mut recent = exec("recent", M1, 3);
    recent.status = ExecutionStatus::Failed;
    recent.stop_date = Some(100 * day);
    let running = exec("running", M1, 4);
    for e in [&old, &old2, &recent, &running] {
        insert(&s, e).await;
        s.apply(vec![
            Write::AppendEvent(event(&e.arn, 1)),
            Write::AppendEvent(event(&e.arn, 2)),
            frame(&e.arn, "", json!(1)),
            Write::InsertTask(Task::new(&format!("tok-{}", e.name), &e.arn, "", None, json!(null), 1)),
        ])
        .await
        .unwrap();
    }
    let cutoff = 50 * day;
    assert_eq!(s.purge(cutoff, 1).await.unwrap(), Purged { executions: 1, events: 2 });
    assert_eq!(s.purge(cutoff, 10).await.unwrap(), Purged { executions: 1, events: 2 });
    assert_eq!(s.purge(cutoff, 10).await.unwrap(), Purged::default());
    for gone in [&old, &old2] {
        assert!(s.get_execution(&gone.arn).await.unwrap().is_none());
        assert!(s.history(&gone.arn, false, 0, None).await.unwrap().items.is_empty());
        assert!(s.frames(&gone.arn).await.unwrap().is_empty());
        assert!(s.get_task(&format!("tok-{}", gone.name)).await.unwrap().is_none());
    }
    for kept in [&recent, &running] {
        assert!(s.get_execution(&kept.arn).await.unwrap().is_some());
        assert_eq!(s.history(&kept.arn, false, 0, None).await.unwrap().items.len(), 2);
    }
}

async fn committer_groups_callers(s: Arc<dyn Store>) {
    // The default shape, and small rounds with several commits in flight.
    committer_round(&s, Committer::new(s.clone()), "c1").await;
    committer_round(&s, Committer::with_options(s.clone(), 16, 3), "c2").await;
}

async fn committer_round(s: &Arc<dyn Store>, c: Committer, name: &str) {
    let e = exec(name, M1, 1);
    insert(s, &e).await;
    let mut handles = Vec::new();
    for i in 1..=200i64 {
        let (c, arn) = (c.clone(), e.arn.clone());
        handles.push(tokio::spawn(async move {
            // Caller 100 writes an event id another caller also writes: only its batch fails.
            let id = if i == 100 { 99 } else { i };
            c.commit(vec![frame(&arn, &format!("s{i:03}"), json!(i)), Write::AppendEvent(event(&arn, id))]).await
        }));
    }
    let mut failed = 0;
    for h in handles {
        if let Err(err) = h.await.unwrap() {
            assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err}");
            failed += 1;
        }
    }
    assert_eq!(failed, 1);
    assert_eq!(s.frames(&e.arn).await.unwrap().len(), 199);
    assert_eq!(s.history(&e.arn, false, 1000, None).await.unwrap().items.len(), 199);
}

/// The execution's owner writes batches that lock the execution (`CheckOwner`) and then touch
/// its tasks (`TaskStartRecorded`, `CancelTasks`), while SendTaskSuccess, GetActivityTask and
/// the expiry of deadlines touch the same tasks and executions from other connections. On
/// PostgreSQL every path locks an execution before its tasks, so none deadlocks: a deadlock
/// (40P01) would surface here as `StoreError::Busy` from one side.
async fn owner_batches_and_answers_never_deadlock(s: Arc<dyn Store>) {
    const ROUNDS: usize = 25;
    const K: usize = 8;
    let act = |i: usize| format!("arn:aws:states:us-east-1:123456789012:activity:hammer{i}");
    for round in 0..ROUNDS {
        let mut setup = Vec::new();
        let mut arns = Vec::new();
        for i in 0..K {
            let mut e = exec(&format!("h{round}-{i}"), M1, 1);
            e.runnable = false;
            e.owner = Some("o".into());
            e.lease_until = Some(i64::MAX / 2);
            setup.push(Write::InsertExecution(e.clone()));
            let task = |kind: &str, activity: Option<&str>| Task::new(&format!("{kind}-{round}-{i}"), &e.arn, "", activity, json!({}), 1);
            setup.push(Write::InsertTask(task("cb", None)));
            setup.push(Write::InsertTask(task("act", Some(&act(i)))));
            let mut due = task("due", None);
            due.timeout_deadline = Some(10);
            setup.push(Write::InsertTask(due));
            arns.push(e.arn);
        }
        s.apply(setup).await.unwrap();
        let go = Arc::new(tokio::sync::Barrier::new(3 * K + 1));
        let mut calls = Vec::new();
        for (i, arn) in arns.iter().enumerate() {
            let (s1, s2, s3, go1, go2, go3, arn) = (s.clone(), s.clone(), s.clone(), go.clone(), go.clone(), go.clone(), arn.clone());
            let owner = tokio::spawn(async move {
                go1.wait().await;
                for id in 1..=3 {
                    let mut w = vec![Write::CheckOwner { arn: arn.clone(), owner: "o".into() }, Write::AppendEvent(event(&arn, id))];
                    for kind in ["cb", "act", "due"] {
                        w.push(Write::TaskStartRecorded { token: format!("{kind}-{round}-{i}"), event_id: id });
                    }
                    if id == 3 {
                        w.push(Write::CancelTasks { execution_arn: arn.clone(), scope_prefix: String::new() });
                    }
                    s1.apply(w).await.map_err(|e| format!("owner's batch: {e}"))?;
                }
                Ok::<(), String>(())
            });
            let answer = tokio::spawn(async move {
                go2.wait().await;
                match s2.answer_task(&format!("cb-{round}-{i}"), TaskOutcome::Success(json!(i)), 5).await {
                    Ok(_) | Err(StoreError::TaskFinished { .. }) => Ok(()),
                    Err(e) => Err(format!("answer: {e}")),
                }
            });
            let worker = tokio::spawn(async move {
                go3.wait().await;
                s3.claim_activity_task(&act(i), "w", 5).await.map(drop).map_err(|e| format!("GetActivityTask: {e}"))
            });
            calls.extend([owner, answer, worker]);
        }
        let expiry = {
            let s = s.clone();
            tokio::spawn(async move {
                go.wait().await;
                s.expire_tasks(20, 1000).await.map(drop).map_err(|e| format!("expiry: {e}"))
            })
        };
        calls.push(expiry);
        for c in calls {
            c.await.unwrap().unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
        // Each answer and expiry left its execution runnable, and every task ended.
        for arn in &arns {
            assert!(s.tasks(arn).await.unwrap().iter().all(|t| !t.status.is_open()), "round {round}: {arn}");
        }
    }
}

/// A claimer's own lapsed leases (it runs those executions; its renewal is late under load) do
/// not crowd out a dead owner's: left out for a lease, then taken after every other owner's.
async fn own_lapsed_leases_come_last(s: Arc<dyn Store>) {
    let held = |name: &str, start: Millis, owner: &str| {
        let mut e = exec(name, M1, start);
        e.runnable = false;
        e.owner = Some(owner.into());
        e.lease_until = Some(1_500);
        e
    };
    let (x1, x2) = (held("x1", 1, "A"), held("x2", 2, "A"));
    let (y1, y2, y3) = (held("y1", 3, "Z"), held("y2", 4, "Z"), held("y3", 5, "Z"));
    for e in [&x1, &x2, &y1, &y2, &y3] {
        insert(&s, e).await;
    }
    let arns = |v: Vec<Execution>| v.into_iter().map(|e| e.arn).collect::<Vec<_>>();
    // 100 ms after the leases ran out: A's own are left out, though older.
    assert_eq!(arns(s.claim("A", 1_600, 500, 1).await.unwrap()), std::slice::from_ref(&y1.arn));
    // A whole lease later A's own are claimable again, but after the dead owner's.
    assert_eq!(arns(s.claim("A", 2_100, 500, 1).await.unwrap()), std::slice::from_ref(&y2.arn));
    // Another claimer takes every lapsed lease, A's included, oldest first.
    assert_eq!(arns(s.claim("B", 2_100, 500, 10).await.unwrap()), [x1.arn.clone(), x2.arn.clone(), y1.arn.clone(), y3.arn.clone()]);
}
