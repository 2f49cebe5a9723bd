//! `asl new NAME`: a crate with a workflow, a main using `asl!` and a test on virtual time.
//!
//! aslc is not on crates.io yet, so the crate depends on `asl-runtime` from an aslc checkout
//! (by default the one this `asl` was built from) or from a git repository.

use std::fs;
use std::path::{Path, PathBuf};

const CARGO_TOML: &str = include_str!("template/Cargo.toml");
const README: &str = include_str!("template/README.md");
const HELLO: &str = include_str!("template/hello.json");
const MAIN: &str = include_str!("template/main.rs");
const GITIGNORE: &str = "/target\n";

/// Where the new crate gets `asl-runtime` from.
pub enum Source {
    /// The aslc checkout this binary was built from.
    Default,
    /// An aslc checkout (the directory holding `asl-runtime/`).
    Path(PathBuf),
    /// A git repository of aslc.
    Git(String),
}

/// The checkout `asl` was compiled from: asl-cli's parent directory.
fn built_from() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("asl-cli sits in the aslc workspace").to_path_buf()
}

/// The `asl-runtime = …` dependency line for `source`, or why it cannot be written.
pub fn runtime_dependency(source: &Source) -> Result<String, String> {
    let checkout = match source {
        Source::Git(url) => return Ok(format!("asl-runtime = {{ git = {} }}", toml_string(url))),
        Source::Default => {
            let root = built_from();
            if !root.join("asl-runtime/Cargo.toml").is_file() {
                return Err(format!("this `asl` was built from {}, which no longer holds asl-runtime: pass `--path DIR` (an aslc checkout) or `--git URL`", root.display()));
            }
            root
        }
        Source::Path(dir) => {
            if !dir.join("asl-runtime/Cargo.toml").is_file() {
                return Err(format!("`{}` is not an aslc checkout: it has no asl-runtime/Cargo.toml", dir.display()));
            }
            dir.clone()
        }
    };
    // Absolute, so the crate builds wherever it was created.
    let runtime = checkout.join("asl-runtime");
    let runtime = runtime.canonicalize().unwrap_or(runtime);
    Ok(format!("asl-runtime = {{ path = {} }}", toml_string(&runtime.to_string_lossy())))
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Creates the crate directory, or says why not (nothing is left behind on failure).
pub fn create(dir: &Path, source: &Source) -> Result<(), String> {
    let name = dir.file_name().and_then(|n| n.to_str()).ok_or_else(|| format!("`{}` does not end in a usable crate name", dir.display()))?;
    check_name(name)?;
    if dir.exists() {
        return Err(format!("`{}` already exists", dir.display()));
    }
    let runtime = runtime_dependency(source)?;
    let write = || -> std::io::Result<()> {
        fs::create_dir_all(dir.join("flows"))?;
        fs::create_dir_all(dir.join("src"))?;
        fs::write(dir.join("Cargo.toml"), CARGO_TOML.replace("{{name}}", name).replace("{{asl-runtime}}", &runtime))?;
        fs::write(dir.join("README.md"), README.replace("{{name}}", name))?;
        fs::write(dir.join(".gitignore"), GITIGNORE)?;
        fs::write(dir.join("flows/hello.json"), HELLO)?;
        fs::write(dir.join("src/main.rs"), MAIN)?;
        Ok(())
    };
    write().map_err(|e| {
        let _ = fs::remove_dir_all(dir);
        format!("cannot create `{}`: {e}", dir.display())
    })
}

fn check_name(name: &str) -> Result<(), String> {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if name.is_empty() || !ok_chars || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("`{name}` is not a valid crate name: use ASCII letters, digits, `-` and `_`, not starting with a digit"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_template_workflow_is_valid() {
        let names = asl_codegen::Names::from_path("flows/hello.json");
        asl_codegen::compile("flows/hello.json", super::HELLO, &names, None).unwrap();
    }

    #[test]
    fn dependency_sources() {
        use super::{Source, runtime_dependency};
        let here = super::built_from();
        let line = runtime_dependency(&Source::Default).unwrap();
        let expected = here.join("asl-runtime").canonicalize().unwrap();
        assert_eq!(line, format!("asl-runtime = {{ path = {:?} }}", expected.to_str().unwrap()));
        assert_eq!(runtime_dependency(&Source::Path(here.clone())).unwrap(), line);
        let e = runtime_dependency(&Source::Path(here.join("asl-cli"))).unwrap_err();
        assert!(e.ends_with("is not an aslc checkout: it has no asl-runtime/Cargo.toml"), "{e}");
        assert_eq!(runtime_dependency(&Source::Git("https://example.com/a\"b.git".into())).unwrap(), r#"asl-runtime = { git = "https://example.com/a\"b.git" }"#);
    }

    #[test]
    fn names() {
        assert!(super::check_name("my-flows").is_ok());
        assert!(super::check_name("9lives").is_err());
        assert!(super::check_name("a b").is_err());
    }
}
