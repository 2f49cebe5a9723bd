//! Properties over the AWS-recorded corpus and variants of it: a definition that checks emits
//! Rust that parses, in both forms (one method per state, and a table), and a machine run from a
//! table loads the same states at run time; renaming every state to names Rust cannot spell as
//! written (keywords, `Self`, non-ASCII, look-alikes, decomposed accents, emoji) changes none
//! of that. (rustc itself compiles every corpus case in `tests/conformance`, and the variants'
//! kinds of names in the `tests/ui/pass` cases.)

use std::path::Path;

use asl_codegen::{Form, Names};
use serde_json::Value;

/// Hostile spellings for the `i`th state (AWS allows 80 characters in a name).
fn hostile(i: usize, family: usize) -> String {
    match family {
        0 => ["Self", "self", "type", "r#match", "_", "fn", "crate", "super", "async", "gen"][i % 10].to_owned() + &"_".repeat(i / 10),
        1 => format!("Café {i}"),
        2 => format!("Cafe\u{301} {i}"),
        3 => format!("Сase{i}"),
        4 => format!("日本{i}"),
        5 => format!("😀{i}"),
        6 => format!("ǆ→ℌ {i}"),
        _ => format!("{i} Привет мир"),
    }
}

/// `def` with its states renamed by `rename` (keys of every `States`, and every `StartAt`,
/// `Next` and `Default`).
fn renamed(def: &Value, rename: &dyn Fn(&str) -> String) -> Value {
    match def {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("States", Value::Object(states)) => Value::Object(states.iter().map(|(name, st)| (rename(name), renamed(st, rename))).collect()),
                        ("StartAt" | "Next" | "Default", Value::String(s)) => Value::String(rename(s)),
                        _ => renamed(v, rename),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|v| renamed(v, rename)).collect()),
        v => v.clone(),
    }
}

/// Every state name of `def`, in no particular order.
fn state_names(def: &Value, out: &mut Vec<String>) {
    match def {
        Value::Object(m) => {
            for (k, v) in m {
                if let ("States", Value::Object(states)) = (k.as_str(), v) {
                    out.extend(states.keys().cloned());
                }
                state_names(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| state_names(v, out)),
        _ => {}
    }
}

/// Emits `text` both ways; each must be Rust that parses, and the table's states must load.
fn emits_both_ways(label: &str, text: &str) -> bool {
    let names = Names { lenient_variables: true, ..Names::from_path("flow.json") };
    let Ok(methods) = asl_codegen::generate(label, text, &Names { form: Form::Methods, ..names.clone() }, None) else { return false };
    syn::parse2::<syn::File>(methods).unwrap_or_else(|e| panic!("{label}: methods form does not parse: {e}"));
    let table = asl_codegen::generate(label, text, &Names { form: Form::Table, ..names.clone() }, None).unwrap_or_else(|e| panic!("{label}: the table form fails where methods do not: {e}"));
    syn::parse2::<syn::File>(table).unwrap_or_else(|e| panic!("{label}: table form does not parse: {e}"));
    asl_codegen::load(text, &names).unwrap_or_else(|d| panic!("{label}: does not load: {d:?}"));
    true
}

#[test]
fn corpus_definitions_and_hostile_renamings_emit_rust_that_parses() {
    // the deepest corpus cases need more than a test thread's stack (rustc gives the macro more)
    std::thread::Builder::new().stack_size(256 << 20).spawn(run).unwrap().join().unwrap();
}

fn run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/corpus/cases");
    let (mut emitted, mut variants) = (0, 0);
    for e in std::fs::read_dir(root).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path().join("definition.json")).unwrap();
        let label = e.file_name().to_string_lossy().into_owned();
        if !emits_both_ways(&label, &text) {
            continue;
        }
        emitted += 1;
        let Ok(def) = serde_json::from_str::<Value>(&text) else { continue };
        let mut names = Vec::new();
        state_names(&def, &mut names);
        names.sort();
        // one family of names a case, each family over a eighth of the corpus (all of them on
        // every case took minutes in a debug build)
        let family = emitted % 8;
        {
            let rename = |s: &str| names.binary_search_by(|n| n.as_str().cmp(s)).map_or_else(|_| s.to_owned(), |i| hostile(i, family));
            let variant = renamed(&def, &rename).to_string();
            assert!(emits_both_ways(&format!("{label} (names {family})"), &variant), "{label}: renaming its states (family {family}) broke it");
            variants += 1;
        }
    }
    assert!(emitted > 700, "{emitted} corpus definitions emitted");
    assert_eq!(variants, emitted);
}
