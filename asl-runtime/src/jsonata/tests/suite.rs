use std::path::Path;

use serde_json::Value;

use crate::env::Env;
use crate::jsonata::{EvalError, evaluate_with_context};
use crate::vars::Vars;

/// JSON equality with numbers compared by value (1 == 1.0).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x == y || ((x - y).abs() <= 1e-12 * x.abs().max(y.abs()))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

/// Runs one case; `Err` describes a mismatch.
fn run_case(case: &Value, root: &Path, dir: &Path) -> Result<(), String> {
    let expr_text = match (&case["expr"], &case["expr-file"]) {
        (Value::String(s), _) => s.clone(),
        (_, Value::String(f)) => std::fs::read_to_string(dir.join(f)).map_err(|e| e.to_string())?,
        _ => return Err("no expression".into()),
    };
    let data: Option<Value> = match (&case["dataset"], case.get("data")) {
        (Value::String(d), _) => {
            let text = std::fs::read_to_string(root.join("datasets").join(format!("{d}.json"))).map_err(|e| e.to_string())?;
            Some(serde_json::from_str(&text).map_err(|e| e.to_string())?)
        }
        (_, Some(d)) => Some(d.clone()),
        _ => None,
    };
    let mut vars = Vars::new();
    if let Value::Object(b) = &case["bindings"] {
        for (k, v) in b {
            vars.set(k.clone(), v.clone());
        }
    }
    let null = Value::Null;
    let env = Env::of(&null, &vars);
    let outcome = match asl_syntax::jsonata::parse(&expr_text) {
        Err(e) => Err(e.message.split(':').next().unwrap_or("").to_string()),
        Ok(expr) => {
            let expr = Box::leak(Box::new(expr));
            let data: &'static Option<Value> = Box::leak(Box::new(data));
            match evaluate_with_context(expr, &env, data.as_ref()) {
                Ok(v) => Ok(v),
                Err(EvalError::Thrown(e)) => Err(e.code.to_string()),
                Err(EvalError::UnsupportedResult) => Ok(Some(Value::String("<function>".into()))),
            }
        }
    };
    let code = case.get("code").or_else(|| case.get("error").and_then(|e| e.get("code")));
    if let Some(code) = code.and_then(|c| c.as_str()) {
        return match outcome {
            Err(c) if c == code => Ok(()),
            other => Err(format!("expected error {code}, got {other:?}")),
        };
    }
    if case.get("undefinedResult") == Some(&Value::Bool(true)) {
        return match outcome {
            Ok(None) => Ok(()),
            other => Err(format!("expected undefined, got {other:?}")),
        };
    }
    if let Some(expected) = case.get("result") {
        return match outcome {
            Ok(Some(v)) if same(&v, expected) => Ok(()),
            other => Err(format!("expected {expected}, got {other:?}")),
        };
    }
    match outcome {
        Ok(Some(_)) => Ok(()), // nondeterministic results ($millis, $uuid) are only checked for success
        other => Err(format!("expected some result, got {other:?}")),
    }
}

#[test]
#[ignore]
fn suite() {
    std::thread::Builder::new().stack_size(1 << 30).spawn(run_suite).unwrap().join().unwrap();
}

fn run_suite() {
    let Ok(root) = std::env::var("JSONATA_SUITE") else {
        return;
    };
    let root = Path::new(&root);
    let mut files = vec![];
    for sub in ["groups", "skip"] {
        let Ok(groups) = std::fs::read_dir(root.join(sub)) else {
            continue;
        };
        for g in groups.flatten() {
            for f in std::fs::read_dir(g.path()).into_iter().flatten().flatten() {
                if f.path().extension().is_some_and(|e| e == "json") {
                    files.push(f.path());
                }
            }
        }
    }
    files.sort();
    let (mut pass, mut fail) = (0, 0);
    let mut report = String::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let cases = if let Value::Array(a) = v { a } else { vec![v] };
        let dir = f.parent().unwrap_or(root);
        for case in &cases {
            if std::env::var("SUITE_TRACE").is_ok() {
                eprintln!("{}: {}", f.display(), case["expr"]);
            }
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(case, root, dir)));
            match r {
                Ok(Ok(())) => pass += 1,
                Ok(Err(msg)) => {
                    fail += 1;
                    report.push_str(&format!("{}: {} :: {}\n", f.display(), case["expr"], msg));
                }
                Err(_) => {
                    fail += 1;
                    report.push_str(&format!("{}: {} :: PANIC\n", f.display(), case["expr"]));
                }
            }
        }
    }
    std::fs::write("/tmp/jsonata-suite-failures.txt", &report).ok();
    eprintln!("suite: {pass} passed, {fail} failed");
}
