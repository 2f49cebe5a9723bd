//! State names and a Task resource outside ASCII compile without a warning (rustc's
//! `uncommon_codepoints`, `mixed_script_confusables`, `confusable_idents`, `non_snake_case` and
//! `non_camel_case_types` included) and run: letters Rust takes are kept, normalized to NFC as
//! rustc normalizes identifiers; the names themselves stay as written.
#![deny(warnings)]

use asl_runtime::{json, Failure, StateId, TaskContext, Value};

asl_runtime::asl!("non-ascii-names.json");

struct Checks;

impl non_ascii_names::Tasks for Checks {
    // `function:GrößePrüfen`
    async fn größe_prüfen(&self, _input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!({ "ok": true }))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    use non_ascii_names::State;
    let flow = non_ascii_names::NonAsciiNames::new(Checks);
    let output = flow.start(json!({})).await.expect("succeeds");
    assert_eq!(output, json!({ "nfc": "café", "größe": { "ok": true } }));

    let named = [
        (State::Café, "Café"),
        // the same letters in NFD: the same identifier to rustc, so numbered
        (State::Café2, "Cafe\u{301}"),
        (State::GrößePrüfen, "Größe prüfen"),
        (State::日本, "日本"),
        (State::ПриветМир, "Привет мир"),
        // Cyrillic `С` alone among Latin letters: spelled as the Latin letter it looks like
        (State::Case, "Сase"),
        (State::Case2, "Case"),
        // characters outside the identifier profile are separators
        (State::S, "ǆ→ℌ"),
        (State::Done, "😀 done"),
        (State::S٣Steps, "٣ steps"),
        (State::Ωmega, "Ωmega"),
    ];
    for (state, name) in named {
        assert_eq!(state.name(), name);
        assert_eq!(State::from_name(name), Some(state));
    }
    let output = flow.start_at(State::Ωmega, json!({ "at": "Ωmega" })).await.expect("succeeds");
    assert_eq!(output, json!({ "at": "Ωmega" }));
}
