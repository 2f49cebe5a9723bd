//! `asl run`: runs a workflow from the shell, loaded at run time through the runtime's loader.
//! Task resources are served by shell commands (`--task PATTERN=COMMAND`): the task's input as
//! JSON on stdin, its result as JSON on stdout.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asl_runtime::{Event, ExecutionOptions, Failure, Handlers, LoadError, LoadOptions, Observer, TaskContext, Value, Workflow};
use tokio::io::AsyncWriteExt;

use crate::{INVALID, USAGE, diagnostics, label, read};

/// What `asl run` was asked to do.
pub struct Run {
    pub file: PathBuf,
    pub input: Option<String>,
    pub input_file: Option<PathBuf>,
    pub tasks: Vec<String>,
    pub history: bool,
    pub json: bool,
    pub virtual_time: bool,
    /// A mock configuration file and the test case to run.
    pub mock: Option<(PathBuf, String)>,
    /// The machine's name in the mock configuration.
    pub machine_name: Option<String>,
}

pub fn run(args: Run, color: bool) -> u8 {
    let text = match read(&args.file, color) {
        Ok(t) => t,
        Err(c) => return c,
    };
    let name = label(&args.file);
    // AWS accepts reads of variables no state assigns (they fail at run time): so does `run`.
    let machine_name = args.machine_name.clone().unwrap_or_else(|| asl_codegen::Names::from_path(&name).module);
    let options = LoadOptions { name: machine_name.clone(), label: name.clone(), lenient_variables: true };
    let workflow = match Workflow::load(&text, &options) {
        Ok(w) => w,
        Err(LoadError::Invalid { diagnostics: d, rendered }) => {
            eprint!("{}", diagnostics::colorize(&rendered, color));
            let n = asl_codegen::diagnostic::total(&d);
            eprintln!("\n{}", diagnostics::headline(&format!("`{name}` is not a valid workflow: {n} error{}", if n == 1 { "" } else { "s" }), color));
            return INVALID;
        }
        Err(e) => return fail_usage(&e.to_string(), color),
    };
    let input = match (&args.input, &args.input_file) {
        (Some(_), Some(_)) => return fail_usage("give the input with --input or --input-file, not both", color),
        (Some(t), None) => t.clone(),
        (None, Some(f)) => match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => return fail_usage(&format!("cannot read `{}`: {e}", f.display()), color),
        },
        (None, None) => "{}".to_owned(),
    };
    let input: Value = match serde_json::from_str(&input) {
        Ok(v) => v,
        Err(e) => return fail_usage(&format!("the input is not JSON: {e}"), color),
    };
    let mut handlers = Handlers::new();
    for spec in &args.tasks {
        let Some((pattern, command)) = spec.split_once('=') else {
            return fail_usage(&format!("--task takes RESOURCE=COMMAND (a resource ARN or a pattern with `*`), found `{spec}`"), color);
        };
        handlers.insert(pattern, Arc::new(Command(command.to_owned())));
    }
    if let Some((file, case)) = &args.mock {
        let config = match asl_mock::mock::MockConfig::load(file) {
            Ok(c) => c,
            Err(e) => return fail_usage(&e.to_string(), color),
        };
        // States the test case does not mock use their --task command.
        let commands = handlers.fallback(|_input: Value, ctx: TaskContext| async move {
            Err(Failure::runtime(format!("state `{}` is not mocked by the test case and no --task serves `{}`", ctx.state_name, ctx.resource)))
        });
        let config = Arc::new(config);
        let ledger = Arc::new(asl_mock::handler::Counted::default());
        let Some(mocked) = asl_mock::handler::Mocked::new(config.clone(), &machine_name, case, commands, ledger) else {
            let cases: Vec<&String> = config.state_machines.get(&machine_name).map(|c| c.keys().collect()).unwrap_or_default();
            return fail_usage(
                &format!("`{}` has no test case `{case}` for the state machine `{machine_name}` (its test cases: {cases:?}; name the machine with --machine-name)", file.display()),
                color,
            );
        };
        handlers = mocked.handlers();
    }
    let progress = Arc::new(Progress::new(args.history));
    let options = ExecutionOptions { observer: Some(progress.clone() as Arc<dyn Observer>), ..Default::default() };
    let machine = match workflow.machine(&handlers, options) {
        Ok(m) => m,
        Err(LoadError::MissingHandlers(resources)) => {
            let mut msg = format!("`{name}` needs a handler for {} Task resource{}:", resources.len(), if resources.len() == 1 { "" } else { "s" });
            for r in &resources {
                msg.push_str(&format!("\n  {r}"));
            }
            msg.push_str("\nserve each with --task 'RESOURCE=COMMAND' (the task's input on stdin, its result on stdout); `*` in RESOURCE matches any text");
            return fail_usage(&msg, color);
        }
        Err(e) => return fail_usage(&e.to_string(), color),
    };
    let mut rt = tokio::runtime::Builder::new_current_thread();
    rt.enable_all();
    if args.virtual_time {
        rt.start_paused(true);
    }
    let rt = match rt.build() {
        Ok(rt) => rt,
        Err(e) => return fail_usage(&format!("cannot start the runtime: {e}"), color),
    };
    let live = std::io::stderr().is_terminal();
    let started = Instant::now();
    let (outcome, took) = rt.block_on(async {
        let clock_start = tokio::time::Instant::now();
        let ticker = live.then(|| tokio::spawn(tick(progress.clone(), started)));
        let outcome = machine.start(input).await;
        if let Some(t) = ticker {
            t.abort();
            eprint!("\r\x1b[2K");
        }
        (outcome, clock_start.elapsed())
    });
    if args.history {
        print_history(&progress.events.lock().unwrap(), args.json || !std::io::stdout().is_terminal());
    }
    let code = match outcome {
        Ok(output) => {
            println!("{output}");
            0
        }
        Err(f) => {
            let cause = f.cause.as_deref().map(|c| format!(": {c}")).unwrap_or_default();
            eprintln!("{}", diagnostics::headline(&format!("the execution failed with {}{cause}", if f.error.is_empty() { "no error name" } else { &f.error }), color));
            INVALID
        }
    };
    if args.virtual_time {
        eprintln!("virtual time: {} ({} transitions)", seconds(took), progress.transitions());
    }
    code
}

