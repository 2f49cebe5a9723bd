//! Manual approval: a Task that waits for an outside answer. The reviewer runs concurrently
//! and answers through a channel, standing in for `SendTaskSuccess` with the task token.
//! `cargo run --example approval`

use std::collections::HashMap;
use std::sync::Mutex;

use asl_runtime::{Failure, TaskContext, Value, json};
use tokio::sync::{mpsc, oneshot};

asl_runtime::asl!("approval/approval.json");

/// Parks each request under its task token until the reviewer answers.
struct Inbox {
    to_reviewer: mpsc::UnboundedSender<(String, Value)>,
    waiting: Mutex<HashMap<String, oneshot::Sender<Value>>>,
}

impl approval::Tasks for std::sync::Arc<Inbox> {
    async fn lambda_invoke_wait_for_task_token(&self, input: Value, ctx: TaskContext) -> Result<Value, Failure> {
        let token = ctx.token.as_deref().unwrap_or_default().to_owned();
        assert_eq!(input["Payload"]["taskToken"], token.as_str());
        let (tx, rx) = oneshot::channel();
        self.waiting.lock().unwrap().insert(token.clone(), tx);
        let _ = self.to_reviewer.send((token, input["Payload"]["request"].clone()));
        rx.await.map_err(|_| Failure::new("States.TaskFailed", "the reviewer went away"))
    }
}

#[tokio::main]
async fn main() {
    let (to_reviewer, mut requests) = mpsc::unbounded_channel();
    let inbox = std::sync::Arc::new(Inbox { to_reviewer, waiting: Mutex::new(HashMap::new()) });

    // The reviewer: approves expenses up to 1000.
    let reviewer_inbox = inbox.clone();
    tokio::spawn(async move {
        while let Some((token, request)) = requests.recv().await {
            let amount = request["amount"].as_f64().unwrap_or(0.0);
            let answer = if amount <= 1000.0 { json!({"approved": true, "by": "alice"}) } else { json!({"approved": false, "reason": format!("{amount} is over the limit")}) };
            println!("reviewer answers {answer} for token {}…", &token[..8]);
            if let Some(tx) = reviewer_inbox.waiting.lock().unwrap().remove(&token) {
                let _ = tx.send(answer);
            }
        }
    });

    let flow = approval::Approval::new(inbox);
    for amount in [250, 5000] {
        match flow.start(json!({"expense": "laptop", "amount": amount})).await {
            Ok(output) => println!("SUCCEEDED {output}"),
            Err(f) => println!("FAILED {f}"),
        }
    }
}
