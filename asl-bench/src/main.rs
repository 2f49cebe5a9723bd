//! `cargo run --release -p asl-bench -- WORKLOAD [--iterations N]`: runs a workload N times after
//! a warm-up, checks its output, and prints as its last line
//! `{"workload":…,"executions":…,"transitions":…,"seconds":…,"transitions_per_sec":…}`
//! (seconds = the median execution time).
//!
//! `asl-bench WORKLOAD --handwritten`: the same, for the workload written by hand in plain Rust
//! (`handwritten.rs`): the ceiling an engine over `serde_json` values could reach.
//!
//! `asl-bench WORKLOAD --loaded`: the same, for the workflow loaded at run time
//! (`asl_runtime::Workflow`) instead of compiled.
//!
//! `asl-bench --park N`: N executions parked in a Wait at once, then woken (memory and time).

use std::time::Instant;

use asl_runtime::{Failure, Value};

mod handwritten;

/// Task stubs of the workloads: `AlwaysFails` throws, `inc` adds 1 to `$.i` (the peers' stub),
/// anything else echoes its input.
struct Stubs;

fn stub(resource: &str, input: Value) -> Result<Value, Failure> {
    let function = resource.rsplit(':').next().unwrap_or("");
    if function.eq_ignore_ascii_case("AlwaysFails") {
        return Err(Failure::new("Bench.Failure", "always fails"));
    }
    if function == "inc" {
        return Ok(serde_json::json!({ "i": input["i"].as_i64().unwrap_or(0) + 1 }));
    }
    Ok(input)
}

pub struct Workload {
    name: &'static str,
    input: &'static str,
    /// The definition as compiled (for `--loaded`).
    definition: &'static str,
    run: Option<fn(&tokio::runtime::Runtime, &Value, usize) -> Runs>,
    skipped: Option<&'static str>,
}

/// A warm-up execution's outcome, then the seconds each timed execution took.
type Runs = (Result<Value, Failure>, Vec<f64>);

/// Runs one warm-up execution, then `n` timed ones, all inside one entry into the runtime (as a
/// service runs executions on a runtime already running): what is timed is the execution, not
/// tokio's `block_on`. Each input is cloned before its clock starts.
fn measure<F, Fut>(rt: &tokio::runtime::Runtime, input: &Value, n: usize, start: F) -> Runs
where
    F: Fn(Value) -> Fut,
    Fut: std::future::Future<Output = Result<Value, Failure>>,
{
    rt.block_on(async {
        let warm = start(input.clone()).await;
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let input = input.clone();
            let t = Instant::now();
            let out = start(input).await;
            times.push(t.elapsed().as_secs_f64());
            drop(out);
        }
        (warm, times)
    })
}

/// [`measure`] for the hand-written workloads (plain functions).
fn measure_sync(input: &Value, n: usize, run: fn(Value) -> Result<Value, Failure>) -> Runs {
    let warm = run(input.clone());
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let input = input.clone();
        let t = Instant::now();
        let out = std::hint::black_box(run(input));
        times.push(t.elapsed().as_secs_f64());
        drop(out);
    }
    (warm, times)
}

/// AWS's defaults, but no 256 KiB cap on payloads: the Map workloads' inputs are larger (the
/// peers do not enforce the cap either). `--payload-limit` turns the cap on, to measure its
/// cost (every state's output is measured).
fn bench_options() -> asl_runtime::ExecutionOptions {
    let limit = PAYLOAD_LIMIT.load(std::sync::atomic::Ordering::Relaxed);
    asl_runtime::ExecutionOptions { max_payload_bytes: limit.then_some(asl_runtime::MAX_PAYLOAD_BYTES), ..Default::default() }
}

static PAYLOAD_LIMIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

include!(concat!(env!("OUT_DIR"), "/workloads.rs"));

/// Transitions per execution, from the workloads' meta.json (states entered).
fn transitions(name: &str) -> u64 {
    let meta = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/bench/workloads/meta.json")).unwrap_or_default();
    let meta: Value = serde_json::from_str(&meta).unwrap_or(Value::Null);
    meta[name]["transitions"].as_u64().unwrap_or(0)
}

/// What each workload must produce (checked on the warm-up run).
fn check(name: &str, input: &Value, out: &Result<Value, Failure>) -> Result<(), String> {
    let out = out.as_ref().map_err(|f| format!("failed: {f}"))?;
    let ok = if name.starts_with("pass_chain") {
        out["last"]["step"] == 1000 && out["last"]["v"] == input["v"]
    } else if name.starts_with("choice_loop") {
        let n: u64 = if name.ends_with("_1k") {
            1_000
        } else if name.ends_with("_10k") {
            10_000
        } else {
            100_000
        };
        out["i"] == n
    } else if name.starts_with("map_") {
        let items = input["items"].as_array().map_or(0, Vec::len);
        let got = out.get("out").unwrap_or(out);
        got.as_array().map_or(0, Vec::len) == items && items > 0
    } else if name.starts_with("parallel") {
        out.get("branches").unwrap_or(out).as_array().map_or(0, Vec::len) == 16
    } else if name.starts_with("retry_catch") {
        out["error"]["Error"] == "Bench.Failure"
    } else {
        true
    };
    if ok { Ok(()) } else { Err(format!("unexpected output: {}", truncate(out))) }
}

