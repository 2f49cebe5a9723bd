//! Pass states: the input, or `Result`, or `Parameters`, placed by ResultPath.

use serde_json::Value;

use crate::cx::Cx;
use crate::error::Failure;
use crate::io::{DataFlow, PathField, ResultPath};
use crate::{path, payload};
#[cfg(test)]
use {crate::io::Io, asl_syntax::Lit};

pub use asl_syntax::spec::PassSpec;

/// Runs a Pass state.
pub fn run(spec: &PassSpec, input: Value, cx: &mut Cx) -> Result<Value, Failure> {
    // `Parameters` building the object that is already there (a loop updating one record: the
    // input itself when the result replaces it, or what its ResultPath holds): the new values
    // are written into that object instead of a new one being built and the old one dropped.
    // Same output, no allocation.
    let mut input = input;
    if let (false, None, Some(t), None) = (spec.io.jsonata, &spec.result, &spec.io.parameters, &spec.io.assign)
        && result_slot(&mut input, &spec.io.result_path).is_some_and(|old| payload::overwritable(t, old))
    {
        let mut values: [Value; payload::OVERWRITE_MAX] = Default::default();
        match (&spec.io.input_path, spec.io.context) {
            // The common case, without the general path's indirections.
            (PathField::Whole, 0) => payload::member_values(t, &cx.env(&input), &mut values)?,
            _ => {
                let effective = spec.io.effective_input(&input, cx)?;
                spec.io.with_env(cx, &effective, None, |env| payload::member_values(t, env, &mut values))?;
            }
        }
        if let Some(slot) = result_slot(&mut input, &spec.io.result_path) {
            payload::write_values(slot, &mut values);
        }
        return match spec.io.output_path {
            PathField::Whole => Ok(input),
            _ => spec.io.apply_output_path(input, cx),
        };
    }
    // When the result replaces the input, the input is the result's material: move it, no copy.
    if spec.result.is_none() && !spec.io.jsonata && matches!(spec.io.result_path, ResultPath::Replace) {
        let result = spec.io.arguments_owned(input, cx)?;
        return spec.io.output(Value::Null, result, cx);
    }
    let result = match &spec.result {
        Some(r) => payload::lit(r),
        None if spec.io.jsonata => input.clone(),
        None => spec.io.arguments(&input, cx)?,
    };
    spec.io.output(input, result, cx)
}

