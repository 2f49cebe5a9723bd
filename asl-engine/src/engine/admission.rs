//! Admission: how many executions an engine takes from the store's runnable backlog, and when.
//!
//! A start records a runnable row (see `start`); claims take such rows (and parked executions
//! that are due or answered) while the engine holds fewer than `max_running` in memory, in
//! batches: a claim is a transaction of its own, so one is made when a quarter of the room (at
//! most a claim batch) is free, not each time one execution ends.
//!
//! Starts come first: during a burst of starts (`BURST_STARTS` begun within one window of
//! `START_GAP_MS`, 800/s, or as many being committed at once: a load below that does not count),
//! a claim waits for a pause, but at most `START_DEFER`, and then takes at most `BURST_BATCH`:
//! executions go on at that pace at least (1,000/s) while the burst is answered at the speed of
//! its inserts, and the backlog runs after (its size is bounded by the open-executions quota).

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use super::frames::now;
use crate::store::Millis;

/// This many starts in one window (or committed at once) make a burst.
const BURST_STARTS: usize = 16;
/// The window starts are counted in; a burst this recent is still on.
const START_GAP_MS: Millis = 20;
/// The longest a claim waits for a burst of starts to pause.
const START_DEFER: Duration = Duration::from_millis(250);
/// The most a claim takes while a burst of starts goes on.
pub(crate) const BURST_BATCH: usize = 250;

#[derive(Default)]
pub(crate) struct Admission {
    /// A claim stopped at `max_running`: an execution that leaves memory wakes the claimer.
    backlog: AtomicBool,
    /// When a burst was last seen.
    last_burst: AtomicI64,
    /// The current window of starts: when it began, and how many began in it.
    window: AtomicI64,
    in_window: AtomicUsize,
    /// Starts being committed now.
    starting: AtomicUsize,
    /// Starts that will run at once here, not yet running.
    about_to_run: AtomicUsize,
    /// When task deadlines were last expired (at most once per claim poll).
    last_expiry: AtomicI64,
}

impl Admission {
    /// A start is being recorded until the guard is dropped.
    pub(crate) fn starting(&self) -> Starting<'_> {
        let t = now();
        let w = self.window.load(Ordering::Relaxed);
        // A new window: the count starts again (racing starts may be miscounted by a few).
        let in_window = if t - w >= START_GAP_MS && self.window.compare_exchange(w, t, Ordering::SeqCst, Ordering::Relaxed).is_ok() {
            self.in_window.store(1, Ordering::Relaxed);
            1
        } else {
            self.in_window.fetch_add(1, Ordering::Relaxed) + 1
        };
        if self.starting.fetch_add(1, Ordering::SeqCst) + 1 >= BURST_STARTS || in_window >= BURST_STARTS {
            self.last_burst.store(t, Ordering::Relaxed);
        }
        Starting(self)
    }

    /// Waits while starts are being recorded, up to [`START_DEFER`]; the most the claim that
    /// follows takes (fewer while the burst goes on).
    pub(crate) async fn starts_first(&self, batch: usize) -> usize {
        let t = tokio::time::Instant::now();
        while self.burst() {
            if t.elapsed() >= START_DEFER {
                return batch.min(BURST_BATCH);
            }
            tokio::time::sleep(Duration::from_millis(START_GAP_MS as u64)).await;
        }
        batch
    }

    /// Whether a start made now runs at once in this engine (no burst, room for it): then it
    /// is inserted held by this engine, as the claim would have done.
    /// Taken (counted with `running` until [`spawned`](Self::spawned)), so that starts made
    /// together do not pass `max` between this and their spawn.
    pub(crate) fn runs_at_once(&self, running: usize, max: usize) -> bool {
        !self.burst() && self.about_to_run.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (running + n < max).then_some(n + 1)).is_ok()
    }

    /// A start that [`runs_at_once`](Self::runs_at_once) is running (or failed).
    pub(crate) fn spawned(&self) {
        self.about_to_run.fetch_sub(1, Ordering::SeqCst);
    }

    fn burst(&self) -> bool {
        self.starting.load(Ordering::SeqCst) >= BURST_STARTS || now() - self.last_burst.load(Ordering::Relaxed) < START_GAP_MS
    }

    /// How many executions to claim with `running` in memory out of `max`, at most `batch`:
    /// `None` while less than a quarter of the room (or of a batch) is free and some run (the
    /// next one to leave memory calls [`room_made`](Self::room_made) and wakes the claimer).
    pub(crate) fn room(&self, running: impl Fn() -> usize, max: usize, batch: usize) -> Option<usize> {
        let want = (max.min(batch) / 4).max(1);
        let free = |r: usize| max.saturating_sub(r).min(batch);
        let room = free(running());
        if room >= want || room > 0 && running() == 0 {
            return Some(room);
        }
        self.backlog.store(true, Ordering::SeqCst);
        // Room may have been made meanwhile, before the flag was seen.
        let room = free(running());
        (room >= want).then_some(room)
    }

    /// An execution left memory: true if the claimer should run (a claim was held back).
    pub(crate) fn room_made(&self) -> bool {
        self.backlog.load(Ordering::Relaxed) && self.backlog.swap(false, Ordering::SeqCst)
    }

    /// Whether task deadlines are due to be expired again (`every` since the last time).
    pub(crate) fn expiry_due(&self, every: Duration) -> bool {
        let t = now();
        let last = self.last_expiry.load(Ordering::Relaxed);
        t - last >= every.as_millis() as Millis && self.last_expiry.compare_exchange(last, t, Ordering::SeqCst, Ordering::Relaxed).is_ok()
    }
}

