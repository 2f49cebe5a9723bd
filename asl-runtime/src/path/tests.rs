use std::borrow::Cow;

use asl_syntax::path::{parse_path, parse_reference_path};
use serde_json::{Value, json};

use super::*;
use crate::{Env, Vars};

fn sel(path: &str, input: &Value) -> Option<Value> {
    let vars = Vars::new();
    let env = Env::of(input, &vars);
    select(&parse_path(path).unwrap(), &env).map(Cow::into_owned)
}

fn store() -> Value {
    json!({
        "store": {
            "book": [
                {"category": "reference", "author": "Rees", "title": "Sayings", "price": 8.95},
                {"category": "fiction", "author": "Waugh", "title": "Sword", "price": 12.99},
                {"category": "fiction", "author": "Melville", "title": "Moby Dick", "isbn": "0-553", "price": 8.99},
                {"category": "fiction", "author": "Tolkien", "title": "LOTR", "isbn": "0-395", "price": 22.99}
            ],
            "bicycle": {"color": "red", "price": 19.95}
        },
        "expensive": 10
    })
}

#[test]
fn definite_paths_borrow() {
    let input = json!({"a": {"b": [1, 2, 3]}});
    let vars = Vars::new();
    let env = Env::of(&input, &vars);
    let got = select(&parse_path("$.a.b").unwrap(), &env).unwrap();
    assert!(matches!(got, Cow::Borrowed(_)));
    assert_eq!(*got, json!([1, 2, 3]));
    assert!(matches!(select(&parse_path("$").unwrap(), &env), Some(Cow::Borrowed(_))));
}

#[test]
fn definite_paths() {
    let input = json!({"a": {"b": [1, 2, 3]}, "n": null});
    assert_eq!(sel("$.a.b[0]", &input), Some(json!(1)));
    assert_eq!(sel("$.a.b[-1]", &input), Some(json!(3)));
    assert_eq!(sel("$['a']['b'][1]", &input), Some(json!(2)));
    assert_eq!(sel("$.n", &input), Some(Value::Null));
    assert_eq!(sel("$.a.b[3]", &input), None);
    assert_eq!(sel("$.a.b[-4]", &input), None);
    assert_eq!(sel("$.x", &input), None);
    assert_eq!(sel("$.a.x.y", &input), None);
    assert_eq!(sel("$.a.b.c", &input), None);
    assert_eq!(sel("$.a.b.length()", &input), Some(json!(3)));
    // A trailing name list merges the members that exist into one object.
    assert_eq!(sel("$['a','n','zz']", &input), Some(json!({"a": {"b": [1, 2, 3]}, "n": null})));
}

#[test]
fn indefinite_paths_always_give_arrays() {
    let input = json!({"a": [1, 2, 3, 4, 5], "o": {"x": 1, "y": 2}});
    assert_eq!(sel("$.a[*]", &input), Some(json!([1, 2, 3, 4, 5])));
    assert_eq!(sel("$.o.*", &input), Some(json!([1, 2])));
    assert_eq!(sel("$.a[0,2,9]", &input), Some(json!([1, 3])));
    assert_eq!(sel("$.nothing[*]", &input), Some(json!([])));
    assert_eq!(sel("$.a[1:3]", &input), Some(json!([2, 3])));
    assert_eq!(sel("$.a[:2]", &input), Some(json!([1, 2])));
    assert_eq!(sel("$.a[-2:]", &input), Some(json!([4, 5])));
    assert_eq!(sel("$.a[:-2]", &input), Some(json!([1, 2, 3])));
    assert_eq!(sel("$.a[2:]", &input), Some(json!([3, 4, 5])));
    assert_eq!(sel("$.a[-9:]", &input), Some(json!([1, 2, 3, 4, 5])));
    assert_eq!(sel("$.a[3:1]", &input), Some(json!([])));
    assert_eq!(sel("$.a[1:99]", &input), Some(json!([2, 3, 4, 5])));
    // Jayway quirk: [from:to] counts a negative `from` element by element from the end.
    assert_eq!(sel("$.a[-2:1]", &input), Some(json!([4, 5, 1])));
    assert_eq!(sel("$['o','a'].x", &input), Some(json!([1])));
    // Extreme indices neither overflow nor spin.
    assert_eq!(sel("$.a[-9223372036854775808]", &input), None);
    assert_eq!(sel("$.a[-9223372036854775808:]", &input), Some(json!([1, 2, 3, 4, 5])));
    assert_eq!(sel("$.a[-9223372036854775808:1]", &input), Some(json!([1, 2, 3, 4, 5, 1])));
    assert_eq!(sel("$.a[:-9223372036854775808]", &input), Some(json!([])));
}

