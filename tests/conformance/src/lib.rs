//! The conformance runner: every case of the AWS-recorded corpus, compiled by `build.rs` into
//! this crate, run on virtual time against Lambda stubs and compared with what AWS produced.
//!
//! `cargo run --release -p asl-conformance` (see `main.rs`) and the ratchet test
//! (`tests/ratchet.rs`) both use [`run_all`].

pub mod compare;
pub mod stubs;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, mpsc};
use std::time::{Duration, SystemTime};

use asl_runtime::clock::Clock;
use asl_runtime::{ExecutionOptions, Failure, Handlers, History, LoadOptions, Observer, TaskContext, Value, Workflow};
use serde_json::json;

use compare::Matcher;
pub use stubs::Stubs;

/// What a case's run gives: the execution's outcome and the calls the stubs could not serve.
pub type CaseFuture = Pin<Box<dyn Future<Output = (Result<Value, Failure>, Vec<String>)>>>;
/// Starts a compiled case's execution with its stubs and input.
pub type RunFn = fn(Stubs, Value, ExecutionOptions) -> CaseFuture;

/// A case of the corpus.
pub struct Case {
    /// The case directory's name.
    pub name: &'static str,
    /// Where its `definition.json`, `input.json`, `expected.json` and `meta.json` are.
    pub dir: &'static str,
    /// The state machine's name (the compiled module's), which the loaded workflow takes too.
    pub machine: &'static str,
    /// The compiled workflow, or why it is not: `compile error:` + the compiler's rendered
    /// diagnostics, or `not compiled:` + the runtime functions it would need.
    pub compiled: Result<RunFn, &'static str>,
}

mod registry {
    use super::*;
    include!(concat!(env!("OUT_DIR"), "/registry.rs"));
}

pub use registry::CASES;

/// The cases directory `build.rs` compiled `CASES` from (`ASL_CONFORMANCE_DIR`, else the
/// in-repository corpus).
pub const CASES_DIR: &str = env!("ASL_CONFORMANCE_CASES");

/// Why a run over `cases` cases found in `dir` would be meaningless: no cases at all, said with
/// the directory named (rather than every listed case "no longer passing").
pub fn check_corpus(dir: &Path, cases: usize) -> Result<(), String> {
    if cases > 0 {
        return Ok(());
    }
    let why = if dir.is_dir() { "holds no case directory with a definition.json" } else { "does not exist" };
    Err(format!(
        "no conformance cases: {} {why}. The corpus is kept in the repository at tests/conformance/corpus/cases \
         (refresh it with scripts/update-conformance.sh); ASL_CONFORMANCE_DIR points the runner at another one",
        dir.display()
    ))
}

/// Real time a case may take before it is reported as hung.
pub const WALL_CLOCK_LIMIT: Duration = Duration::from_secs(10);

/// How an execution ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Actual {
    Succeeded(Value),
    Failed(Failure),
}

impl Actual {
    pub fn to_json(&self) -> Value {
        match self {
            Actual::Succeeded(output) => json!({"status": "SUCCEEDED", "output": output}),
            Actual::Failed(f) => {
                let mut v = json!({"status": "FAILED"});
                if !f.error.is_empty() {
                    v["error"] = f.error.clone().into();
                }
                if let Some(c) = &f.cause {
                    v["cause"] = c.clone().into();
                }
                v
            }
        }
    }
}

/// The result of one case.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub case: &'static str,
    pub pass: bool,
    /// Why it failed, or a note on how it passed; empty for a plain pass.
    pub detail: String,
    /// `None` when the case did not run to an end (compile error, hang, panic).
    pub actual: Option<Actual>,
    /// The run's event types, in order.
    pub events: Vec<&'static str>,
    /// Whether the execution's history event types equal the recorded ones (`None` when
    /// `expected.json` has no history or the case did not run). Informational: not part of the
    /// verdict yet (Parallel branches interleave differently; aborted siblings are not recorded).
    pub history: Option<Result<(), String>>,
}

