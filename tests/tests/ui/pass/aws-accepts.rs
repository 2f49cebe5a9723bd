//! Definitions AWS accepts, compiled and run: a Jayway script index (`[(@.length-1)]`), `@` as
//! the filtered value itself, a Pass state's `Parameters` as an array (its strings literal), a
//! JSONPath state in the processor of a JSONata Map of a JSONPath machine, a Lambda ARN with an
//! alias, and Task `Credentials` (accepted, not applied: the Tasks method runs as it is).

use asl_runtime::{json, Failure, TaskContext, Value};

asl_runtime::asl!("aws-accepts.json");

struct Worker;

impl aws_accepts::Tasks for Worker {
    async fn work(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!(input["each"].as_array().map(Vec::len)))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flow = aws_accepts::AwsAccepts::new(Worker);
    let output = flow.start(json!({ "list": ["x", "y", "x", "z"] })).await.expect("succeeds");
    assert_eq!(
        output,
        json!({
            "last": "z",
            "xs": ["x", "x"],
            "arr": [{ "last": "z" }, "$.xs"],
            "each": [{ "item": "x" }, { "item": "x" }],
            "worked": 2
        })
    );
}