#[test]
fn recursive_descent() {
    let s = store();
    assert_eq!(sel("$..author", &s), Some(json!(["Rees", "Waugh", "Melville", "Tolkien"])));
    assert_eq!(sel("$.store..price", &s), Some(json!([8.95, 12.99, 8.99, 22.99, 19.95])));
    assert_eq!(sel("$..book[2].title", &s), Some(json!(["Moby Dick"])));
    assert_eq!(sel("$..book[-1:].title", &s), Some(json!(["LOTR"])));
    assert_eq!(sel("$..[0].author", &s), Some(json!(["Rees"])));
    assert_eq!(sel("$.store.bicycle..*", &s), Some(json!(["red", 19.95])));
    assert_eq!(sel("$..nope", &s), Some(json!([])));
}

#[test]
fn filters() {
    let s = store();
    let titles = |p: &str| sel(p, &s).unwrap();
    assert_eq!(titles("$.store.book[?(@.price < 10)].title"), json!(["Sayings", "Moby Dick"]));
    assert_eq!(titles("$.store.book[?(@.isbn)].title"), json!(["Moby Dick", "LOTR"]));
    assert_eq!(titles("$.store.book[?(!@.isbn)].title"), json!(["Sayings", "Sword"]));
    assert_eq!(titles("$.store.book[?(@.price > $.expensive)].title"), json!(["Sword", "LOTR"]));
    assert_eq!(titles("$.store.book[?(@.category == 'fiction' && @.price <= 12.99)].title"), json!(["Sword", "Moby Dick"]));
    assert_eq!(titles("$.store.book[?(@.price < 9 || @.author == \"Tolkien\")].title"), json!(["Sayings", "Moby Dick", "LOTR"]));
    assert_eq!(titles("$.store.book[?(@.category != 'fiction')].title"), json!(["Sayings"]));
    // A missing member is unequal to everything and not ordered.
    assert_eq!(titles("$.store.book[?(@.isbn != '0-553')].title"), json!(["Sayings", "Sword", "LOTR"]));
    assert_eq!(titles("$.store.book[?(@.isbn > 'a')].title"), json!([]));
    assert_eq!(titles("$.store.book[?(@.author in ['Rees', 'Waugh'])].title"), json!(["Sayings", "Sword"]));
    assert_eq!(titles("$.store.book[?(@.author nin ['Rees', 'Waugh'])].title"), json!(["Moby Dick", "LOTR"]));
    assert_eq!(titles("$.store.book[?(@.title size 4)].author"), json!(["Tolkien"]));
    assert_eq!(titles("$..book[?(@.price > 20)].author"), json!(["Tolkien"]));
    // A type mismatch is false, not an error.
    assert_eq!(titles("$.store.book[?(@.price == 'x')].title"), json!([]));
    // A filter on an object tests the object itself.
    assert_eq!(titles("$.store.bicycle[?(@.color == 'red')].price"), json!([19.95]));

    let tags = json!({"items": [{"t": [1, 2]}, {"t": [3]}, {"t": []}, {"t": "ab"}]});
    let f = |p: &str| sel(p, &tags).unwrap();
    assert_eq!(f("$.items[?(@.t subsetof [1, 2, 3])].t"), json!([[1, 2], [3], []]));
    assert_eq!(f("$.items[?(@.t anyof [2, 9])].t"), json!([[1, 2]]));
    assert_eq!(f("$.items[?(@.t noneof [2])].t"), json!([[3], []]));
    assert_eq!(f("$.items[?(@.t empty true)].t"), json!([[]]));
    assert_eq!(f("$.items[?(@.t contains 3)].t"), json!([[3]]));
    assert_eq!(f("$.items[?(@.t contains 'b')].t"), json!(["ab"]));
    // Numbers compare by value, also against numeric strings.
    let nums = json!([{"n": 1}, {"n": 1.0}, {"n": "1"}, {"n": 2}]);
    assert_eq!(sel("$[?(@.n == 1)].n", &nums).unwrap(), json!([1, 1.0, "1"]));
}

