//! `asl new NAME`: a crate with a workflow, a main using `asl!` and a test on virtual time.

use std::fs;
use std::path::Path;

const CARGO_TOML: &str = include_str!("template/Cargo.toml");
const README: &str = include_str!("template/README.md");
const HELLO: &str = include_str!("template/hello.json");
const MAIN: &str = include_str!("template/main.rs");
const GITIGNORE: &str = "/target\n";

/// Creates the crate directory, or says why not (nothing is left behind on failure).
pub fn create(dir: &Path) -> Result<(), String> {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("`{}` does not end in a usable crate name", dir.display()))?;
    check_name(name)?;
    if dir.exists() {
        return Err(format!("`{}` already exists", dir.display()));
    }
    let write = || -> std::io::Result<()> {
        fs::create_dir_all(dir.join("flows"))?;
        fs::create_dir_all(dir.join("src"))?;
        fs::write(dir.join("Cargo.toml"), CARGO_TOML.replace("{{name}}", name))?;
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
        return Err(format!(
            "`{name}` is not a valid crate name: use ASCII letters, digits, `-` and `_`, not starting with a digit"
        ));
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
    fn names() {
        assert!(super::check_name("my-flows").is_ok());
        assert!(super::check_name("9lives").is_err());
        assert!(super::check_name("a b").is_err());
    }
}
