//! AWS-style history events. Every execution numbers its events (ids are needed for AWS's
//! error causes, "entered at the event id #N"); the events themselves are built only when an
//! observer is attached.

use std::sync::Mutex;
use std::time::SystemTime;

use serde_json::Value;

/// An event of an execution's history.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The execution's ARN: one observer can watch several executions.
    pub execution: std::sync::Arc<str>,
    /// 1-based, in the order events happened in the execution.
    pub id: u64,
    /// The event before this one in the same scope (0 for the first).
    pub previous_event_id: u64,
    /// When it happened, on the execution's clock.
    pub timestamp: SystemTime,
    /// AWS's event type: `ExecutionStarted`, `PassStateEntered`, `TaskFailed`, …
    pub kind: &'static str,
    /// The event's details as AWS's API shows them (`{"name":…,"input":…}`, `{"error":…}`).
    pub details: Value,
}

/// Sees every event of an execution (history, checkpoints and live views attach here).
pub trait Observer: Send + Sync {
    /// Called for each event, in order, as it happens.
    fn event(&self, event: &Event);
}

/// An observer that keeps the whole history in memory.
#[derive(Debug, Default)]
pub struct History {
    events: Mutex<Vec<Event>>,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        History::default()
    }

    /// The events so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Just the event types, in order.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|e| e.kind).collect()
    }
}

impl Observer for History {
    fn event(&self, event: &Event) {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).push(event.clone());
    }
}

/// `<Type>StateEntered` / `<Type>StateExited` for a state type.
pub fn state_event(type_name: &str, entered: bool) -> &'static str {
    macro_rules! pick {
        ($($t:literal),*) => {
            match (type_name, entered) {
                $(($t, true) => concat!($t, "StateEntered"), ($t, false) => concat!($t, "StateExited"),)*
                (_, true) => "StateEntered",
                (_, false) => "StateExited",
            }
        };
    }
    pick!("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
}
