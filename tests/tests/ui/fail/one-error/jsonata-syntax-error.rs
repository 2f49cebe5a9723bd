//! One mistake in the workflow, a JSONata syntax error, and rustc reports it alone: the code below uses
//! the module as if the workflow compiled (the skeleton `asl!` emits keeps it quiet).

use asl_runtime::{json, Failure, StateId, TaskContext, Value};

asl_runtime::asl!("jsonata-syntax-error.json", module = shop, machine = Shop);

struct Warehouse;

impl shop::Tasks for Warehouse {
    async fn check_stock(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(input)
    }

    async fn ship(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(input)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flow = shop::Shop::new(Warehouse);
    let _ = flow.start(json!({"order": 1})).await;
    let _ = flow.start_at(shop::State::Ship, json!({})).await;
    let _ = flow.tasks();
    assert_eq!(shop::State::CheckStock.name(), "CheckStock");
}
