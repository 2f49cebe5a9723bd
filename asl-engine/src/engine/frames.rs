//! Frames: a scope's [`Position`] or how it [`Ended`], as the JSON kept in the store, and the
//! [`Resume`] rebuilt from them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use asl_runtime::Failure;
use asl_runtime::durable::{Ended, Position, Resume, Waiting};
use serde_json::{Map, Value, json};

use crate::store::Millis;

pub(crate) fn millis(t: SystemTime) -> Millis {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as Millis).unwrap_or(0)
}

pub(crate) fn from_millis(ms: Millis) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

pub(crate) fn now() -> Millis {
    millis(SystemTime::now())
}

pub(crate) fn position_frame(p: &Position) -> Value {
    json!({
        "at": p.state,
        "input": p.input,
        "vars": Value::Object(p.vars.clone()),
        "entered_event": p.entered_event,
        "wait": {
            "due": p.wait.due.map(millis),
            "token": p.wait.token,
            "attempts": p.wait.attempts,
            "retry_count": p.wait.retry_count,
            "last_event": p.wait.last_event,
        }
    })
}

/// How a scope ended; a failed one keeps the position it failed at (`at`), where a redrive
/// starts it again.
pub(crate) fn ended_frame(e: &Ended, at: Option<&Position>) -> Value {
    match e {
        Ended::Succeeded(v) => json!({"ended": "ok", "output": v}),
        Ended::Failed(f) => {
            let mut v = json!({"ended": "failed", "error": f.error, "cause": f.cause});
            if let Some(p) = at {
                v["at"] = position_frame(p);
            }
            v
        }
    }
}

enum Frame {
    At(Position),
    Ended(Ended),
}

fn parse(v: &Value) -> Option<Frame> {
    if v.get("restart").is_some() {
        return None;
    }
    if let Some(kind) = v.get("ended").and_then(Value::as_str) {
        return Some(Frame::Ended(if kind == "ok" {
            Ended::Succeeded(v.get("output").cloned().unwrap_or(Value::Null))
        } else {
            Ended::Failed(Failure { error: v.get("error").and_then(Value::as_str).unwrap_or("States.Runtime").to_owned(), cause: v.get("cause").and_then(Value::as_str).map(str::to_owned) })
        }));
    }
    let w = v.get("wait").cloned().unwrap_or(Value::Null);
    Some(Frame::At(Position {
        state: v.get("at")?.as_str()?.to_owned(),
        input: v.get("input").cloned().unwrap_or(Value::Null),
        vars: v.get("vars").and_then(Value::as_object).cloned().unwrap_or_else(Map::new),
        entered_event: v.get("entered_event").and_then(Value::as_u64).unwrap_or(0),
        wait: Waiting {
            due: w.get("due").and_then(Value::as_i64).map(from_millis),
            token: w.get("token").and_then(Value::as_str).map(str::to_owned),
            attempts: w.get("attempts").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_u64).collect()).unwrap_or_default(),
            retry_count: w.get("retry_count").and_then(Value::as_u64).unwrap_or(0) as u32,
            last_event: w.get("last_event").and_then(Value::as_u64).unwrap_or(0),
        },
    }))
}

/// The [`Resume`] of an execution from its frames, input, start date and last event id.
pub(crate) fn resume(frames: Vec<(String, Value)>, input: Value, start: Millis, last_event: u64) -> Resume {
    let mut r = Resume { last_event, execution_input: input, start_time: Some(from_millis(start)), ..Default::default() };
    for (scope, v) in frames {
        match parse(&v) {
            Some(Frame::At(p)) => {
                r.positions.insert(scope, p);
            }
            Some(Frame::Ended(e)) => {
                r.ended.insert(scope, e);
            }
            None => {}
        }
    }
    r
}

/// A redrive's frames, from an ended execution's: the scopes that failed (or were stopped) go
/// back to the state they were in, with no token and no retry counts (AWS resets them), and
/// branches and iterations that succeeded keep their outputs. Returns the frames to write back
/// (all of them, so that a crash after the redrive resumes from the same place).
pub(crate) fn redrive(frames: Vec<(String, Value)>) -> Vec<(String, Value)> {
    frames
        .into_iter()
        .map(|(scope, v)| {
            let frame = match parse(&v) {
                Some(Frame::Ended(Ended::Succeeded(_))) => v,
                Some(Frame::Ended(Ended::Failed(_))) => match v.get("at").and_then(parse) {
                    Some(Frame::At(p)) => position_frame(&fresh(p)),
                    // No position kept: the branch or iteration starts again from its first state.
                    _ => json!({"restart": true}),
                },
                Some(Frame::At(p)) => position_frame(&fresh(p)),
                None => v,
            };
            (scope, frame)
        })
        .collect()
}

/// A position entered again by a redrive: a Task gets a new token and its retriers start
/// over; a Wait keeps its due time.
fn fresh(mut p: Position) -> Position {
    if p.wait.token.is_some() || !p.wait.attempts.is_empty() || p.wait.retry_count > 0 {
        p.wait = Waiting::default();
    }
    p
}
