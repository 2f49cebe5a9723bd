//! `asl new x && cd x && cargo test`, as a new user runs it: the scaffolded crate resolves its
//! dependencies (asl-runtime from this checkout), builds, and its tests pass.

mod common;

use common::*;

#[test]
fn a_new_crate_builds_and_its_tests_pass() {
    let dir = std::env::temp_dir().join(format!("asl-new-builds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_asl")).args(["new", "x"]).current_dir(&dir).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "created `x`: cd x && cargo test\n");

    let crate_dir = dir.join("x");
    let o = standalone_cargo(&crate_dir, &["test", "--quiet"]);
    assert!(o.status.success(), "cargo test in the new crate failed:\n{}\n{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("test result: ok. 2 passed"), "{out}");

    // The example says what it is doing before its Wait, and the Wait is short.
    let o = standalone_cargo(&crate_dir, &["run", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("running flows/hello.json\ngreet: greeting Ada; the workflow now waits 2 seconds\n"), "{out}");
    assert!(out.contains(r#""farewell":"Goodbye!""#), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}
