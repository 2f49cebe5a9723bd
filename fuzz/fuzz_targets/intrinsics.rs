//! Intrinsic function calls (`States.Format(…)` and the rest): parsed, checked, and evaluated
//! against a fixed input.
#![no_main]

use asl_runtime::__private::Vars;
use asl_runtime::__private::Env;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

mod common;

fuzz_target!(|data: &[u8]| {
    common::on_worker_stack(|| {
        let Ok(text) = std::str::from_utf8(data) else { return };
        let input = json!({"a": [1, 2, 2, "x", {"b": 1}], "n": 5, "s": "a,b,,c", "f": 2.5, "o": {"k": "v"}});
        let vars = Vars::new();
        let env = Env::of(&input, &vars);
        if let Ok(call) = asl_syntax::intrinsic::parse_call(text) {
            let _ = asl_runtime::__private::intrinsics::call(&call, &env);
        }
    });
});
