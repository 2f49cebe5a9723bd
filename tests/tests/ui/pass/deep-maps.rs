//! Map states nested as deep as a definition's JSON nesting allows (41 of them in 126 levels;
//! 160 once made rustc overflow its stack) compile and run: each level maps over the one
//! array inside its item, so the output is the input.

use asl_runtime::{Value, json};

asl_runtime::asl!("deep-maps.json");

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flow = deep_maps::DeepMaps::new(());
    let input = (0..41).fold(json!("leaf"), |v: Value, _| json!([v]));
    let output = flow.start(input.clone()).await.expect("succeeds");
    assert_eq!(output, input);
}
