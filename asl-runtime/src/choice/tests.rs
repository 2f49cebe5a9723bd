use asl_syntax::path::parse_path;
use asl_syntax::timestamp::parse as ts;
use serde_json::{Value, json};

use super::*;
use crate::Vars;

#[test]
fn strings() {
    assert!(string_equals(&json!("Hello"), "Hello"));
    assert!(!string_equals(&json!("\t\n"), "\t\r\n"));
    assert!(!string_equals(&json!(0), "0"));
    assert!(!string_equals(&Value::Null, "null"));
    assert!(string_less_than(&json!("A"), "AB"));
    assert!(!string_greater_than(&json!("A"), "A "));
    assert!(string_greater_than_equals(&json!(""), ""));
    assert!(string_less_than_equals(&json!("A"), "AB"));
    assert!(!string_less_than_equals(&json!("AB"), "A"));
    // UTF-16 order, as Java compares: U+FF61 sorts after U+1F600 (a surrogate pair).
    assert!(string_greater_than(&json!("\u{FF61}"), "\u{1F600}"));
    assert!(string_equals_path(&json!("x"), &json!("x")));
    assert!(!string_equals_path(&json!("1"), &json!(1)));
    assert!(string_less_than_path(&json!("A"), &json!("AB")));
}

#[test]
fn string_matches_wildcards_and_escapes() {
    let m = |v: &str, p: &str| string_matches(&json!(v), p);
    assert!(m("log-2024.txt", "log-*.txt"));
    assert!(m("anything", "*"));
    assert!(m("", "*"));
    assert!(!m("", "?"));
    assert!(m("abc", "a*b*c"));
    assert!(m("aXbYc", "a*b*c"));
    assert!(!m("abd", "a*c"));
    assert!(m("a*b", r"a\*b"));
    assert!(!m("aXb", r"a\*b"));
    assert!(m(r"a\b", r"a\\b"));
    assert!(m(r"x\yz", r"x\\*"));
    assert!(m("héllo wörld", "h*ö*"));
    assert!(!string_matches(&json!(1), "*"));
}

#[test]
fn numbers() {
    assert!(numeric_equals(&json!(0), 0.0));
    assert!(numeric_equals(&json!(0.0), 0.0));
    assert!(numeric_equals(&json!(2.22), 2.22));
    assert!(!numeric_equals(&json!(1.1), 1.0));
    assert!(!numeric_equals(&json!("1"), 1.0));
    assert!(!numeric_equals(&json!(true), 1.0));
    assert!(!numeric_equals(&Value::Null, 0.0));
    assert!(numeric_equals(&json!(9_007_199_254_740_993_i64), 9_007_199_254_740_992.0) == (9_007_199_254_740_993_i64 == 9_007_199_254_740_992));
    assert!(numeric_less_than(&json!(0), 1.0));
    assert!(!numeric_less_than(&json!(0.0), 0.0));
    assert!(numeric_less_than_equals(&json!(1), 1.0));
    assert!(numeric_greater_than(&json!(1), 0.0));
    assert!(numeric_greater_than_equals(&json!(0.0), 0.0));
    assert!(numeric_equals_path(&json!(0), &json!(0.0)));
    assert!(!numeric_equals_path(&json!(0), &json!("0")));
    assert!(numeric_less_than_path(&json!(0), &json!(1)));
    assert!(numeric_greater_than_equals_path(&json!(1), &json!(0)));
}

#[test]
fn booleans() {
    assert!(boolean_equals(&json!(true), true));
    assert!(boolean_equals(&json!(false), false));
    assert!(!boolean_equals(&json!(0), false));
    assert!(!boolean_equals(&json!("true"), true));
    assert!(!boolean_equals(&Value::Null, false));
    assert!(boolean_equals_path(&json!(false), &json!(false)));
    assert!(!boolean_equals_path(&json!(false), &json!(0)));
}

#[test]
fn timestamps() {
    let t = ts("2012-10-09T19:00:55Z").unwrap();
    assert!(timestamp_equals(&json!("2012-10-09T19:00:55Z"), &t));
    assert!(timestamp_equals(&json!("2012-10-09T20:00:55+01:00"), &t));
    assert!(!timestamp_equals(&json!("2012-10-09T19:00:55"), &t));
    assert!(!timestamp_equals(&json!(0), &t));
    assert!(timestamp_less_than(&json!("2012-10-09T19:00:54.999Z"), &t));
    assert!(timestamp_greater_than(&json!("2012-10-09T19:00:56Z"), &t));
    assert!(timestamp_less_than_equals(&json!("2012-10-09T19:00:55Z"), &t));
    assert!(timestamp_greater_than_equals(&json!("2012-10-09T19:00:55Z"), &t));
    assert!(timestamp_equals_path(&json!("2012-10-09T19:00:55Z"), &json!("2012-10-09T19:00:55.000Z")));
    assert!(!timestamp_less_than_path(&json!("2012-10-09T19:00:56Z"), &json!("2012-10-09T19:00:55Z")));
    assert!(!timestamp_equals_path(&json!("x"), &json!("x")));
}

#[test]
fn type_tests() {
    let all = [json!(null), json!(""), json!("2012-10-09T19:00:55Z"), json!(0), json!(1.1), json!(true), json!([]), json!({})];
    let names: Vec<_> = all.iter().map(|v| [is_null(v), is_string(v), is_numeric(v), is_boolean(v), is_timestamp(v)]).collect();
    assert_eq!(
        names,
        vec![
            [true, false, false, false, false],
            [false, true, false, false, false],
            [false, true, false, false, true],
            [false, false, true, false, false],
            [false, false, true, false, false],
            [false, false, false, true, false],
            [false, false, false, false, false],
            [false, false, false, false, false],
        ]
    );
}

#[test]
fn variables_and_presence() {
    let input = json!({"a": null, "b": 1});
    let mut vars = Vars::new();
    vars.set("v", json!("x"));
    let env = Env::of(&input, &vars);
    let p = |s: &str| parse_path(s).unwrap();
    assert!(is_present(&p("$.a"), &env));
    assert!(!is_present(&p("$.z"), &env));
    assert!(is_present(&p("$v"), &env));
    assert!(!is_present(&p("$w"), &env));
    assert_eq!(*variable(&p("$.b"), &env).unwrap(), json!(1));
    let err = variable(&p("$.z"), &env).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(err.cause.as_deref(), Some("Invalid path '$.z': The choice state's condition path references an invalid value."));
    let err = operand(&p("$.y"), &env).unwrap_err();
    assert_eq!(err.cause.as_deref(), Some("Invalid path '$.y': The choice state's comparison path references an invalid value."));
}
