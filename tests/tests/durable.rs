//! Durable executions, seen from the runtime: a journal records every scope's position, and an
//! execution dropped mid-way (a crash) and resumed from what was recorded ends as an
//! uninterrupted one would, without running again the work it had finished.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::durable::{Ended, Journal, Position, Resume, ScopeKey, Waiting};
use asl_runtime::{BoxFuture, Event, ExecutionOptions, Failure, Handlers, Observer, TaskContext, Value, Workflow, json};

/// A journal in memory, with the last event id seen.
#[derive(Default)]
struct Memory {
    positions: Mutex<HashMap<String, Position>>,
    ended: Mutex<HashMap<String, Ended>>,
    last_event: AtomicUsize,
    answers: Mutex<HashMap<String, tokio::sync::oneshot::Sender<Result<Value, Failure>>>>,
    tokens: Mutex<Vec<String>>,
}

impl Memory {
    fn resume(&self, execution_input: Value) -> Resume {
        Resume {
            positions: self.positions.lock().unwrap().clone(),
            ended: self.ended.lock().unwrap().clone(),
            last_event: self.last_event.load(Ordering::SeqCst) as u64,
            execution_input,
            start_time: None,
            ..Default::default()
        }
    }
}

impl Journal for Memory {
    fn entered(&self, scope: &ScopeKey, position: &Position) {
        self.positions.lock().unwrap().insert(scope.to_string(), position.clone());
    }
    fn waiting(&self, scope: &ScopeKey, waiting: &Waiting) {
        if let Some(p) = self.positions.lock().unwrap().get_mut(&**scope) {
            p.wait = waiting.clone();
        }
        // A retry: the branches' and iterations' records so far are obsolete.
        if !waiting.attempts.is_empty() {
            let prefix = format!("{scope}/");
            self.positions.lock().unwrap().retain(|k, _| !k.starts_with(&prefix));
            self.ended.lock().unwrap().retain(|k, _| !k.starts_with(&prefix));
        }
    }
    fn ended(&self, scope: &ScopeKey, ended: &Ended) {
        self.positions.lock().unwrap().remove(&**scope);
        self.ended.lock().unwrap().insert(scope.to_string(), ended.clone());
    }
    fn children_done(&self, scope: &ScopeKey, state: &str) {
        let prefix = format!("{scope}/{state}#");
        self.positions.lock().unwrap().retain(|k, _| !k.starts_with(&prefix));
        self.ended.lock().unwrap().retain(|k, _| !k.starts_with(&prefix));
    }
    fn sync(&self) -> BoxFuture<'static, Result<(), Failure>> {
        Box::pin(async { Ok(()) })
    }
    fn answer(&self, token: &str, _: &TaskContext) -> Option<BoxFuture<'static, Result<Value, Failure>>> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.answers.lock().unwrap().insert(token.to_owned(), tx);
        self.tokens.lock().unwrap().push(token.to_owned());
        Some(Box::pin(async move { rx.await.unwrap_or_else(|_| Err(Failure::new("Test.Dropped", "no answer"))) }))
    }
}

impl Observer for Memory {
    fn event(&self, e: &Event) {
        self.last_event.fetch_max(e.id as usize, Ordering::SeqCst);
    }
}

