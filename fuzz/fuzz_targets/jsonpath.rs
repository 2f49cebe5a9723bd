//! JSONPath text: parsed as a path and as a reference path, and every path that parses is
//! selected against a fixed input and the context object.
#![no_main]

use asl_runtime::__private::Vars;
use asl_runtime::__private::Env;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

mod common;

fuzz_target!(|data: &[u8]| {
    common::on_worker_stack(|| {
        let Ok(text) = std::str::from_utf8(data) else { return };
        let input = json!({"a": [1, 2, {"b": "x", "c": [true, null, 3.5]}], "n": 5, "s": "text", "o": {"k": {"k": {"k": 1}}}});
        let vars = Vars::new();
        let env = Env::of(&input, &vars);
        if let Ok(path) = asl_syntax::path::parse_path(text) {
            let _ = asl_runtime::__private::path::select(&path, &env);
            let _ = asl_runtime::__private::path::input_path(&path, &env);
        }
        if let Ok(path) = asl_syntax::path::parse_reference_path(text) {
            let _ = asl_runtime::__private::path::insert(input.clone(), &path, json!({"new": 1}));
        }
    });
});
