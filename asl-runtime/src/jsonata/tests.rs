//! Unit tests of the evaluator, plus a runner for jsonata-js's reference test suite
//! (`JSONATA_SUITE=<dir with groups/ and datasets/> cargo test -p asl-runtime suite -- --ignored`;
//! jsonata-rs ships a copy under `tests/testsuite`).

mod static_tree;
mod suite;

use serde_json::{Value, json};

use super::{EvalError, eval, evaluate};
use crate::env::Env;
use crate::error::names;
use crate::vars::Vars;

/// Evaluates `text` with `$states.input` = `input` and the workflow variables `vars`.
fn run(text: &str, input: Value, vars: Value) -> Result<Option<Value>, EvalError> {
    let expr = asl_syntax::jsonata::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let mut v = Vars::new();
    if let Value::Object(m) = vars {
        for (k, x) in m {
            v.set(k, x);
        }
    }
    let env = Env::of(&input, &v);
    evaluate(&expr, &env)
}

fn ok(text: &str, input: Value) -> Value {
    match run(text, input, json!({})) {
        Ok(Some(v)) => v,
        other => panic!("{text}: {other:?}"),
    }
}

fn undefined(text: &str, input: Value) {
    assert_eq!(run(text, input, json!({})), Ok(None), "{text}");
}

fn err(text: &str) -> String {
    match run(text, json!({}), json!({})) {
        Err(EvalError::Thrown(e)) => e.describe(),
        other => panic!("{text}: expected an error, got {other:?}"),
    }
}

fn sample() -> Value {
    json!({
        "name": "x",
        "items": [
            {"id": 1, "price": 10.5, "tags": ["a", "b"], "cat": "p"},
            {"id": 2, "price": 3, "tags": ["c"], "cat": "q"},
            {"id": 3, "price": 7, "tags": [], "cat": "p"}
        ],
        "nested": {"a": {"b": {"c": 5}}}
    })
}

#[test]
fn paths_and_sequences() {
    let i = sample();
    assert_eq!(ok("$states.input.name", i.clone()), json!("x"));
    assert_eq!(ok("$states.input.items.id", i.clone()), json!([1, 2, 3]));
    assert_eq!(ok("$states.input.items[0].id", i.clone()), json!(1));
    assert_eq!(ok("$states.input.items[-1].id", i.clone()), json!(3));
    assert_eq!(ok("$states.input.items[price > 5].id", i.clone()), json!([1, 3]));
    assert_eq!(ok("$states.input.items.tags", i.clone()), json!(["a", "b", "c"]));
    assert_eq!(ok("$states.input.items[id = 2].tags", i.clone()), json!(["c"]));
    assert_eq!(ok("$states.input.items[id = 2].tags[]", i.clone()), json!(["c"]));
    assert_eq!(ok("$states.input.nested.*.b.c", i.clone()), json!(5));
    assert_eq!(ok("$states.input.nested.**.c", i.clone()), json!(5));
    assert_eq!(ok("$states.input.items[[0, 2]].id", i.clone()), json!([1, 3]));
    undefined("$states.input.missing", i.clone());
    undefined("$states.input.items[id = 9]", i.clone());
    assert_eq!(ok("$states.input.items.(id * 2)", i.clone()), json!([2, 4, 6]));
    assert_eq!(ok("$states.input.`name`", i), json!("x"));
}

#[test]
fn operators() {
    let i = json!({"a": 5, "s": "str", "arr": [1, 2]});
    assert_eq!(ok("1 + 2 * 3 - 4 / 2 % 3", i.clone()), json!(5));
    assert_eq!(ok("$states.input.a > 3 and $states.input.s = 'str'", i.clone()), json!(true));
    assert_eq!(ok("1 != 1 or 2 <= 2", i.clone()), json!(true));
    assert_eq!(ok("'a' & 1 & true & null & [1,2]", i.clone()), json!("a1truenull[1,2]"));
    assert_eq!(ok("2 in $states.input.arr", i.clone()), json!(true));
    assert_eq!(ok("[1..4]", i.clone()), json!([1, 2, 3, 4]));
    assert_eq!(ok("$states.input.a > 3 ? 'big' : 'small'", i.clone()), json!("big"));
    assert_eq!(ok("$states.input.none ?: 'dflt'", i.clone()), json!("dflt"));
    assert_eq!(ok("$states.input.none ?? 'dflt'", i.clone()), json!("dflt"));
    assert_eq!(ok("0 ?? 'dflt'", i.clone()), json!(0));
    assert_eq!(ok("-$states.input.a", i.clone()), json!(-5));
    assert_eq!(ok("{'a': 1} = {'a': 1}", i.clone()), json!(true));
    undefined("$states.input.none + 1", i.clone());
    undefined("$states.input.none < 1", i);
}