fn truncate(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 300 { format!("{}…", &s[..300]) } else { s }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut name = None;
    let mut iterations = 10usize;
    let mut by_hand = false;
    let mut loaded = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--iterations" => iterations = it.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage()),
            "--handwritten" => by_hand = true,
            "--loaded" => loaded = true,
            "--payload-limit" => PAYLOAD_LIMIT.store(true, std::sync::atomic::Ordering::Relaxed),
            "--park" => return park(it.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage())),
            "--expand" => {
                let n = it.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage());
                return expand(n, it.next().map(String::as_str));
            }
            "--list" => {
                for w in WORKLOADS {
                    println!("{}{}", w.name, w.skipped.map(|s| format!(" (skipped: {s})")).unwrap_or_default());
                }
                return;
            }
            other if name.is_none() && !other.starts_with('-') => name = Some(other.to_owned()),
            _ => usage(),
        }
    }
    let name = name.unwrap_or_else(|| usage());
    let Some(w) = WORKLOADS.iter().find(|w| w.name == name) else {
        eprintln!("unknown workload `{name}`; --list shows them");
        std::process::exit(2);
    };
    let input: Value = serde_json::from_str(w.input).expect("workload input is JSON");
    let (warm, mut times) = if by_hand {
        let Some(run) = handwritten::find(w.name) else {
            eprintln!("workload `{name}` has no hand-written version");
            std::process::exit(1);
        };
        measure_sync(&input, iterations.max(1), run)
    } else if loaded {
        let options = asl_runtime::LoadOptions { name: w.name.to_owned(), ..Default::default() };
        let workflow = asl_runtime::Workflow::load(w.definition, &options).unwrap_or_else(|e| {
            eprintln!("workload `{name}` does not load: {e}");
            std::process::exit(1);
        });
        let handlers = asl_runtime::Handlers::new().fallback(|input: Value, ctx: asl_runtime::TaskContext| async move { stub(ctx.resource, input) });
        let machine = workflow.machine(&handlers, bench_options()).expect("the catch-all serves every task");
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        measure(&rt, &input, iterations.max(1), |i| machine.start(i))
    } else {
        let Some(run) = w.run else {
            eprintln!("workload `{name}` is not compiled: {}", w.skipped.unwrap_or("?"));
            std::process::exit(1);
        };
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        run(&rt, &input, iterations.max(1))
    };
    if let Err(e) = check(w.name, &input, &warm) {
        eprintln!("workload `{name}`: {e}");
        std::process::exit(1);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let transitions = transitions(w.name);
    println!(
        "{}",
        serde_json::json!({
            "workload": w.name,
            "engine": if by_hand { "handwritten" } else if loaded { "aslc-loaded" } else { "aslc" },
            "executions": times.len(),
            "transitions": transitions,
            "seconds": median,
            "transitions_per_sec": (transitions as f64 / median).round(),
        })
    );
}

/// `--park N`: starts N executions of a one-Wait workflow (`Wait 1 s → Pass`) in one process on
/// a current-thread runtime with paused tokio time, lets every one reach its Wait, measures the
/// memory they hold, then lets the clock run so all wake and finish. Prints one JSON line.
fn park(n: usize) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    let machine = Arc::new(park_flow::Flow::new(()));
    let before = status_kib("VmRSS");
    let left = Arc::new(AtomicUsize::new(n));
    let done = Arc::new(tokio::sync::Notify::new());
    // The size of one execution's future (what its tokio task stores), for the report.
    let future_bytes = AtomicUsize::new(0);
    let (parked_s, woken_s, parked_kib) = rt.block_on(async {
        let t = Instant::now();
        for i in 0..n {
            let (m, left, done) = (machine.clone(), left.clone(), done.clone());
            let fut = async move {
                let out = m.start(serde_json::json!({ "i": i })).await;
                assert!(out.is_ok_and(|o| o["i"] == i), "execution {i} did not finish as expected");
                if left.fetch_sub(1, Ordering::AcqRel) == 1 {
                    done.notify_one();
                }
            };
            if i == 0 {
                future_bytes.store(std::mem::size_of_val(&fut), Ordering::Relaxed);
            }
            tokio::spawn(fut);
        }
        // Paused time advances only when every task is idle: when this sleep returns, every
        // execution has been polled into its 1 s Wait.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let parked_s = t.elapsed().as_secs_f64();
        let parked_kib = status_kib("VmRSS");
        assert_eq!(left.load(Ordering::Acquire), n, "an execution finished before the Wait");
        let t = Instant::now();
        done.notified().await;
        (parked_s, t.elapsed().as_secs_f64(), parked_kib)
    });
    let peak = status_kib("VmHWM");
    let per = (parked_kib.saturating_sub(before) * 1024) as f64 / n as f64;
    println!(
        "{}",
        serde_json::json!({
            "mode": "park",
            "executions": n,
            "start_and_park_seconds": parked_s,
            "wake_and_finish_seconds": woken_s,
            "rss_before_bytes": before * 1024,
            "rss_parked_bytes": parked_kib * 1024,
            "peak_rss_bytes": peak * 1024,
            "bytes_per_parked_execution": per.round(),
            "future_bytes": future_bytes.load(Ordering::Relaxed),
        })
    );
}

