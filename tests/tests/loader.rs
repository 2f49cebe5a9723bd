//! Workflows loaded at run time (`Workflow`): the build's checks and messages, handlers by
//! resource, and the same behaviour as compiled machines (retries on virtual time, history).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::{ExecutionOptions, Failure, Handlers, History, LoadError, LoadOptions, Observer, TaskContext, Value, Workflow, json};
use tokio::time::Instant;

asl_runtime::asl!("flows/task.json");

fn flow(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("flows").join(name)).unwrap()
}

/// The Flaky handler of `flows/task.json`: fails `attemptsToFail` times, recording when.
#[derive(Clone, Default)]
struct Flaky {
    calls: Arc<Mutex<Vec<Instant>>>,
}

impl Flaky {
    async fn call(&self, input: Value, ctx: TaskContext) -> Result<Value, Failure> {
        self.calls.lock().unwrap().push(Instant::now());
        let fail = input["attemptsToFail"].as_u64().unwrap_or(0);
        if u64::from(ctx.retry_count) < fail { Err(Failure::new("Flaky.Error", "not yet")) } else { Ok(json!({"value": ctx.retry_count, "extra": 1})) }
    }

    fn gaps(&self) -> Vec<u64> {
        self.calls.lock().unwrap().windows(2).map(|w| (w[1] - w[0]).as_secs()).collect()
    }
}

impl task::Tasks for Flaky {
    async fn flaky(&self, input: Value, ctx: TaskContext) -> Result<Value, Failure> {
        self.call(input, ctx).await
    }
}

fn handlers(f: &Flaky) -> Handlers {
    let f = f.clone();
    Handlers::new().on("arn:aws:lambda:us-east-1:111111111111:function:Flaky", move |input, ctx| {
        let f = f.clone();
        async move { f.call(input, ctx).await }
    })
}

#[tokio::test(start_paused = true)]
async fn a_loaded_workflow_retries_on_virtual_time_and_records_the_compiled_history() {
    let text = flow("task.json");
    let wf = Workflow::load(&text, &LoadOptions { name: "task".into(), ..Default::default() }).unwrap();
    for fail in [2, 9] {
        let input = json!({"fail": fail});
        let (loaded, compiled) = (Flaky::default(), Flaky::default());
        let (lh, ch) = (Arc::new(History::new()), Arc::new(History::new()));
        let opts = |h: &Arc<History>| ExecutionOptions { observer: Some(h.clone() as Arc<dyn Observer>), ..Default::default() };
        let out = wf.machine(&handlers(&loaded), opts(&lh)).unwrap().start(input.clone()).await;
        let expected = task::Task::with_options(compiled.clone(), opts(&ch)).start(input).await;
        assert_eq!(out, expected);
        assert_eq!(loaded.gaps(), compiled.gaps());
        assert_eq!(lh.kinds(), ch.kinds());
    }
    // The retry schedule itself: 3 s, then 6 s (BackoffRate 2).
    let f = Flaky::default();
    let out = wf.machine(&handlers(&f), ExecutionOptions::default()).unwrap().start(json!({"fail": 2})).await.unwrap();
    assert_eq!(out["result"], json!({"value": 2}));
    assert_eq!(f.gaps(), [3, 6]);
}

#[test]
fn a_task_without_a_handler_is_refused_when_the_machine_is_made_unless_a_catch_all_is_set() {
    let text = r#"{"StartAt":"A","States":{
        "A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:One","Next":"B"},
        "B":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","End":true}}}"#;
    let wf = Workflow::from_json(text).unwrap();
    let err = wf.machine(&Handlers::new(), ExecutionOptions::default()).err().expect("refused");
    assert!(matches!(&err, LoadError::MissingHandlers(r) if r.len() == 2));
    assert_eq!(err.to_string(), "no handler for the Task resources `arn:aws:lambda:us-east-1:1:function:One`, `arn:aws:states:::sqs:sendMessage`");
    let one = Handlers::new().on("arn:aws:lambda:*:function:One", |v: Value, _| async move { Ok(v) });
    let err = wf.machine(&one, ExecutionOptions::default()).err().expect("still refused");
    assert_eq!(err.to_string(), "no handler for the Task resource `arn:aws:states:::sqs:sendMessage`");
    assert!(wf.machine(&one.fallback(|v: Value, _| async move { Ok(v) }), ExecutionOptions::default()).is_ok());
}

