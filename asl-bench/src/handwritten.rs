//! The workloads written by hand in plain synchronous Rust over `serde_json` values, calling the
//! same Task stubs: no engine at all, so no history, no context, no async. `asl-bench
//! --handwritten WORKLOAD` times them like the compiled workflows: the ceiling an engine built
//! on `serde_json::Value` could reach, measured in the same run as aslc and its peers.

use serde_json::{Map, Value};

use crate::{Failure, stub};

/// The hand-written version of a workload, where there is one.
pub fn find(name: &str) -> Option<fn(Value) -> Result<Value, Failure>> {
    Some(match name {
        "pass_chain" => pass_chain,
        "choice_loop" => |i| math_loop(i, 100_000),
        "choice_loop_10k" => |i| math_loop(i, 10_000),
        "choice_loop_1k" => |i| math_loop(i, 1_000),
        "choice_loop_task" => |i| task_loop(i, 100_000),
        "choice_loop_task_10k" => |i| task_loop(i, 10_000),
        "choice_loop_task_1k" => |i| task_loop(i, 1_000),
        "retry_catch" => |i| retry_catch(i, 4),
        "retry_catch_noretry" => |i| retry_catch(i, 1),
        _ => return None,
    })
}

/// 1000 × `Parameters {"v.$": "$.v", "step": k}`, `ResultPath $.last`.
fn pass_chain(mut input: Value) -> Result<Value, Failure> {
    for step in 1..=1000u32 {
        let mut last = Map::new();
        last.insert("v".to_owned(), input.get("v").cloned().unwrap_or(Value::Null));
        last.insert("step".to_owned(), step.into());
        let Value::Object(record) = &mut input else { return Err(Failure::runtime("the input is not an object")) };
        record.insert("last".to_owned(), Value::Object(last));
    }
    Ok(input)
}

/// Choice `$.i < n`, then Pass `{"i.$": "States.MathAdd($.i, 1)"}`.
fn math_loop(mut input: Value, n: i64) -> Result<Value, Failure> {
    while let Some(i) = input.get("i").and_then(Value::as_i64).filter(|i| *i < n) {
        let mut next = Map::new();
        next.insert("i".to_owned(), (i + 1).into());
        input = Value::Object(next);
    }
    Ok(input)
}

/// Choice `$.i < n`, then the `inc` Task (its result replaces the input).
fn task_loop(mut input: Value, n: i64) -> Result<Value, Failure> {
    while input.get("i").and_then(Value::as_i64).is_some_and(|i| i < n) {
        input = stub("module:inc", input)?;
    }
    Ok(input)
}

/// A Task that always fails, tried `attempts` times, caught into `$.error`.
fn retry_catch(mut input: Value, attempts: u32) -> Result<Value, Failure> {
    let mut failure = None;
    for _ in 0..attempts {
        match stub("AlwaysFails", input.clone()) {
            Ok(v) => return Ok(v),
            Err(f) => failure = Some(f),
        }
    }
    let f = failure.expect("at least one attempt");
    let mut error = Map::new();
    error.insert("Error".to_owned(), f.error.into());
    error.insert("Cause".to_owned(), f.cause.map_or(Value::Null, Value::String));
    let Value::Object(record) = &mut input else { return Err(Failure::runtime("the input is not an object")) };
    record.insert("error".to_owned(), Value::Object(error));
    Ok(input)
}
