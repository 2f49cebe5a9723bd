//! The order workflow with its Tasks implemented, run to completion on two inputs.

use asl_runtime::{json, Failure, TaskContext, Value};

asl_runtime::asl!("order.json");

struct Shop;

impl order::Tasks for Shop {
    async fn check_stock(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!({ "available": input["quantity"].as_u64() <= Some(5) }))
    }

    async fn charge_card(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!({ "charged": input["amount"] }))
    }

    async fn book_courier(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!({ "to": input["address"] }))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flow = order::Order::new(Shop);
    let input = json!({
        "order": { "sku": "KB-42", "quantity": 2, "total": 99.5 },
        "customer": { "card": "4242", "address": "1 Main St" }
    });
    let output = flow.start(input).await.expect("the order is fulfilled");
    assert_eq!(output["fulfilment"][0]["charged"], json!(99.5));
    assert_eq!(output["fulfilment"][1]["to"], json!("1 Main St"));

    let too_many = json!({
        "order": { "sku": "KB-42", "quantity": 9, "total": 450 },
        "customer": { "card": "4242", "address": "1 Main St" }
    });
    let failure = flow.start(too_many).await.expect_err("out of stock");
    assert_eq!(failure.error, "OutOfStock");
}
