//! `cargo run --release -p asl-conformance [-- --jsonl FILE] [--filter SUBSTRING] [--engine compiled|loaded|both] [--write-passing]`
//!
//! Runs the conformance cases and prints one JSON line per case (to stdout, or to FILE with
//! `--jsonl`), then `N passed, M failed`. `--write-passing` rewrites `passing.txt` (the ratchet)
//! from a full run.

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: asl-conformance [--jsonl FILE] [--filter SUBSTRING] [--engine compiled|loaded|both] [--write-passing]";

fn main() -> ExitCode {
    let mut jsonl = None;
    let mut filter = None;
    let mut write_passing = false;
    let mut engine = asl_conformance::Engine::Both;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--jsonl" | "--filter" => {
                let Some(value) = args.next() else {
                    eprintln!("{arg} needs a value\n{USAGE}");
                    return ExitCode::from(2);
                };
                if arg == "--jsonl" {
                    jsonl = Some(value);
                } else {
                    filter = Some(value);
                }
            }
            "--engine" => match args.next().map(|e| e.parse()) {
                Some(Ok(e)) => engine = e,
                Some(Err(e)) => {
                    eprintln!("{e}\n{USAGE}");
                    return ExitCode::from(2);
                }
                None => {
                    eprintln!("--engine needs a value\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--write-passing" => write_passing = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if write_passing && filter.is_some() {
        eprintln!("--write-passing needs a full run: drop --filter");
        return ExitCode::from(2);
    }
    // An empty corpus would report "0 passed" and `--write-passing` would empty the ratchet.
    if let Err(e) = asl_conformance::check_corpus(std::path::Path::new(asl_conformance::CASES_DIR), asl_conformance::CASES.len()) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let mut out: Box<dyn Write> = match &jsonl {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("cannot create {path}: {e}");
                return ExitCode::from(2);
            }
        },
        None => Box::new(std::io::stdout().lock()),
    };
    let mut outcomes = Vec::new();
    for case in asl_conformance::CASES.iter().filter(|c| filter.as_deref().is_none_or(|f| c.name.contains(f))) {
        let outcome = asl_conformance::run_case(case, engine);
        writeln!(out, "{}", outcome.to_json()).expect("write");
        outcomes.push(outcome);
    }
    let passed = outcomes.iter().filter(|o| o.pass).count();
    let summary = format!("{passed} passed, {} failed", outcomes.len() - passed);
    writeln!(out, "{summary}").expect("write");
    out.flush().expect("write");
    drop(out);
    if jsonl.is_some() {
        println!("{summary}");
    }
    let recorded = outcomes.iter().filter(|o| o.history.is_some()).count();
    let same = outcomes.iter().filter(|o| matches!(o.history, Some(Ok(())))).count();
    eprintln!("history: {same} of {recorded} recorded event sequences match");
    if write_passing {
        match asl_conformance::write_passing(&outcomes) {
            Ok(n) => eprintln!("wrote {n} cases to {}", asl_conformance::passing_file().display()),
            Err(e) => {
                eprintln!("cannot write {}: {e}", asl_conformance::passing_file().display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
