//! Map fan-out, compiled by the build script (`examples/build.rs`) rather than `asl!`.
//! `cargo run --example fanout`

use std::sync::atomic::{AtomicU32, Ordering};

use asl_runtime::{Failure, TaskContext, Value, json};

include!(concat!(env!("OUT_DIR"), "/fanout.rs"));

struct Pricing {
    /// The price service is flaky: every third call fails once and is retried.
    calls: AtomicU32,
}

impl fanout::Tasks for Pricing {
    async fn price_line(&self, input: Value, ctx: TaskContext) -> Result<Value, Failure> {
        if self.calls.fetch_add(1, Ordering::Relaxed) % 3 == 2 && ctx.retry_count == 0 {
            return Err(Failure::new("Prices.Unavailable", "try again"));
        }
        let unit = match input["line"]["sku"].as_str() {
            Some("apple") => 0.5,
            Some("pear") => 0.75,
            _ => 2.0,
        };
        let qty = input["line"]["qty"].as_f64().unwrap_or(1.0);
        Ok(json!({"position": input["position"], "sku": input["line"]["sku"], "amount": unit * qty, "currency": input["currency"]}))
    }

    async fn sum_lines(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let total: f64 = input.as_array().into_iter().flatten().filter_map(|l| l["amount"].as_f64()).sum();
        Ok(json!({"lines": input, "total": total}))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Retries wait 1 s each in real time; pause tokio's clock to skip the waits.
    tokio::time::pause();
    let flow = fanout::Fanout::new(Pricing { calls: AtomicU32::new(0) });
    let basket = json!({"currency": "EUR", "lines": [
        {"sku": "apple", "qty": 6}, {"sku": "pear", "qty": 4}, {"sku": "melon", "qty": 1},
        {"sku": "apple", "qty": 2}, {"sku": "pear", "qty": 2}
    ]});
    match flow.start(basket).await {
        Ok(output) => println!("SUCCEEDED {}", serde_json::to_string_pretty(&output).unwrap()),
        Err(f) => println!("FAILED {f}"),
    }
}
