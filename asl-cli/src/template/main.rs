//! A workflow compiled to Rust at build time by `asl!` (aslc).

use asl_runtime::{json, Failure, TaskContext, Value};

// flows/hello.json, relative to the crate root → `mod hello { State, Tasks, Hello<T> }`.
// Editing the JSON rebuilds the crate; a broken workflow is a compile error pointing into it.
asl_runtime::asl!("flows/hello.json");

/// The workflow's work: one method per Task resource (leaving one out is a compile error).
pub struct Greeter;

impl hello::Tasks for Greeter {
    async fn greet(&self, input: Value, _ctx: TaskContext) -> Result<Value, Failure> {
        let name = input["name"].as_str().unwrap_or("world");
        println!("greet: greeting {name}; the workflow now waits 2 seconds");
        Ok(json!(format!("Hello, {name}!")))
    }
}

#[tokio::main]
async fn main() {
    let flow = hello::Hello::new(Greeter);
    println!("running flows/hello.json");
    match flow.start(json!({ "name": "Ada", "polite": true })).await {
        Ok(output) => println!("{output}"),
        Err(failure) => {
            eprintln!("failed: {failure}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::Instant;

    // Virtual time: the Wait (and any retry backoff) passes instantly, however long it is, and
    // `Instant` still measures exactly how long the workflow waited.
    #[tokio::test(start_paused = true)]
    async fn greets_then_waits_two_seconds() {
        let start = Instant::now();
        let out = hello::Hello::new(Greeter).start(json!({ "name": "Ada", "polite": true })).await.unwrap();
        assert_eq!(out["greeting"], "Hello, Ada!");
        assert_eq!(out["farewell"], "Goodbye!");
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn impolite_runs_skip_the_goodbye() {
        let out = hello::Hello::new(Greeter).start(json!({ "name": "Bob", "polite": false })).await.unwrap();
        assert!(out.get("farewell").is_none());
    }
}
