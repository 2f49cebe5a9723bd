//! Compiles every benchmark workload (`../shared/bench/workloads/<name>/definition.asl.json`, or
//! the directory in `ASL_BENCH_DIR`) into this binary, with stub Task handlers.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=ASL_BENCH_DIR");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = std::env::var_os("ASL_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("../../shared/bench/workloads"));
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()).filter(|e| e.path().join("definition.asl.json").exists()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    let mut code = String::new();
    let mut registry = String::from("pub static WORKLOADS: &[Workload] = &[\n");
    for name in &names {
        let path = dir.join(name).join("definition.asl.json");
        // Peer-specific task variants name resources `module:X` (statebox); aslc needs an ARN.
        let text = std::fs::read_to_string(&path).unwrap().replace("\"module:", "\"arn:aws:lambda:us-east-1:123456789012:function:");
        let input = std::fs::read_to_string(dir.join(name).join("input.json")).unwrap_or_else(|_| "{}".into());
        let module = format!("w_{}", name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
        // One method per state, as the README's figures were measured: pass_chain's 1000 states
        // would otherwise make it a table (`TABLE_MIN_STATES`).
        let names_ = asl_codegen::Names { module: module.clone(), machine: "Flow".into(), task_methods: Default::default(), lenient_variables: false, form: asl_codegen::Form::Methods };
        let machine = match asl_codegen::check(&text) {
            Ok(m) => m,
            Err(_) => {
                let _ = writeln!(registry, "    Workload {{ name: {name:?}, input: {input:?}, definition: {text:?}, run: None, skipped: Some(\"does not compile\") }},");
                continue;
            }
        };
        match asl_codegen::generate(name, &text, &names_, None) {
            Ok(tokens) => {
                code.push_str(&tokens.to_string());
                let methods = asl_codegen::emit::task_methods(&machine, &names_);
                let mut impls = String::new();
                for (arn, method) in methods {
                    let _ = write!(impls, "async fn {method}(&self, input: Value, _ctx: asl_runtime::TaskContext) -> Result<Value, Failure> {{ stub({arn:?}, input) }}\n");
                }
                let _ = writeln!(code, "\nimpl {module}::Tasks for Stubs {{ {impls} }}");
                // The machine is made once, as a service would; each run is one execution.
                let _ = writeln!(
                    code,
                    "fn run_{module}(rt: &tokio::runtime::Runtime, input: &Value, n: usize) -> Runs {{ static FLOW: std::sync::LazyLock<{module}::Flow<Stubs>> = std::sync::LazyLock::new(|| {module}::Flow::with_options(Stubs, bench_options())); measure(rt, input, n, |i| FLOW.start(i)) }}"
                );
                let _ = writeln!(registry, "    Workload {{ name: {name:?}, input: {input:?}, definition: {text:?}, run: Some(run_{module}), skipped: None }},");
            }
            Err(e) => {
                println!("cargo:warning=workload {name} is skipped: {}", e.lines().next().unwrap_or(""));
                let _ = writeln!(registry, "    Workload {{ name: {name:?}, input: {input:?}, definition: {text:?}, run: None, skipped: Some({:?}) }},", e.lines().next().unwrap_or(""));
            }
        }
    }
    registry.push_str("];\n");
    // `--park`: one Wait, then a Pass (the execution's input is its output).
    const PARK: &str = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"Done"},"Done":{"Type":"Pass","End":true}}}"#;
    let park = asl_codegen::Names { module: "park_flow".into(), machine: "Flow".into(), task_methods: Default::default(), lenient_variables: false, form: asl_codegen::Form::Auto };
    code.push_str(&asl_codegen::generate("park", PARK, &park, None).expect("the park workflow compiles").to_string());
    code.push_str(&registry);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("workloads.rs");
    std::fs::write(out, code).unwrap();
}
