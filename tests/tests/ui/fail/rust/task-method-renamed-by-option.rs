use asl_runtime::{Failure, TaskContext, Value};

asl_runtime::asl!(
    "task-method-renamed-by-option.json",
    module = shop,
    machine = Shop,
    task("arn:aws:lambda:us-east-1:111111111111:function:Ship") = send_parcel,
);

struct Warehouse;

impl shop::Tasks for Warehouse {
    async fn check_stock(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(input)
    }

    async fn ship(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(input)
    }
}

fn main() {
    let _flow = shop::Shop::new(Warehouse);
}
