use super::*;

fn p(s: &str) -> Expr {
    parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn err(s: &str) -> String {
    parse(s).expect_err(s).message
}

#[test]
fn paths_flatten_to_steps() {
    let e = p("a.b[0].c");
    let Kind::Path { steps, .. } = &e.kind else { panic!("{e:?}") };
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[1].stages.len(), 1);
    assert!(matches!(&steps[2].kind, Kind::Name(n) if n == "c"));
}

#[test]
fn literals_and_operators() {
    assert_eq!(p("-1").kind, Kind::Num(-1.0));
    assert!(matches!(p("1 + 2 * 3").kind, Kind::Binary { op: BinOp::Add, .. }));
    assert!(matches!(p("a and b or c").kind, Kind::Binary { op: BinOp::Or, .. }));
    assert!(matches!(p("$x := 1").kind, Kind::Bind { .. }));
    assert!(matches!(p("a ~> $f()").kind, Kind::Apply { .. }));
    assert!(matches!(p("a ?: b").kind, Kind::Binary { op: BinOp::Elvis, .. }));
    assert!(matches!(p("a ?? b").kind, Kind::Binary { op: BinOp::Coalesce, .. }));
    assert!(matches!(p("a ? b : c").kind, Kind::Condition { .. }));
    assert!(matches!(p("/ab/i").kind, Kind::Regex(_)));
    assert!(matches!(p("|a|{}|").kind, Kind::Transform { .. }));
}

#[test]
fn lambdas_and_tail_calls() {
    let e = p("function($n, $acc){ $n = 0 ? $acc : $f($n - 1, $acc * $n) }");
    let Kind::Lambda(l) = &e.kind else { panic!() };
    assert_eq!(l.params.len(), 2);
    let Kind::Condition { otherwise: Some(o), .. } = &l.body.kind else { panic!() };
    assert!(matches!(&o.kind, Kind::Lambda(t) if t.thunk));
    let e = p("λ($x)<n:n>{$x}");
    let Kind::Lambda(l) = &e.kind else { panic!() };
    assert_eq!(l.signature.as_deref(), Some("<n:n>"));
    assert!(matches!(p("$f(?, 2)").kind, Kind::Call { partial: true, .. }));
}

#[test]
fn bindings_and_parents() {
    let e = p("a@$x.b#$i");
    let Kind::Path { steps, .. } = &e.kind else { panic!() };
    assert_eq!(steps[0].focus.as_deref(), Some("x"));
    assert_eq!(steps[1].index.as_deref(), Some("i"));
    let e = p("a.b.%.c");
    let Kind::Path { steps, .. } = &e.kind else { panic!() };
    assert_eq!(steps[1].ancestor.as_deref(), Some("!0"));
    assert!(matches!(&steps[2].kind, Kind::Parent(l) if l == "!0"));
}

#[test]
fn syntax_errors() {
    assert!(err("(1").starts_with("S0203"), "{}", err("(1"));
    assert!(err("[1 2]").starts_with("S0202"));
    assert!(err("1 +").starts_with("S0207"));
    assert!(err("a.1").starts_with("S0213"));
    assert!(err("1 := 2").starts_with("S0212"));
    assert!(err("%").starts_with("S0217"));
    assert!(err("a ! b").starts_with("S0204"));
    assert!(err("function(a){1}").starts_with("S0208"));
    assert!(err(")").starts_with("S0211"));
    assert!(err("a b").starts_with("S0201"));
    let deep = "(".repeat(5000);
    assert!(parse(&"[".repeat(101)).is_err());
    assert!(parse(&format!("{}1{}", "[".repeat(95), "]".repeat(95))).is_ok());
    assert!(parse(&deep).is_err());
}

#[test]
fn free_variables_and_context() {
    let e = p("$sum($a) + $b.c + ($d := 1; $d) + $map($x, function($v){$v + $w})");
    let vars = free_variables(&e);
    assert_eq!(vars, vec!["a", "b", "x", "w"]);
    assert!(!reads_context(&p("$states.input.a + $states.result")));
    assert!(reads_context(&p("$states.context.Execution.Id")));
    assert!(reads_context(&p("$states")));
    assert!(reads_context(&p("$states.input[$states.context.x]")));
}

#[cfg(feature = "tokens")]
#[test]
fn to_rust_emits_static_constructors() {
    use crate::ToRust;
    let k: proc_macro2::TokenStream = "crate::syntax".parse().unwrap();
    let e = p("$sum($states.input.a[0]) + 1 ~> $f(?) & /x/i & {'k': $v}");
    let code = e.to_rust(&k).to_string();
    assert!(code.contains("Ptr :: Static (&"), "{code}");
    assert!(!code.contains("Owned"), "{code}");
    if let Ok(path) = std::env::var("JSONATA_TO_RUST_OUT") {
        std::fs::write(path, code).unwrap();
    }
}
