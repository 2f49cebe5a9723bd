//! `asl`: check Amazon States Language workflows with aslc's own rules, draw them, show the Rust
//! they compile to, and scaffold a crate that uses them.
//!
//! Exit codes: 0 success, 1 an invalid workflow (diagnostics printed), 2 usage or I/O errors.

mod diagnostics;
mod run;
mod scaffold;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use asl_codegen::graph::{self, Graph};
use asl_codegen::{Diagnostic, Names, SourceFile};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "asl", version, about = "Check, draw and compile Amazon States Language workflows (aslc)")]
struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check workflows by AWS's rules: errors for what AWS rejects or aslc cannot compile,
    /// warnings for what AWS accepts but that fails or is ignored when run (`asl!` rejects a
    /// read of an unassigned variable; here it is a warning).
    Check {
        /// Workflow files (ASL JSON).
        #[arg(required = true, value_name = "FLOW.json")]
        files: Vec<PathBuf>,
        /// `human` (rustc style, on stderr) or `json` (an array of diagnostics, on stdout).
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Print nothing for valid files.
        #[arg(short, long)]
        quiet: bool,
        /// `--deny warnings`: report warnings as errors (exit 1).
        #[arg(long, value_enum, value_name = "LINT")]
        deny: Option<Lint>,
    },
    /// Draw the state graph.
    Graph {
        /// The workflow (ASL JSON).
        #[arg(value_name = "FLOW.json")]
        file: PathBuf,
        /// Mermaid (GitHub, rustdoc), Graphviz DOT, or SVG laid out by asl itself.
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        /// Write to this file instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print the Rust that `asl!` generates for a workflow.
    Expand {
        /// The workflow (ASL JSON); its file name names the module (`order.json` → `mod order`).
        #[arg(value_name = "FLOW.json")]
        file: PathBuf,
    },
    /// Run a workflow, loaded at run time; print its output (exit 0) or its error (exit 1).
    Run {
        /// The workflow (ASL JSON).
        #[arg(value_name = "FLOW.json")]
        file: PathBuf,
        /// The execution's input (JSON; default `{}`).
        #[arg(long, value_name = "JSON")]
        input: Option<String>,
        /// Read the execution's input from a file.
        #[arg(long, value_name = "FILE")]
        input_file: Option<PathBuf>,
        /// Serve a Task resource (an ARN, or a pattern with `*`) with a shell command: the task's
        /// input as JSON on stdin, its result as JSON on stdout; a non-zero exit fails the task
        /// with the `{"error": …, "cause": …}` (or the text) it printed.
        #[arg(long = "task", value_name = "RESOURCE=COMMAND")]
        tasks: Vec<String>,
        /// Print the execution's history events (a table, or JSON lines with --format json or
        /// when stdout is not a terminal).
        #[arg(long)]
        history: bool,
        /// `human` or `json` (the history as JSON lines).
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Skip waits and retry delays on a virtual clock (and report the virtual time taken).
        #[arg(long)]
        virtual_time: bool,
        /// Answer Task states from a Step Functions Local mock configuration file (with
        /// --test-case); states the test case does not mock use their --task command.
        #[arg(long, value_name = "FILE", requires = "test_case")]
        mock: Option<PathBuf>,
        /// The test case of the mock configuration to run.
        #[arg(long, value_name = "NAME", requires = "mock")]
        test_case: Option<String>,
        /// The state machine's name in the mock configuration (default: the file's name).
        #[arg(long, value_name = "NAME")]
        machine_name: Option<String>,
    },
    /// Create a new crate with a workflow, a main using `asl!` and a test on virtual time.
    ///
    /// aslc is not on crates.io yet: the crate depends on asl-runtime in the aslc checkout this
    /// `asl` was built from, unless `--path` or `--git` says otherwise.
    New {
        /// Directory to create; its last component is the crate name.
        name: PathBuf,
        /// Take asl-runtime from this aslc checkout (the directory holding `asl-runtime/`).
        #[arg(long, value_name = "DIR", conflicts_with = "git")]
        path: Option<PathBuf>,
        /// Take asl-runtime from this git repository of aslc.
        #[arg(long, value_name = "URL")]
        git: Option<String>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Lint {
    Warnings,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
    Svg,
}

/// A command's failure: the message is already printed.
const INVALID: u8 = 1;
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { USAGE } else { 0 });
        }
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let code = match cli.command {
        Command::Check { files, format, quiet, deny } => check(&files, format, quiet, deny == Some(Lint::Warnings), color),
        Command::Graph { file, format, output } => graph_cmd(&file, format, output.as_deref(), color),
        Command::Expand { file } => expand(&file, color),
        Command::Run { file, input, input_file, tasks, history, format, virtual_time, mock, test_case, machine_name } => {
            let mock = mock.zip(test_case);
            run::run(run::Run { file, input, input_file, tasks, history, json: format == CheckFormat::Json, virtual_time, mock, machine_name }, color)
        }
        Command::New { name, path, git } => {
            let source = match (path, git) {
                (Some(dir), _) => scaffold::Source::Path(dir),
                (_, Some(url)) => scaffold::Source::Git(url),
                _ => scaffold::Source::Default,
            };
            new(&name, &source, color)
        }
    };
    ExitCode::from(code)
}

