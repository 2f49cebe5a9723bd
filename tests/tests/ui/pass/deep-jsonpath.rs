//! JSONPath filters and intrinsic calls as deep as their parsers allow compile and run.

use asl_runtime::json;

asl_runtime::asl!("deep-jsonpath.json");

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flow = deep_jsonpath::DeepJsonpath::new(());
    let output = flow.start(json!({ "items": [{ "a": 1 }, { "a": 2 }] })).await.expect("succeeds");
    assert_eq!(output["matched"], json!([{ "a": 1 }]));
    assert_eq!(output["formatted"], json!("1"));
}