/// See [`Admission::starting`].
pub(crate) struct Starting<'a>(&'a Admission);

impl Drop for Starting<'_> {
    fn drop(&mut self) {
        self.0.starting.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_wait_for_a_quarter_of_the_room() {
        let a = Admission::default();
        assert_eq!(a.room(|| 0, 2000, 1000), Some(1000));
        assert_eq!(a.room(|| 1200, 2000, 1000), Some(800));
        assert_eq!(a.room(|| 1800, 2000, 1000), None, "200 free: less than a quarter of a batch");
        assert!(a.room_made(), "the next to leave memory wakes the claimer");
        assert!(!a.room_made(), "once");
        assert_eq!(a.room(|| 2, 4, 1000), Some(2));
        assert_eq!(a.room(|| 4, 4, 1000), None);
        assert_eq!(a.room(|| 0, 0, 1000), None, "max_running 0 runs nothing");
    }

    #[tokio::test]
    async fn a_burst_of_starts_holds_claims_back_a_few_do_not() {
        let a = Admission::default();
        let few: Vec<_> = (0..BURST_STARTS - 1).map(|_| a.starting()).collect();
        assert_eq!(a.starts_first(1000).await, 1000, "a steady trickle does not hold claims");
        // Fewer than BURST_STARTS a window, one at a time: no burst either.
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(START_GAP_MS as u64 + 1)).await;
            drop(a.starting());
            assert_eq!(a.starts_first(1000).await, 1000);
        }
        let t = std::time::Instant::now();
        let many: Vec<_> = (0..BURST_STARTS).map(|_| a.starting()).collect();
        // The burst goes on (starts keep coming): after START_DEFER, a small batch.
        let go_on = async {
            loop {
                drop(a.starting());
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        };
        tokio::select! {
            n = a.starts_first(1000) => assert_eq!(n, BURST_BATCH),
            _ = go_on => unreachable!(),
        }
        assert!(t.elapsed() >= START_DEFER);
        drop((few, many));
        tokio::time::sleep(Duration::from_millis(START_GAP_MS as u64 + 5)).await;
        assert_eq!(a.starts_first(1000).await, 1000, "the burst is over");
    }

    #[test]
    fn expiry_runs_once_per_period() {
        let a = Admission::default();
        assert!(a.expiry_due(Duration::from_secs(60)));
        assert!(!a.expiry_due(Duration::from_secs(60)));
        assert!(a.expiry_due(Duration::ZERO));
    }
}
