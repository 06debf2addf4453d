//! Dropping superseded queries: a panel asks again (its time range changed) or closes, and the
//! query still on its way to Prometheus is dropped — its HTTP request aborted — not awaited.
//!
//! Every run is registered under a key (`<dashboard uid>/<panel id>`, `explore`); starting a run
//! under a key aborts the one before it, and [`Inflight::cancel_prefix`] aborts all runs of a
//! closed dashboard.

use crate::error::MetricsError;
use futures::future::{AbortHandle, Abortable};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The runs in flight, one per key.
#[derive(Default)]
pub struct Inflight {
    running: Mutex<HashMap<String, (u64, AbortHandle)>>,
    next_id: AtomicU64,
}

impl Inflight {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, AbortHandle)>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `work` as the latest run of `key`, aborting the previous one. If a later run (or a
    /// cancel) replaces this one first, `work` is dropped where it stands and the answer is a
    /// [`MetricsError::Superseded`] error (code `cancelled` in the UI).
    pub async fn run_latest<F: Future>(
        &self,
        key: &str,
        work: F,
    ) -> Result<F::Output, MetricsError> {
        let (handle, registration) = AbortHandle::new_pair();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if let Some((_, previous)) = self.lock().insert(key.to_owned(), (id, handle)) {
            previous.abort();
        }
        let result = Abortable::new(work, registration).await;
        let mut running = self.lock();
        if running.get(key).is_some_and(|(current, _)| *current == id) {
            running.remove(key);
        }
        result.map_err(|_| MetricsError::Superseded)
    }

    /// Aborts every run whose key starts with `prefix`; returns how many were running.
    pub fn cancel_prefix(&self, prefix: &str) -> usize {
        let mut running = self.lock();
        let keys: Vec<String> = running
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect();
        for key in &keys {
            if let Some((_, handle)) = running.remove(key) {
                handle.abort();
            }
        }
        keys.len()
    }

    /// How many runs are in flight (for tests and logs).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;
    use hinomi_core::{ErrorCode, HinomiError};

    #[tokio::test]
    async fn a_newer_run_under_the_same_key_drops_the_older_one() {
        let inflight = Inflight::new();
        let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
        let older = inflight.run_latest("d/1", async move {
            release_rx.await.ok();
            "older"
        });
        futures::pin_mut!(older);
        // Registered and waiting.
        assert!((&mut older).now_or_never().is_none());
        assert_eq!(inflight.len(), 1);
        let newer = inflight.run_latest("d/1", async { "newer" }).await;
        assert_eq!(newer.unwrap(), "newer");
        let older = older.await;
        assert_eq!(
            HinomiError::from(older.unwrap_err()).code,
            ErrorCode::Cancelled
        );
        // The older work was dropped: nobody holds the receiver any more.
        assert!(release_tx.send(()).is_err());
        assert!(inflight.is_empty());
    }

    #[tokio::test]
    async fn other_keys_are_left_alone_and_cancel_prefix_stops_a_dashboard() {
        let inflight = Inflight::new();
        let a = inflight.run_latest("dash/1", futures::future::pending::<()>());
        let b = inflight.run_latest("other/1", async { 7 });
        futures::pin_mut!(a);
        assert!((&mut a).now_or_never().is_none());
        assert_eq!(b.await.unwrap(), 7);
        assert_eq!(inflight.cancel_prefix("dash/"), 1);
        assert_eq!(
            HinomiError::from(a.await.unwrap_err()).code,
            ErrorCode::Cancelled
        );
        assert_eq!(inflight.cancel_prefix("dash/"), 0);
    }
}