impl Outcome {
    /// The JSON line the CLI prints.
    pub fn to_json(&self) -> Value {
        let mut v = json!({"case": self.case, "result": if self.pass { "pass" } else { "fail" }, "detail": self.detail});
        if let Some(a) = &self.actual {
            v["actual"] = a.to_json();
        }
        if let Some(h) = &self.history {
            v["history"] = match h {
                Ok(()) => json!("match"),
                Err(d) => json!(d),
            };
        }
        v
    }
}

/// Which way a case's workflow runs: compiled into this crate by `build.rs`, loaded at run time
/// from its definition, or both (the two outcomes must then agree).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Compiled,
    Loaded,
    Both,
}

impl std::str::FromStr for Engine {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "compiled" => Ok(Engine::Compiled),
            "loaded" => Ok(Engine::Loaded),
            "both" => Ok(Engine::Both),
            other => Err(format!("unknown engine {other:?}: use compiled, loaded or both")),
        }
    }
}

/// Runs every case whose name contains `filter` (all when `None`), in name order.
pub fn run_all(filter: Option<&str>, engine: Engine) -> Vec<Outcome> {
    CASES.iter().filter(|c| filter.is_none_or(|f| c.name.contains(f))).map(|c| run_case(c, engine)).collect()
}

/// Runs one case with `engine`; with both, the outcomes (and event sequences) of the compiled
/// and the loaded workflow must agree, or the case fails naming the first difference.
pub fn run_case(case: &Case, engine: Engine) -> Outcome {
    match engine {
        Engine::Compiled => run_with(case, Engine::Compiled),
        Engine::Loaded => run_with(case, Engine::Loaded),
        Engine::Both => {
            let compiled = run_with(case, Engine::Compiled);
            let loaded = run_with(case, Engine::Loaded);
            match disagreement(case, &compiled, &loaded) {
                None => compiled,
                Some(detail) => Outcome { pass: false, detail, ..compiled },
            }
        }
    }
}

/// How the compiled and the loaded runs of a case differ, if they do. Outcomes of cases with
/// random values or clocks are compared by status, error and verdict only.
fn disagreement(case: &Case, compiled: &Outcome, loaded: &Outcome) -> Option<String> {
    let nondeterministic = read_json(case.dir, "meta.json").ok().and_then(|m| m["nondeterministic"].as_bool()).unwrap_or(false);
    let brief = |a: &Option<Actual>| match a {
        Some(Actual::Failed(f)) => format!("FAILED {}", f.error),
        Some(Actual::Succeeded(_)) => "SUCCEEDED".to_owned(),
        None => "no outcome".to_owned(),
    };
    if compiled.pass != loaded.pass {
        return Some(format!(
            "engines disagree: compiled {} ({}), loaded {} ({})",
            if compiled.pass { "passes" } else { "fails" },
            compiled.detail,
            if loaded.pass { "passes" } else { "fails" },
            loaded.detail
        ));
    }
    if nondeterministic {
        if brief(&compiled.actual) != brief(&loaded.actual) {
            return Some(format!("engines disagree: compiled {}, loaded {}", brief(&compiled.actual), brief(&loaded.actual)));
        }
    } else if compiled.actual != loaded.actual {
        let show = |a: &Option<Actual>| a.as_ref().map_or("no outcome".to_owned(), |a| compare::short(&a.to_json()));
        return Some(format!("engines disagree: compiled {}, loaded {}", show(&compiled.actual), show(&loaded.actual)));
    }
    if compiled.events != loaded.events {
        let at = compiled.events.iter().zip(&loaded.events).position(|(a, b)| a != b).unwrap_or(compiled.events.len().min(loaded.events.len()));
        return Some(format!(
            "engines disagree on event {}: compiled {:?}, loaded {:?}",
            at + 1,
            compiled.events.get(at).copied().unwrap_or("(end)"),
            loaded.events.get(at).copied().unwrap_or("(end)")
        ));
    }
    None
}