#[test]
fn constructors_grouping_and_sorting() {
    let i = sample();
    assert_eq!(ok("[1, [2, 3], $states.input.items[0].tags]", i.clone()), json!([1, [2, 3], "a", "b"]));
    assert_eq!(ok("{'k': 1, 'l': [1]}", i.clone()), json!({"k": 1, "l": [1]}));
    assert_eq!(ok("$states.input.items{cat: $sum(price)}", i.clone()), json!({"p": 17.5, "q": 3}));
    assert_eq!(ok("$states.input.items^(>price).id", i.clone()), json!([1, 3, 2]));
    assert_eq!(ok("$states.input.items^(cat, >id).id", i.clone()), json!([3, 1, 2]));
    assert_eq!(ok("$states.input.items#$i[$i > 0].id", i.clone()), json!([2, 3]));
    assert_eq!(ok("$states.input.items@$it.{'id': $it.id}", i.clone()), json!([{"id": 1}, {"id": 2}, {"id": 3}]));
    assert_eq!(ok("$states.input.items#$i.{'i': $i}", i.clone())[2], json!({"i": 2}));
    assert_eq!(ok("$states.input.items.tags.{'tag': $, 'id': %.id}", i.clone())[2], json!({"tag": "c", "id": 2}));
    assert_eq!(ok("$states.input ~> |items|{'seen': true}, ['tags']|", i.clone())["items"][1], json!({"id": 2, "price": 3, "cat": "q", "seen": true}));
}

#[test]
fn blocks_bindings_and_lambdas() {
    let i = json!({"n": [1, 2, 3]});
    assert_eq!(ok("($x := 2; $y := $x * 3; $y)", i.clone()), json!(6));
    assert_eq!(ok("$map($states.input.n, function($v, $i){ $v * 10 + $i })", i.clone()), json!([10, 21, 32]));
    assert_eq!(ok("$filter($states.input.n, function($v){ $v > 1 })", i.clone()), json!([2, 3]));
    assert_eq!(ok("$reduce($states.input.n, function($a, $b){ $a + $b }, 10)", i.clone()), json!(16));
    assert_eq!(ok("($add := function($a, $b){ $a + $b }; $inc := $add(?, 1); $inc(41))", i.clone()), json!(42));
    assert_eq!(ok("($f := λ($x)<n:n>{ $x * 2 }; $f(4))", i.clone()), json!(8));
    assert_eq!(ok("$states.input.n ~> $sum()", i.clone()), json!(6));
    assert_eq!(ok("($up := $uppercase ~> $trim; $up('  ab '))", i.clone()), json!("AB"));
    // tail calls run in constant stack
    assert_eq!(ok("($loop := function($n, $acc){ $n = 0 ? $acc : $loop($n - 1, $acc + 1) }; $loop(10000, 0))", i.clone()), json!(10000));
    assert_eq!(ok("$sort([3, 1, 2], function($a, $b){ $a < $b })", i.clone()), json!([3, 2, 1]));
    assert_eq!(ok("$single([1, 2, 3], function($v){ $v = 2 })", i.clone()), json!(2));
    assert_eq!(ok("$sift({'a': 1, 'b': 2}, function($v){ $v > 1 })", i.clone()), json!({"b": 2}));
    assert_eq!(ok("$each({'a': 1, 'b': 2}, function($v, $k){ $k & $v })", i), json!(["a1", "b2"]));
}

