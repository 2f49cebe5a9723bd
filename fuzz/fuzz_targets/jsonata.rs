//! JSONata expressions: parsed, then evaluated against a fixed input with variables.
#![no_main]

use asl_runtime::__private::Vars;
use asl_runtime::__private::Env;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

mod common;

fuzz_target!(|data: &[u8]| {
    common::on_worker_stack(|| {
        let Ok(text) = std::str::from_utf8(data) else { return };
        let Ok(expr) = asl_syntax::jsonata::parse(text) else { return };
        let input = json!({"a": [1, 2, {"b": "x", "c": [true, null, 3.5]}], "n": 5, "s": "text", "o": {"k": {"k": 1}}});
        let mut vars = Vars::new();
        vars.set("x", json!([3, 1, 2]));
        vars.set("y", json!({"name": "y", "list": ["p", "q"]}));
        let env = Env::of(&input, &vars);
        let _ = asl_runtime::__private::jsonata::eval(&expr, &env);
    });
});
