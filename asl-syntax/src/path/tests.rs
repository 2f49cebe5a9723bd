use super::*;
use crate::Lit;

fn segs(text: &str) -> Vec<Seg> {
    parse_path(text).unwrap().segs.into_owned()
}

fn f(s: &str) -> Seg {
    Seg::Field(s.to_owned().into())
}

#[test]
fn roots() {
    assert_eq!(parse_path("$").unwrap().root, Root::Input);
    assert_eq!(parse_path("$$.Execution.Id").unwrap().root, Root::Context);
    assert_eq!(parse_path("$myVar.a").unwrap().root, Root::Var("myVar".into()));
    assert_eq!(segs("$myVar.a"), vec![f("a")]);
    assert!(parse_path("a.b").is_err());
    assert!(parse_path("$1x").is_err());
}

#[test]
fn dot_and_bracket_fields() {
    assert_eq!(segs("$.a.b"), vec![f("a"), f("b")]);
    assert_eq!(segs("$['a b']['c']"), vec![f("a b"), f("c")]);
    assert_eq!(segs("$[\"x\"]"), vec![f("x")]);
    assert_eq!(segs("$.a-b.c_d"), vec![f("a-b"), f("c_d")]);
    assert!(parse_path("$.").is_err());
    assert!(parse_path("$.a b").is_err());
    assert!(parse_path("$['a'").is_err());
    // Backslashes only protect the quote; they stay in the name (AWS/Jayway).
    assert_eq!(segs(r#"$['Test\""Name"']"#), vec![f(r#"Test\""Name""#)]);
    // Surrounding whitespace is trimmed.
    assert_eq!(segs("  $.a  "), vec![f("a")]);
}

#[test]
fn indices_slices_unions() {
    assert_eq!(segs("$.a[0]"), vec![f("a"), Seg::Index(0)]);
    assert_eq!(segs("$[-1]"), vec![Seg::Index(-1)]);
    assert_eq!(segs("$[0, 2]"), vec![Seg::Indices(vec![0, 2].into())]);
    assert_eq!(segs("$[1:3]"), vec![Seg::Slice(Some(1), Some(3))]);
    assert_eq!(segs("$[:2]"), vec![Seg::Slice(None, Some(2))]);
    assert_eq!(segs("$[-2:]"), vec![Seg::Slice(Some(-2), None)]);
    assert_eq!(segs("$[1:3:2]"), vec![Seg::Slice(Some(1), Some(3))]);
    assert_eq!(segs("$['a','b']"), vec![Seg::Fields(vec!["a".into(), "b".into()].into())]);
    assert!(parse_path("$[x]").is_err());
    assert!(parse_path("$[1").is_err());
}

#[test]
fn wildcards_scan_length() {
    assert_eq!(segs("$.*"), vec![Seg::Wildcard]);
    assert_eq!(segs("$[*].a"), vec![Seg::Wildcard, f("a")]);
    assert_eq!(segs("$..a"), vec![Seg::Scan, f("a")]);
    assert_eq!(segs("$..*"), vec![Seg::Scan, Seg::Wildcard]);
    assert_eq!(segs("$..[0]"), vec![Seg::Scan, Seg::Index(0)]);
    assert_eq!(segs("$.a.length()"), vec![f("a"), Seg::Length]);
    assert!(parse_path("$.a.sum()").is_err());
    assert!(parse_path("$.length().a").is_err());
}

#[test]
fn definiteness() {
    for p in ["$", "$.a", "$.a[0]", "$[-1].b", "$['a','b']", "$.a.length()", "$$.Map.Item.Value"] {
        assert!(parse_path(p).unwrap().definite, "{p}");
    }
    for p in ["$.*", "$[0,1]", "$[1:]", "$..a", "$[?(@.a)]", "$['a','b'].c"] {
        assert!(!parse_path(p).unwrap().definite, "{p}");
    }
}

#[test]
fn filters() {
    let p = parse_path("$.book[?(@.price < 10 && @.cat == 'x' || !(@.isbn))]").unwrap();
    let Seg::Filter(flt) = &p.segs[1] else { panic!() };
    let cmp = |path: &str, op, lit| Filter::Cmp(Operand::Current(vec![f(path)].into()), op, Operand::Lit(lit));
    let expected = Filter::Or(
        Ptr::new(Filter::And(Ptr::new(cmp("price", CmpOp::Lt, Lit::Int(10))), Ptr::new(cmp("cat", CmpOp::Eq, Lit::Str("x".into()))))),
        Ptr::new(Filter::Not(Ptr::new(Filter::Exists(Operand::Current(vec![f("isbn")].into()))))),
    );
    assert_eq!(**flt, expected);

    let p = parse_path("$[?(@.a in [1, 'b'] && @.n >= $.min && @['x y'] != null)]").unwrap();
    assert!(matches!(&p.segs[0], Seg::Filter(_)));
    assert!(parse_path("$[?(@.a size 2)]").is_ok());
    assert!(parse_path("$[?(@.a =~ /x/)]").is_err());
    assert!(parse_path("$[?(@.a ==)]").is_err());
    assert!(parse_path("$[?(1)]").is_err());
    assert!(parse_path("$[?(@.a]").is_err());
}

#[test]
fn reference_paths() {
    assert!(parse_reference_path("$").is_ok());
    assert!(parse_reference_path("$.a.b[0]").is_ok());
    for bad in ["$.a[*]", "$..a", "$[?(@.a)]", "$[0:1]", "$['a','b']", "$$.a", "$v.a", "$[0,1]"] {
        assert!(parse_reference_path(bad).is_err(), "{bad}");
    }
}

#[test]
fn jayway_rendering() {
    assert_eq!(parse_path("$.NoSuchInputPath").unwrap().jayway_string(), "$['NoSuchInputPath']");
    assert_eq!(parse_path("$.a[0][1:2]..b[*]").unwrap().jayway_string(), "$['a'][0][1:2]..['b'][*]");
}

#[test]
fn never_panics_on_odd_input() {
    for s in ["", "$", "$[", "$[?(", "$[?(@", "$['", "$..", "$.a.", "$[']", "$[ ]", "$[?(@.a == 'x)]", "$é.a", "$.é", "$[-]", "$[:]"] {
        let _ = parse_path(s);
        let _ = parse_reference_path(s);
    }
}

#[test]
fn script_indices_count_from_the_end() {
    assert_eq!(segs("$.a[(@.length-1)]"), vec![f("a"), Seg::Index(-1)]);
    assert_eq!(segs("$[( @.length - 2 )]"), vec![Seg::Index(-2)]);
    assert!(parse_path("$.a[(@.length-1)]").unwrap().definite);
    for bad in ["$.a[(@.length-0)]", "$.a[(@.length+1)]", "$.a[(@.size-1)]", "$.a[(@.length-1]", "$.a[(@.length-x)]"] {
        assert!(parse_path(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_filter_may_compare_the_current_value_itself() {
    let p = parse_path("$.list[?(@ == 'x')]").unwrap();
    assert!(!p.definite);
    assert!(matches!(&p.segs[1], Seg::Filter(_)));
}