/// Where the state's result goes in `input`: the input itself (`ResultPath: "$"`), the value at
/// its ResultPath, or nowhere.
fn result_slot<'v>(input: &'v mut Value, result_path: &ResultPath) -> Option<&'v mut Value> {
    match result_path {
        ResultPath::Replace => Some(input),
        ResultPath::Merge(p) => path::slot_mut(input, p),
        ResultPath::Discard => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use asl_syntax::path::{parse_path, parse_reference_path};
    use asl_syntax::template::Template;
    use serde_json::json;

    use super::*;
    use crate::ExecutionOptions;

    /// `Parameters {"v.$": "$.v", "step": 1}`, `ResultPath $.last`.
    fn spec() -> PassSpec {
        let members = vec![("v".into(), Template::Path(parse_path("$.v").unwrap())), ("step".into(), Template::Lit(Lit::Int(1)))];
        let io = Io { parameters: Some(Template::Object(members.into())), result_path: ResultPath::Merge(parse_reference_path("$.last").unwrap()), ..Io::PLAIN };
        PassSpec { io, result: None }
    }

    fn run_text(input: Value) -> Result<String, Failure> {
        let mut cx = Cx::new(Arc::new(ExecutionOptions::default().info("t", Value::Null, 0)));
        run(&spec(), input, &mut cx).map(|v| v.to_string())
    }

    #[test]
    fn parameters_written_over_the_record_they_made_before_equal_a_new_record() {
        // The same shape: updated in place.
        assert_eq!(run_text(json!({"v": 1, "last": {"v": 0, "step": 1}})).unwrap(), r#"{"v":1,"last":{"v":1,"step":1}}"#);
        // Same keys in another order, other keys, not an object, absent: a new record.
        assert_eq!(run_text(json!({"v": 2, "last": {"step": 9, "v": 0}})).unwrap(), r#"{"v":2,"last":{"v":2,"step":1}}"#);
        assert_eq!(run_text(json!({"v": 2, "last": {"v": 0, "step": 1, "x": 0}})).unwrap(), r#"{"v":2,"last":{"v":2,"step":1}}"#);
        assert_eq!(run_text(json!({"v": 3, "last": 5})).unwrap(), r#"{"v":3,"last":{"v":3,"step":1}}"#);
        assert_eq!(run_text(json!({"v": 4})).unwrap(), r#"{"v":4,"last":{"v":4,"step":1}}"#);
        // A member reading the record itself sees it as it was.
        let members = vec![("v".into(), Template::Path(parse_path("$.last.v").unwrap()))];
        let io = Io { parameters: Some(Template::Object(members.into())), result_path: ResultPath::Merge(parse_reference_path("$.last").unwrap()), ..Io::PLAIN };
        let mut cx = Cx::new(Arc::new(ExecutionOptions::default().info("t", Value::Null, 0)));
        assert_eq!(run(&PassSpec { io, result: None }, json!({"last": {"v": 7}}), &mut cx).unwrap(), json!({"last": {"v": 7}}));
        // A path that finds nothing fails as a new record's would.
        let err = run_text(json!({"last": {"v": 0, "step": 1}})).unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        assert!(err.cause.unwrap().contains("specified for the field 'v.$'"));
    }

    #[test]
    fn parameters_written_over_an_input_of_the_same_shape_equal_a_new_output() {
        // `Parameters {"i.$": "$.i", "n": 1}` and no ResultPath: the result replaces the input.
        let members = vec![("i".into(), Template::Path(parse_path("$.j").unwrap())), ("n".into(), Template::Lit(Lit::Int(1)))];
        let spec = PassSpec { io: Io { parameters: Some(Template::Object(members.into())), ..Io::PLAIN }, result: None };
        let run_text = |input: Value| {
            let mut cx = Cx::new(Arc::new(ExecutionOptions::default().info("t", Value::Null, 0)));
            run(&spec, input, &mut cx).map(|v| v.to_string())
        };
        // Same shape as the output: a path that finds nothing fails as a new object's would.
        assert_eq!(run_text(json!({"i": 1, "n": 5})).unwrap_err().error, "States.Runtime");
        // Another shape: a new object.
        let same = r#"{"i":{"j":3},"n":1}"#;
        assert_eq!(run_text(serde_json::from_str(r#"{"j": {"j": 3}}"#).unwrap()).unwrap(), same);
        // `{"i.$": "$.i.j", "n": 1}` over `{"i": …, "n": …}`: written over; the member reads
        // the input as it was.
        let members = vec![("i".into(), Template::Path(parse_path("$.i.j").unwrap())), ("n".into(), Template::Lit(Lit::Int(1)))];
        let spec = PassSpec { io: Io { parameters: Some(Template::Object(members.into())), ..Io::PLAIN }, result: None };
        let mut cx = Cx::new(Arc::new(ExecutionOptions::default().info("t", Value::Null, 0)));
        assert_eq!(run(&spec, json!({"i": {"j": 7}, "n": 0}), &mut cx).unwrap().to_string(), r#"{"i":7,"n":1}"#);
        // Other order, extra or missing keys: a new object with only the template's keys.
        assert_eq!(run(&spec, json!({"n": 0, "i": {"j": 8}}), &mut cx).unwrap().to_string(), r#"{"i":8,"n":1}"#);
        assert_eq!(run(&spec, json!({"i": {"j": 9}, "n": 0, "x": 1}), &mut cx).unwrap().to_string(), r#"{"i":9,"n":1}"#);
        assert_eq!(run(&spec, json!({"i": {"j": 10}}), &mut cx).unwrap().to_string(), r#"{"i":10,"n":1}"#);
    }
}
