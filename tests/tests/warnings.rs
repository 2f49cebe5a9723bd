//! Generated code compiles without a warning in a user's crate under `#![deny(warnings)]`: the
//! golden snapshots (the examples' generated code) and workflows that exercise every kind of
//! state and Choice rule (`And`/`Or`/`Not` nesting included). A warning fails this test's build.

#![deny(warnings)]

include!("../../asl-codegen/tests/snapshots/order.rs");
include!("../../asl-codegen/tests/snapshots/approval.rs");
include!("../../asl-codegen/tests/snapshots/fanout.rs");

asl_runtime::asl!("flows/choice.json");
asl_runtime::asl!("flows/jsonata.json");
asl_runtime::asl!("flows/parallel.json");
asl_runtime::asl!("flows/map.json");
asl_runtime::asl!("flows/wait.json");
asl_runtime::asl!("flows/fail.json");
asl_runtime::asl!("flows/task.json");
asl_runtime::asl!("flows/distributed.json");
// as machines past `TABLE_MIN_STATES` states are emitted
asl_runtime::asl!("flows/choice.json", module = choice_table, form = table);
asl_runtime::asl!("flows/map_stream.json", module = map_stream_table, form = table);
asl_runtime::asl!("flows/pass.json", module = pass_table, form = table);

#[test]
fn generated_code_builds_under_deny_warnings() {
    // The build of this file is the test; one run proves the code also works.
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let out = rt.block_on(choice::Choice::new(()).start(asl_runtime::json!({"n": 50, "vip": false, "kind": "x"})));
    assert_eq!(out.unwrap(), asl_runtime::json!("big"));
    let out = rt.block_on(choice_table::Choice::new(()).start(asl_runtime::json!({"n": 50, "vip": false, "kind": "x"})));
    assert_eq!(out.unwrap(), asl_runtime::json!("big"));
}