#[test]
fn roots_context_and_variables() {
    let input = json!({"a": 1});
    let ctx = json!({"Execution": {"Name": "exec"}, "Map": {"Item": {"Index": 3}}});
    let mut vars = Vars::new();
    vars.set("x", json!({"y": [10, 20]}));
    let env = Env { context: &ctx, ..Env::of(&input, &vars) };
    let get = |p: &str| select(&parse_path(p).unwrap(), &env).map(Cow::into_owned);
    assert_eq!(get("$$.Execution.Name"), Some(json!("exec")));
    assert_eq!(get("$$.Map.Item.Index"), Some(json!(3)));
    assert_eq!(get("$x.y[1]"), Some(json!(20)));
    assert_eq!(get("$x"), Some(json!({"y": [10, 20]})));
    assert_eq!(get("$nope"), None);
    assert_eq!(get("$nope[*]"), None);
}

#[test]
fn map_item_read_through_the_environment_as_from_the_context_object() {
    let input = json!({});
    let item = json!({"id": 7, "tags": ["a", "b"], "n": {"k": 1}});
    let ctx = json!({"Map": {"Item": {"Index": 4, "Value": item.clone()}}});
    let vars = Vars::new();
    let built = Env { context: &ctx, ..Env::of(&input, &vars) };
    let by_env = Env { map_item: Some((4, &item)), ..Env::of(&input, &vars) };
    for p in [
        "$$.Map.Item.Index",
        "$$.Map.Item.Value",
        "$$.Map.Item.Value.id",
        "$$.Map.Item.Value.tags[1]",
        "$$.Map.Item.Value.tags[*]",
        "$$.Map.Item.Value..k",
        "$$.Map.Item",
        "$$.Map",
        "$$.Map.Item.*",
        "$$.Map.Item.Value.missing",
        "$$.Map.Item.Index.x",
    ] {
        let path = parse_path(p).unwrap();
        assert_eq!(select(&path, &by_env).map(Cow::into_owned), select(&path, &built).map(Cow::into_owned), "{p}");
    }
}

