use asl_runtime::{Failure, TaskContext, Value};

asl_runtime::asl!("tasks-impl-missing-method.json", module = shop, machine = Shop);

struct Warehouse;

impl shop::Tasks for Warehouse {
    async fn check_stock(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(input)
    }
}

fn main() {
    let _flow = shop::Shop::new(Warehouse);
}
