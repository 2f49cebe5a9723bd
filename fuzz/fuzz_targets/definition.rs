//! A definition through the whole build-time pipeline, as `asl check`, `asl graph` and `asl!`
//! run it: parse and validate, render diagnostics, emit Rust (or the skeleton beside errors),
//! draw the graph in every format.
#![no_main]

use asl_codegen::graph::{dot, layout, mermaid, svg, Graph};
use asl_codegen::{Names, SourceFile};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::on_worker_stack(|| {
        let Ok(text) = std::str::from_utf8(data) else { return };
        let names = Names::from_path("fuzz.json");
        match asl_codegen::compile("fuzz.json", text, &names, None) {
            Ok(tokens) => {
                let _ = tokens.to_string();
            }
            Err(diags) => {
                let _ = SourceFile { name: "fuzz.json", text }.render(&diags);
                // what `asl!` emits beside them: the module's skeleton, read from any text
                let _ = asl_codegen::skeleton("fuzz.json", text, &names, None).to_string();
            }
        }
        // drawn as `asl graph` does: from what can be read, even of a broken definition
        let source = asl_codegen::json::parse(text).ok();
        let machine = asl_codegen::check(text).ok().or_else(|| {
            let mut d = asl_codegen::diagnostic::Diagnostics::default();
            source.as_ref().and_then(|root| asl_codegen::parse::machine(root, text, &mut d))
        });
        if let Some(machine) = machine {
            let g = Graph::build("fuzz", &machine, source.as_ref());
            let _ = mermaid::render(&g);
            let _ = dot::render(&g);
            let _ = svg::render(&g);
            let _ = layout::layout(&g);
        }
    });
});
