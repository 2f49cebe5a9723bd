//! Hostile input to the parsers: deep nesting and long operator chains end in an error naming
//! the limit, never in a stack overflow. Each case runs on a thread with a 2 MiB stack, the size
//! of a tokio worker's, so that a regression aborts the test instead of passing on the main
//! thread's larger stack.

use asl_syntax::{intrinsic, jsonata, path};

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap();
}

/// `n` terms joined by `op`: `a + a + …`.
fn chain(op: &str, n: usize) -> String {
    vec!["a"; n].join(op)
}

#[test]
fn jsonata_operator_chains_are_bounded() {
    on_small_stack(|| {
        for op in [" and ", " or ", " + ", " - ", " * ", " & ", " ~> ", " = ", " ?: ", " ?? ", ".", " < ", " in "] {
            let long = chain(op, 20_000);
            let err = jsonata::parse(&long).unwrap_err();
            assert!(err.message.contains(&format!("deeper than {} levels", jsonata::MAX_DEPTH)), "{op:?}: {}", err.message);
            // a chain under the limit parses (and goes through the post-processing pass)
            let ok = chain(op, jsonata::MAX_DEPTH / 2);
            assert!(jsonata::parse(&ok).is_ok() || op == " ~> ", "{op:?}");
        }
        // predicates, order-by and conditions chain too
        for (unit, sep) in [("[0]", ""), ("^(a)", ""), ("a ? 1 : ", ""), ("-", "")] {
            let text = format!("a{}1", std::iter::repeat_n(unit, 20_000).collect::<Vec<_>>().join(sep));
            let err = jsonata::parse(&text).unwrap_err();
            assert!(err.message.contains("deeper than"), "{unit}: {}", err.message);
        }
        for (open, close) in [("(", ")"), ("[", "]"), ("{\"a\":", "}"), ("$f(", ")")] {
            let text = format!("{}1{}", open.repeat(50_000), close.repeat(50_000));
            let err = jsonata::parse(&text).unwrap_err();
            assert!(err.message.contains("deeper than"), "{open}: {}", err.message);
        }
    });
}

#[test]
fn jsonata_signatures_are_bounded_and_match_in_polynomial_time() {
    on_small_stack(|| {
        let many = format!("function($a)<{}>{{1}}", "n".repeat(10_000));
        let err = jsonata::parse(&many).unwrap_err();
        assert!(err.message.contains("more than"), "{}", err.message);
        // 60 optional parameters that can never match a string: without remembering failures
        // the backtracking tries every subset of them (2^60)
        let sig = jsonata::signature::Signature::parse(&format!("<{}s>", "n?".repeat(60))).unwrap();
        let start = std::time::Instant::now();
        assert!(sig.match_args(&[b'n'; 30].iter().chain([b'b'].iter()).copied().collect::<Vec<_>>()).is_none());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    });
}

#[test]
fn jsonpath_filters_are_bounded() {
    on_small_stack(|| {
        let cases = [
            format!("$[?({})]", vec!["@.a"; 20_000].join(" && ")),
            format!("$[?({})]", vec!["@.a"; 20_000].join(" || ")),
            format!("$[?({}@.a)]", "!".repeat(50_000)),
            format!("$[?({}@.a{})]", "(".repeat(50_000), ")".repeat(50_000)),
            format!("$[?(@{}.a == 1{})]", "[?(@".repeat(20_000), ")]".repeat(20_000)),
        ];
        for text in cases {
            let err = path::parse_path(&text).unwrap_err();
            assert!(err.message.contains(&format!("deeper than {} levels", path::MAX_DEPTH)), "{}", err.message);
        }
        let ok = format!("$[?({})]", vec!["@.a"; path::MAX_DEPTH / 2].join(" && "));
        assert!(path::parse_path(&ok).is_ok());
    });
}

#[test]
fn intrinsic_nesting_is_bounded() {
    on_small_stack(|| {
        let text = format!("{}1{}", "States.MathAdd(".repeat(50_000), ", 1)".repeat(50_000));
        let err = intrinsic::parse_call(&text).unwrap_err();
        assert!(err.message.contains("nest at most"), "{}", err.message);
    });
}
