//! The build-script front end: compile workflow files to Rust in `OUT_DIR`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::emit::Names;

/// Compiles ASL files from a build script.
///
/// ```no_run
/// // build.rs
/// fn main() {
///     // The error is the rendered diagnostics: print them once and fail the build.
///     if let Err(e) = asl_codegen::Builder::new().compile("flows/order.json") {
///         eprintln!("{e}");
///         std::process::exit(1);
///     }
/// }
/// // src/main.rs
/// // include!(concat!(env!("OUT_DIR"), "/order.rs"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    out_dir: Option<PathBuf>,
    task_methods: BTreeMap<String, String>,
    module: Option<String>,
    machine: Option<String>,
    lenient_variables: bool,
}

/// A failed build: the rendered diagnostics (the same text `asl!` reports). `Display` and `Debug`
/// both print that text as it is, so `eprintln!("{e}")`, `panic!("{e}")` and `.unwrap()` all
/// show the diagnostics once and readable (not as an escaped string).
pub struct BuildError(pub String);

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

impl Builder {
    pub fn new() -> Self {
        Builder::default()
    }

    /// Where the `.rs` files go (default: `$OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Names the Task trait method for a resource ARN (instead of the derived name).
    pub fn task_method(mut self, resource: impl Into<String>, method: impl Into<String>) -> Self {
        self.task_methods.insert(resource.into(), method.into());
        self
    }

    /// The module name of the next compiled file (default: from the file name).
    pub fn module(mut self, name: impl Into<String>) -> Self {
        self.module = Some(name.into());
        self
    }

    /// The machine type name of the next compiled file (default: from the file name).
    pub fn machine(mut self, name: impl Into<String>) -> Self {
        self.machine = Some(name.into());
        self
    }

    /// Accepts reads of variables that no state assigns (AWS fails such executions at run time
    /// with `States.QueryEvaluationError`; by default aslc rejects them at build time).
    pub fn lenient_variables(mut self, lenient: bool) -> Self {
        self.lenient_variables = lenient;
        self
    }

    /// Compiles one file (path relative to the crate root) to `<out_dir>/<module>.rs`, emitting
    /// `cargo:rerun-if-changed`. The error carries the rendered diagnostics; nothing is printed
    /// here, so the caller prints them once.
    pub fn compile(&self, path: impl AsRef<Path>) -> Result<PathBuf, BuildError> {
        let path = path.as_ref();
        println!("cargo:rerun-if-changed={}", path.display());
        let label = path.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).map_err(|e| BuildError(format!("error: cannot read `{label}`: {e}")))?;
        let names = self.names(&label);
        let code = crate::generate(&label, &text, &names, None).map_err(BuildError)?;
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => PathBuf::from(std::env::var_os("OUT_DIR").ok_or_else(|| BuildError("OUT_DIR is not set: call Builder::out_dir or run from a build script".into()))?),
        };
        std::fs::create_dir_all(&out_dir).map_err(|e| BuildError(format!("cannot create {}: {e}", out_dir.display())))?;
        let file = out_dir.join(format!("{}.rs", names.module));
        let text = crate::pretty(&code);
        if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&file, text).map_err(|e| BuildError(format!("cannot write {}: {e}", file.display())))?;
        }
        Ok(file)
    }

    /// Compiles several files.
    pub fn compile_all<P: AsRef<Path>>(&self, paths: impl IntoIterator<Item = P>) -> Result<Vec<PathBuf>, BuildError> {
        paths.into_iter().map(|p| self.compile(p)).collect()
    }

    pub(crate) fn names(&self, label: &str) -> Names {
        let mut names = Names::from_path(label);
        if let Some(m) = &self.module {
            names.module = m.clone();
        }
        if let Some(m) = &self.machine {
            names.machine = m.clone();
        }
        names.task_methods = self.task_methods.clone();
        names.lenient_variables = self.lenient_variables;
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_print_as_the_rendered_diagnostics() {
        let dir = std::env::temp_dir().join(format!("asl-build-error-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let flow = dir.join("broken.json");
        std::fs::write(&flow, "{\n  \"StartAt\": \"Nope\",\n  \"States\": {\"A\": {\"Type\": \"Succeed\"}}\n}").unwrap();
        let e = Builder::new().out_dir(&dir).compile(&flow).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        let shown = e.to_string();
        assert!(shown.starts_with("error: `StartAt` names `Nope`"), "{shown}");
        assert!(shown.contains("\n  |"), "rendered over several lines: {shown}");
        // Debug (what `.unwrap()` shows) is the same text, not a quoted, escaped string.
        assert_eq!(format!("{e:?}"), shown);
    }
}
