//! Intrinsic functions on large inputs finish in linear time, with the results they had.

use std::time::{Duration, Instant};

use asl_runtime::__private::Env;
use asl_runtime::__private::Vars;
use serde_json::{Value, json};

fn call(text: &str, input: &Value) -> Value {
    let call = asl_runtime::syntax::intrinsic::parse_call(text).unwrap();
    let vars = Vars::new();
    asl_runtime::__private::intrinsics::call(&call, &Env::of(input, &vars)).unwrap()
}

/// Each case took seconds (quadratic) before; now milliseconds. Generous for a loaded machine
/// running a debug build.
const SLOW: Duration = Duration::from_secs(3);

#[test]
fn array_unique_is_linear_and_keeps_order_and_json_equality() {
    // 40,000 distinct objects, each twice, the second time with its keys in the other order
    let mut items: Vec<Value> = (0..40_000).map(|i| json!({"id": i, "tag": "t"})).collect();
    items.extend((0..40_000).map(|i| json!({"tag": "t", "id": i})));
    let input = json!({"a": items});
    let start = Instant::now();
    let out = call("States.ArrayUnique($.a)", &input);
    assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
    let out = out.as_array().unwrap();
    assert_eq!(out.len(), 40_000);
    assert_eq!(out[0], json!({"id": 0, "tag": "t"}));
    assert_eq!(out[39_999], json!({"id": 39_999, "tag": "t"}));
    // first occurrences, in order; numbers of different kinds, -0.0, nesting
    let input = json!({"a": [3, 1, 3, 1.0, 0.0, -0.0, "1", [1, {"b": [2]}], [1, {"b": [2]}], null, null, {"x": {"y": 1, "z": 2}}, {"x": {"z": 2, "y": 1}}, 1]});
    assert_eq!(call("States.ArrayUnique($.a)", &input), json!([3, 1, 1.0, 0.0, "1", [1, {"b": [2]}], null, {"x": {"y": 1, "z": 2}}]));
}

#[test]
fn string_split_with_a_long_delimiter_is_linear() {
    let delimiter: String = (0..125_000u32).filter_map(|i| char::from_u32(0x4e00 + i % 20_000)).collect();
    let text = format!("{}a{}b", "x".repeat(125_000), "y".repeat(125_000));
    let input = json!({"s": text, "d": format!("{delimiter}ab")});
    let start = Instant::now();
    let out = call("States.StringSplit($.s, $.d)", &input);
    assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
    assert_eq!(out, json!(["x".repeat(125_000), "y".repeat(125_000)]));
}
