//! Hostile JSONata at run time: whatever an expression builds, evaluating it ends with a value
//! or `States.QueryEvaluationError`, never an abort, in bounded time and memory. Each case runs
//! on a plain thread with a 2 MiB stack, and in a task of a tokio runtime on such a thread (the
//! size of a tokio worker's stack).

use std::time::{Duration, Instant};

use asl_runtime::__private::Env;
use asl_runtime::__private::Vars;
use asl_runtime::Failure;
use asl_runtime::names;
use serde_json::{Value, json};

fn eval(text: &str) -> Result<Option<Value>, Failure> {
    eval_with(text, &json!({"n": 3}))
}

fn eval_with(text: &str, input: &Value) -> Result<Option<Value>, Failure> {
    let expr = asl_runtime::syntax::jsonata::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let vars = Vars::new();
    asl_runtime::__private::jsonata::eval(&expr, &Env::of(input, &vars))
}

/// Runs `f` on a 2 MiB thread, and in a tokio task on one.
fn everywhere(f: fn()) {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            rt.block_on(async move { tokio::spawn(async move { f() }).await.unwrap() });
        })
        .unwrap()
        .join()
        .unwrap();
}

/// The failure of `text`, which must be AWS's JSONata error with a cause starting `code`.
fn fails(text: &str, code: &str) -> Failure {
    let f = eval(text).expect_err(text);
    assert_eq!(f.error, names::QUERY_EVALUATION_ERROR, "{text}");
    assert!(f.cause.as_deref().unwrap_or("").starts_with(code), "{text}: {:?}", f.cause);
    f
}

/// A guard against hangs, generous for a loaded 2-core machine running a debug build (the
/// cases below take about 3 s there when idle; before the budgets they ran out of memory).
const SLOW: Duration = Duration::from_secs(60);

#[test]
fn deeply_nested_values_fail_instead_of_aborting() {
    everywhere(|| {
        // built by a tail-recursive loop (no stack) and by $reduce: 100,000 levels
        let f = fails("($f := function($n, $acc){ $n = 0 ? $acc : $f($n - 1, {'a': $acc}) }; $f(100000, 1))", "U1001");
        assert!(f.cause.unwrap().contains("nested deeper than 256 levels"));
        fails("$reduce([1..100000], function($acc, $i){ {'a': $acc, 'i': $i} }, 1)", "U1001");
        fails("$reduce([1..100000], function($acc, $i){ $spread({'a': $acc}) }, {})", "U1001");
        // input nested 200 deep, wrapped in 100 more levels: over the payload's 256 when copied
        // out as the result
        let deep_input = (0..200).fold(json!(1), |v, _| json!({"a": v}));
        let f = eval_with("$reduce([1..100], function($acc, $i){ {'a': $acc} }, $states.input)", &deep_input).unwrap_err();
        assert!(f.cause.unwrap().contains("nested deeper than 256 levels"));
        // 250 levels is fine, and converts to JSON
        let v = eval("$reduce([1..250], function($acc, $i){ {'a': $acc} }, 1)").unwrap().unwrap();
        let mut v = &v;
        for _ in 0..250 {
            v = &v["a"];
        }
        assert_eq!(v, &json!(1));
    });
}

