//! Hostile definitions: whatever their shape, checking, reporting and drawing them ends with a
//! result or a clear error, on a 2 MiB stack (a tokio worker's) and in bounded time and memory.

use std::time::{Duration, Instant};

use asl_codegen::SourceFile;
use asl_codegen::diagnostic::MAX_REPORTED;
use asl_codegen::graph::{Graph, layout};
use serde_json::json;

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap();
}

/// A limit generous enough for a loaded 2-core machine running a debug build; each case took
/// several times longer before its fix.
const SLOW: Duration = Duration::from_secs(5);

#[test]
fn thousands_of_errors_on_one_line_are_capped_and_windowed() {
    on_small_stack(|| {
        let rules: Vec<_> = (0..15_000).map(|i| json!({"Variable": "$.x", "NumericEquals": 1, "Next": format!("Nope{i}")})).collect();
        let text = json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": rules, "Default": "E"}, "E": {"Type": "Succeed"}}}).to_string();
        assert!(!text.contains('\n') && text.len() > 800_000);
        let diags = asl_codegen::check(&text).unwrap_err();
        assert_eq!(diags.len(), MAX_REPORTED + 1);
        assert_eq!(diags[MAX_REPORTED].message, format!("and {} more errors, not shown (the first of them is here)", 15_000 - MAX_REPORTED));
        let rendered = SourceFile { name: "flow.json", text: &text }.render(&diags);
        // each diagnostic shows a window of the line, not the 800 KB line itself
        assert!(rendered.len() < 1_000 * (MAX_REPORTED + 1), "{} bytes", rendered.len());
        assert!(rendered.lines().all(|l| l.chars().count() < 400));
        assert!(rendered.contains("1 | …"), "{}", &rendered[..600]);
    });
}

#[test]
fn a_long_unknown_key_is_reported_quickly() {
    on_small_stack(|| {
        let key = "X".repeat(900_000);
        let text = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true, key: 1}}}).to_string();
        let start = Instant::now();
        let diags = asl_codegen::check(&text).unwrap_err();
        assert!(diags[0].message.starts_with("unknown field `XXX"));
        assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
        // a candidate close to a long key is still suggested
        assert_eq!(asl_codegen::diagnostic::closest("ResultPth", ["ResultPath"]), Some("ResultPath"));
        assert_eq!(asl_codegen::diagnostic::closest(&"ResultPath".repeat(2), ["ResultPath"]), None);
    });
}

#[test]
fn duplicate_keys_are_definition_errors() {
    let text = "{\"StartAt\": \"P\",\n \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true, \"Type\": \"Succeed\"}}}";
    let diags = asl_codegen::check(text).unwrap_err();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "invalid JSON: duplicate key `Type` in the object at /States/P (first at line 2, column 19); AWS rejects a definition that names a key twice");
    assert_eq!(SourceFile { name: "f.json", text }.location(diags[0].span), (2, 48));
}

#[test]
fn deep_jsonata_in_a_definition_is_an_error_with_its_place() {
    on_small_stack(|| {
        for op in [" and ", " + ", " & ", " ~> ", " = ", " ?: ", " ?? ", "."] {
            let expr = vec!["a"; 5_000].join(op);
            let text = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": format!("{{% {expr} %}}"), "End": true}}}).to_string();
            let diags = asl_codegen::check(&text).unwrap_err();
            assert_eq!(diags[0].pointer, "/States/P/Output", "{op}");
            assert!(diags[0].message.contains("deeper than 100 levels"), "{op}: {}", diags[0].message);
        }
        // chains of postfix steps (predicates, sorts) and of conditionals
        let chains = ["a".to_string() + &"[0]".repeat(5_000), "a".to_string() + &"^(x)".repeat(5_000), vec!["a"; 5_000].join(" ? a : "), "$f".to_string() + &"()".repeat(5_000)];
        for expr in chains {
            let text = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": format!("{{% {expr} %}}"), "End": true}}}).to_string();
            let diags = asl_codegen::check(&text).unwrap_err();
            assert_eq!(diags[0].pointer, "/States/P/Output", "{}", &expr[..12]);
            assert!(diags[0].message.contains("deeper than 100 levels"), "{}: {}", &expr[..12], diags[0].message);
        }
    });
}

#[test]
fn nesting_past_the_json_limit_is_an_error() {
    on_small_stack(|| {
        let text = format!("{{\"StartAt\": \"P\", \"States\": {{\"P\": {{\"Type\": \"Pass\", \"Result\": {}1{}, \"End\": true}}}}}}", "[".repeat(100_000), "]".repeat(100_000));
        let diags = asl_codegen::check(&text).unwrap_err();
        assert_eq!(diags[0].message, "invalid JSON: JSON nested deeper than 128 levels");
    });
}