/// Runs one case one way and compares its outcome with `expected.json`.
fn run_with(case: &Case, engine: Engine) -> Outcome {
    let fail = |detail: String, actual: Option<Actual>| Outcome { case: case.name, pass: false, detail, actual, history: None, events: Vec::new() };
    let files = (|| Ok::<_, String>((read_json(case.dir, "input.json")?, read_json(case.dir, "expected.json")?, read_json(case.dir, "meta.json")?)))();
    let (input, expected, meta) = match files {
        Ok(f) => f,
        Err(e) => return fail(e, None),
    };
    let run: Runner = match engine {
        Engine::Loaded => match load(case) {
            Ok(w) => Runner::Loaded(w),
            Err(message) => return fail(message, None),
        },
        _ => match case.compiled {
            Ok(run) => Runner::Compiled(run),
            Err(message) => return fail(message.to_owned(), None),
        },
    };
    let recorded = recorded_time(&meta);
    let history = Arc::new(History::new());
    let (result, problems) = match execute(case.name, run, Stubs::from_meta(&meta), input, recorded, Some(history.clone()), WALL_CLOCK_LIMIT) {
        Ok(r) => r,
        Err(e) => return fail(e, None),
    };
    let actual = match result {
        Ok(output) => Actual::Succeeded(output),
        Err(f) => Actual::Failed(f),
    };
    if !problems.is_empty() {
        return fail(problems.join("; "), Some(actual));
    }
    let nondeterministic = meta["nondeterministic"].as_bool().unwrap_or(false);
    let events = history.kinds();
    let history = compare_history(&expected, &events);
    match compare(&expected, nondeterministic, &actual) {
        Ok(note) => Outcome { case: case.name, pass: true, detail: note, actual: Some(actual), history, events },
        Err(detail) => Outcome { history, events, ..fail(detail, Some(actual)) },
    }
}

/// A case's workflow, one way or the other.
enum Runner {
    Compiled(RunFn),
    Loaded(Workflow),
}

/// Loads a case's definition as the compiled one was built: named after its module, with
/// AWS's leniency on unassigned variables.
fn load(case: &Case) -> Result<Workflow, String> {
    let label = format!("{}/definition.json", case.name);
    let path = Path::new(case.dir).join("definition.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("not loaded: cannot read {label}: {e}"))?;
    let options = LoadOptions { name: case.machine.to_owned(), label, lenient_variables: true };
    Workflow::load(&text, &options).map_err(|e| format!("compile error:\n{e}\n"))
}

/// Runs a loaded workflow with the case's stubs behind a catch-all handler.
fn run_loaded(workflow: Workflow, stubs: Stubs, input: Value, options: ExecutionOptions) -> CaseFuture {
    Box::pin(async move {
        let stubs = Arc::new(stubs);
        let handler_stubs = stubs.clone();
        let handlers = Handlers::new().fallback(move |input: Value, ctx: TaskContext| {
            let stubs = handler_stubs.clone();
            async move { stubs.call(ctx.resource, input, ctx.clone()).await }
        });
        let result = match workflow.machine(&handlers, options) {
            Ok(m) => m.start(input).await,
            Err(e) => Err(Failure::new("Conformance.LoadError", e.to_string())),
        };
        (result, stubs.problems())
    })
}

/// Compares the event types of a run with the recorded `history`, if there is one.
fn compare_history(expected: &Value, actual: &[&str]) -> Option<Result<(), String>> {
    let recorded: Vec<&str> = expected.get("history")?.as_array()?.iter().filter_map(Value::as_str).collect();
    if recorded == actual {
        return Some(Ok(()));
    }
    let at = recorded.iter().zip(actual).position(|(a, b)| a != b).unwrap_or(recorded.len().min(actual.len()));
    Some(Err(format!("history differs at event {}: recorded {:?}, got {:?}", at + 1, recorded.get(at).copied().unwrap_or("(end)"), actual.get(at).copied().unwrap_or("(end)"))))
}

/// Runs a compiled case on its own thread, on a current-thread tokio runtime with time paused
/// (Waits, retries and timeouts are instant), giving up after `limit` of real time (the thread
/// of a hung case is left behind).
fn execute(name: &str, run: Runner, stubs: Stubs, input: Value, recorded: Option<SystemTime>, history: Option<Arc<History>>, limit: Duration) -> Result<(Result<Value, Failure>, Vec<String>), String> {
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().expect("tokio runtime");
            let outcome = rt.block_on(async move {
                // The execution's wall clock starts when AWS recorded the case, so timestamps in
                // its input mean what they meant then.
                let clock = recorded.map(Clock::starting_at);
                let observer = history.map(|h| h as Arc<dyn Observer>);
                let options = ExecutionOptions { clock, observer, ..Default::default() };
                match run {
                    Runner::Compiled(run) => run(stubs, input, options).await,
                    Runner::Loaded(w) => run_loaded(w, stubs, input, options).await,
                }
            });
            let _ = tx.send(outcome);
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?;
    match rx.recv_timeout(limit) {
        Ok(r) => Ok(r),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("hung: no outcome after {:?} of real time", limit)),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(match thread.join() {
            Err(panic) => format!("panicked: {}", panic.downcast_ref::<String>().map(String::as_str).or_else(|| panic.downcast_ref::<&str>().copied()).unwrap_or("(no message)")),
            Ok(()) => "ended without an outcome".into(),
        }),
    }
}

