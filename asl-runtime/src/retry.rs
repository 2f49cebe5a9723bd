//! Retriers: which error each matches, how many attempts it allows and how long to wait.

use std::time::Duration;

use crate::cx::Cx;
use crate::durable::Waiting;
use crate::error::{Failure, names};

pub use asl_syntax::spec::{Jitter, Retrier};

/// Whether an `ErrorEquals` list matches a failure. `States.ALL` matches every error but
/// `States.Runtime`; `States.TaskFailed` matches every error but `States.Timeout` (and
/// `States.Runtime`). AWS's docs also exempt `States.DataLimitExceeded`, but AWS's recorded
/// runs catch it with `States.ALL` (conformance case
/// `states_errors__…_catch_state_all_data_limit_exceeded_on_large_utf8_response`).
pub fn matches<E: AsRef<str>>(errors: &[E], f: &Failure) -> bool {
    let terminal = f.error == names::RUNTIME;
    errors
        .iter()
        .map(AsRef::as_ref)
        .any(|e| e == f.error || (e == names::ALL && !terminal) || (e == names::TASK_FAILED && !terminal && f.error != names::TIMEOUT && f.error != names::HEARTBEAT_TIMEOUT))
}

/// Retry bookkeeping for one state: attempts made per retrier.
pub struct RetryState {
    pub(crate) attempts: Vec<u64>,
    /// A top-level backoff tells the journal the execution is parked (a restart restores the
    /// attempts and the due time: a Task's, a Parallel's and a Map's).
    pub(crate) parks: bool,
}

impl RetryState {
    pub fn new(retriers: &[Retrier]) -> Self {
        RetryState { attempts: vec![0; retriers.len()], parks: false }
    }

    /// The delay before the next attempt, or `None` when the failure is not retried (no
    /// retrier matches, or the first that matches is exhausted).
    pub fn next_delay(&mut self, retriers: &[Retrier], f: &Failure) -> Option<Duration> {
        let (i, r) = retriers.iter().enumerate().find(|(_, r)| matches(&r.errors, f))?;
        let n = self.attempts[i];
        if n >= r.max_attempts {
            return None;
        }
        self.attempts[i] = n + 1;
        Some(delay(r, n))
    }
}

impl RetryState {
    /// After a failed attempt: when a retrier takes the failure, waits out its delay on the
    /// execution's clock, counts the retry (`$$.State.RetryCount`) and returns `None` (try
    /// again); otherwise hands the failure back.
    pub async fn retry_or_give_up(&mut self, retriers: &[Retrier], f: Failure, cx: &mut Cx) -> Option<Failure> {
        let Some(d) = self.next_delay(retriers, &f) else { return Some(f) };
        if cx.journal().is_some() {
            let due = cx.clock().now() + d;
            cx.note_waiting(&Waiting { due: Some(due), token: None, attempts: self.attempts.clone(), retry_count: cx.retry_count + 1, last_event: cx.last_event() });
            self.park(due, cx);
        }
        cx.clock().sleep(d).await;
        cx.retry_count += 1;
        None
    }

    fn park(&self, due: std::time::SystemTime, cx: &Cx) {
        if let (true, Some(j), true) = (self.parks, cx.journal(), cx.scope.is_empty()) {
            j.parked(Some(due));
        }
    }

    /// On a restart into the state: the attempts made before it (and `$$.State.RetryCount`).
    pub(crate) fn restore(&mut self, w: &Waiting, cx: &mut Cx) {
        if w.attempts.len() == self.attempts.len() {
            self.attempts.clone_from(&w.attempts);
        }
        cx.retry_count = w.retry_count;
    }

    /// A Parallel's or Map's attempt after a backoff begins: recorded (the attempts, no due
    /// time), so that a restart from now on goes on with its branches or iterations instead of
    /// waiting out the backoff again.
    pub(crate) fn attempt_begins(&self, cx: &Cx) {
        if self.attempts.iter().any(|&n| n > 0) {
            cx.note_waiting(&Waiting { attempts: self.attempts.clone(), retry_count: cx.retry_count, ..Default::default() });
        }
    }

    /// On a restart into the state: the attempts made before it, and the rest of the wait
    /// before the next attempt.
    pub(crate) async fn resume(&mut self, w: &Waiting, cx: &mut Cx) {
        self.restore(w, cx);
        if let Some(due) = w.due {
            self.park(due, cx);
            cx.clock().sleep(due.duration_since(cx.clock().now()).unwrap_or_default()).await;
        }
    }
}

/// The wait before retry number `n + 1` (0-based `n`): IntervalSeconds × BackoffRate^n, capped
/// by MaxDelaySeconds, with FULL jitter drawn uniformly from [0, delay].
pub fn delay(r: &Retrier, n: u64) -> Duration {
    let mut secs = r.interval_seconds as f64 * r.backoff_rate.powf(n as f64);
    if let Some(max) = r.max_delay_seconds {
        secs = secs.min(max as f64);
    }
    // A year is beyond any execution; the cap also keeps Duration::from_secs_f64 from panicking.
    secs = secs.min(366.0 * 86_400.0);
    if r.jitter == Jitter::Full {
        secs *= fastrand::f64();
    }
    Duration::from_secs_f64(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Retrier = Retrier {
        errors: std::borrow::Cow::Borrowed(&[std::borrow::Cow::Borrowed("States.ALL")]),
        interval_seconds: 2,
        max_attempts: 3,
        backoff_rate: 2.0,
        max_delay_seconds: None,
        jitter: Jitter::None,
    };

    #[test]
    fn exponential_backoff_then_exhausted() {
        let rs = [R];
        let mut st = RetryState::new(&rs);
        let f = Failure::bare("Boom");
        let delays: Vec<_> = std::iter::from_fn(|| st.next_delay(&rs, &f)).collect();
        assert_eq!(delays, [2, 4, 8].map(Duration::from_secs));
    }

    #[test]
    fn max_delay_caps() {
        let rs = [Retrier { max_delay_seconds: Some(5), max_attempts: 4, ..R }];
        let mut st = RetryState::new(&rs);
        let f = Failure::bare("Boom");
        let delays: Vec<_> = std::iter::from_fn(|| st.next_delay(&rs, &f)).collect();
        assert_eq!(delays, [2, 4, 5, 5].map(Duration::from_secs));
    }

    #[test]
    fn matching_rules() {
        assert!(matches(&["States.ALL"], &Failure::bare("X")));
        assert!(!matches(&["States.ALL"], &Failure::bare("States.Runtime")));
        assert!(matches(&["States.TaskFailed"], &Failure::bare("Lambda.Unknown")));
        assert!(!matches(&["States.TaskFailed"], &Failure::bare("States.Timeout")));
        assert!(matches(&["States.Timeout"], &Failure::bare("States.Timeout")));
        assert!(!matches(&["A"], &Failure::bare("a")));
    }

    #[test]
    fn zero_attempts_never_retries() {
        let rs = [Retrier { max_attempts: 0, ..R }];
        assert_eq!(RetryState::new(&rs).next_delay(&rs, &Failure::bare("X")), None);
    }
}