#[test]
fn memory_is_bounded() {
    everywhere(|| {
        let start = Instant::now();
        // doubling a string: 2^40 bytes wanted
        let f = fails("$reduce([1..40], function($s, $i){ $s & $s }, 'ab')", "U1001");
        assert!(f.cause.unwrap().contains("more than 256 MiB"));
        fails("[1..10000000].[1..10000000]", "U1001");
        fails("$count([1..10000].([1..10000]))", "U1001");
        // one large string shared ten thousand times: cheap to build, huge to write out
        fails("($s := $join($map([1..100000], function(){'xxxxxxxxxx'})); $string($map([1..10000], function(){$s})))", "U1001");
        fails("($s := $join($map([1..100000], function(){'xxxxxxxxxx'})); $map([1..10000], function(){$s}))", "U1001");
        fails("($s := $join($map([1..100000], function(){'xxxxxxxxxx'})); $join($map([1..10000], function(){$s})))", "U1001");
        fails("($s := $join($map([1..100000], function(){'xxxxxxxxxx'})); $replace($join($map([1..100000], function(){'a'})), 'a', $s))", "U1001");
        fails("($s := $join($map([1..100000], function(){'xxxxxxxxxx'})); $replace($join($map([1..100000], function(){'a'})), /a/, $s))", "U1001");
        // an infinite tail-recursive loop makes a frame per call
        fails("($f := function($n){ $f($n + 1) }; $f(0))", "U1001");
        assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
        // below the limits, large work still succeeds
        assert_eq!(eval("$count([1..1000000])").unwrap(), Some(json!(1000000)));
        assert_eq!(eval("$length($join($map([1..100000], function(){'xxxxxxxxxx'})))").unwrap(), Some(json!(1000000)));
    });
}

#[test]
fn pictures_longer_than_a_format_width_do_not_panic() {
    // Rust's formatting width and precision must fit in a u16: these panicked
    let zeros = "$join($map([1..70000], function(){'0'}))";
    // (jsonata-js rounds with `toFixed`, which refuses more than 100 digits)
    fails(&format!("$formatNumber(1, '0.' & {zeros})"), "RangeError");
    let v = eval(&format!("$formatNumber(1, {zeros})")).unwrap().unwrap();
    assert!(v.as_str().unwrap().ends_with("0001"));
    let v = eval(&format!("$formatInteger(42, {zeros})")).unwrap().unwrap();
    assert_eq!(v.as_str().map(|s| (s.len(), s.ends_with("042"))), Some((70_000, true)));
    let v = eval(&format!("$fromMillis(0, '[Y' & {zeros} & ']')")).unwrap().unwrap();
    assert!(v.as_str().unwrap().ends_with("01970"));
    let v = eval(&format!("$fromMillis(0, '[Z' & {zeros} & ']', '+0130')")).unwrap().unwrap();
    assert!(v.as_str().unwrap().ends_with("0130"), "{}", v.as_str().unwrap().len());
}

#[test]
fn many_grouping_separators_are_refused_quickly() {
    let start = Instant::now();
    fails("$formatNumber(123.456, '#' & $join($map([1..100000], function(){',0'})))", "U1001");
    fails("$formatNumber(123.456, '0.0' & $join($map([1..100000], function(){',0'})))", "RangeError");
    assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
    assert_eq!(eval("$formatNumber(1234567.891, '#,##0.00')").unwrap(), Some(json!("1,234,567.89")));
    // a separator in the fraction while the integer part has more: this sliced past the end
    assert!(eval("$formatNumber(1234567.891, '#,###,###.0,0')").unwrap().is_some());
}

#[test]
fn arithmetic_overflow_fails_as_aws_does() {
    let f = fails("1.79e308 * 10", "D1001");
    assert_eq!(f.cause.as_deref(), Some("D1001: Number out of range: Infinity"));
    fails("{'a': [-1.79e308 * 10]}", "D1001");
    fails("1.79e308 + 1.79e308", "D1001");
    // dividing by zero is Infinity too
    fails("1 / 0", "D1001");
    assert_eq!(eval("1.79e308 * 1").unwrap(), Some(json!(1.79e308)));
}
#[test]
fn many_regex_matches_take_linear_time() {
    everywhere(|| {
        let start = Instant::now();
        let v = eval("$replace($join($map([1..100000], function(){'é'})), /é/, 'b')").unwrap().unwrap();
        assert_eq!(v.as_str().map(str::len), Some(100_000));
        let v = eval("$match($join($map([1..20000], function(){'aé'})), /é/)[-1].index").unwrap();
        assert_eq!(v, Some(json!(39_999)));
        assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
    });
}
