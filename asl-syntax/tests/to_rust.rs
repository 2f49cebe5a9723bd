//! The emitted construction expressions parse as Rust expressions.
#![cfg(feature = "tokens")]

use asl_syntax::ToRust;
use asl_syntax::intrinsic::parse_call;
use asl_syntax::path::parse_path;
use quote::quote;

fn assert_expr(tokens: proc_macro2::TokenStream) {
    let text = tokens.to_string();
    syn::parse2::<syn::Expr>(tokens).unwrap_or_else(|e| panic!("{e}: {text}"));
}

#[test]
fn paths_emit_expressions() {
    let k = quote!(::asl_runtime::syntax);
    for p in ["$", "$$.Execution.Input", "$v.a[0]", "$['a','b'][1:-1][-2:][:3][0,1].*..x..[?(@.a < -1.5 && (@.b == 'x' || !@.c) && @.d in [1, {'k': null}] && @.e >= $.min)]", "$.a.length()"] {
        assert_expr(parse_path(p).unwrap().to_rust(&k));
    }
}

#[test]
fn calls_emit_expressions() {
    let k = quote!(crate::syntax);
    for c in ["States.Format('a {} b', $.x, States.MathAdd(1, -2), 'y', 1.5, true, null)", "States.UUID()", "States.Hash($.d, 'SHA-256')"] {
        assert_expr(parse_call(c).unwrap().to_rust(&k));
    }
}

#[test]
fn timestamps_emit_expressions() {
    let t = asl_syntax::timestamp::parse("2012-10-09T19:00:55.5+01:00").unwrap();
    assert_expr(t.to_rust(&quote!(x)));
}