#[test]
fn variables_and_states() {
    let input = json!({"a": 1});
    let vars = json!({"myVar": {"f": [1, 2]}, "count": 7});
    let r = |t: &str| run(t, input.clone(), vars.clone()).unwrap();
    assert_eq!(r("$myVar.f[1]"), Some(json!(2)));
    assert_eq!(r("$count"), Some(json!(7)), "workflow variables shadow built-ins");
    assert_eq!(r("$states.input"), Some(json!({"a": 1})));
    assert_eq!(r("$states.context"), Some(json!(null)));
    assert_eq!(r("$states"), Some(json!({"input": {"a": 1}, "context": null})));
    assert_eq!(r("$doesNotExist"), None);
    let result = json!({"r": true});
    let v = Vars::new();
    let mut env = Env::of(&input, &v);
    env.result = Some(&result);
    let e = asl_syntax::jsonata::parse("$states.result.r").unwrap();
    assert_eq!(evaluate(&e, &env), Ok(Some(json!(true))));
}

#[test]
fn string_functions() {
    let i = json!({});
    assert_eq!(ok("$string(1.0)", i.clone()), json!("1"));
    assert_eq!(ok("$string(0.1 + 0.2)", i.clone()), json!("0.3"));
    assert_eq!(ok("$string(1e21)", i.clone()), json!("1e+21"));
    assert_eq!(ok("$string({'a': [1, 'x']})", i.clone()), json!("{\"a\":[1,\"x\"]}"));
    assert_eq!(ok("$string([1], true)", i.clone()), json!("[\n  1\n]"));
    assert_eq!(ok("$substring('hello world', -5, 3)", i.clone()), json!("wor"));
    assert_eq!(ok("$substringBefore('a-b-c', '-') & $substringAfter('a-b-c', '-')", i.clone()), json!("ab-c"));
    assert_eq!(ok("$uppercase('ab') & $lowercase('CD') & $length('héllo')", i.clone()), json!("ABcd5"));
    assert_eq!(ok("$trim('  a \n b  ')", i.clone()), json!("a b"));
    assert_eq!(ok("$pad('x', -3, '#') & $pad('y', 3)", i.clone()), json!("##xy  "));
    assert_eq!(ok("$contains('hello$world', /^hello\\$/)", i.clone()), json!(true));
    assert_eq!(ok("$contains('hello$world', /^hello\\ /)", i.clone()), json!(false));
    assert_eq!(ok("$split('a,b,,c', ',')", i.clone()), json!(["a", "b", "", "c"]));
    assert_eq!(ok("$split('a1b22c', /\\d+/)", i.clone()), json!(["a", "b", "c"]));
    assert_eq!(ok("$join(['a', 'b'], '-')", i.clone()), json!("a-b"));
    assert_eq!(ok("$replace('John Smith', /(\\w+)\\s(\\w+)/, '$2, $1')", i.clone()), json!("Smith, John"));
    assert_eq!(ok("$replace('abcabc', 'b', 'X', 1)", i.clone()), json!("aXcabc"));
    assert_eq!(ok("$match('ab12cd3', /\\d+/).match", i.clone()), json!(["12", "3"]));
    assert_eq!(ok("$base64decode($base64encode('hi there'))", i.clone()), json!("hi there"));
    assert_eq!(ok("$encodeUrlComponent('a b&c')", i.clone()), json!("a%20b%26c"));
    assert_eq!(ok("$decodeUrl('a%20b%26c')", i.clone()), json!("a b%26c"));
    assert_eq!(ok("$formatNumber(1234.5, '#,##0.00')", i.clone()), json!("1,234.50"));
    assert_eq!(ok("$formatBase(255, 16)", i), json!("ff"));
}