fn fail_usage(msg: &str, color: bool) -> u8 {
    eprintln!("{}", diagnostics::headline(msg, color));
    USAGE
}

fn seconds(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// A shell command serving a Task resource.
struct Command(String);

impl asl_runtime::Handler for Command {
    fn call(&self, input: Value, ctx: TaskContext) -> asl_runtime::BoxFuture<'static, Result<Value, Failure>> {
        let command = self.0.clone();
        Box::pin(async move { run_command(&command, input, &ctx).await })
    }
}

/// Runs `command` with the task's input on stdin. Exit 0: stdout is the result (JSON, or else
/// the text as a string). Otherwise the task fails with the `{"error", "cause"}` it printed, or
/// `States.TaskFailed` and the text it printed as the cause.
async fn run_command(command: &str, input: Value, ctx: &TaskContext) -> Result<Value, Failure> {
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("ASL_RESOURCE", ctx.resource)
        .env("ASL_STATE", ctx.state_name)
        .env("ASL_EXECUTION", ctx.execution_id())
        .env("ASL_RETRY_COUNT", ctx.retry_count.to_string())
        .env("ASL_TASK_TOKEN", ctx.token.as_deref().unwrap_or(""))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Failure::new("States.TaskFailed", format!("cannot run `{command}`: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its input closes the pipe early: not an error.
        let _ = stdin.write_all(input.to_string().as_bytes()).await;
    }
    let out = child.wait_with_output().await.map_err(|e| Failure::new("States.TaskFailed", format!("`{command}` failed: {e}")))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let text = stdout.trim_end();
    if out.status.success() {
        return Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())));
    }
    let printed = if text.is_empty() { String::from_utf8_lossy(&out.stderr).trim_end().to_owned() } else { text.to_owned() };
    if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&printed)
        && let Some(error) = m.get("error").and_then(Value::as_str)
    {
        let cause = m.get("cause").map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_owned));
        return Err(Failure { error: error.to_owned(), cause });
    }
    let status = out.status.code().map_or_else(|| "a signal".to_owned(), |c| format!("status {c}"));
    Err(Failure::new("States.TaskFailed", if printed.is_empty() { format!("`{command}` exited with {status}") } else { printed }))
}

/// Watches the execution: the state it is in and the transitions so far, for the live line;
/// the events, for `--history`.
struct Progress {
    keep: bool,
    state: Mutex<String>,
    transitions: std::sync::atomic::AtomicU64,
    events: Mutex<Vec<Event>>,
}

impl Progress {
    fn new(keep: bool) -> Self {
        Progress { keep, state: Mutex::new(String::new()), transitions: Default::default(), events: Mutex::new(Vec::new()) }
    }

    fn transitions(&self) -> u64 {
        self.transitions.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Observer for Progress {
    fn event(&self, e: &Event) {
        if e.kind.ends_with("StateEntered") {
            self.transitions.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if let Some(name) = e.details.get("name").and_then(Value::as_str) {
                *self.state.lock().unwrap() = name.to_owned();
            }
        }
        if self.keep {
            self.events.lock().unwrap().push(e.clone());
        }
    }
}

/// The live line on a terminal: current state, transitions, elapsed (real) time.
async fn tick(p: Arc<Progress>, started: Instant) {
    loop {
        let state = p.state.lock().unwrap().clone();
        eprint!("\r\x1b[2K▶ {state}  ·  {} transitions  ·  {:.1} s", p.transitions(), started.elapsed().as_secs_f64());
        let _ = std::io::stderr().flush();
        // Real time: under --virtual-time the clock is paused and would never wake this.
        tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(100))).await.ok();
    }
}

fn print_history(events: &[Event], json: bool) {
    let mut out = std::io::stdout().lock();
    for e in events {
        let ts = asl_runtime::clock::format_timestamp(e.timestamp);
        if json {
            let line = serde_json::json!({"id": e.id, "previousEventId": e.previous_event_id, "timestamp": ts, "type": e.kind, "details": e.details});
            let _ = writeln!(out, "{line}");
        } else {
            let state = e.details.get("name").and_then(Value::as_str).unwrap_or("");
            let _ = writeln!(out, "{:>4}  {:<28}  {:<24}  {ts}", e.id, e.kind, state);
        }
    }
}
