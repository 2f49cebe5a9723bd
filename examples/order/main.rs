//! The order pipeline, end to end: `cargo run --example order`.

use asl_runtime::{Failure, TaskContext, Value, json};

asl_runtime::asl!("order/order.json");

/// The workflow's work, one method per Task resource.
struct Shop;

impl order::Tasks for Shop {
    async fn check_stock(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let quantity = input["quantity"].as_u64().unwrap_or(0);
        Ok(json!({ "available": quantity <= 5, "onHand": 5 }))
    }

    async fn charge_card(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        if input["card"] == "4000-0000-0000-0002" {
            return Err(Failure::new("Payment.Declined", "card declined by issuer"));
        }
        Ok(json!({ "charged": input["amount"], "receipt": "R-1001" }))
    }

    async fn book_courier(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        Ok(json!({ "courier": "FastShip", "to": input["address"] }))
    }
}

#[tokio::main]
async fn main() {
    let flow = order::Order::new(Shop);
    let orders = [
        json!({"order": {"sku": "KB-42", "quantity": 2, "total": 99.5}, "customer": {"card": "4242-4242-4242-4242", "address": "1 Main St"}}),
        json!({"order": {"sku": "KB-42", "quantity": 9, "total": 450}, "customer": {"card": "4242-4242-4242-4242", "address": "1 Main St"}}),
        json!({"order": {"sku": "KB-42", "quantity": 1, "total": 49.75}, "customer": {"card": "4000-0000-0000-0002", "address": "2 Side St"}}),
    ];
    for input in orders {
        match flow.start(input).await {
            Ok(output) => println!("SUCCEEDED {output}"),
            Err(f) => println!("FAILED {f}"),
        }
    }
}
