//! A tree written the way `ToRust` emits it (generated from
//! `$sum($states.input.a[0]) + 1 ~> $f(?) & /x/i & {'k': $v}`) must compile as a `static`.

use serde_json::json;

use crate::env::Env;
use crate::vars::Vars;

static TREE: crate::syntax::jsonata::Expr = crate::syntax::jsonata::Expr {
    kind: crate::syntax::jsonata::Kind::Apply {
        lhs: crate::syntax::Ptr::Static(&crate::syntax::jsonata::Expr {
            kind: crate::syntax::jsonata::Kind::Binary {
                op: crate::syntax::jsonata::BinOp::Add,
                lhs: crate::syntax::Ptr::Static(&crate::syntax::jsonata::Expr {
                    kind: crate::syntax::jsonata::Kind::Call {
                        procedure: crate::syntax::Ptr::Static(&crate::syntax::jsonata::Expr {
                            kind: crate::syntax::jsonata::Kind::Variable(
                                ::std::borrow::Cow::Borrowed("sum"),
                            ),
                            pos: 0usize,
                            keep_array: false,
                            predicate: ::std::borrow::Cow::Borrowed(&[]),
                            stages: ::std::borrow::Cow::Borrowed(&[]),
                            group: ::std::option::Option::None,
                            focus: ::std::option::Option::None,
                            index: ::std::option::Option::None,
                            tuple: false,
                            ancestor: ::std::option::Option::None,
                            consarray: false,
                        }),
                        args: ::std::borrow::Cow::Borrowed(&[crate::syntax::jsonata::Expr {
                            kind: crate::syntax::jsonata::Kind::Path {
                                steps: ::std::borrow::Cow::Borrowed(&[
                                    crate::syntax::jsonata::Expr {
                                        kind: crate::syntax::jsonata::Kind::Variable(
                                            ::std::borrow::Cow::Borrowed("states"),
                                        ),
                                        pos: 5usize,
                                        keep_array: false,
                                        predicate: ::std::borrow::Cow::Borrowed(&[]),
                                        stages: ::std::borrow::Cow::Borrowed(&[]),
                                        group: ::std::option::Option::None,
                                        focus: ::std::option::Option::None,
                                        index: ::std::option::Option::None,
                                        tuple: false,
                                        ancestor: ::std::option::Option::None,
                                        consarray: false,
                                    },
                                    crate::syntax::jsonata::Expr {
                                        kind: crate::syntax::jsonata::Kind::Name(
                                            ::std::borrow::Cow::Borrowed("input"),
                                        ),
                                        pos: 13usize,
                                        keep_array: false,
                                        predicate: ::std::borrow::Cow::Borrowed(&[]),
                                        stages: ::std::borrow::Cow::Borrowed(&[]),
                                        group: ::std::option::Option::None,
                                        focus: ::std::option::Option::None,
                                        index: ::std::option::Option::None,
                                        tuple: false,
                                        ancestor: ::std::option::Option::None,
                                        consarray: false,
                                    },
                                    crate::syntax::jsonata::Expr {
                                        kind: crate::syntax::jsonata::Kind::Name(
                                            ::std::borrow::Cow::Borrowed("a"),
                                        ),
                                        pos: 19usize,
                                        keep_array: false,
                                        predicate: ::std::borrow::Cow::Borrowed(&[]),
                                        stages: ::std::borrow::Cow::Borrowed(&[
                                            crate::syntax::jsonata::Stage::Filter(
                                                crate::syntax::jsonata::Expr {
                                                    kind: crate::syntax::jsonata::Kind::Num(0f64),
                                                    pos: 21usize,
                                                    keep_array: false,
                                                    predicate: ::std::borrow::Cow::Borrowed(&[]),
                                                    stages: ::std::borrow::Cow::Borrowed(&[]),
                                                    group: ::std::option::Option::None,
                                                    focus: ::std::option::Option::None,
                                                    index: ::std::option::Option::None,
                                                    tuple: false,
                                                    ancestor: ::std::option::Option::None,
                                                    consarray: false,
                                                },
                                            ),
                                        ]),
                                        group: ::std::option::Option::None,
                                        focus: ::std::option::Option::None,
                                        index: ::std::option::Option::None,
                                        tuple: false,
                                        ancestor: ::std::option::Option::None,
                                        consarray: false,
                                    },
                                ]),
                                keep_singleton_array: false,
                            },
                            pos: 12usize,
                            keep_array: false,
                            predicate: ::std::borrow::Cow::Borrowed(&[]),
                            stages: ::std::borrow::Cow::Borrowed(&[]),
                            group: ::std::option::Option::None,
                            focus: ::std::option::Option::None,
                            index: ::std::option::Option::None,
                            tuple: false,
                            ancestor: ::std::option::Option::None,
                            consarray: false,
                        }]),
                        partial: false,
                    },
                    pos: 4usize,
                    keep_array: false,
                    predicate: ::std::borrow::Cow::Borrowed(&[]),
                    stages: ::std::borrow::Cow::Borrowed(&[]),
                    group: ::std::option::Option::None,
                    focus: ::std::option::Option::None,
                    index: ::std::option::Option::None,
                    tuple: false,
                    ancestor: ::std::option::Option::None,
                    consarray: false,
                }),
                rhs: crate::syntax::Ptr::Static(&crate::syntax::jsonata::Expr {
                    kind: crate::syntax::jsonata::Kind::Num(1f64),
                    pos: 27usize,
                    keep_array: false,
                    predicate: ::std::borrow::Cow::Borrowed(&[]),
                    stages: ::std::borrow::Cow::Borrowed(&[]),
                    group: ::std::option::Option::None,
                    focus: ::std::option::Option::None,
                    index: ::std::option::Option::None,
                    tuple: false,
                    ancestor: ::std::option::Option::None,
                    consarray: false,
                }),
            },
            pos: 25usize,
            keep_array: false,
            predicate: ::std::borrow::Cow::Borrowed(&[]),
            stages: ::std::borrow::Cow::Borrowed(&[]),
            group: ::std::option::Option::None,
            focus: ::std::option::Option::None,
            index: ::std::option::Option::None,
            tuple: false,
            ancestor: ::std::option::Option::None,
            consarray: false,
        }),
        rhs: crate::syntax::Ptr::Static(&crate::syntax::jsonata::Expr {
            kind: crate::syntax::jsonata::Kind::Binary {
                op: crate::syntax::jsonata::BinOp::Concat,
                lhs: crate::syntax::Ptr::Static(&crate::syntax::jsonata::Expr {
                    kind: crate::syntax::jsonata::Kind::Binary {
                        op: crate::syntax::jsonata::BinOp::Concat,
                        lhs: crate::syntax::Ptr::Static(&crate::syntax::jsonata::Expr {
                            kind: crate::syntax::jsonata::Kind::Call {
                                procedure: crate::syntax::Ptr::Static(
                                    &crate::syntax::jsonata::Expr {
                                        kind: crate::syntax::jsonata::Kind::Variable(
                                            ::std::borrow::Cow::Borrowed("f"),
                                        ),
                                        pos: 32usize,
                                        keep_array: false,
                                        predicate: ::std::borrow::Cow::Borrowed(&[]),
                                        stages: ::std::borrow::Cow::Borrowed(&[]),
                                        group: ::std::option::Option::None,
                                        focus: ::std::option::Option::None,
                                        index: ::std::option::Option::None,
                                        tuple: false,
                                        ancestor: ::std::option::Option::None,
                                        consarray: false,
                                    },
                                ),
                                args: ::std::borrow::Cow::Borrowed(&[
                                    crate::syntax::jsonata::Expr {
                                        kind: crate::syntax::jsonata::Kind::Placeholder,
                                        pos: 35usize,
                                        keep_array: false,
                                        predicate: ::std::borrow::Cow::Borrowed(&[]),
                                        stages: ::std::borrow::Cow::Borrowed(&[]),
                                        group: ::std::option::Option::None,
                                        focus: ::std::option::Option::None,
                                        index: ::std::option::Option::None,
                                        tuple: false,
                                        ancestor: ::std::option::Option::None,
                                        consarray: false,
                                    },
                                ]),
                                partial: true,
                            },
                            pos: 34usize,
                            keep_array: false,
                            predicate: ::std::borrow::Cow::Borrowed(&[]),
                            stages: ::std::borrow::Cow::Borrowed(&[]),
                            group: ::std::option::Option::None,
                            focus: ::std::option::Option::None,
                            index: ::std::option::Option::None,
                            tuple: false,
                            ancestor: ::std::option::Option::None,
                            consarray: false,
                        }),
                        rhs: crate::syntax::Ptr::Static(&crate::syntax::jsonata::Expr {
                            kind: crate::syntax::jsonata::Kind::Regex(
                                crate::syntax::jsonata::Regex {
                                    pattern: ::std::borrow::Cow::Borrowed("x"),
                                    flags: ::std::borrow::Cow::Borrowed("i"),
                                },
                            ),
                            pos: 40usize,
                            keep_array: false,
                            predicate: ::std::borrow::Cow::Borrowed(&[]),
                            stages: ::std::borrow::Cow::Borrowed(&[]),
                            group: ::std::option::Option::None,
                            focus: ::std::option::Option::None,
                            index: ::std::option::Option::None,
                            tuple: false,
                            ancestor: ::std::option::Option::None,
                            consarray: false,
                        }),
                    },
                    pos: 38usize,
                    keep_array: false,
                    predicate: ::std::borrow::Cow::Borrowed(&[]),
                    stages: ::std::borrow::Cow::Borrowed(&[]),
                    group: ::std::option::Option::None,
                    focus: ::std::option::Option::None,
                    index: ::std::option::Option::None,
                    tuple: false,
                    ancestor: ::std::option::Option::None,
                    consarray: false,
                }),
                rhs: crate::syntax::Ptr::Static(&crate::syntax::jsonata::Expr {
                    kind: crate::syntax::jsonata::Kind::Object(::std::borrow::Cow::Borrowed(&[(
                        crate::syntax::jsonata::Expr {
                            kind: crate::syntax::jsonata::Kind::Str(::std::borrow::Cow::Borrowed(
                                "k",
                            )),
                            pos: 48usize,
                            keep_array: false,
                            predicate: ::std::borrow::Cow::Borrowed(&[]),
                            stages: ::std::borrow::Cow::Borrowed(&[]),
                            group: ::std::option::Option::None,
                            focus: ::std::option::Option::None,
                            index: ::std::option::Option::None,
                            tuple: false,
                            ancestor: ::std::option::Option::None,
                            consarray: false,
                        },
                        crate::syntax::jsonata::Expr {
                            kind: crate::syntax::jsonata::Kind::Variable(
                                ::std::borrow::Cow::Borrowed("v"),
                            ),
                            pos: 53usize,
                            keep_array: false,
                            predicate: ::std::borrow::Cow::Borrowed(&[]),
                            stages: ::std::borrow::Cow::Borrowed(&[]),
                            group: ::std::option::Option::None,
                            focus: ::std::option::Option::None,
                            index: ::std::option::Option::None,
                            tuple: false,
                            ancestor: ::std::option::Option::None,
                            consarray: false,
                        },
                    )])),
                    pos: 47usize,
                    keep_array: false,
                    predicate: ::std::borrow::Cow::Borrowed(&[]),
                    stages: ::std::borrow::Cow::Borrowed(&[]),
                    group: ::std::option::Option::None,
                    focus: ::std::option::Option::None,
                    index: ::std::option::Option::None,
                    tuple: false,
                    ancestor: ::std::option::Option::None,
                    consarray: false,
                }),
            },
            pos: 45usize,
            keep_array: false,
            predicate: ::std::borrow::Cow::Borrowed(&[]),
            stages: ::std::borrow::Cow::Borrowed(&[]),
            group: ::std::option::Option::None,
            focus: ::std::option::Option::None,
            index: ::std::option::Option::None,
            tuple: false,
            ancestor: ::std::option::Option::None,
            consarray: false,
        }),
    },
    pos: 29usize,
    keep_array: false,
    predicate: ::std::borrow::Cow::Borrowed(&[]),
    stages: ::std::borrow::Cow::Borrowed(&[]),
    group: ::std::option::Option::None,
    focus: ::std::option::Option::None,
    index: ::std::option::Option::None,
    tuple: false,
    ancestor: ::std::option::Option::None,
    consarray: false,
};

#[test]
fn static_tree_evaluates() {
    let input = json!({"a": [[2, 3]]});
    let mut vars = Vars::new();
    vars.set("v", json!("V"));
    let env = Env::of(&input, &vars);
    let parsed =
        asl_syntax::jsonata::parse("$sum($states.input.a[0]) + 1 ~> $f(?) & /x/i & {'k': $v}")
            .unwrap();
    assert_eq!(TREE, parsed);
    // `$f` is not defined: applying it fails the way the parsed tree does
    assert_eq!(
        crate::jsonata::evaluate(&TREE, &env),
        crate::jsonata::evaluate(&parsed, &env)
    );
}