const FLOW: &str = r#"{"StartAt":"Fan","States":{
  "Fan":{"Type":"Parallel","Branches":[
     {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:A","Next":"Nap"},
                              "Nap":{"Type":"Wait","Seconds":10,"Next":"A2"},
                              "A2":{"Type":"Pass","Parameters":{"a.$":"$"},"End":true}}},
     {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:B","End":true}}}],
   "Next":"Each"},
  "Each":{"Type":"Map","ItemsPath":"$[1].items","ItemProcessor":{"StartAt":"M","States":{
     "M":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:M","End":true}}},"Next":"C"},
  "C":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:C","End":true}}}"#;

/// Handlers that count their calls; `M` sleeps `n` seconds on item `n`.
fn handlers(calls: &Arc<Mutex<Vec<String>>>) -> Handlers {
    let c = calls.clone();
    Handlers::new().fallback(move |input: Value, ctx: TaskContext| {
        let c = c.clone();
        async move {
            let name = ctx.resource.rsplit(':').next().unwrap().to_owned();
            c.lock().unwrap().push(format!("{name}{}", if name == "M" { input.to_string() } else { String::new() }));
            match name.as_str() {
                "B" => Ok(json!({"items": [3, 1, 2]})),
                "M" => {
                    tokio::time::sleep(Duration::from_secs(input.as_u64().unwrap())).await;
                    Ok(json!(input.as_u64().unwrap() * 10))
                }
                _ => Ok(json!(name)),
            }
        }
    })
}

/// One wall clock for the first run and the restart (under tokio's paused time a clock made
/// later would start its wall time from the real now).
fn clock() -> asl_runtime::clock::Clock {
    thread_local!(static CLOCK: asl_runtime::clock::Clock = asl_runtime::clock::Clock::new());
    CLOCK.with(Clone::clone)
}

async fn run(journal: Option<Arc<Memory>>, resume: Option<Resume>, calls: &Arc<Mutex<Vec<String>>>) -> Result<Value, Failure> {
    let wf = Workflow::from_json(FLOW).unwrap();
    let options = ExecutionOptions {
        clock: Some(clock()),
        observer: journal.clone().map(|j| j as Arc<dyn Observer>),
        journal: journal.map(|j| j as Arc<dyn Journal>),
        resume: resume.map(Arc::new),
        ..Default::default()
    };
    let m = wf.machine(&handlers(calls), options).unwrap();
    m.start(json!({"order": 7})).await
}

#[tokio::test(start_paused = true)]
async fn an_execution_dropped_mid_way_resumes_where_it_was() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let expected = run(None, None, &calls).await.unwrap();
    assert_eq!(expected, json!("C"));
    calls.lock().unwrap().clear();

    // Crash points: inside the Parallel (branch A waiting, B done), and inside the Map (item 1
    // done, items 2 and 3 running).
    for crash_after in [Duration::from_secs(4), Duration::from_secs(11) + Duration::from_millis(1500)] {
        calls.lock().unwrap().clear();
        let journal = Arc::new(Memory::default());
        let started = tokio::time::Instant::now();
        let first = {
            let (j, c) = (journal.clone(), calls.clone());
            tokio::spawn(async move { run(Some(j), None, &c).await })
        };
        tokio::time::sleep(crash_after).await;
        first.abort();
        let _ = first.await;
        let before: Vec<String> = calls.lock().unwrap().clone();
        let resume = journal.resume(json!({"order": 7}));
        let out = run(Some(journal.clone()), Some(resume), &calls).await.unwrap();
        assert_eq!(out, expected, "crash after {crash_after:?}");
        let all = calls.lock().unwrap().clone();
        // What had finished before the crash ran once; the Wait kept its due time.
        for done in ["A", "B"] {
            assert_eq!(all.iter().filter(|c| *c == done).count(), 1, "{done} ran again after a crash at {crash_after:?}: {all:?} (before: {before:?})");
        }
        assert_eq!(all.iter().filter(|c| *c == "C").count(), 1);
        if crash_after > Duration::from_secs(11) {
            // Item 1 (1 s) had ended: it does not run again; 2 and 3 were in flight: they do.
            assert_eq!(all.iter().filter(|c| *c == "M1").count(), 1, "{all:?}");
        }
        // A crash during the Wait loses no time: it still ends 10 s after it began, then the
        // Map takes 3 s. A crash during the Map runs the items in flight again (at least once).
        let total = if crash_after < Duration::from_secs(10) { 13 } else { (crash_after + Duration::from_secs(3)).as_secs() };
        assert_eq!(started.elapsed().as_secs(), total, "crash after {crash_after:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_task_token_handed_out_before_a_crash_is_waited_for_after_it() {
    const TOKEN_FLOW: &str = r#"{"StartAt":"Ask","States":{"Ask":{"Type":"Task",
        "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters":{"token.$":"$$.Task.Token"},"End":true}}}"#;
    let sent = Arc::new(Mutex::new(Vec::new()));
    let handlers = {
        let sent = sent.clone();
        Handlers::new().fallback(move |input: Value, _| {
            let sent = sent.clone();
            async move {
                sent.lock().unwrap().push(input["token"].as_str().unwrap().to_owned());
                Ok(json!({"MessageId": "m-1"}))
            }
        })
    };
    let wf = Workflow::from_json(TOKEN_FLOW).unwrap();
    let journal = Arc::new(Memory::default());
    let options = |resume: Option<Resume>| ExecutionOptions { journal: Some(journal.clone() as Arc<dyn Journal>), resume: resume.map(Arc::new), ..Default::default() };
    let m = wf.machine(&handlers, options(None)).unwrap();
    let first = m.start(json!({}));
    // The execution hands the token out, then waits; it is dropped there.
    assert!(tokio::time::timeout(Duration::from_secs(60), first).await.is_err());
    assert_eq!(sent.lock().unwrap().len(), 1);
    let token = sent.lock().unwrap()[0].clone();
    assert_eq!(journal.positions.lock().unwrap()[""].wait.token.as_deref(), Some(token.as_str()));
    // Restarted: it waits for the same token (the message is not sent again) and ends with the answer.
    let m = wf.machine(&handlers, options(Some(journal.resume(json!({}))))).unwrap();
    let second = tokio::spawn(async move { m.start(json!({})).await });
    tokio::time::sleep(Duration::from_millis(10)).await;
    let tx = journal.answers.lock().unwrap().remove(&token).expect("waiting for the same token");
    tx.send(Ok(json!({"approved": true}))).unwrap();
    assert_eq!(second.await.unwrap().unwrap(), json!({"approved": true}));
    assert_eq!(sent.lock().unwrap().len(), 1);
}

/// A Parallel retried once: its branch's first call fails at once, later ones after 10 s.
const RETRIED: &str = r#"{"StartAt":"Fan","States":{"Fan":{"Type":"Parallel",
  "Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":5,"MaxAttempts":1}],"End":true,
  "Branches":[{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:F","End":true}}}]}}}"#;

/// The same retry on a Map of one item.
const RETRIED_MAP: &str = r#"{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items",
  "Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":5,"MaxAttempts":1}],"End":true,
  "ItemProcessor":{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:F","End":true}}}}}}"#;

async fn run_retried(def: &str, journal: &Arc<Memory>, resume: Option<Resume>, calls: &Arc<AtomicUsize>) -> Result<Value, Failure> {
    let c = calls.clone();
    let handlers = Handlers::new().fallback(move |_: Value, _: TaskContext| {
        let c = c.clone();
        async move {
            if c.fetch_add(1, Ordering::SeqCst) > 0 {
                tokio::time::sleep(Duration::from_secs(10)).await;
            }
            Err::<Value, _>(Failure::new("Flaky", "again"))
        }
    });
    let options = ExecutionOptions {
        clock: Some(clock()),
        observer: Some(journal.clone() as Arc<dyn Observer>),
        journal: Some(journal.clone() as Arc<dyn Journal>),
        resume: resume.map(Arc::new),
        ..Default::default()
    };
    Workflow::from_json(def).unwrap().machine(&handlers, options).unwrap().start(json!({"items": [1]})).await
}

/// Dropped in a Parallel's or Map's retry backoff, it waits out the rest of it; dropped in the
/// attempt after it, it goes on with the attempts counted: `MaxAttempts` 1 is one retry, not
/// one more after each restart.
#[tokio::test(start_paused = true)]
async fn a_parallel_resumes_its_retries() {
    resumes_its_retries(RETRIED).await
}

#[tokio::test(start_paused = true)]
async fn a_map_resumes_its_retries() {
    resumes_its_retries(RETRIED_MAP).await
}

async fn resumes_its_retries(def: &'static str) {
    // Uninterrupted: fails at once, retried at 5 s, fails again at 15 s: two calls.
    // Dropped at 2 s (in the backoff): the retry still starts at 5 s. Dropped at 8 s (in the
    // retry): the call in flight runs again (at least once) and its failure is the last.
    for (crash_after, calls_expected, ends_at) in [(2, 2, 15), (8, 3, 18)] {
        let journal = Arc::new(Memory::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let started = tokio::time::Instant::now();
        let first = {
            let (j, c) = (journal.clone(), calls.clone());
            tokio::spawn(async move { run_retried(def, &j, None, &c).await })
        };
        tokio::time::sleep(Duration::from_secs(crash_after)).await;
        first.abort();
        let _ = first.await;
        let resume = journal.resume(json!({"items": [1]}));
        let err = run_retried(def, &journal, Some(resume), &calls).await.unwrap_err();
        assert_eq!(err.error, "Flaky");
        assert_eq!(calls.load(Ordering::SeqCst), calls_expected, "dropped at {crash_after} s");
        assert_eq!(started.elapsed().as_secs(), ends_at, "dropped at {crash_after} s");
    }
}
