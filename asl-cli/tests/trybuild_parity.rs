//! `asl check --deny warnings` prints, for every compile-fail case of the trybuild suite, the
//! same diagnostics that `asl!` put in the compile error recorded in the case's `.stderr`.
//! (`--deny warnings`: what AWS accepts but `asl!` rejects, a read of an unassigned variable, is
//! only a warning for `asl check`.)

mod common;

use common::*;

fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "stderr") {
            out.push(p);
        }
    }
}

#[test]
fn check_matches_every_compile_error() {
    let ui = root().join("tests/tests/ui/fail");
    let mut cases = Vec::new();
    walk(&ui, &mut cases);
    let mut compared = 0;
    for stderr_file in cases {
        let recorded = std::fs::read_to_string(&stderr_file).unwrap();
        let json = stderr_file.with_extension("json");
        // Only the cases where `asl!` rejected the workflow itself (not rustc errors, not macro options).
        let Some(first) = recorded.lines().next() else { continue };
        if !first.starts_with("error: invalid workflow `") || !json.exists() {
            continue;
        }
        // rustc indents the continuation lines of a compile error's message by 7 spaces.
        let body: String = recorded.lines().skip(1).take_while(|l| !l.starts_with(" --> tests/")).map(|l| format!("{}\n", l.strip_prefix("       ").unwrap_or(l))).collect();
        let dir = json.parent().unwrap();
        let name = json.file_name().unwrap().to_str().unwrap();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_asl")).args(["check", "--color", "never", "--deny", "warnings", name]).current_dir(dir).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}");
        let printed = stderr(&o);
        assert!(printed.starts_with(body.trim_end()), "{}:\n--- asl check ---\n{printed}\n--- compile error ---\n{body}", stderr_file.display());
        compared += 1;
    }
    assert!(compared >= 80, "only {compared} cases compared");
}
