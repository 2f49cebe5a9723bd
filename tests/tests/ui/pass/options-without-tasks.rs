//! `module` and `machine` options, and a workflow without Task states (`()` is its task set).

use asl_runtime::json;

asl_runtime::asl!("options-without-tasks.json", module = greeter, machine = Greeter);

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flow = greeter::Greeter::new(());
    let output = flow.start(json!({ "name": "Ada", "formal": true })).await.expect("succeeds");
    assert_eq!(output["out"], json!({ "greeting": "Ada" }));
}
