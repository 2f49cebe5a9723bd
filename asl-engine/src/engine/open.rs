//! The open-executions count behind [`EngineOptions::max_open_executions`](super::EngineOptions):
//! RUNNING executions are counted in the store once (when the engine starts), then this engine
//! keeps the count itself (+1 for each start it makes, -1 for each execution it ends or stops),
//! so a start checks a counter instead of counting rows. Other processes sharing the store
//! (PostgreSQL) start and end executions too: with `open_recount` the count is read again from
//! the store that often, in the background (the quota is then as exact as that period).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::store::{Store, StoreError};

#[derive(Default)]
pub(crate) struct OpenCount {
    /// This engine's starts minus its ends since the last count, plus that count once known.
    n: AtomicI64,
    counted: tokio::sync::OnceCell<()>,
}

impl OpenCount {
    /// Reads the count from the store the first time (later calls return at once).
    pub(crate) async fn ready(&self, store: &Arc<dyn Store>) -> Result<(), StoreError> {
        self.counted
            .get_or_try_init(|| async {
                let base = store.count_open().await?;
                self.n.fetch_add(base as i64, Ordering::SeqCst);
                Ok::<(), StoreError>(())
            })
            .await
            .map(|_| ())
    }

    /// Counts again from the store: the changes made here while the count ran are kept (one
    /// committed just as the count read its rows may be counted twice until the next recount).
    pub(crate) async fn recount(&self, store: &Arc<dyn Store>) -> Result<(), StoreError> {
        if self.counted.get().is_none() {
            return self.ready(store).await;
        }
        let before = self.n.load(Ordering::SeqCst);
        let base = store.count_open().await? as i64;
        // What changed here during the count stays on top of it.
        self.n.fetch_add(base - before, Ordering::SeqCst);
        Ok(())
    }

    /// One more open execution if fewer than `limit` are open; false (nothing taken) otherwise.
    pub(crate) fn try_reserve(&self, limit: usize) -> bool {
        self.n.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < limit as i64).then_some(n + 1)).is_ok()
    }

    /// An execution started (without a reservation) or was redriven.
    pub(crate) fn opened(&self) {
        self.n.fetch_add(1, Ordering::SeqCst);
    }

    /// An execution ended or was stopped, or a reservation was not used.
    pub(crate) fn closed(&self) {
        self.n.fetch_sub(1, Ordering::SeqCst);
    }

    /// The count as this engine knows it.
    pub(crate) fn get(&self) -> u64 {
        self.n.load(Ordering::SeqCst).max(0) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Execution, MemoryStore, Write};

    #[tokio::test]
    async fn reserves_up_to_the_limit_from_the_stored_count() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        for i in 0..3 {
            let arn = format!("arn:aws:states:us-east-1:1:execution:m:{i}");
            store.apply(vec![Write::InsertExecution(Execution::new(&arn, "arn:aws:states:us-east-1:1:stateMachine:m", &i.to_string(), serde_json::json!({}), 0))]).await.unwrap();
        }
        let open = OpenCount::default();
        open.ready(&store).await.unwrap();
        assert_eq!(open.get(), 3);
        assert!(open.try_reserve(4));
        assert!(!open.try_reserve(4), "4 open: the limit");
        open.closed();
        assert!(open.try_reserve(4));
        // A recount keeps what happened here since the last one.
        open.opened();
        open.recount(&store).await.unwrap();
        assert_eq!(open.get(), 3, "the store holds 3 RUNNING rows");
    }
}