/// When AWS recorded the case (`meta.json` → `source.recorded_date`, "15-11-2024, 16:16:35",
/// UTC).
fn recorded_time(meta: &Value) -> Option<SystemTime> {
    let text = meta["source"]["recorded_date"].as_str()?;
    let (date, time) = text.split_once(", ")?;
    let [day, month, year]: [&str; 3] = date.split('-').collect::<Vec<_>>().try_into().ok()?;
    // The same RFC 3339 reading the runtime uses for timestamps.
    let t = asl_runtime::syntax::timestamp::parse(&format!("{year}-{month}-{day}T{time}Z"))?;
    let secs = u64::try_from(t.unix_seconds()).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// Compares an outcome with `expected.json` (INDEX.md's rules, see [`compare`]). `history` is
/// not compared: the runtime records no history events yet. Ok carries a note (empty when none).
pub fn compare(expected: &Value, nondeterministic: bool, actual: &Actual) -> Result<String, String> {
    let mut m = if nondeterministic { Matcher::lenient() } else { Matcher::new() };
    match (expected["status"].as_str(), actual) {
        (Some("SUCCEEDED"), Actual::Succeeded(output)) => m.values(&expected["output"], output).map_err(|e| format!("output differs at {e}"))?,
        (Some("FAILED"), Actual::Failed(f)) => {
            match (expected.get("error").and_then(Value::as_str), f.error.as_str()) {
                (None, "") => {}
                (Some(e), a) if m.text(e, a) => {}
                (e, a) => return Err(format!("error differs: expected {}, got {a:?}", e.map_or("none".to_owned(), |e| format!("{e:?}")))),
            }
            match (expected.get("cause"), &f.cause) {
                (None, None) => {}
                (Some(e), Some(a)) if expected["cause_is_parsed_json"] == true => {
                    let parsed: Value = serde_json::from_str(a).map_err(|err| format!("cause is not JSON ({err}): {a:?}"))?;
                    m.values(e, &parsed).map_err(|err| format!("cause differs at {err}"))?;
                }
                (Some(Value::String(e)), Some(a)) if m.text(e, a) => {}
                (e, a) => return Err(format!("cause differs: expected {}, got {}", e.map_or("none".to_owned(), compare::short), a.as_ref().map_or("none".to_owned(), |a| format!("{a:?}")))),
            }
        }
        // The runtime reports a machine-level timeout as a `States.Timeout` failure; AWS gives
        // the execution the status TIMED_OUT (with no error or cause).
        (Some("TIMED_OUT"), Actual::Failed(f)) if f.error == "States.Timeout" && f.cause.is_none() => {
            return Ok("TIMED_OUT compared as a States.Timeout failure without cause".into());
        }
        (Some(status @ ("SUCCEEDED" | "FAILED" | "TIMED_OUT")), _) => {
            let got = match actual {
                Actual::Succeeded(_) => "SUCCEEDED",
                Actual::Failed(_) => "FAILED",
            };
            return Err(format!(
                "expected {status}{}, got {got}",
                match status {
                    "FAILED" => {
                        let recorded: serde_json::Map<String, Value> = ["error", "cause"].iter().filter_map(|k| Some((k.to_string(), expected.get(*k)?.clone()))).collect();
                        format!(" with {}", compare::short(&Value::Object(recorded)))
                    }
                    _ => String::new(),
                }
            ));
        }
        (status, _) => return Err(format!("unsupported expected status {status:?}")),
    }
    Ok(if m.used_leniency { "nondeterministic: some recorded values were compared by type only".into() } else { String::new() })
}

fn read_json(dir: &str, file: &str) -> Result<Value, String> {
    let path = Path::new(dir).join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("invalid JSON in {}: {e}", path.display()))
}

