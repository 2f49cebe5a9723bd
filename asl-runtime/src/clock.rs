//! The clock every timer of an execution uses. It is tokio's clock, so a test that pauses
//! tokio's time (`#[tokio::test(start_paused = true)]`) runs Waits, retry backoffs and timeouts
//! in virtual time: a 30-day Wait finishes at once and delays can be asserted exactly.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// Wall-clock time derived from tokio's monotonic clock, so it advances with virtual time too.
#[derive(Clone, Debug)]
pub struct Clock {
    origin_system: SystemTime,
    origin_instant: Instant,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

impl Clock {
    /// A clock whose wall time starts now.
    pub fn new() -> Self {
        Clock { origin_system: SystemTime::now(), origin_instant: Instant::now() }
    }

    /// A clock whose wall time starts at `at` (useful for deterministic tests).
    pub fn starting_at(at: SystemTime) -> Self {
        Clock { origin_system: at, origin_instant: Instant::now() }
    }

    /// The wall time this clock started at.
    pub(crate) fn origin(&self) -> SystemTime {
        self.origin_system
    }

    /// The current wall time on this clock.
    pub fn now(&self) -> SystemTime {
        self.origin_system + self.origin_instant.elapsed()
    }

    /// The wall time of a tokio instant (as [`now`](Self::now) would have read it then).
    pub fn system_at(&self, at: Instant) -> SystemTime {
        self.origin_system + at.saturating_duration_since(self.origin_instant)
    }

    /// Sleeps for `d`; a zero duration returns at once (tokio would wait for the next timer
    /// tick, a millisecond).
    pub async fn sleep(&self, d: Duration) {
        if !d.is_zero() {
            tokio::time::sleep(d).await
        }
    }
}

/// RFC 3339 in UTC with milliseconds, as AWS writes timestamps: `2024-11-15T16:16:35.123Z`.
pub fn format_timestamp(t: SystemTime) -> String {
    let (secs, millis) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_millis()),
        Err(e) => {
            let d = e.duration();
            let ms = d.as_millis() as i64;
            (-((ms + 999) / 1000), ((1000 - ms % 1000) % 1000) as u32)
        }
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_aws() {
        let t = UNIX_EPOCH + Duration::from_millis(1_731_687_395_123);
        assert_eq!(format_timestamp(t), "2024-11-15T16:16:35.123Z");
        assert_eq!(format_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }
}
