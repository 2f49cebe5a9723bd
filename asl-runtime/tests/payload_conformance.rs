//! Runs the one-Pass-state `Parameters` cases of the AWS conformance corpus through
//! `payload::eval` (paths, intrinsics and their failures).

use std::path::PathBuf;

use asl_runtime::__private::{Env, Vars, payload};
use asl_runtime::syntax::intrinsic::{looks_like_call, parse_call};
use asl_runtime::syntax::path::parse_path;
use asl_runtime::syntax::template::Template;
use asl_runtime::syntax::{Lit, Str};
use serde_json::Value;

/// The in-repository corpus (tests/conformance/corpus/cases).
fn corpus() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/corpus/cases");
    assert!(dir.is_dir(), "the conformance corpus is missing: {} is not a directory", dir.display());
    dir
}

fn lit(v: &Value) -> Lit {
    match v {
        Value::Null => Lit::Null,
        Value::Bool(b) => Lit::Bool(*b),
        Value::Number(n) => n.as_i64().map(Lit::Int).unwrap_or_else(|| Lit::Float(n.as_f64().unwrap_or_default())),
        Value::String(s) => Lit::Str(s.clone().into()),
        Value::Array(a) => Lit::Array(a.iter().map(lit).collect::<Vec<_>>().into()),
        Value::Object(o) => Lit::Object(o.iter().map(|(k, v)| (Str::from(k.clone()), lit(v))).collect::<Vec<_>>().into()),
    }
}

/// What asl-codegen does with a JSONPath payload template.
fn template(v: &Value) -> Template {
    match v {
        Value::Object(o) => Template::Object(
            o.iter()
                .map(|(k, v)| match (k.strip_suffix(".$"), v.as_str()) {
                    (Some(key), Some(s)) if looks_like_call(s) => (Str::from(key.to_owned()), Template::Call(parse_call(s).unwrap())),
                    (Some(key), Some(s)) => (Str::from(key.to_owned()), Template::Path(parse_path(s).unwrap())),
                    _ => (Str::from(k.clone()), template(v)),
                })
                .collect::<Vec<_>>()
                .into(),
        ),
        Value::Array(a) => Template::Array(a.iter().map(template).collect::<Vec<_>>().into()),
        other => Template::Lit(lit(other)),
    }
}

#[test]
fn single_pass_parameters_cases_match_aws() {
    let dir = corpus();
    let (mut checked, mut failures) = (0, Vec::new());
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let read = |f: &str| std::fs::read_to_string(entry.path().join(f)).ok().and_then(|s| serde_json::from_str::<Value>(&s).ok());
        let (Some(def), Some(input), Some(expected), Some(meta)) = (read("definition.json"), read("input.json"), read("expected.json"), read("meta.json")) else {
            continue;
        };
        let states = def["States"].as_object().unwrap();
        let state = &states[def["StartAt"].as_str().unwrap_or_default()];
        let simple =
            states.len() == 1 && state["Type"] == "Pass" && state["End"] == true && ["InputPath", "OutputPath", "ResultPath", "Assign", "QueryLanguage"].iter().all(|f| state.get(f).is_none());
        if !simple || meta["nondeterministic"] == true || meta["placeholders"] == true || def.get("QueryLanguage").is_some() {
            continue;
        }
        let Some(params) = state.get("Parameters") else { continue };
        let vars = Vars::new();
        let ctx = serde_json::json!({"Execution": {"Input": input.clone()}});
        let env = Env { context: &ctx, ..Env::of(&input, &vars) };
        let got = payload::eval(&template(params), &env);
        checked += 1;
        let ok = match (&got, expected["status"].as_str()) {
            (Ok(v), Some("SUCCEEDED")) => *v == expected["output"],
            (Err(e), Some("FAILED")) => Some(e.error.as_str()) == expected["error"].as_str(),
            _ => false,
        };
        if !ok {
            failures.push(format!("{}: got {got:?}, expected {expected}", entry.file_name().to_string_lossy()));
        }
    }
    assert!(failures.is_empty(), "{} of {checked} cases disagree with AWS:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 100, "only {checked} cases checked");
    eprintln!("{checked} Parameters cases agree with AWS");
}