#[test]
fn insert_result_path() {
    let rp = |p: &str| parse_reference_path(p).unwrap();
    assert_eq!(insert(json!({"a": 1}), &rp("$"), json!(5)).unwrap(), json!(5));
    assert_eq!(insert(json!({"a": 1}), &rp("$.b"), json!(5)).unwrap(), json!({"a": 1, "b": 5}));
    assert_eq!(insert(json!({"a": 1}), &rp("$.a"), json!(5)).unwrap(), json!({"a": 5}));
    assert_eq!(insert(json!({}), &rp("$.x.y.z"), json!(true)).unwrap(), json!({"x": {"y": {"z": true}}}));
    assert_eq!(insert(json!({"x": {"k": 0}}), &rp("$.x.y"), json!(1)).unwrap(), json!({"x": {"k": 0, "y": 1}}));
    assert_eq!(insert(json!({"l": [1, 2]}), &rp("$.l[1]"), json!(9)).unwrap(), json!({"l": [1, 9]}));
    assert_eq!(insert(json!({"l": [{}, {}]}), &rp("$.l[-1].a"), json!(9)).unwrap(), json!({"l": [{}, {"a": 9}]}));
    // Key order is kept when a member is replaced.
    let out = insert(json!({"a": 1, "b": 2}), &rp("$.a"), json!(3)).unwrap();
    assert_eq!(serde_json::to_string(&out).unwrap(), r#"{"a":3,"b":2}"#);

    let err = insert(json!({"a": "s"}), &rp("$.a.b"), json!(1)).unwrap_err();
    assert_eq!(err.error, REFERENCE_PATH_CONFLICT);
    assert_eq!(err.cause.as_deref(), Some(r#"Unable to apply step "b" to input {"a":"s"}"#));
    let err = insert(json!([1]), &rp("$.x.y"), json!(1)).unwrap_err();
    assert_eq!(err.cause.as_deref(), Some(r#"Unable to apply step "x" to input [1]"#));
    let err = insert(json!({"l": [1]}), &rp("$.l[3]"), json!(1)).unwrap_err();
    assert_eq!(err.cause.as_deref(), Some(r#"Unable to apply step "3" to input {"l":[1]}"#));
    let err = insert(json!({}), &rp("$.n[0]"), json!(1)).unwrap_err();
    assert_eq!(err.cause.as_deref(), Some(r#"Unable to apply step "0" to input {}"#));
}

#[test]
fn input_path_failure_matches_aws() {
    let input = json!({"int-literal": 0});
    let vars = Vars::new();
    let env = Env::of(&input, &vars);
    let err = input_path(&parse_path("$.NoSuchInputPath").unwrap(), &env).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(err.cause.as_deref(), Some("Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"));
    let err = input_path(&parse_path("$.a.b").unwrap(), &env).unwrap_err();
    assert_eq!(err.cause.as_deref(), Some("Invalid path '$.a.b' : Missing property in path $['a']"));
    assert_eq!(*input_path(&parse_path("$.x[*]").unwrap(), &env).unwrap(), json!([]));
}

#[test]
fn field_path_failure_matches_aws() {
    let input = json!({"Error": "e", "Cause": "c"});
    let vars = Vars::new();
    let env = Env::of(&input, &vars);
    let err = field_path(&parse_path("$.ErrorX").unwrap(), &env, "ErrorPath").unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(err.cause.as_deref(), Some(r#"The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{"Error":"e","Cause":"c"}'"#));
}

#[test]
fn items_path_failure() {
    let input = json!({"discovery": {"statusCode": 500}});
    let vars = Vars::new();
    let env = Env::of(&input, &vars);
    let err = items_path(&parse_path("$.discovery.objects").unwrap(), &env).unwrap_err();
    assert_eq!(err.error, REFERENCE_PATH_CONFLICT);
    assert_eq!(err.cause.as_deref(), Some(r#"Unable to apply step "objects" to input {"discovery":{"statusCode":500}}"#));
}

#[test]
fn wait_and_map_path_values_match_aws() {
    let input = json!({"input": {"waitSeconds": -1, "half": 1.5, "ok": 3, "whole": 2.0}, "TimestampValue": "2016-13-05T21:29:29Z",
        "ts": "2016-03-14T01:59:00Z", "MaxConcurrencyValue": {}, "NoNumber": "NoNumber", "pct": 12.5});
    let vars = Vars::new();
    let env = Env::of(&input, &vars);
    let p = |s: &str| parse_path(s).unwrap();
    fn cause<T>(r: Result<T, crate::Failure>) -> String {
        r.map(|_| ()).unwrap_err().cause.unwrap()
    }
    assert_eq!(cause(seconds_path(&p("$.input.waitSeconds"), &env)), "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1");
    assert_eq!(cause(seconds_path(&p("$.input.half"), &env)), "The SecondsPath parameter cannot be parsed as a long value: $.input.half == 1.5");
    assert_eq!(seconds_path(&p("$.input.ok"), &env).unwrap(), 3);
    assert_eq!(seconds_path(&p("$.input.whole"), &env).unwrap(), 2);
    assert_eq!(
        cause(timestamp_path(&p("$.TimestampValue"), &env)),
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == 2016-13-05T21:29:29Z"
    );
    assert_eq!(timestamp_path(&p("$.ts"), &env).unwrap().unix_seconds(), 1_457_920_740);
    assert_eq!(
        cause(integer_path(&p("$.MaxConcurrencyValue"), &env, "MaxConcurrencyPath")),
        r#"The MaxConcurrencyPath field refers to value "{}" which is not a valid integer: $.MaxConcurrencyValue"#
    );
    assert_eq!(
        cause(float_path(&p("$.NoNumber"), &env, "ToleratedFailurePercentagePath")),
        r#"The ToleratedFailurePercentagePath field refers to value "NoNumber" which is not a valid float: $.NoNumber"#
    );
    assert_eq!(float_path(&p("$.pct"), &env, "ToleratedFailurePercentagePath").unwrap(), 12.5);
    assert!(cause(seconds_path(&p("$.missing"), &env)).starts_with("The JSONPath '$.missing' specified for the field 'SecondsPath'"));
}
