//! JSONata trees as deep as the parser allows compile: the deepest `static` tree `asl!` emits
//! stays far inside what rustc's stack can take.

use asl_runtime::json;

asl_runtime::asl!("deep-jsonata.json");

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flow = deep_jsonata::DeepJsonata::new(());
    let output = flow.start(json!({})).await.expect("succeeds");
    assert_eq!(output["sum"], json!(99));
    assert_eq!(output["cond"], json!(1));
    let mut nest = &output["nest"];
    for _ in 0..98 {
        nest = &nest[0];
    }
    assert_eq!(nest, &json!([1]));
}
