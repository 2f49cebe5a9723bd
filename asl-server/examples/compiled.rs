//! A host program serving a compiled workflow over the Step Functions API: `Greeting` (compiled
//! from greeting.json by `asl!`, its Task a Rust method) shows up in ListStateMachines and runs
//! durably on the engine when started with the AWS CLI or an SDK; a Rust handler serves the
//! resource `…:function:shout` for the machines created over the API.
//!
//!     cargo run -p asl-server --example compiled -- [PORT=8083] [DB=sqlite:greeting.db]

use asl_runtime::{Failure, TaskContext, Value, json};
use asl_server::Server;

asl_runtime::asl!("examples/greeting.json", task("arn:aws:lambda:us-east-1:123456789012:function:greet") = greet);

struct Greeter;

impl greeting::Tasks for Greeter {
    async fn greet(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let who = input["who"].as_str().ok_or_else(|| Failure::new("NoName", "the input has no \"who\""))?;
        Ok(json!({"greeting": format!("Hello, {who}"), "loud": input["loud"] == true}))
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port: u16 = args.first().map_or(Ok(8083), |p| p.parse()).map_err(std::io::Error::other)?;
    let db = args.get(1).map_or("sqlite:greeting.db", String::as_str).parse().map_err(std::io::Error::other)?;
    let bound = Server::builder()
        .db(db)
        .machine("Greeting", include_str!("greeting.json"), greeting::Greeting::new(Greeter))
        .handler("arn:aws:lambda:us-east-1:123456789012:function:shout", |input: Value, _ctx: TaskContext| async move { Ok(json!(input.as_str().unwrap_or_default().to_uppercase())) })
        .bind(([127, 0, 0, 1], port).into())
        .await?;
    println!("asl-server listening on http://{}", bound.local_addr());
    bound.serve().await
}
