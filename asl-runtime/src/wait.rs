//! Wait states.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use asl_syntax::path::Path;
use asl_syntax::timestamp::Timestamp;
use serde_json::Value;

use crate::cx::Cx;
use crate::error::Failure;
use crate::io::Io;
use crate::path;

#[derive(Debug)]
pub enum WaitFor {
    Seconds(u64),
    /// A literal timestamp, parsed at build time.
    Timestamp(Timestamp),
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
        WaitFor::Timestamp(t) => cx.clock().sleep_until(system_time(t)).await,
        WaitFor::SecondsPath(p) => {
            let secs = path::seconds_path(p, &cx.env(&effective))?;
            if secs > MAX_WAIT_SECONDS {
                return Err(Failure::runtime("Wait state delay is too long."));
            }
            cx.clock().sleep(Duration::from_secs(secs)).await
        }
        WaitFor::TimestampPath(p) => {
            let at = path::timestamp_path(p, &cx.env(&effective))?;
            cx.clock().sleep_until(system_time(&at)).await
        }
    }
    spec.io.output(input, effective, cx)
}

fn system_time(t: &Timestamp) -> SystemTime {
    let secs = t.unix_seconds();
    let base = if secs >= 0 { UNIX_EPOCH + Duration::from_secs(secs as u64) } else { UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs()) };
    base + Duration::from_nanos(u64::from(t.subsec_nanos()))
}
