//! Wait states.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use asl_syntax::timestamp::Timestamp;

use crate::cx::Cx;
use crate::error::{Failure, names};
use crate::io::{DataFlow, PathField, ResultPath};
use crate::{path, template};

pub use asl_syntax::spec::{WaitFor, WaitSpec};

/// AWS's longest wait: a delay must fit a 32-bit count of seconds (a timestamp 24,856 days
/// ahead fails: `wait__test_timestamp_too_far_in_future_boundary_24856`).
const MAX_WAIT_SECONDS: u64 = i32::MAX as u64;

/// How long until `at`: zero when it has passed, an error beyond AWS's longest wait.
fn until(cx: &Cx, at: SystemTime) -> Result<Duration, Failure> {
    let d = at.duration_since(cx.clock().now()).unwrap_or_default();
    if d.as_secs() > MAX_WAIT_SECONDS {
        return Err(Failure::runtime("Wait state delay is too long."));
    }
    Ok(d)
}

/// Runs a Wait state: the output, once the wait is over.
pub async fn run(spec: &WaitSpec, input: Value, cx: &mut Cx) -> Result<Value, Failure> {
    // Without InputPath the input itself is the effective input: move it (a parked execution
    // then holds one copy), keeping `input` only where the output still reads it.
    let (input, effective) = match (&spec.io.input_path, &spec.io.result_path, spec.io.jsonata) {
        (PathField::Whole, ResultPath::Replace, false) => (Value::Null, input),
        _ => {
            let effective = spec.io.effective_input(&input, cx)?.into_owned();
            (input, effective)
        }
    };
    // The delay is worked out first, so the state has one timer to await (a parked
    // execution's future holds one). tokio's timer directly, not `Clock::sleep`, whose
    // `async fn` layer would add its own arguments to every parked execution.
    let mut delay = delay(spec, &input, &effective, cx)?;
    if cx.journal().is_some() {
        delay = durable_delay(cx, delay);
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    spec.io.output(input, effective, cx)
}

/// In a durable execution the Wait ends at a recorded time: the one recorded before a restart,
/// or now plus `delay`, recorded now.
fn durable_delay(cx: &mut Cx, delay: Duration) -> Duration {
    let now = cx.clock().now();
    let due = match cx.resumed_wait.take().and_then(|w| w.due) {
        Some(due) => due,
        None => {
            let due = now + delay;
            cx.note_waiting(&crate::durable::Waiting { due: Some(due), ..Default::default() });
            due
        }
    };
    if let (Some(j), true) = (cx.journal(), cx.scope.is_empty()) {
        j.parked(Some(due));
    }
    due.duration_since(now).unwrap_or_default()
}

fn delay(spec: &WaitSpec, input: &Value, effective: &Value, cx: &Cx) -> Result<Duration, Failure> {
    match &spec.wait {
        WaitFor::Seconds(s) => Ok(Duration::from_secs(*s)),
        WaitFor::Timestamp(t) => until(cx, system_time(t)),
        WaitFor::SecondsPath(p) => {
            let secs = path::seconds_path(p, &cx.env(effective))?;
            if secs > MAX_WAIT_SECONDS {
                return Err(Failure::runtime("Wait state delay is too long."));
            }
            Ok(Duration::from_secs(secs))
        }
        WaitFor::SecondsQuery(q) => {
            let v = spec.io.with_env(cx, input, None, |env| template::query_typed(q, env, "Seconds", "integer", |v| v.is_u64() || v.is_i64()))?;
            let secs = v.as_i64().unwrap_or(0);
            if secs < 0 {
                return Err(Failure::new(names::QUERY_EVALUATION_ERROR, format!("The JSONata expression '{}' specified for the field 'Seconds' returned a negative value: {secs}", q.text)));
            }
            if secs as u64 > MAX_WAIT_SECONDS {
                return Err(Failure::runtime("Wait state delay is too long."));
            }
            Ok(Duration::from_secs(secs as u64))
        }
        WaitFor::TimestampQuery(q) => {
            let v = spec.io.with_env(cx, input, None, |env| template::query_typed(q, env, "Timestamp", "string", Value::is_string))?;
            let text = v.as_str().unwrap_or_default();
            let at = asl_syntax::timestamp::parse(text)
                .ok_or_else(|| Failure::new(names::QUERY_EVALUATION_ERROR, format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {text}")))?;
            until(cx, system_time(&at))
        }
        WaitFor::TimestampPath(p) => {
            let at = path::timestamp_path(p, &cx.env(effective))?;
            until(cx, system_time(&at))
        }
    }
}

fn system_time(t: &Timestamp) -> SystemTime {
    let secs = t.unix_seconds();
    let base = if secs >= 0 { UNIX_EPOCH + Duration::from_secs(secs as u64) } else { UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs()) };
    base + Duration::from_nanos(u64::from(t.subsec_nanos()))
}
