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

/// AWS's quota on one execution's history: 25,000 events.
pub const MAX_EVENTS: usize = 25_000;

/// An observer that keeps an execution's history in memory: its first [`MAX_EVENTS`] events,
/// as AWS's history holds at most that many. AWS fails an execution whose history reaches the
/// quota; an observer cannot end an execution, so past it this one keeps memory bounded (a Map
/// over a million items made four million events, 4.6 GB) and counts what it left out in
/// [`History::left_out`], which a caller can treat as AWS's failure.
#[derive(Debug, Default)]
pub struct History {
    events: Mutex<Vec<Event>>,
    left_out: std::sync::atomic::AtomicU64,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        History::default()
    }

    /// Events seen past [`MAX_EVENTS`] and not kept.
    pub fn left_out(&self) -> u64 {
        self.left_out.load(std::sync::atomic::Ordering::Relaxed)
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
        let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        if events.len() < MAX_EVENTS {
            events.push(event.clone());
        } else {
            self.left_out.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_aws_quota_of_events() {
        let h = History::new();
        for id in 1..=30_000u64 {
            h.event(&Event { execution: "arn:x".into(), id, previous_event_id: id - 1, timestamp: SystemTime::UNIX_EPOCH, kind: "PassStateEntered", details: Value::Null });
        }
        let events = h.events();
        assert_eq!(events.len(), MAX_EVENTS);
        assert_eq!(events.last().unwrap().id, 25_000);
        assert_eq!(h.left_out(), 5_000);
    }
}