#[tokio::test]
async fn handlers_see_the_resource_and_the_exact_one_wins_over_a_pattern() {
    let text = r#"{"StartAt":"A","States":{
        "A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:One","ResultPath":"$.a","Next":"B"},
        "B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:Two","ResultPath":"$.b","End":true}}}"#;
    let handlers = Handlers::new()
        .on("arn:aws:lambda:us-east-1:1:function:One", |_: Value, _| async move { Ok(json!("exact")) })
        .on("arn:aws:lambda:*", |_: Value, ctx: TaskContext| async move { Ok(json!(format!("pattern {}", ctx.resource))) });
    let out = Workflow::from_json(text).unwrap().run(json!({}), &handlers).await.unwrap();
    assert_eq!(out, json!({"a": "exact", "b": "pattern arn:aws:lambda:us-east-1:1:function:Two"}));
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "stderr") {
            out.push(p);
        }
    }
}

/// Every workflow the build refuses in the compile-fail suite, the loader refuses with the same
/// diagnostics.
#[test]
fn the_loader_refuses_every_compile_fail_workflow_with_the_build_s_message() {
    let mut cases = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/fail"), &mut cases);
    let mut compared = 0;
    for stderr_file in cases {
        let recorded = std::fs::read_to_string(&stderr_file).unwrap();
        let json = stderr_file.with_extension("json");
        let Some(first) = recorded.lines().next() else { continue };
        if !first.starts_with("error: invalid workflow `") || !json.exists() {
            continue;
        }
        // rustc indents the continuation lines of a compile error's message by 7 spaces.
        let body: String = recorded.lines().skip(1).take_while(|l| !l.starts_with(" --> tests/")).map(|l| format!("{}\n", l.strip_prefix("       ").unwrap_or(l))).collect();
        let label = json.file_name().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&json).unwrap();
        let err = match Workflow::load(&text, &LoadOptions { label, ..Default::default() }) {
            Ok(_) => panic!("{} loaded", json.display()),
            Err(e) => e.to_string(),
        };
        assert_eq!(err.trim_end(), body.trim_end(), "{}", stderr_file.display());
        compared += 1;
    }
    assert!(compared >= 80, "only {compared} cases compared");
}

#[tokio::test(start_paused = true)]
async fn a_loaded_wait_runs_on_virtual_time() {
    let text = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":2592000,"End":true}}}"#;
    let started = Instant::now();
    let out = Workflow::from_json(text).unwrap().run(json!({"x": 1}), &Handlers::new()).await.unwrap();
    assert_eq!(out, json!({"x": 1}));
    assert_eq!(started.elapsed(), Duration::from_secs(2_592_000));
}

/// A state's `Assign` is not visible to its own OutputPath (AWS's recording: `"OutputPath":
/// "$answer"` in a state assigning `answer` gives the value from before the state), nor to its
/// own Output in JSONata; the next state sees the new value.
#[tokio::test]
async fn a_state_s_own_assign_is_seen_only_after_it() {
    let text = r#"{"StartAt":"First","States":{
        "First":{"Type":"Pass","Assign":{"answer":"old"},"Next":"Second"},
        "Second":{"Type":"Pass","Result":{"x":1},"Assign":{"answer":"new"},"OutputPath":"$answer","Next":"Third"},
        "Third":{"Type":"Pass","Parameters":{"before.$":"$","now.$":"$answer"},"End":true}}}"#;
    let out = Workflow::from_json(text).unwrap().run(json!({}), &Handlers::new()).await.unwrap();
    assert_eq!(out, json!({"before": "old", "now": "new"}));
    let jsonata = r#"{"QueryLanguage":"JSONata","StartAt":"First","States":{
        "First":{"Type":"Pass","Assign":{"answer":"old"},"Next":"Second"},
        "Second":{"Type":"Pass","Assign":{"answer":"new"},"Output":"{% $answer %}","Next":"Third"},
        "Third":{"Type":"Pass","Output":{"before":"{% $states.input %}","now":"{% $answer %}"},"End":true}}}"#;
    let out = Workflow::from_json(jsonata).unwrap().run(json!({}), &Handlers::new()).await.unwrap();
    assert_eq!(out, json!({"before": "old", "now": "new"}));
}