/// `n` Choice states of `rules` rules each, every rule jumping ahead: hundreds of long edges.
fn dense_choices(n: usize, rules: usize) -> String {
    let mut states = serde_json::Map::new();
    for i in 0..n {
        let choices: Vec<_> = (0..rules).map(|j| json!({"Variable": "$.x", "NumericEquals": j, "Next": format!("C{}", (i + j + 1) % n)})).collect();
        states.insert(format!("C{i}"), json!({"Type": "Choice", "Choices": choices, "Default": "E"}));
    }
    states.insert("E".into(), json!({"Type": "Succeed"}));
    json!({"StartAt": "C0", "States": states}).to_string()
}

#[test]
fn layout_of_many_long_edges_is_bounded() {
    on_small_stack(|| {
        let text = dense_choices(149, 20);
        let machine = asl_codegen::check(&text).unwrap();
        let start = Instant::now();
        let g = Graph::build("dense", &machine, None);
        let l = layout::layout(&g);
        assert_eq!(l.nodes.len(), 152);
        assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
    });
}

#[test]
fn layout_of_a_long_cycle_is_bounded() {
    on_small_stack(|| {
        let n = 20_000;
        let mut states = serde_json::Map::new();
        for i in 0..n {
            states.insert(format!("S{i}"), json!({"Type": "Pass", "Next": format!("S{}", (i + 1) % n)}));
        }
        states.insert("S0".into(), json!({"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "S1"}], "Default": "E"}));
        states.insert("E".into(), json!({"Type": "Succeed"}));
        let text = json!({"StartAt": "S0", "States": states}).to_string();
        let machine = asl_codegen::check(&text).unwrap();
        let start = Instant::now();
        let g = Graph::build("cycle", &machine, None);
        let l = layout::layout(&g);
        assert!(l.height > 0.0);
        assert!(start.elapsed() < 2 * SLOW, "{:?}", start.elapsed());
        let svg = asl_codegen::graph::svg::render(&g);
        assert!(svg.len() < 50_000_000);
    });
}

#[test]
fn names_that_read_alike_get_ids_quickly() {
    on_small_stack(|| {
        // all of these become the id `a_1`, then `a_1_2`, `a_1_3`…
        let marks: Vec<char> = " -.+*/=!?#%&|~^".chars().collect();
        let mut names = vec![];
        for a in &marks {
            for b in &marks {
                for c in &marks {
                    names.push(format!("a{a}{b}{c}1"));
                }
            }
        }
        let n = names.len();
        let mut states = serde_json::Map::new();
        for (i, name) in names.iter().enumerate() {
            let state = match names.get(i + 1) {
                Some(next) => json!({"Type": "Pass", "Next": next}),
                None => json!({"Type": "Succeed"}),
            };
            states.insert(name.clone(), state);
        }
        let text = json!({"StartAt": names[0], "States": states}).to_string();
        let machine = asl_codegen::check(&text).unwrap();
        let start = Instant::now();
        let g = Graph::build("alike", &machine, None);
        let ids: std::collections::HashSet<_> = g.root.nodes.iter().map(|n| n.id.clone()).collect();
        assert_eq!(ids.len(), n + 2);
        assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
    });
}

#[test]
fn layout_of_long_edges_back_to_the_start_is_bounded() {
    on_small_stack(|| {
        // every state of an 8,000-state chain may jump back to the first: 8,000 edges spanning
        // on average 4,000 ranks asked for 32 million virtual nodes
        let n = 8_000;
        let mut states = serde_json::Map::new();
        for i in 0..n {
            let next = if i + 1 < n { format!("S{}", i + 1) } else { "E".into() };
            states.insert(format!("S{i}"), json!({"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "S0"}], "Default": next}));
        }
        states.insert("E".into(), json!({"Type": "Succeed"}));
        let text = json!({"StartAt": "S0", "States": states}).to_string();
        let machine = asl_codegen::check(&text).unwrap();
        let start = Instant::now();
        let g = Graph::build("back", &machine, None);
        let l = layout::layout(&g);
        assert_eq!(l.edges.len(), g.root.edges.len());
        assert!(start.elapsed() < 2 * SLOW, "{:?}", start.elapsed());
    });
}

/// Found by `scripts/fuzz.sh` (definition): a state name starting with a combining mark (Thaana
/// U+07AC: alphabetic, not an identifier's first character) made an invalid identifier and
/// panicked in the skeleton. Every file in `tests/fuzzed` goes through what the target runs.
#[test]
fn fuzzed_definitions_do_not_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzzed");
    let mut seen = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let bytes = std::fs::read(e.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        on_small_stack(move || {
            let names = asl_codegen::Names::from_path("fuzz.json");
            if let Err(diags) = asl_codegen::compile("fuzz.json", &text, &names, None) {
                let _ = SourceFile { name: "fuzz.json", text: &text }.render(&diags);
            }
            let _ = asl_codegen::skeleton("fuzz.json", &text, &names, None).to_string();
        });
        seen += 1;
    }
    assert!(seen >= 1);
}
