//! Group commit: many concurrent callers, one transaction per round.

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};

use super::*;

struct Request {
    writes: Vec<Write>,
    done: oneshot::Sender<Result<(), StoreError>>,
}

/// A group-commit writer over a [`Store`].
///
/// `commit(writes).await` returns once the batch is durable. A background task takes everything
/// queued (up to `max_batch` batches) and commits it with one [`Store::apply_groups`]: while one
/// transaction is being flushed, the next round gathers, so the cost of a commit (an fsync, a
/// round trip) is shared by every caller waiting for it. Each caller's batch keeps its own
/// atomicity and its own result. A caller that awaits each commit before the next sees its
/// batches committed in order.
#[derive(Clone)]
pub struct Committer {
    queue: mpsc::UnboundedSender<Request>,
}

impl Committer {
    /// One commit in flight at a time, up to 4096 batches each; the right shape for SQLite, which
    /// has one writer anyway. Must be called within a tokio runtime.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_options(store, 4096, 1)
    }

    /// `in_flight` commits may run at once (PostgreSQL, with a pool of connections, gains from
    /// 2-4: one transaction's round trips overlap another's flush). Two rounds in flight that
    /// lock the same executions in opposite orders (several callers writing one execution, such
    /// as Parallel branches) can deadlock; PostgreSQL then aborts one round, whose callers get
    /// [`StoreError::Busy`] and retry. With `in_flight` 1 that cannot happen.
    pub fn with_options(store: Arc<dyn Store>, max_batch: usize, in_flight: usize) -> Self {
        let (queue, rx) = mpsc::unbounded_channel::<Request>();
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..in_flight.max(1) {
            let (store, rx) = (store.clone(), rx.clone());
            tokio::spawn(async move {
                let mut round = Vec::with_capacity(max_batch.max(1));
                loop {
                    // Gathering under the lock, committing outside it: the next loop gathers
                    // while this one commits.
                    if rx.lock().await.recv_many(&mut round, max_batch.max(1)).await == 0 {
                        return; // every Committer is gone
                    }
                    let (groups, waiters): (Vec<_>, Vec<_>) = round.drain(..).map(|r| (r.writes, r.done)).unzip();
                    match store.apply_groups(groups).await {
                        Ok(results) => {
                            for (done, r) in waiters.into_iter().zip(results) {
                                let _ = done.send(r);
                            }
                        }
                        Err(e) => {
                            for done in waiters {
                                let _ = done.send(Err(e.clone()));
                            }
                        }
                    }
                }
            });
        }
        Committer { queue }
    }

    /// Commits `writes` atomically, together with whatever other callers queued meanwhile.
    pub async fn commit(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        let (done, answer) = oneshot::channel();
        let stopped = || StoreError::Unavailable("the committer has stopped".into());
        self.queue.send(Request { writes, done }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}
