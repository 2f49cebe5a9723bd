//! Runs the single-rule Choice cases of the AWS conformance corpus through `choice::*`.

use std::path::PathBuf;

use asl_runtime::__private::choice::*;
use asl_runtime::__private::{Env, Vars};
use asl_runtime::syntax::{path::parse_path, timestamp};
use serde_json::Value;

/// The in-repository corpus (tests/conformance/corpus/cases).
fn corpus() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/corpus/cases");
    assert!(dir.is_dir(), "the conformance corpus is missing: {} is not a directory", dir.display());
    dir
}

/// Evaluates a leaf rule; `None` for rules this test does not cover.
fn leaf(rule: &serde_json::Map<String, Value>, env: &Env) -> Option<bool> {
    let var = parse_path(rule.get("Variable")?.as_str()?).ok()?;
    let (op, arg) = rule.iter().find(|(k, _)| !matches!(k.as_str(), "Variable" | "Next" | "Comment" | "Assign"))?;
    if op == "IsPresent" {
        return Some(is_present(&var, env) == arg.as_bool()?);
    }
    let v = variable(&var, env).ok()?;
    if let Some(base) = op.strip_suffix("Path") {
        let o = operand(&parse_path(arg.as_str()?).ok()?, env).ok()?;
        let f: fn(&Value, &Value) -> bool = match base {
            "StringEquals" => string_equals_path,
            "StringLessThan" => string_less_than_path,
            "StringGreaterThan" => string_greater_than_path,
            "StringLessThanEquals" => string_less_than_equals_path,
            "StringGreaterThanEquals" => string_greater_than_equals_path,
            "NumericEquals" => numeric_equals_path,
            "NumericLessThan" => numeric_less_than_path,
            "NumericGreaterThan" => numeric_greater_than_path,
            "NumericLessThanEquals" => numeric_less_than_equals_path,
            "NumericGreaterThanEquals" => numeric_greater_than_equals_path,
            "BooleanEquals" => boolean_equals_path,
            "TimestampEquals" => timestamp_equals_path,
            "TimestampLessThan" => timestamp_less_than_path,
            "TimestampGreaterThan" => timestamp_greater_than_path,
            "TimestampLessThanEquals" => timestamp_less_than_equals_path,
            "TimestampGreaterThanEquals" => timestamp_greater_than_equals_path,
            _ => return None,
        };
        return Some(f(&v, &o));
    }
    Some(match op.as_str() {
        "StringEquals" => string_equals(&v, arg.as_str()?),
        "StringLessThan" => string_less_than(&v, arg.as_str()?),
        "StringGreaterThan" => string_greater_than(&v, arg.as_str()?),
        "StringLessThanEquals" => string_less_than_equals(&v, arg.as_str()?),
        "StringGreaterThanEquals" => string_greater_than_equals(&v, arg.as_str()?),
        "StringMatches" => string_matches(&v, arg.as_str()?),
        "NumericEquals" => numeric_equals(&v, arg.as_f64()?),
        "NumericLessThan" => numeric_less_than(&v, arg.as_f64()?),
        "NumericGreaterThan" => numeric_greater_than(&v, arg.as_f64()?),
        "NumericLessThanEquals" => numeric_less_than_equals(&v, arg.as_f64()?),
        "NumericGreaterThanEquals" => numeric_greater_than_equals(&v, arg.as_f64()?),
        "BooleanEquals" => boolean_equals(&v, arg.as_bool()?),
        "TimestampEquals" => timestamp_equals(&v, &timestamp::parse(arg.as_str()?)?),
        "TimestampLessThan" => timestamp_less_than(&v, &timestamp::parse(arg.as_str()?)?),
        "TimestampGreaterThan" => timestamp_greater_than(&v, &timestamp::parse(arg.as_str()?)?),
        "TimestampLessThanEquals" => timestamp_less_than_equals(&v, &timestamp::parse(arg.as_str()?)?),
        "TimestampGreaterThanEquals" => timestamp_greater_than_equals(&v, &timestamp::parse(arg.as_str()?)?),
        "IsNull" => is_null(&v) == arg.as_bool()?,
        "IsNumeric" => is_numeric(&v) == arg.as_bool()?,
        "IsString" => is_string(&v) == arg.as_bool()?,
        "IsBoolean" => is_boolean(&v) == arg.as_bool()?,
        "IsTimestamp" => is_timestamp(&v) == arg.as_bool()?,
        _ => return None,
    })
}

#[test]
fn single_rule_choice_cases_match_aws() {
    let dir = corpus();
    let (mut checked, mut failures) = (0, Vec::new());
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let read = |f: &str| std::fs::read_to_string(entry.path().join(f)).ok().and_then(|s| serde_json::from_str::<Value>(&s).ok());
        let (Some(def), Some(input), Some(expected)) = (read("definition.json"), read("input.json"), read("expected.json")) else {
            continue;
        };
        let states = &def["States"];
        let start = &states[def["StartAt"].as_str().unwrap_or_default()];
        if start["Type"] != "Choice" || start.get("InputPath").is_some() {
            continue;
        }
        let Some(rules) = start["Choices"].as_array() else { continue };
        let (Some(rule), Some(default)) = (rules.first().and_then(Value::as_object), start["Default"].as_str()) else {
            continue;
        };
        if rules.len() != 1 {
            continue;
        }
        let vars = Vars::new();
        let env = Env::of(&input, &vars);
        let Some(matched) = leaf(rule, &env) else { continue };
        let next = if matched { rule["Next"].as_str().unwrap_or_default() } else { default };
        let target = &states[next];
        if target["Type"] != "Pass" || target.get("Result").is_none() || expected.get("output").is_none() {
            continue;
        }
        checked += 1;
        if target["Result"] != expected["output"] {
            failures.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    assert!(failures.is_empty(), "{} of {checked} cases disagree with AWS: {failures:?}", failures.len());
    assert!(checked > 300, "only {checked} cases checked");
    eprintln!("{checked} Choice cases agree with AWS");
}