/// `tests/conformance/passing.txt`: the cases that must keep passing (the ratchet).
pub fn passing_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("passing.txt")
}

/// The case names in the ratchet file.
pub fn read_passing() -> Vec<String> {
    std::fs::read_to_string(passing_file()).unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Rewrites the ratchet file from a full run: the passing cases, sorted, one per line.
pub fn write_passing(outcomes: &[Outcome]) -> std::io::Result<usize> {
    let mut names: Vec<&str> = outcomes.iter().filter(|o| o.pass).map(|o| o.case).collect();
    names.sort_unstable();
    let text: String = names.iter().map(|n| format!("{n}\n")).collect();
    std::fs::write(passing_file(), text)?;
    Ok(names.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_or_missing_corpus_is_named() {
        let missing = Path::new("/nonexistent/conformance/cases");
        let e = check_corpus(missing, 0).unwrap_err();
        assert!(e.starts_with("no conformance cases: /nonexistent/conformance/cases does not exist."), "{e}");
        let empty = std::env::temp_dir().join(format!("asl-conformance-empty-{}", std::process::id()));
        std::fs::create_dir_all(&empty).unwrap();
        let e = check_corpus(&empty, 0).unwrap_err();
        std::fs::remove_dir(&empty).unwrap();
        assert!(e.contains("holds no case directory with a definition.json"), "{e}");
        assert!(check_corpus(missing, 1).is_ok());
    }

    #[test]
    fn the_in_repository_corpus_is_the_default() {
        if std::env::var_os("ASL_CONFORMANCE_DIR").is_none() {
            let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/cases").canonicalize().unwrap();
            assert_eq!(Path::new(CASES_DIR), expected);
            assert!(CASES.len() > 700, "{} cases in {CASES_DIR}", CASES.len());
        }
    }

    fn failed(error: &str, cause: Option<&str>) -> Actual {
        Actual::Failed(Failure { error: error.into(), cause: cause.map(Into::into) })
    }

    #[test]
    fn recorded_dates_are_read_as_utc() {
        let meta = json!({"source": {"recorded_date": "15-11-2024, 16:16:35"}});
        assert_eq!(asl_runtime::clock::format_timestamp(recorded_time(&meta).unwrap()), "2024-11-15T16:16:35.000Z");
    }

    #[test]
    fn compares_failures() {
        let e = json!({"status": "FAILED", "error": "States.Timeout"});
        assert!(compare(&e, false, &failed("States.Timeout", None)).is_ok());
        assert!(compare(&e, false, &failed("States.Timeout", Some(""))).unwrap_err().starts_with("cause differs"));
        assert!(compare(&json!({"status": "FAILED"}), false, &failed("", None)).is_ok());
        let e = json!({"status": "FAILED", "error": "Exception", "cause": {"errorMessage": "m", "requestId": "<uuid:1>"}, "cause_is_parsed_json": true});
        assert!(compare(&e, false, &failed("Exception", Some(r#"{"requestId": "abc", "errorMessage": "m"}"#))).is_ok());
        assert!(compare(&e, false, &failed("Exception", Some("not json"))).unwrap_err().starts_with("cause is not JSON"));
        assert_eq!(compare(&e, false, &Actual::Succeeded(json!(1))).unwrap_err(), r#"expected FAILED with {"error":"Exception","cause":{"errorMessage":"m","requestId":"<uuid:1>"}}, got SUCCEEDED"#);
    }

    #[test]
    fn compares_outputs() {
        let e = json!({"status": "SUCCEEDED", "output": {"a": "<uuid:1>", "b": "<uuid:1>"}, "history": ["ExecutionStarted"]});
        assert!(compare(&e, false, &Actual::Succeeded(json!({"b": "x", "a": "x"}))).is_ok());
        assert_eq!(compare(&e, false, &Actual::Succeeded(json!({"b": "x", "a": "y"}))).unwrap_err(), r#"output differs at $.b: expected "<uuid:1>", got "x""#);
        assert_eq!(compare(&e, false, &failed("E", None)).unwrap_err(), "expected SUCCEEDED, got FAILED");
        let t = json!({"status": "TIMED_OUT"});
        assert!(compare(&t, false, &failed("States.Timeout", None)).is_ok());
        assert!(compare(&t, false, &failed("States.Timeout", Some("task"))).is_err());
        assert!(compare(&t, false, &Actual::Succeeded(json!({}))).is_err());
    }

    fn waits_a_virtual_day(_: Stubs, input: Value, _: ExecutionOptions) -> CaseFuture {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_secs(86_400)).await;
            (Ok(input), Vec::new())
        })
    }

    fn never_ends(_: Stubs, _: Value, _: ExecutionOptions) -> CaseFuture {
        Box::pin(std::future::pending())
    }

    fn panics(_: Stubs, _: Value, _: ExecutionOptions) -> CaseFuture {
        Box::pin(async { panic!("boom") })
    }

    #[test]
    fn runs_on_virtual_time_under_a_wall_clock_guard() {
        let limit = Duration::from_millis(300);
        let started = std::time::Instant::now();
        let (out, _) = execute("day", Runner::Compiled(waits_a_virtual_day), Stubs::default(), json!(1), None, None, limit).unwrap();
        assert_eq!(out.unwrap(), json!(1));
        assert!(started.elapsed() < limit);
        assert_eq!(execute("hang", Runner::Compiled(never_ends), Stubs::default(), json!(1), None, None, limit).unwrap_err(), "hung: no outcome after 300ms of real time");
        // Generous: printing a panic's backtrace (RUST_BACKTRACE=1) can take a while under load.
        assert_eq!(execute("panic", Runner::Compiled(panics), Stubs::default(), json!(1), None, None, Duration::from_secs(10)).unwrap_err(), "panicked: boom");
    }

    #[test]
    fn the_two_engines_must_agree_on_outcome_and_events() {
        let case = Case { name: "c", dir: "/nonexistent", machine: "case_0001", compiled: Err("unused") };
        let outcome = |actual: Actual, events: Vec<&'static str>| Outcome { case: "c", pass: true, detail: String::new(), actual: Some(actual), history: None, events };
        let a = outcome(Actual::Succeeded(json!({"x": 1})), vec!["ExecutionStarted", "ExecutionSucceeded"]);
        assert_eq!(disagreement(&case, &a, &a.clone()), None);
        let b = outcome(Actual::Succeeded(json!({"x": 2})), a.events.clone());
        assert_eq!(disagreement(&case, &a, &b).unwrap(), r#"engines disagree: compiled {"status":"SUCCEEDED","output":{"x":1}}, loaded {"status":"SUCCEEDED","output":{"x":2}}"#);
        let c = outcome(Actual::Succeeded(json!({"x": 1})), vec!["ExecutionStarted", "ExecutionFailed"]);
        assert_eq!(disagreement(&case, &a, &c).unwrap(), r#"engines disagree on event 2: compiled "ExecutionSucceeded", loaded "ExecutionFailed""#);
    }

    #[test]
    fn json_lines_omit_what_is_absent() {
        assert_eq!(failed("", None).to_json(), json!({"status": "FAILED"}));
        let o = Outcome { case: "c", pass: false, detail: "compile error".into(), actual: None, history: None, events: Vec::new() };
        assert_eq!(o.to_json(), json!({"case": "c", "result": "fail", "detail": "compile error"}));
    }
}
