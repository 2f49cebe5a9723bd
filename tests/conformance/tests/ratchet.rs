//! The ratchet: every case listed in `passing.txt` must still pass. Regenerate the list with
//! `cargo run --release -p asl-conformance -- --write-passing`.

use std::collections::BTreeMap;

#[test]
fn passing_cases_keep_passing() {
    if let Err(e) = asl_conformance::check_corpus(std::path::Path::new(asl_conformance::CASES_DIR), asl_conformance::CASES.len()) {
        panic!("{e}");
    }
    let outcomes = asl_conformance::run_all(None, asl_conformance::Engine::Both);
    let by_name: BTreeMap<&str, &asl_conformance::Outcome> = outcomes.iter().map(|o| (o.case, o)).collect();
    let passed = outcomes.iter().filter(|o| o.pass).count();
    println!("conformance: {passed} of {} cases pass", outcomes.len());

    // With ASL_CONFORMANCE_DIR pointing elsewhere, only the listed cases present there are checked.
    let other_dir = std::env::var_os("ASL_CONFORMANCE_DIR").is_some();
    let mut broken = Vec::new();
    for name in asl_conformance::read_passing() {
        match by_name.get(name.as_str()) {
            Some(o) if o.pass => {}
            Some(o) => broken.push(format!("{name}: {}", o.detail)),
            None if other_dir => {}
            None => broken.push(format!("{name}: not in the cases directory")),
        }
    }
    let listed: std::collections::BTreeSet<String> = asl_conformance::read_passing().into_iter().collect();
    let new = outcomes.iter().filter(|o| o.pass && !listed.contains(o.case)).count();
    if new > 0 {
        println!("{new} passing cases are not in passing.txt yet: run `cargo run --release -p asl-conformance -- --write-passing`");
    }
    assert!(broken.is_empty(), "{} cases in passing.txt no longer pass:\n{}", broken.len(), broken.join("\n"));
}