#[test]
fn numeric_array_object_functions() {
    let i = json!({});
    assert_eq!(ok("[$sum([1,2]), $count([1,2,3]), $max([1,5]), $min([4,2]), $average([1,2])]", i.clone()), json!([3, 3, 5, 2, 1.5]));
    assert_eq!(ok("[$number('12.5'), $number('0x10'), $floor(1.7), $ceil(1.2), $abs(-2), $sqrt(16), $power(2, 10)]", i.clone()), json!([12.5, 16, 1, 2, 2, 4, 1024]));
    assert_eq!(ok("[$round(2.5), $round(3.5), $round(1.255, 2)]", i.clone()), json!([2, 4, 1.26]));
    assert_eq!(ok("[$boolean(''), $boolean([0, 1]), $not(0), $exists(null)]", i.clone()), json!([false, true, true, true]));
    assert_eq!(ok("$append([1], 2) ~> $reverse()", i.clone()), json!([2, 1]));
    assert_eq!(ok("$distinct([1, 2, 1, [1], [1]])", i.clone()), json!([1, 2, [1]]));
    assert_eq!(ok("$zip([1, 2], ['a', 'b', 'c'])", i.clone()), json!([[1, "a"], [2, "b"]]));
    assert_eq!(ok("$keys({'a': 1, 'b': 2})", i.clone()), json!(["a", "b"]));
    assert_eq!(ok("$lookup({'a': 1}, 'a')", i.clone()), json!(1));
    assert_eq!(ok("$spread({'a': 1, 'b': 2})", i.clone()), json!([{"a": 1}, {"b": 2}]));
    assert_eq!(ok("$merge([{'a': 1}, {'a': 2, 'b': 3}])", i.clone()), json!({"a": 2, "b": 3}));
    assert_eq!(ok("[$type(1), $type('s'), $type(null), $type([]), $type({}), $type($sum)]", i.clone()), json!(["number", "string", "null", "array", "object", "function"]));
    assert_eq!(ok("$count($shuffle([1, 2, 3]))", i.clone()), json!(3));
    assert_eq!(ok("$sort(['b', 'a'])", i.clone()), json!(["a", "b"]));
    assert_eq!(ok("$fromMillis(1517478133123)", i.clone()), json!("2018-02-01T09:42:13.123Z"));
    assert_eq!(ok("$toMillis('2018-02-01T09:42:13.123Z')", i.clone()), json!(1517478133123i64));
    assert_eq!(ok("$fromMillis(0, '[Y0001]-[M01]-[D01] [H01]:[m01]')", i.clone()), json!("1970-01-01 00:00"));
    assert_eq!(ok("$formatInteger(2024, 'I')", i.clone()), json!("MMXXIV"));
    assert!(ok("$millis()", i.clone()).is_number());
    assert_eq!(ok("$now() = $now()", i), json!(true));
}

