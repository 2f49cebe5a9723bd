//! State machines and activities as the store keeps them. The API logic (versions, aliases,
//! tags, idempotency rules, quotas) is [`MemoryBackend`]'s; what it holds of one machine or
//! activity is saved whole after every change, as a row of the store: the row's columns carry
//! what the engine and other readers need (ARN, name, type, current definition, role, dates,
//! tags) and `attributes` the full record. At startup every row is read back. The store is the
//! record: a change that the store refuses is undone in memory and the call fails.

use std::sync::Arc;

use asl_engine::store::{Activity, MachineType, Page, StateMachine, Store, Write};
use serde_json::Value;

use crate::MemoryBackend;

fn ms(v: &Value) -> i64 {
    (v.as_f64().unwrap_or(0.0) * 1000.0).round() as i64
}

fn text(v: &Value, path: &[&str]) -> String {
    path.iter().fold(v, |v, k| &v[*k]).as_str().unwrap_or_default().to_string()
}

/// The store row of a machine [`MemoryBackend::export_machine`] gave.
pub(crate) fn machine_row(name: &str, saved: &Value) -> StateMachine {
    StateMachine {
        arn: text(saved, &["arn"]),
        name: name.into(),
        machine_type: if saved["kind"] == "EXPRESS" { MachineType::Express } else { MachineType::Standard },
        definition: text(saved, &["config", "definition"]),
        role_arn: text(saved, &["config", "role_arn"]),
        created: ms(&saved["creation_date"]),
        revision_id: text(saved, &["revision_id"]),
        status: "ACTIVE".into(),
        tags: saved["tags"].clone(),
        attributes: saved.clone(),
    }
}

/// The store row of an activity; `tags` holds the whole record (tags and encryption settings).
pub(crate) fn activity_row(name: &str, saved: &Value) -> Activity {
    Activity { arn: text(saved, &["arn"]), name: name.into(), created: ms(&saved["creation_date"]), tags: saved.clone() }
}

/// The write that takes the store from `before` to `after` (None: no change).
pub(crate) fn machine_write(name: &str, before: &Option<Value>, after: &Option<Value>) -> Option<Write> {
    match (before, after) {
        (b, a) if b == a => None,
        (Some(b), None) => Some(Write::DeleteMachine(text(b, &["arn"]))),
        (None, Some(a)) => Some(Write::InsertMachine(machine_row(name, a))),
        (Some(_), Some(a)) => Some(Write::UpdateMachine(machine_row(name, a))),
        (None, None) => None,
    }
}

pub(crate) fn activity_write(name: &str, before: &Option<Value>, after: &Option<Value>) -> Vec<Write> {
    match (before, after) {
        (b, a) if b == a => Vec::new(),
        (Some(b), None) => vec![Write::DeleteActivity(text(b, &["arn"]))],
        (None, Some(a)) => vec![Write::InsertActivity(activity_row(name, a))],
        // An activity's record changes only by tagging: replaced, in one batch.
        (Some(b), Some(a)) => vec![Write::DeleteActivity(text(b, &["arn"])), Write::InsertActivity(activity_row(name, a))],
        (None, None) => Vec::new(),
    }
}

/// Reads every stored machine and activity into `memory`; the machines, for the engine to load.
pub(crate) async fn load(store: &Arc<dyn Store>, memory: &MemoryBackend) -> Result<Vec<StateMachine>, String> {
    let mut machines = Vec::new();
    let mut token = None;
    loop {
        let Page { items, next_token } = store.list_machines(1000, token).await.map_err(|e| format!("cannot read the state machines: {e}"))?;
        for m in items {
            // A row another program wrote (without the server's record) is left alone.
            match memory.import_machine(&m.name, Some(m.attributes.clone())) {
                Ok(()) => machines.push(m),
                Err(e) => eprintln!("asl-server: skipping {}: {e}", m.arn),
            }
        }
        token = next_token;
        if token.is_none() {
            break;
        }
    }
    let mut token = None;
    loop {
        let Page { items, next_token } = store.list_activities(1000, token).await.map_err(|e| format!("cannot read the activities: {e}"))?;
        for a in items {
            if let Err(e) = memory.import_activity(&a.name, Some(a.tags)) {
                eprintln!("asl-server: skipping {}: {e}", a.arn);
            }
        }
        token = next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(machines)
}
