//! `asl check`, `asl expand`, `asl new` and bad input.

mod common;

use common::*;

#[test]
fn check_accepts_the_examples() {
    let mut args = vec!["check"];
    args.extend(EXAMPLES);
    let o = asl(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("ok: examples/order/order.json (8 states)"), "{}", stdout(&o));
    assert!(stderr(&o).is_empty());
}

#[test]
fn check_reports_every_problem_like_rustc() {
    let o = asl(&["check", "asl-cli/tests/flows/invalid.json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let want = "error: state `Check`: `Next` names `Shp`, which is not a state
 --> asl-cli/tests/flows/invalid.json:8:15 (at /States/Check/Next)
  |
8 |       \"Next\": \"Shp\"
  |               ^^^^^
  = help: did you mean `Ship`?
";
    assert!(err.contains(want), "{err}");
    assert!(err.contains("error: unknown field `ResultPth` in Task state `Check`"), "{err}");
    assert!(err.contains("= help: did you mean `ResultPath`?"), "{err}");
    assert!(err.contains("error: `asl-cli/tests/flows/invalid.json` is not a valid workflow: 2 errors"), "{err}");
    assert!(!err.contains('\x1b'), "no colour when not a terminal");
    // The same text `asl!` puts in its compile error.
    let text = std::fs::read_to_string(root().join("asl-cli/tests/flows/invalid.json")).unwrap();
    let label = "asl-cli/tests/flows/invalid.json";
    let expected = asl_codegen::generate(label, &text, &asl_codegen::Names::from_path(label), None).unwrap_err();
    assert!(err.starts_with(&expected), "{err}\n---\n{expected}");
}

#[test]
fn check_colours_on_request() {
    let o = asl(&["check", "--color", "always", "asl-cli/tests/flows/invalid.json"]);
    let err = stderr(&o);
    assert!(err.contains("\x1b[1;31merror\x1b[0m"), "{err:?}");
    assert!(err.contains("\x1b[1;34m-->\x1b[0m"), "{err:?}");
    let o = asl(&["--color", "never", "check", "asl-cli/tests/flows/invalid.json"]);
    assert!(!stderr(&o).contains('\x1b'));
}

#[test]
fn check_json_for_editors() {
    let o = asl(&["check", "--format", "json", "asl-cli/tests/flows/invalid.json", "examples/order/order.json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let list = v.as_array().unwrap();
    // The misspelt `Next` and the unknown field; reachability is not re-reported on top.
    assert_eq!(list.len(), 2);
    let next = list.iter().find(|d| d["pointer"] == "/States/Check/Next").unwrap();
    assert_eq!(next["file"], "asl-cli/tests/flows/invalid.json");
    assert_eq!((next["line"].as_u64(), next["column"].as_u64()), (Some(8), Some(15)));
    assert_eq!((next["end"]["line"].as_u64(), next["end"]["column"].as_u64()), (Some(8), Some(20)));
    assert_eq!(next["message"], "state `Check`: `Next` names `Shp`, which is not a state");
    assert_eq!(next["help"], "did you mean `Ship`?");
    assert_eq!(next["severity"], "error");

    let o = asl(&["check", "--format", "json", "examples/order/order.json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), "[]");
}

#[test]
fn bad_input_is_reported_without_panicking() {
    // Missing file: an I/O error, exit 2.
    let o = asl(&["check", "no/such/flow.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: cannot read `no/such/flow.json`: no such file\n");
    // Not JSON, not ASL: invalid workflows, exit 1.
    let o = asl(&["check", "asl-cli/tests/flows/not-json.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: invalid JSON: "), "{}", stderr(&o));
    let o = asl(&["check", "asl-cli/tests/flows/not-asl.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: a workflow must be a JSON object, found an array\n --> asl-cli/tests/flows/not-asl.json:1:1 (at /)"), "{}", stderr(&o));
    // A mix: the worst wins.
    let o = asl(&["check", "asl-cli/tests/flows/not-asl.json", "missing.json", "examples/order/order.json"]);
    assert_eq!(o.status.code(), Some(2));
    // The same for graph and expand.
    for cmd in ["graph", "expand"] {
        let o = asl(&[cmd, "asl-cli/tests/flows/not-asl.json"]);
        assert_eq!(o.status.code(), Some(1), "{cmd}");
        assert!(stderr(&o).contains("must be a JSON object, found an array"), "{cmd}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
        let o = asl(&[cmd, "asl-cli/tests/flows/not-json.json"]);
        assert_eq!(o.status.code(), Some(1), "{cmd}");
        let o = asl(&[cmd, "missing.json"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        let o = asl(&[cmd, "asl-cli"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: a directory");
    }
    // Usage errors: exit 2.
    for args in [&["frobnicate"][..], &["check"], &["graph", "x.json", "--format", "png"]] {
        let o = asl(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
    assert_eq!(asl(&["--help"]).status.code(), Some(0));
}

#[test]
fn graph_draws_a_broken_workflow_with_a_warning() {
    let o = asl(&["graph", "asl-cli/tests/flows/invalid.json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).starts_with("warning: `asl-cli/tests/flows/invalid.json` has 2 problems"), "{}", stderr(&o));
    assert!(stdout(&o).contains("Check[\"Check\"]"));
}

#[test]
fn expand_prints_the_generated_rust() {
    let o = asl(&["expand", "examples/order/order.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let text = std::fs::read_to_string(root().join("examples/order/order.json")).unwrap();
    let names = asl_codegen::Names::from_path("examples/order/order.json");
    let expected = asl_codegen::pretty(&asl_codegen::generate("examples/order/order.json", &text, &names, None).unwrap());
    assert_eq!(out, expected);
    assert!(out.contains("pub mod order"));
}

#[test]
fn new_scaffolds_a_crate() {
    let dir = std::env::temp_dir().join(format!("asl-cli-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("my-flows");
    let o = asl(&["new", target.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |p: &str| std::fs::read_to_string(target.join(p)).unwrap();
    let cargo = read("Cargo.toml");
    // By default, asl-runtime from the checkout this `asl` was built from.
    let runtime = root().join("asl-runtime").canonicalize().unwrap();
    assert!(cargo.contains("name = \"my-flows\"") && cargo.contains(&format!("asl-runtime = {{ path = {:?} }}", runtime.to_str().unwrap())), "{cargo}");
    let main = read("src/main.rs");
    assert!(main.contains("asl_runtime::asl!(\"flows/hello.json\");") && main.contains("#[tokio::test(start_paused = true)]"));
    assert!(read("README.md").starts_with("# my-flows"));
    let o = asl(&["check", target.join("flows/hello.json").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Not over an existing directory, not with a bad name.
    let o = asl(&["new", target.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"));
    let o = asl(&["new", dir.join("9 lives").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a valid crate name"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn new_takes_the_runtime_from_a_path_or_git() {
    let dir = std::env::temp_dir().join(format!("asl-cli-new-sources-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cargo = |name: &str| std::fs::read_to_string(dir.join(name).join("Cargo.toml")).unwrap();

    let o = asl(&["new", dir.join("by-git").to_str().unwrap(), "--git", "https://example.com/aslc.git"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(cargo("by-git").contains("\nasl-runtime = { git = \"https://example.com/aslc.git\" }\n"), "{}", cargo("by-git"));

    let o = asl(&["new", dir.join("by-path").to_str().unwrap(), "--path", "."]);
    assert!(o.status.success(), "{}", stderr(&o));
    let runtime = root().join("asl-runtime").canonicalize().unwrap();
    assert!(cargo("by-path").contains(&format!("\nasl-runtime = {{ path = {:?} }}\n", runtime.to_str().unwrap())), "{}", cargo("by-path"));

    // A directory that is not an aslc checkout is refused, and nothing is created.
    let o = asl(&["new", dir.join("by-bad-path").to_str().unwrap(), "--path", "asl-cli"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`asl-cli` is not an aslc checkout: it has no asl-runtime/Cargo.toml"), "{}", stderr(&o));
    assert!(!dir.join("by-bad-path").exists());
    let o = asl(&["new", dir.join("both").to_str().unwrap(), "--path", ".", "--git", "https://example.com/aslc.git"]);
    assert_eq!(o.status.code(), Some(2), "--path and --git together are a usage error");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// AWS accepts a read of a variable no state assigns (the execution fails when it reaches it):
/// `asl check` warns, `--deny warnings` makes it an error; `asl!` rejects it (tests/tests/ui).
#[test]
fn check_warns_about_unassigned_variables_and_deny_warnings_fails() {
    let o = asl(&["check", "--color", "never", "asl-cli/tests/flows/unassigned-variable.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "ok: asl-cli/tests/flows/unassigned-variable.json (2 states, 1 warning)\n");
    let err = stderr(&o);
    assert!(err.starts_with("warning: state `B` reads `$y`, which no state assigns\n --> asl-cli/tests/flows/unassigned-variable.json:6:47 (at /States/B/Output)\n"), "{err}");
    assert!(err.contains("|                                               ^^\n"), "the caret is under `$y`: {err}");

    let o = asl(&["check", "--color", "never", "--deny", "warnings", "asl-cli/tests/flows/unassigned-variable.json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("error: state `B` reads `$y`, which no state assigns\n"), "{err}");
    assert!(err.ends_with("error: `asl-cli/tests/flows/unassigned-variable.json` is not a valid workflow: 1 error\n"), "{err}");

    let o = asl(&["check", "--format", "json", "asl-cli/tests/flows/unassigned-variable.json"]);
    assert_eq!(o.status.code(), Some(0));
    let records: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(records[0]["severity"], "warning");
    assert!(records[0]["rendered"].as_str().unwrap().starts_with("warning: "));
}

/// AWS accepts a Task's `Credentials`; aslc cannot assume the role, and says so.
#[test]
fn check_accepts_credentials_and_says_they_are_not_applied() {
    let o = asl(&["check", "--color", "never", "asl-cli/tests/flows/credentials.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.starts_with("warning: state `T`: `Credentials` is not applied when aslc runs the workflow\n"), "{err}");
    assert!(err.contains("= help: aslc cannot assume the role locally"), "{err}");
}

/// A path that names something other than a workflow is refused without quoting it, and no
/// more than AWS's 1 MB definition size is read from it.
#[test]
fn files_that_are_not_workflows_are_not_quoted_nor_read_whole() {
    let dir = std::env::temp_dir().join(format!("asl-cli-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secret = dir.join("passwd");
    std::fs::write(&secret, "root:x:0:0:secret-token:/root:/bin/bash\n").unwrap();
    let big = dir.join("big.json");
    std::fs::write(&big, format!("[{}1]", "1,".repeat(600_000))).unwrap();
    for (path, expected) in [
        (secret.clone(), "it is not JSON, so it cannot be an ASL workflow (its content is not shown)".to_owned()),
        (big.clone(), "it is 1200003 bytes, over AWS's limit of 1048576 bytes (1 MB) for a definition".to_owned()),
        ("/dev/zero".into(), "it is more than 1048576 bytes, over AWS's limit of 1048576 bytes (1 MB) for a definition".to_owned()),
    ] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_asl")).args(["check", "--color", "never"]).arg(&path).output().unwrap();
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(stderr(&o), format!("error: cannot read `{}`: {expected}\n", path.display()));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Past the cap on reported diagnostics, the summary still counts every error (`asl check` and
/// `asl run` alike), and a key of 100,000 characters is quoted shortened.
#[test]
fn a_capped_report_counts_every_error() {
    let dir = std::env::temp_dir().join(format!("asl-cli-capped-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let flow = dir.join("many.json");
    // 250 states, each with one unknown field: 250 errors, 100 of them shown
    let states: Vec<String> = (0..250).map(|i| format!(r#""S{i}": {{"Type": "Pass", "Bogus{i}": 1, "Next": "S{}"}}"#, i + 1)).chain([r#""S250": {"Type": "Succeed"}"#.to_owned()]).collect();
    std::fs::write(&flow, format!(r#"{{"StartAt": "S0", "States": {{{}}}}}"#, states.join(",\n"))).unwrap();
    let long = dir.join("long.json");
    std::fs::write(&long, format!(r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Succeed", "{}": 1}}}}}}"#, "K".repeat(100_000))).unwrap();
    for command in ["check", "run"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_asl")).args([command, "--color", "never"]).arg(&flow).output().unwrap();
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o);
        assert_eq!(err.matches("error: unknown field").count(), 100, "{command}");
        assert!(err.contains("error: and 150 more errors, not shown (the first of them is here)"), "{command}: {err}");
        assert!(err.ends_with(&format!("error: `{}` is not a valid workflow: 250 errors\n", flow.display())), "{command}: {err}");
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_asl")).args(["check", "--color", "never"]).arg(&long).output().unwrap();
    let err = stderr(&o);
    assert!(err.starts_with(&format!("error: unknown field `{}…` in Succeed state `A`\n", "K".repeat(100))), "{}", &err[..err.len().min(300)]);
    assert!(err.len() < 2_000, "the key is not repeated: {} bytes", err.len());
    std::fs::remove_dir_all(&dir).unwrap();
}