#[test]
fn aws_functions() {
    let i = json!({"fst": [0, 1, 2, 3], "snd": 3});
    assert_eq!(ok("$partition($states.input.fst, $states.input.snd)", i.clone()), json!([[0, 1, 2], [3]]));
    assert_eq!(ok("$partition([0], 3)", i.clone()), json!([[0]]));
    assert_eq!(ok("$range(0, 10, 3)", i.clone()), json!([0, 3, 6, 9]));
    assert_eq!(ok("$range(1, 9, 9)", i.clone()), json!(1));
    assert_eq!(ok("$range(5, 1, -2)", i.clone()), json!([5, 3, 1]));
    assert_eq!(ok("$hash('abc', 'SHA-256')", i.clone()), json!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    assert_eq!(ok("$hash('abc', 'MD5')", i.clone()), json!("900150983cd24fb0d6963f7d28e17f72"));
    assert_eq!(ok("$random(7) = $random(7)", i.clone()), json!(true));
    let r = ok("$random()", i.clone()).as_f64().unwrap();
    assert!((0.0..1.0).contains(&r));
    assert_eq!(ok("$length($uuid())", i.clone()), json!(36));
    assert_eq!(ok("$parse('[1, 2, \"HelloWorld\"]')", i.clone()), json!([1, 2, "HelloWorld"]));
    assert_eq!(ok("$parse('1.1')", i), json!(1.1));
    assert!(err("$hash('a', 'SHA-3')").starts_with("D3200"));
    assert!(err("$partition([1], 0)").starts_with("D3200"));
    assert!(err("$parse('{')").starts_with("D3200"));
}

#[test]
fn error_codes_and_messages() {
    assert_eq!(err("$randomSeeded(1)"), "T1006: Attempted to invoke a non-function");
    assert_eq!(err("'s' - 1"), "T2001: The left side of the \"-\" operator must evaluate to a number");
    assert_eq!(err("1 + 's'"), "T2002: The right side of the \"+\" operator must evaluate to a number");
    assert_eq!(err("1 < 's'"), "T2009: The values 1 and \"s\" either side of operator \"<\" must be of the same data type");
    assert_eq!(err("{} < 1"), "T2010: The expressions either side of operator \"<\" must evaluate to numeric or string values");
    assert_eq!(err("$number('abc')"), "D3030: Unable to cast value to a number: \"abc\"");
    assert_eq!(err("$substring('a', 'b')"), "T0410: Argument 2 of function \"substring\" does not match function signature");
    assert_eq!(err("$sum(['a'])"), "T0412: Argument 1 of function \"sum\" must be an array of \"numbers\"");
    assert_eq!(err("$error('boom')"), "D3137: boom");
    assert_eq!(err("$assert(false, 'bad')"), "D3141: bad");
    assert_eq!(err("sum([1])"), "T1005: Attempted to invoke a non-function. Did you mean $sum?");
    assert_eq!(err("[1..20000000]"), "D2014: The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate 20000000.");
    assert_eq!(err("{'a': 1, 'a': 2}"), "D1009: Multiple key definitions evaluate to same key: \"a\"");
    assert_eq!(err("{1: 2}"), "T1003: Key in object structure must evaluate to a string; got: 1");
    assert_eq!(err("-'a'"), "D1002: Cannot negate a non-numeric value: \"a\"");
    assert_eq!(err("$single([1, 2])"), "D3138: The $single() function expected exactly 1 matching result.  Instead it matched more.");
    assert_eq!(err("$sqrt(-1)"), "D3060: The sqrt function cannot be applied to a negative number: -1");
    assert_eq!(err("1 ~> 2"), "T2006: The right side of the function application operator ~> must be a function");
    assert!(err("$match('a', /(?=a)/)").starts_with("U1002"));
}

#[test]
fn unbounded_work_is_cut_off() {
    assert!(err("($f := function($n){ $n + $f($n + 1) }; $f(0))").starts_with("U1001"));
    assert!(err("($f := function(){ $f() }; $f())").starts_with("U1001"));
    // deep non-tail recursion fails cleanly inside a tokio-sized (2 MiB) stack
    let t = std::thread::Builder::new().stack_size(2 << 20).spawn(|| {
        let r = run("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))", json!({}), json!({}));
        matches!(r, Err(EvalError::Thrown(e)) if e.code == "U1001")
    });
    assert!(t.unwrap().join().unwrap());
}

#[test]
fn failures_as_aws_reports_them() {
    let input = json!({});
    let v = Vars::new();
    let env = Env::of(&input, &v);
    let e = asl_syntax::jsonata::parse("$randomSeeded($states.input.FunctionInput.fst)").unwrap();
    let f = eval(&e, &env).unwrap_err();
    assert_eq!(f.error, names::QUERY_EVALUATION_ERROR);
    assert_eq!(f.cause.as_deref(), Some("T1006: Attempted to invoke a non-function"));
    match evaluate(&e, &env) {
        Err(x) => assert_eq!(
            x.describe("$randomSeeded($states.input.FunctionInput.fst)", "Output/FunctionResult"),
            "The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for the field \
             'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function"
        ),
        other => panic!("{other:?}"),
    }
    let e = asl_syntax::jsonata::parse("$fn := function($x){$x}").unwrap();
    assert_eq!(evaluate(&e, &env), Err(EvalError::UnsupportedResult));
    assert_eq!(super::undefined_cause("$doesNotExist", "Arguments"), "The JSONata expression '$doesNotExist' specified for the field 'Arguments' returned nothing (undefined).");
}

/// Every JSONata expression of the conformance corpus that has a deterministic output.
#[test]
fn conformance_expressions() {
    let i = json!({"input_values": [1, 2, 3], "part1": {"hello": "world"}, "part2": {"foo": "bar"}, "type": "Public", "result": {"done": false}});
    let vars = json!({"var_constant_1": 1});
    assert_eq!(run("$sum($states.input.input_values) + $var_constant_1", i.clone(), vars).unwrap(), Some(json!(7)));
    assert_eq!(ok("$merge([$states.input.part1, $states.input.part2])", i.clone()), json!({"hello": "world", "foo": "bar"}));
    assert_eq!(ok("$states.input.type = 'Public'", i.clone()), json!(true));
    assert_eq!(ok("$not($states.input.result.done)", i.clone()), json!(true));
    assert_eq!(ok("$states.input = '\"'", json!("\"")), json!(true));
    assert_eq!(ok("[1, 'two', 3]", i.clone()), json!([1, "two", 3]));
    assert_eq!(ok("[0]", i.clone()), json!([0]));
    assert_eq!(ok("[]", i.clone()), json!([]));
    assert_eq!(ok("{'foo': 'bar'}", i.clone()), json!({"foo": "bar"}));
    assert_eq!(ok("$variable := 1", i.clone()), json!(1));
    assert_eq!(ok("$parse('true')", i), json!(true));
}
