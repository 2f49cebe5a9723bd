//! Wait states.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use asl_syntax::path::Path;
use serde_json::Value;

use crate::cx::Cx;
use crate::error::Failure;
use crate::io::Io;
use crate::path;

#[derive(Debug)]
pub enum WaitFor {
    Seconds(u64),
    /// A literal timestamp, checked at build time.
    Timestamp(&'static str),
    SecondsPath(Path),
    TimestampPath(Path),
}

#[derive(Debug)]
pub struct WaitSpec {
    pub io: Io,
    pub wait: WaitFor,
}

/// AWS's longest wait: a year and a day, in seconds.
const MAX_WAIT_SECONDS: u64 = 31_622_400;

pub async fn run(spec: &WaitSpec, input: Value, cx: &mut Cx) -> Result<Value, Failure> {
    let effective = spec.io.effective_input(&input, cx)?.into_owned();
    match &spec.wait {
        WaitFor::Seconds(s) => cx.clock().sleep(Duration::from_secs(*s)).await,
        WaitFor::Timestamp(t) => {
            let at = parse_time(t).ok_or_else(|| Failure::runtime(format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {t}")))?;
            cx.clock().sleep_until(at).await
        }
        WaitFor::SecondsPath(p) => {
            let v = select(p, &effective, cx, "SecondsPath")?;
            let secs = match v.as_i64() {
                Some(n) if n < 0 => return Err(Failure::runtime(format!("The SecondsPath parameter references a negative value: {} == {v}", p.text))),
                Some(n) => n as u64,
                None => return Err(Failure::runtime(format!("The SecondsPath parameter cannot be parsed as a long value: {} == {v}", p.text))),
            };
            if secs > MAX_WAIT_SECONDS {
                return Err(Failure::runtime("Wait state delay is too long."));
            }
            cx.clock().sleep(Duration::from_secs(secs)).await
        }
        WaitFor::TimestampPath(p) => {
            let v = select(p, &effective, cx, "TimestampPath")?;
            let shown = match &v { Value::String(s) => s.clone(), other => other.to_string() };
            let at = v.as_str().and_then(parse_time).ok_or_else(|| Failure::runtime(format!("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {shown}", p.text)))?;
            cx.clock().sleep_until(at).await
        }
    }
    spec.io.output(input, effective, cx)
}

fn select(p: &Path, input: &Value, cx: &Cx, field: &str) -> Result<Value, Failure> {
    path::select(p, &cx.env(input)).map(|v| v.into_owned()).ok_or_else(|| Failure::runtime(format!("The JSONPath '{}' specified for the field '{field}' could not be found in the input '{input}'", p.text)))
}

fn parse_time(s: &str) -> Option<SystemTime> {
    let t = asl_syntax::timestamp::parse(s)?;
    let nanos = t.0;
    if nanos >= 0 {
        Some(UNIX_EPOCH + Duration::from_nanos(u64::try_from(nanos).ok()?))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_nanos(u64::try_from(-nanos).ok()?))
    }
}