/// A `/proc/self/status` field in KiB (0 where there is no procfs).
fn status_kib(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines().find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or(0)
}

/// A chain of `n` states like pass_chain's, with a Choice every 10th state (so the generated
/// code has rule expressions too). With `$ASL_CHAIN_TASKS` set, the Pass states are Task states
/// (ten resources), so that every state but the Choices waits. With `$ASL_CHAIN_LEAN` set, the
/// states have no `Parameters` or `ResultPath` and the JSON no spaces.
pub fn chain_workflow(n: usize) -> String {
    let tasks = std::env::var_os("ASL_CHAIN_TASKS").is_some();
    let lean = std::env::var_os("ASL_CHAIN_LEAN").is_some();
    let mut states = Vec::with_capacity(n);
    for k in 0..n {
        let next = if k + 1 == n { r#""End": true"#.to_owned() } else { format!(r#""Next": "S{}""#, k + 1) };
        if lean {
            // the fewest bytes a state takes, so that 20,000 of them fit AWS's 1 MB definition
            let next = if k + 1 == n { r#""End":true"#.to_owned() } else { format!(r#""Next":"S{}""#, k + 1) };
            states.push(if k % 10 == 5 && k + 1 < n {
                format!(r#""S{k}":{{"Type":"Choice","Choices":[{{"Variable":"$.v","NumericGreaterThan":{k},"Next":"S{}"}}],"Default":"S{}"}}"#, k + 1, k + 1)
            } else if tasks {
                format!(r#""S{k}":{{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:F{}",{next}}}"#, k % 10)
            } else {
                format!(r#""S{k}":{{"Type":"Pass",{next}}}"#)
            });
        } else if k % 10 == 5 && k + 1 < n {
            states.push(format!(r#""S{k}": {{"Type": "Choice", "Choices": [{{"Variable": "$.v", "NumericGreaterThan": {k}, "Next": "S{}"}}], "Default": "S{}"}}"#, k + 1, k + 1));
        } else if tasks {
            let f = k % 10;
            states.push(format!(
                r#""S{k}": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:F{f}", "Parameters": {{"v.$": "$.v", "step": {k}}}, "ResultPath": "$.last", {next}}}"#
            ));
        } else {
            states.push(format!(r#""S{k}": {{"Type": "Pass", "Parameters": {{"v.$": "$.v", "step": {k}}}, "ResultPath": "$.last", {next}}}"#));
        }
    }
    if lean {
        return format!(r#"{{"StartAt":"S0","States":{{{}}}}}"#, states.join(","));
    }
    format!(r#"{{"StartAt": "S0", "States": {{{}}}}}"#, states.join(",\n"))
}

/// `--expand N [OUT.rs]`: times `asl_codegen::generate` and `pretty` (what `asl!` and `aslc
/// expand` do) on a generated N-state workflow (median of 5) and optionally writes the code.
fn expand(n: usize, out: Option<&str>) {
    let text = chain_workflow(n);
    // `$ASL_FORM` (methods, table) forces how the states are emitted; by default their number decides
    let form = match std::env::var("ASL_FORM").as_deref() {
        Ok("methods") => asl_codegen::Form::Methods,
        Ok("table") => asl_codegen::Form::Table,
        _ => asl_codegen::Form::Auto,
    };
    let names = asl_codegen::Names { module: "chain".into(), machine: "Chain".into(), task_methods: Default::default(), lenient_variables: false, form };
    let (mut gen_t, mut pretty_t) = (Vec::new(), Vec::new());
    let mut code = String::new();
    for _ in 0..5 {
        let t = Instant::now();
        let tokens = asl_codegen::generate("chain", &text, &names, None).expect("the chain compiles");
        gen_t.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        code = asl_codegen::pretty(&tokens);
        pretty_t.push(t.elapsed().as_secs_f64());
    }
    gen_t.sort_by(f64::total_cmp);
    pretty_t.sort_by(f64::total_cmp);
    if let Some(path) = out {
        std::fs::write(path, &code).expect("write the generated code");
    }
    println!(
        "{}",
        serde_json::json!({
            "mode": "expand",
            "states": n,
            "generate_seconds": gen_t[2],
            "pretty_seconds": pretty_t[2],
            "generated_bytes": code.len(),
            "generated_lines": code.lines().count(),
        })
    );
}

fn usage() -> ! {
    eprintln!("usage: asl-bench WORKLOAD [--iterations N] [--handwritten | --loaded] [--payload-limit] | --list | --park N | --expand N [OUT.rs]");
    std::process::exit(2);
}
