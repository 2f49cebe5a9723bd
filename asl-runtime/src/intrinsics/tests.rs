use asl_syntax::intrinsic::parse_call;
use serde_json::{Value, json};

use super::*;
use crate::Vars;

fn run(text: &str, input: Value) -> Result<Value, Failure> {
    let vars = Vars::new();
    let env = Env::of(&input, &vars);
    call_in_field(&parse_call(text).unwrap(), &env, "FunctionResult.$")
}

fn ok(text: &str, input: Value) -> Value {
    run(text, input).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Asserts an IntrinsicFailure with exactly this cause.
fn fails(text: &str, input: Value, cause: &str) {
    let err = run(text, input).unwrap_err();
    assert_eq!(err.error, "States.IntrinsicFailure", "{text}");
    assert_eq!(err.cause.as_deref(), Some(cause), "{text}");
}

#[test]
fn format() {
    let i = json!({"s": "HelloWorld", "n": null, "i": 1, "f": 1.1, "b": true,
        "o": {"Id": "arn", "Name": "x", "L": [1, "a", {"k": null}]}, "t": "{} and {}"});
    assert_eq!(ok("States.Format('Formatting argument {}.', $.s)", i.clone()), json!("Formatting argument HelloWorld."));
    assert_eq!(ok("States.Format('{} {} {} {}', $.n, $.i, $.f, $.b)", i.clone()), json!("null 1 1.1 true"));
    assert_eq!(ok("States.Format('snd={}.', $.o)", i.clone()), json!("snd={Id=arn, Name=x, L=[1, a, {k=null}]}."));
    assert_eq!(ok(r"States.Format('\{\} {}\\', 'x')", i.clone()), json!(r"{} x\"));
    assert_eq!(ok("States.Format($.t, 1, 'two')", i.clone()), json!("1 and two"));
    assert_eq!(ok("States.Format('none')", i.clone()), json!("none"));
    fails("States.Format('{} {}', 1)", i.clone(), "States.Format: the template has 2 placeholder(s) but 1 argument(s) were given");
    fails("States.Format($.i)", i, "States.Format: the template must be a string");
}

#[test]
fn json_functions() {
    assert_eq!(ok("States.StringToJson($.s)", json!({"s": ""})), Value::Null);
    assert_eq!(ok("States.StringToJson($.s)", json!({"s": "[1, 2, \"HelloWorld\"]"})), json!([1, 2, "HelloWorld"]));
    assert_eq!(ok("States.StringToJson('{\"a\": 1}')", json!({})), json!({"a": 1}));
    fails("States.StringToJson($.s)", json!({"s": "{bad"}), "States.StringToJson: the argument is not valid JSON");
    fails("States.StringToJson($.s)", json!({"s": 1}), "States.StringToJson: the argument must be a string");

    assert_eq!(ok("States.JsonToString($.v)", json!({"v": {"Arg1": 1, "Arg2": []}})), json!(r#"{"Arg1":1,"Arg2":[]}"#));
    assert_eq!(ok("States.JsonToString($.v)", json!({"v": "HelloWorld"})), json!(r#""HelloWorld""#));
    assert_eq!(ok("States.JsonToString($.v)", json!({"v": null})), json!("null"));
    assert_eq!(ok("States.JsonToString($.v)", json!({"v": 1.1})), json!("1.1"));

    let i = json!({"a": {"a": {"a1": 1}, "b": 2, "d": 3}, "b": {"a": {"a3": 1}, "c": 3, "d": 4}});
    let merged = ok("States.JsonMerge($.a, $.b, false)", i.clone());
    assert_eq!(serde_json::to_string(&merged).unwrap(), r#"{"a":{"a3":1},"b":2,"d":4,"c":3}"#);
    fails("States.JsonMerge($.a, $.b, true)", i.clone(), "States.JsonMerge: deep merge is not supported; the third argument must be false");
    fails("States.JsonMerge($.a, $.a.b, false)", i, "States.JsonMerge: the first two arguments must be JSON objects");
}

#[test]
fn arrays() {
    let i = json!({"a": [0, 1, 2, 3], "e": [], "d": [1, 2, 2, null, null, {"x": 1}, {"x": 1}, [1], [1]], "s": "x"});
    assert_eq!(ok("States.Array()", i.clone()), json!([]));
    assert_eq!(ok("States.Array('a', 1, $.a[0], States.Array())", i.clone()), json!(["a", 1, 0, []]));
    assert_eq!(ok("States.ArrayPartition($.a, 3)", i.clone()), json!([[0, 1, 2], [3]]));
    assert_eq!(ok("States.ArrayPartition($.e, 3)", i.clone()), json!([]));
    fails("States.ArrayPartition($.a, $.a[0])", i.clone(), "States.ArrayPartition: the chunk size must be greater than 0");
    fails("States.ArrayPartition($.s, 1)", i.clone(), "States.ArrayPartition: the first argument must be an array");
    assert_eq!(ok("States.ArrayContains($.d, $.d[5])", i.clone()), json!(true));
    assert_eq!(ok("States.ArrayContains($.e, null)", i.clone()), json!(false));
    assert_eq!(ok("States.ArrayRange(0, 10, 3)", i.clone()), json!([0, 3, 6, 9]));
    assert_eq!(ok("States.ArrayRange(1, 9, 9)", i.clone()), json!([1]));
    assert_eq!(ok("States.ArrayRange(5, 1, -2)", i.clone()), json!([5, 3, 1]));
    assert_eq!(ok("States.ArrayRange(5, 1, 2)", i.clone()), json!([]));
    assert_eq!(ok("States.ArrayRange(1, 1000, 1)", i.clone()).as_array().unwrap().len(), 1000);
    fails("States.ArrayRange(0, 1000, 1)", i.clone(), "States.ArrayRange: the range has 1001 items; at most 1000 are allowed");
    fails("States.ArrayRange(0, 5, $.a[0])", i.clone(), "States.ArrayRange: the step must not be 0");
    fails("States.ArrayRange(0, 5.5, 1)", i.clone(), "States.ArrayRange: the end must be an integer");
    assert_eq!(ok("States.ArrayGetItem($.a, 3)", i.clone()), json!(3));
    fails("States.ArrayGetItem($.a, 4)", i.clone(), "States.ArrayGetItem: the index 4 is out of bounds for an array of length 4");
    fails("States.ArrayGetItem($.a, -1)", i.clone(), "States.ArrayGetItem: the index -1 is out of bounds for an array of length 4");
    assert_eq!(ok("States.ArrayLength($.d)", i.clone()), json!(9));
    fails("States.ArrayLength($.s)", i.clone(), "States.ArrayLength: the argument must be an array");
    assert_eq!(ok("States.ArrayUnique($.d)", i.clone()), json!([1, 2, null, {"x": 1}, [1]]));
}

#[test]
fn encoding_and_hashing() {
    let i = json!({"s": "Data to encode", "e": "RGF0YSB0byBlbmNvZGU=", "long": "x".repeat(10_001), "in": "input data"});
    assert_eq!(ok("States.Base64Encode($.s)", i.clone()), json!("RGF0YSB0byBlbmNvZGU="));
    assert_eq!(ok("States.Base64Decode($.e)", i.clone()), json!("Data to encode"));
    assert_eq!(ok("States.Base64Encode('')", i.clone()), json!(""));
    fails("States.Base64Decode('***')", i.clone(), "States.Base64Decode: the input is not valid base64");
    fails("States.Base64Encode($.long)", i.clone(), "States.Base64Encode: the input has 10001 characters; at most 10000 are allowed");
    assert_eq!(ok("States.Hash($.in, 'MD5')", i.clone()), json!("812f45842bc6d66ee14572ce20db8e86"));
    assert_eq!(ok("States.Hash($.in, 'SHA-1')", i.clone()), json!("aaff4a450a104cd177d28d18d74485e8cae074b7"));
    assert_eq!(ok("States.Hash($.in, 'SHA-256')", i.clone()), json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"));
    assert_eq!(ok("States.Hash($.in, 'SHA-384')", i.clone()), json!("d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"));
    assert_eq!(
        ok("States.Hash($.in, 'SHA-512')", i.clone()),
        json!("6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4")
    );
    fails("States.Hash($.in, $.s)", i.clone(), "States.Hash: unknown algorithm 'Data to encode'; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512");
    fails("States.Hash($.long, 'MD5')", i, "States.Hash: the data has 10001 characters; at most 10000 are allowed");
}

#[test]
fn strings_math_uuid() {
    let i = json!({"csv": "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue", "n": 5});
    assert_eq!(ok("States.StringSplit(',,,,', ',')", i.clone()), json!([]));
    assert_eq!(ok("States.StringSplit('This.is+a,test=string', '.+,=')", i.clone()), json!(["This", "is", "a", "test", "string"]));
    assert_eq!(ok("States.StringSplit($.csv, ',')", i.clone()), json!(["Value1", "Value2", "Value3\nValue4", "Value5", "Value6\n", "\ntrue"]));
    fails("States.StringSplit($.n, ',')", i.clone(), "States.StringSplit: the input must be a string");

    for (a, b, sum) in [(-9.0, 3.0, -6), (1.5, 1.51, 4), (-1.5, -1.51, -3), (2.5, 0.0, 3), (-2.5, 0.0, -2), (-0.5, 0.0, 0), (-0.5, 0.5, 1)] {
        assert_eq!(ok("States.MathAdd($.a, $.b)", json!({"a": a, "b": b})), json!(sum), "{a} + {b}");
    }
    assert_eq!(ok("States.MathAdd(States.MathAdd(1, 2), -3)", i.clone()), json!(0));
    fails("States.MathAdd(2147483647, 1)", i.clone(), "States.MathAdd: the sum is outside the 32-bit integer range");
    fails("States.MathAdd(2147483648, 1)", i.clone(), "States.MathAdd: the first argument 2147483648 is outside the 32-bit integer range");
    fails("States.MathAdd($.csv, 1)", i.clone(), "States.MathAdd: the first argument must be a number");

    for _ in 0..50 {
        let r = ok("States.MathRandom(12.5, 44.51)", i.clone()).as_i64().unwrap();
        assert!((13..45).contains(&r));
    }
    // Seeded calls repeat (java.util.Random(42).nextInt(100) == 30).
    assert_eq!(ok("States.MathRandom(0, 100, 42)", i.clone()), json!(30));
    assert_eq!(ok("States.MathRandom(10, 110, 42)", i.clone()), json!(40));
    fails("States.MathRandom(5, 5)", i.clone(), "States.MathRandom: the start must be less than the end");

    let u = ok("States.UUID()", i);
    let u = u.as_str().unwrap();
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "4");
}

#[test]
fn missing_path_arguments_name_the_field() {
    let err = run("States.Format('{}', $.nope)", json!({"a": 1})).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(err.cause.as_deref(), Some(r#"The JSONPath '$.nope' specified for the field 'FunctionResult.$' could not be found in the input '{"a":1}'"#));
}

#[test]
fn context_and_variables() {
    let input = json!({});
    let ctx = json!({"Execution": {"Name": "e1"}, "Map": {"Item": {"Value": "Pikachu"}}});
    let mut vars = Vars::new();
    vars.set("t", json!("It's {}!"));
    let env = Env { context: &ctx, ..Env::of(&input, &vars) };
    let c = parse_call("States.Format($t, $$.Map.Item.Value)").unwrap();
    assert_eq!(call(&c, &env).unwrap(), json!("It's Pikachu!"));
}

#[test]
fn a_missing_path_argument_names_its_field() {
    let vars = Vars::new();
    let input = json!({"a": 1});
    let env = Env::of(&input, &vars);
    let call = parse_call("States.MathAdd($.missing, 1)").unwrap();
    let in_member = call_in_member(&call, &env, "total").unwrap_err();
    assert!(in_member.cause.unwrap().contains("specified for the field 'total.$' could not be found"));
    let in_field = call_in_field(&call, &env, "ErrorPath").unwrap_err();
    assert!(in_field.cause.unwrap().contains("specified for the field 'ErrorPath' could not be found"));
    // A long key is named whole.
    let key = "k".repeat(100);
    let long = call_in_member(&call, &env, &key).unwrap_err();
    assert!(long.cause.unwrap().contains(&format!("field '{key}.$'")));
}