fn new(name: &Path, source: &scaffold::Source, color: bool) -> u8 {
    match scaffold::create(name, source) {
        Ok(()) => {
            println!("created `{}`: cd {} && cargo test", name.display(), name.display());
            0
        }
        Err(msg) => {
            eprintln!("{}", diagnostics::headline(&msg, color));
            USAGE
        }
    }
}

/// Reads a workflow file, or prints why it cannot be read.
/// At most AWS's 1 MB definition size is read, and a file that is not JSON is never quoted.
fn read(path: &Path, color: bool) -> Result<String, u8> {
    // what cannot be opened is a usage error; what was read but cannot be a workflow is invalid
    if let Err(e) = std::fs::metadata(path) {
        eprintln!("{}", diagnostics::headline(&format!("cannot read `{}`: {}", path.display(), io_reason(&e)), color));
        return Err(USAGE);
    }
    asl_codegen::json::read_definition(path).map_err(|reason| {
        eprintln!("{}", diagnostics::headline(&format!("cannot read `{}`: {reason}", path.display()), color));
        if path.is_dir() { USAGE } else { INVALID }
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn label(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// What `asl check` finds in a workflow.
struct Report {
    /// What AWS rejects, or what aslc cannot compile.
    errors: Vec<Diagnostic>,
    /// What AWS accepts, but fails or is ignored when run.
    warnings: Vec<Diagnostic>,
}

/// Checks a workflow by AWS's rules. AWS accepts reads of variables no state assigns (the
/// execution fails when it gets there), so those are warnings here, while `asl!` rejects them.
fn diagnose(path: &Path, text: &str) -> Report {
    let name = label(path);
    let names = Names { lenient_variables: true, ..Names::from_path(&name) };
    let errors = match asl_codegen::compile(&name, text, &names, None) {
        Ok(_) => vec![],
        Err(d) => d,
    };
    let mut warnings = match asl_codegen::check(text) {
        Ok(m) => {
            let mut w = asl_codegen::variables::unassigned(&m, text);
            w.extend(credentials_warnings(&m.scope, text));
            w
        }
        Err(_) => vec![],
    };
    warnings.sort_by_key(|d| (d.span.start, d.span.end));
    Report { errors, warnings }
}

/// A Task's `Credentials` is accepted (AWS accepts it) but cannot be applied locally.
fn credentials_warnings(scope: &asl_codegen::model::Scope, text: &str) -> Vec<Diagnostic> {
    let root = asl_codegen::json::parse(text).ok();
    let mut out = Vec::new();
    let mut visit = vec![scope];
    while let Some(s) = visit.pop() {
        for st in &s.states {
            if let asl_codegen::model::Kind::Task(t) = &st.kind
                && t.credentials.is_some()
            {
                let pointer = format!("{}/Credentials", st.pointer);
                let span = root.as_ref().and_then(|r| at_pointer(r, &pointer)).map_or(st.name_span, |j| j.span);
                out.push(Diagnostic {
                    pointer,
                    span,
                    message: format!("state `{}`: `Credentials` is not applied when aslc runs the workflow", st.name),
                    help: Some("aslc cannot assume the role locally: the Tasks method runs with whatever credentials your own code uses".into()),
                    hidden: 0,
                });
            }
            visit.extend(st.scopes());
        }
    }
    out
}

fn at_pointer<'j>(root: &'j asl_codegen::json::Json, pointer: &str) -> Option<&'j asl_codegen::json::Json> {
    pointer.split('/').skip(1).try_fold(root, |node, key| {
        let key = key.replace("~1", "/").replace("~0", "~");
        match node.members() {
            Some(_) => node.get(&key),
            None => match &node.value {
                asl_codegen::json::JsonValue::Array(items) => items.get(key.parse::<usize>().ok()?),
                _ => None,
            },
        }
    })
}

fn check(files: &[PathBuf], format: CheckFormat, quiet: bool, deny_warnings: bool, color: bool) -> u8 {
    let mut code = 0;
    let mut records = Vec::new();
    for path in files {
        let name = label(path);
        let text = match read(path, color) {
            Ok(t) => t,
            Err(c) => {
                code = code.max(c);
                if format == CheckFormat::Json {
                    records.push(diagnostics::io_record(&name, "cannot read the file"));
                }
                continue;
            }
        };
        let Report { mut errors, mut warnings } = diagnose(path, &text);
        if deny_warnings {
            errors.append(&mut warnings);
            errors.sort_by_key(|d| (d.span.start, d.span.end));
        }
        let src = SourceFile { name: &name, text: &text };
        match format {
            CheckFormat::Json => {
                records.extend(errors.iter().map(|d| diagnostics::record(&src, d)));
                records.extend(warnings.iter().map(|d| diagnostics::warning_record(&src, d)));
            }
            CheckFormat::Human if errors.is_empty() => {
                let n = warnings.len();
                if n > 0 {
                    let mut err = std::io::stderr().lock();
                    let _ = writeln!(err, "{}", diagnostics::colorize(&diagnostics::render_warnings(&src, &warnings), color));
                }
                if !quiet {
                    let states = asl_codegen::check(&text).map(|m| count_states(&m.scope)).unwrap_or(0);
                    let warned = if n == 0 { String::new() } else { format!(", {n} warning{}", if n == 1 { "" } else { "s" }) };
                    println!("ok: {name} ({states} state{}{warned})", if states == 1 { "" } else { "s" });
                }
            }
            CheckFormat::Human => {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "{}", diagnostics::colorize(&src.render(&errors), color));
                if !warnings.is_empty() {
                    let _ = write!(err, "\n{}", diagnostics::colorize(&diagnostics::render_warnings(&src, &warnings), color));
                }
                // the true count: a capped report shows the first errors and counts the rest
                let n = asl_codegen::diagnostic::total(&errors);
                let _ = writeln!(err, "\n{}", diagnostics::headline(&format!("`{name}` is not a valid workflow: {n} error{}", if n == 1 { "" } else { "s" }), color));
            }
        }
        if !errors.is_empty() {
            code = code.max(INVALID);
        }
    }
    if format == CheckFormat::Json {
        println!("{}", serde_json::to_string_pretty(&serde_json::Value::Array(records)).expect("serializable"));
    }
    code
}

fn count_states(s: &asl_codegen::model::Scope) -> usize {
    s.states.iter().map(|st| 1 + st.scopes().into_iter().map(count_states).sum::<usize>()).sum()
}

/// Builds the graph of a workflow. A workflow with problems is still drawn as far as it can be
/// read (with a warning); one that cannot be read at all is an error.
fn load_graph(path: &Path, text: &str, color: bool) -> Result<Graph, u8> {
    let name = label(path);
    let stem = Names::from_path(&name).module;
    let root = asl_codegen::json::parse(text).ok();
    let src = SourceFile { name: &name, text };
    match asl_codegen::check(text) {
        Ok(m) => Ok(Graph::build(&stem, &m, root.as_ref())),
        Err(diags) => {
            let mut d = asl_codegen::diagnostic::Diagnostics::default();
            let partial = root.as_ref().and_then(|r| asl_codegen::parse::machine(r, text, &mut d));
            match partial {
                Some(m) => {
                    let n = diags.len();
                    eprintln!("{}", diagnostics::warning(&format!("`{name}` has {n} problem{}; drawing what can be read (see `asl check {name}`)", if n == 1 { "" } else { "s" }), color));
                    Ok(Graph::build(&stem, &m, root.as_ref()))
                }
                None => {
                    eprint!("{}", diagnostics::colorize(&src.render(&diags), color));
                    eprintln!("\n{}", diagnostics::headline(&format!("cannot draw `{name}`: it is not a workflow"), color));
                    Err(INVALID)
                }
            }
        }
    }
}

fn graph_cmd(path: &Path, format: GraphFormat, output: Option<&Path>, color: bool) -> u8 {
    let text = match read(path, color) {
        Ok(t) => t,
        Err(c) => return c,
    };
    let g = match load_graph(path, &text, color) {
        Ok(g) => g,
        Err(c) => return c,
    };
    let rendered = match format {
        GraphFormat::Mermaid => graph::mermaid::render(&g),
        GraphFormat::Dot => graph::dot::render(&g),
        GraphFormat::Svg => graph::svg::render(&g),
    };
    write_out(output, &rendered, color)
}

fn write_out(output: Option<&Path>, text: &str, color: bool) -> u8 {
    match output {
        Some(p) => match std::fs::write(p, text) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("{}", diagnostics::headline(&format!("cannot write `{}`: {}", p.display(), io_reason(&e)), color));
                USAGE
            }
        },
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`asl graph … | head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes());
            0
        }
    }
}

fn expand(path: &Path, color: bool) -> u8 {
    let text = match read(path, color) {
        Ok(t) => t,
        Err(c) => return c,
    };
    let name = label(path);
    match asl_codegen::compile(&name, &text, &Names::from_path(&name), None) {
        Ok(tokens) => write_out(None, &asl_codegen::pretty(&tokens), color),
        Err(diags) => {
            let src = SourceFile { name: &name, text: &text };
            eprint!("{}", diagnostics::colorize(&src.render(&diags), color));
            let n = diags.len();
            eprintln!("\n{}", diagnostics::headline(&format!("cannot expand `{name}`: {n} error{}", if n == 1 { "" } else { "s" }), color));
            INVALID
        }
    }
}
