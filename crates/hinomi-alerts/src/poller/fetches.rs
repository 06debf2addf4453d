//! The sources' fetches, each on its own task, so a hung source never holds up the others.
//!
//! A round starts a fetch for every source that has none running, then waits for the running
//! ones until the round's budget is spent. A fetch still running then is left to finish in the
//! background: its answer is taken by the first round after it arrives, and no second request
//! is sent to that source meanwhile (a hung server gets one request per timeout, not one per
//! round).

use super::AlertSource;
use crate::alert::{Alert, SourceRef};
use crate::error::AlertsError;
use hinomi_core::HinomiError;
use std::collections::HashMap;
use std::time::Duration;
use tokio::task::JoinHandle;

type Fetch = JoinHandle<Result<Vec<Alert>, HinomiError>>;

/// What a round learnt of one source.
pub(super) enum Answer {
    /// The source answered (or failed) since the last round.
    Fresh(Result<Vec<Alert>, HinomiError>),
    /// Its fetch is still running; the source keeps what it last said.
    StillWaiting,
}

#[derive(Default)]
pub(super) struct Fetches {
    running: HashMap<String, Fetch>,
}

impl Fetches {
    /// Starts a fetch for each source with none running, then waits for the running fetches
    /// up to `budget`. Answers come back in the sources' order.
    pub(super) async fn round(
        &mut self,
        sources: &[AlertSource],
        budget: Duration,
    ) -> Vec<(SourceRef, Answer)> {
        for source in sources {
            let id = source.source().datasource_id;
            self.running.entry(id).or_insert_with(|| {
                let source = source.clone();
                tokio::spawn(async move { source.fetch().await })
            });
        }
        let deadline = tokio::time::Instant::now() + budget;
        let mut answers = Vec::with_capacity(sources.len());
        for source in sources {
            let source_ref = source.source();
            let id = &source_ref.datasource_id;
            let Some(fetch) = self.running.get_mut(id) else {
                continue;
            };
            let answer = match tokio::time::timeout_at(deadline, &mut *fetch).await {
                Ok(joined) => {
                    self.running.remove(id);
                    Answer::Fresh(joined.unwrap_or_else(|error| Err(crashed(&source_ref, &error))))
                }
                Err(_elapsed) => {
                    tracing::debug!(source = %id, "alert source still answering; the round goes on without it");
                    Answer::StillWaiting
                }
            };
            answers.push((source_ref, answer));
        }
        answers
    }

    /// Stops every running fetch (the sources changed: their answers would be for old
    /// settings).
    pub(super) fn cancel_all(&mut self) {
        for (_, fetch) in self.running.drain() {
            fetch.abort();
        }
    }
}

impl Drop for Fetches {
    fn drop(&mut self) {
        self.cancel_all();
    }
}

/// A fetch task that panicked (or was cancelled) fails like a source that could not be read,
/// so the poller goes on.
fn crashed(source: &SourceRef, error: &tokio::task::JoinError) -> HinomiError {
    tracing::error!(source = %source.datasource_id, %error, "alert fetch task crashed");
    AlertsError::FetchCrashed {
        datasource_id: source.datasource_id.clone(),
        cause: error.to_string(),
    }
    .into()
}
