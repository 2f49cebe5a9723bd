use super::*;
use crate::path::Root;

fn args(text: &str) -> Vec<Arg> {
    parse_call(text).unwrap().args.into_owned()
}

fn s(v: &str) -> Arg {
    Arg::Lit(Lit::Str(v.to_owned().into()))
}

#[test]
fn shapes() {
    assert!(looks_like_call("States.Format('x')"));
    assert!(looks_like_call("  States.UUID ()"));
    assert!(!looks_like_call("$.States.Format"));
    assert!(!looks_like_call("States.('x')"));
    assert!(!looks_like_call("States.Format"));
}

#[test]
fn literals_and_escapes() {
    assert_eq!(
        args("States.Array('a', 1, -2.5, true, false, null)"),
        vec![s("a"), Arg::Lit(Lit::Int(1)), Arg::Lit(Lit::Float(-2.5)), Arg::Lit(Lit::Bool(true)), Arg::Lit(Lit::Bool(false)), Arg::Lit(Lit::Null)]
    );
    assert_eq!(args(r"States.Array('it\'s', 'a\\b', '\{x\}', 'a\nb', '{}')"), vec![s("it's"), s(r"a\b"), s("{x}"), s(r"a\nb"), s("{}")]);
    // A raw newline inside the literal (as in AWS's escape-sequence test).
    assert_eq!(args("States.StringSplit('Hello\nWorld', '\n')"), vec![s("Hello\nWorld"), s("\n")]);
    assert_eq!(args("States.StringToJson('{\"a\": \"x \\\"y\\\"\"}')"), vec![s(r#"{"a": "x \"y\""}"#)]);
}

#[test]
fn format_templates_are_pre_split() {
    let a = args(r"States.Format('Hello {}, \{literal\} {}!', $.a, $.b)");
    assert_eq!(a[0], Arg::Template(vec!["Hello ".into(), ", {literal} ".into(), "!".into()].into()));
    assert_eq!(a.len(), 3);
    // A template from a path is split at run time.
    assert!(matches!(args("States.Format($.t, $$.Map.Item.Value)")[0], Arg::Path(_)));
}

#[test]
fn paths_and_nesting() {
    let a = args("States.Array($.a['x,y'][0,1], $$.Execution.Id, $myVar.f, $[?(@.a == ')')])");
    let roots: Vec<_> = a
        .iter()
        .map(|x| match x {
            Arg::Path(p) => p.root.clone(),
            _ => panic!("{x:?}"),
        })
        .collect();
    assert_eq!(roots, vec![Root::Input, Root::Context, Root::Var("myVar".into()), Root::Input]);
    let a = args("States.MathAdd(States.MathAdd(States.MathAdd($y, $x), $z), $bias)");
    assert!(matches!(&a[0], Arg::Call(c) if c.func == Func::MathAdd));
    let deep = |n: usize| format!("{}1{}", "States.Array(".repeat(n), ")".repeat(n));
    assert!(parse_call(&deep(10)).is_ok());
    assert!(parse_call(&deep(11)).is_err());
}

#[test]
fn build_time_errors() {
    for bad in [
        "States.Nope(1)",
        "States.UUID(1)",
        "States.MathAdd(1)",
        "States.MathAdd('a', 1)",
        "States.ArrayRange(1, 2, 0)",
        "States.ArrayRange(1, 'b', 1)",
        "States.ArrayLength('x')",
        "States.ArrayPartition($.a, 0)",
        "States.Hash('x', 'SHA-999')",
        "States.Base64Encode(1)",
        "States.JsonMerge($.a, $.b, 'no')",
        "States.JsonToString('x')",
        "States.Format(1)",
        "States.Format()",
        "States.MathRandom(1, 2, 3, 4)",
        "States.Array(1",
        "States.Array('x)",
        "States.Array(1) junk",
        "States.Array(nul)",
        "States.Array($.a b)",
        "States.Array(1,)",
    ] {
        assert!(parse_call(bad).is_err(), "{bad}");
    }
    assert!(parse_call("States.MathRandom(1, 2)").is_ok());
    assert!(parse_call("States.MathRandom(1, 2, 3)").is_ok());
    assert!(parse_call("States.JsonMerge(States.StringToJson('{}'), $$.Execution.Input.x, false)").is_ok());
}

#[test]
fn never_panics() {
    for t in ["", "States.", "States.Format('", "States.Format('\\", "States.Array($", "States.Array($[", "States.Array(-)", "States.Array(é)", "States.Format('{', '}')"] {
        let _ = parse_call(t);
    }
}
