//! Every Rust snippet of the workspace README compiles, with exactly the dependencies and tokio
//! features the README names (a crate of their own, so no other workspace member's features
//! help them along). `tests/readme/order.json` stands in for the tour's `flows/order.json`.

mod common;

use std::path::Path;

use common::*;

/// The README's fenced blocks of one language (`rust` also matches `rust,no_run`), in order.
fn blocks(readme: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) if info.split(',').next() == Some(lang) => current = Some(String::new()),
            (Some(_), Some("")) => out.push(current.take().unwrap()),
            (Some(text), _) => {
                text.push_str(line);
                text.push('\n');
            }
            _ => {}
        }
    }
    out
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn package(name: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n")
}

fn dep(krate: &str) -> String {
    format!("{krate} = {{ path = {:?} }}\n", root().join(krate).to_str().unwrap())
}

fn cargo_ok(dir: &Path, args: &[&str], what: &str) {
    let o = standalone_cargo(dir, args);
    assert!(o.status.success(), "{what}: `cargo {}` failed:\n{}", args.join(" "), stderr(&o));
}

#[test]
fn every_readme_rust_snippet_compiles() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let rust = blocks(&readme, "rust");
    let find = |marker: &str| -> String {
        let found: Vec<&String> = rust.iter().filter(|b| b.contains(marker)).collect();
        assert_eq!(found.len(), 1, "one README Rust snippet should contain {marker:?}");
        found[0].clone()
    };
    let tour = find("impl order::Tasks");
    let build = find("// build.rs");
    let virtual_time = find("start_paused = true");
    let loaded = find("Workflow::from_json");
    assert_eq!(rust.len(), 4, "README.md has a Rust snippet this test does not build: add it here");

    let order = std::fs::read_to_string(root().join("asl-cli/tests/readme/order.json")).unwrap();
    let dir = std::env::temp_dir().join(format!("asl-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);

    // The tour and the virtual-time test: the tour's dependencies as its first line states
    // them, the dev-dependencies from the README's TOML block.
    let deps = tour.lines().next().and_then(|l| l.strip_prefix("// Cargo.toml: ")).expect("the tour starts with its Cargo.toml line");
    assert!(deps.starts_with("asl-runtime, serde_json, tokio = "), "{deps}");
    let tokio = &deps["asl-runtime, serde_json, ".len()..];
    let dev = blocks(&readme, "toml").into_iter().find(|b| b.contains("test-util")).expect("a TOML block with tokio's test-util");
    let tour_dir = dir.join("tour");
    write(&tour_dir, "Cargo.toml", &format!("{}[dependencies]\n{}serde_json = \"1\"\n{tokio}\n\n{dev}", package("readme-tour"), dep("asl-runtime")));
    write(&tour_dir, "flows/order.json", &order);
    write(&tour_dir, "src/main.rs", &format!("{tour}\n#[cfg(test)]\nmod virtual_time {{\n    use super::*;\n\n{virtual_time}}}\n"));
    // `cargo build` without dev-dependencies: the tour's own tokio features must be enough.
    cargo_ok(&tour_dir, &["build", "--quiet"], "the tour");
    cargo_ok(&tour_dir, &["test", "--quiet"], "the virtual-time test");

    // A workflow loaded at run time: its dependencies as its first line states them, and it runs.
    let deps = loaded.lines().next().and_then(|l| l.strip_prefix("// Cargo.toml: ")).expect("the loader snippet starts with its Cargo.toml line");
    let tokio = deps.strip_prefix("asl-runtime, ").expect("asl-runtime first");
    let loaded_dir = dir.join("loaded");
    write(&loaded_dir, "Cargo.toml", &format!("{}[dependencies]\n{}{tokio}\n", package("readme-loaded"), dep("asl-runtime")));
    write(&loaded_dir, "src/main.rs", &loaded);
    let o = standalone_cargo(&loaded_dir, &["run", "--quiet"]);
    assert!(o.status.success(), "the loader snippet: {}", stderr(&o));
    assert_eq!(stdout(&o).trim(), r#"{"greeting":"hello \"Ada\""}"#);

    // The build-script front end: build.rs and src/main.rs from the one snippet.
    let (build_rs, main_rs) = build.split_once("// src/main.rs\n").expect("the build.rs snippet has a `// src/main.rs` part");
    assert!(build_rs.contains("build-dependency: asl-codegen"));
    let build_dir = dir.join("build");
    write(&build_dir, "Cargo.toml", &format!("{}[dependencies]\n{}\n[build-dependencies]\n{}", package("readme-build"), dep("asl-runtime"), dep("asl-codegen")));
    write(&build_dir, "flows/order.json", &order);
    write(&build_dir, "build.rs", build_rs);
    // The snippet shows only the include; the binary needs a main besides.
    write(&build_dir, "src/main.rs", &format!("{main_rs}\nfn main() {{}}\n"));
    cargo_ok(&build_dir, &["build", "--quiet"], "the build.rs snippet");

    // Its error path prints the diagnostics once, as rendered text.
    write(&build_dir, "flows/order.json", &order.replace(r#""StartAt": "CheckStock""#, r#""StartAt": "CheckStok""#));
    let o = standalone_cargo(&build_dir, &["build", "--quiet"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.matches("`StartAt` names `CheckStok`").count(), 1, "{err}");
    assert!(err.contains("--> flows/order.json:3:"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
