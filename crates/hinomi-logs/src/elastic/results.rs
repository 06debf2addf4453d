//! Result sets that stay in the backend while the table scrolls.
//!
//! A search opens a PIT on the pattern, asks for the histogram and the first page in parallel
//! (both in the PIT, so the bars, the total and the rows describe the same snapshot), and keeps
//! the rows. The table asks for the visible range with [`LogResults::rows`]; rows not loaded
//! yet are paged in with `search_after` inside the PIT, up to [`DEFAULT_MAX_ROWS`], so far more
//! than the engine's 10,000-hit window is reachable. Rows are kept as raw `_source` text and
//! converted only when asked for. A set's PIT is closed when the set is closed, replaced by
//! the next search of the same view, or idle past its expiry ([`LogResults::close_expired`]).
//!
//! Locking: the map of sets is a std mutex never held across an await; each set has an async
//! gate so two scrolls needing the same next page fetch it once.

use super::client::ElasticClient;
use super::convert::{KeptHit, to_hit};
use super::dialect::Dialect;
use super::query::build_query;
use super::search::PageRequest;
use super::wire::SortOrder;
use crate::error::LogsError;
use crate::model::{LogHit, LogQuery, LogRows, LogSearchResult, LogTarget};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Rows a result set can reach; `capped` says when the query matched more.
pub const DEFAULT_MAX_ROWS: u32 = 200_000;
/// Rows in the first answer of a search.
pub const FIRST_PAGE: u32 = 200;
/// Rows fetched at a time while scrolling (at most the engine's 10,000 window per request).
pub const SCROLL_PAGE: u32 = 2_000;
/// Idle sets are closed after this; below the PIT's 5 min keep-alive so a set never outlives it.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(4 * 60);

pub struct LogResults {
    sets: Mutex<HashMap<String, Arc<ResultSet>>>,
    counter: AtomicU64,
    max_rows: u32,
    idle: Duration,
}

struct ResultSet {
    client: ElasticClient,
    dialect: Dialect,
    target: LogTarget,
    query: LogQuery,
    state: Mutex<SetState>,
    fetch: tokio::sync::Mutex<()>,
}

struct SetState {
    rows: Vec<KeptHit>,
    pit_id: Option<String>,
    /// No more rows: the engine ran out or the cap was reached.
    complete: bool,
    row_count: u32,
    last_used: Instant,
}

impl Default for LogResults {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_ROWS, DEFAULT_IDLE)
    }
}

impl LogResults {
    pub fn new(max_rows: u32, idle: Duration) -> Self {
        Self {
            sets: Mutex::new(HashMap::new()),
            counter: AtomicU64::new(0),
            max_rows: max_rows.max(1),
            idle,
        }
    }

    /// Runs a search and keeps its result set; `replaces` (the view's previous set) is closed.
    pub async fn search(
        &self,
        client: &ElasticClient,
        target: &LogTarget,
        query: &LogQuery,
        replaces: Option<&str>,
    ) -> Result<LogSearchResult, LogsError> {
        if let Some(previous) = replaces {
            self.close(previous).await;
        }
        self.close_expired().await;
        let started = Instant::now();
        let dialect = client.dialect().await?;
        let pit = if dialect.supports_pit() {
            Some(client.open_pit(&dialect, &target.index).await?)
        } else {
            None
        };
        let first = client.fetch_page(
            &dialect,
            PageRequest {
                index: &target.index,
                time_field: &target.time_field,
                query: build_query(target, query),
                order: SortOrder::Desc,
                size: FIRST_PAGE.min(self.max_rows),
                search_after: None,
                pit: pit.as_deref(),
                track_total_hits: None,
            },
        );
        let histogram = client.histogram_in(target, query, pit.as_deref());
        let (first, histogram) = match tokio::join!(first, histogram) {
            (Ok(first), Ok(histogram)) => (first, histogram),
            (Err(err), _) | (_, Err(err)) => {
                if let Some(pit) = &pit {
                    client.close_pit_quietly(&dialect, pit).await;
                }
                return Err(err);
            }
        };
        let total = first.total.unwrap_or(crate::model::HitCount {
            value: first.hits.len() as u32,
            exact: true,
        });
        // The histogram counts every matching line of the window exactly, also past the
        // 10,000 where `hits.total` becomes a lower bound.
        let counted: u64 = histogram.buckets.iter().map(|b| u64::from(b.count)).sum();
        let matching = if total.exact {
            u64::from(total.value)
        } else {
            counted.max(u64::from(total.value))
        };
        let capped = matching > u64::from(self.max_rows);
        let complete = (first.hits.len() as u32) < FIRST_PAGE.min(self.max_rows);
        let row_count = if complete {
            first.hits.len() as u32
        } else {
            matching.min(u64::from(self.max_rows)) as u32
        };
        let first_rows: Vec<LogHit> = first
            .hits
            .iter()
            .map(|hit| to_hit(hit, &target.time_field, true))
            .collect();
        let result_id = format!("r{}", self.counter.fetch_add(1, Ordering::Relaxed) + 1);
        let set = ResultSet {
            client: client.clone(),
            dialect,
            target: target.clone(),
            query: query.clone(),
            state: Mutex::new(SetState {
                rows: first.hits,
                pit_id: first.pit_id.or(pit),
                complete,
                row_count,
                last_used: Instant::now(),
            }),
            fetch: tokio::sync::Mutex::new(()),
        };
        lock(&self.sets).insert(result_id.clone(), Arc::new(set));
        Ok(LogSearchResult {
            result_id,
            total,
            row_count,
            capped,
            first_rows,
            histogram,
            partial: first.partial,
            took_ms: started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32,
        })
    }

    /// Rows `offset..offset + limit` of a kept set (fewer at its end), paging in what is not
    /// loaded yet.
    pub async fn rows(
        &self,
        result_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<LogRows, LogsError> {
        let set = self.set(result_id)?;
        let wanted = offset.saturating_add(limit).min(self.max_rows) as usize;
        loop {
            if let Some(rows) = set.loaded(offset as usize, wanted) {
                return Ok(LogRows {
                    offset,
                    rows: rows
                        .iter()
                        .map(|hit| to_hit(hit, &set.target.time_field, true))
                        .collect(),
                });
            }
            let _gate = set.fetch.lock().await;
            if set.loaded(offset as usize, wanted).is_some() {
                continue;
            }
            self.fetch_more(&set, wanted).await?;
        }
    }

    async fn fetch_more(&self, set: &ResultSet, wanted: usize) -> Result<(), LogsError> {
        let (pit, after, have) = {
            let state = lock(&set.state);
            (
                state.pit_id.clone(),
                state.rows.last().map(|hit| hit.sort.clone()),
                state.rows.len(),
            )
        };
        let room = (self.max_rows as usize).saturating_sub(have);
        let size = (wanted.saturating_sub(have))
            .max(SCROLL_PAGE as usize)
            .min(room)
            .min(10_000) as u32;
        let page = set
            .client
            .fetch_page(
                &set.dialect,
                PageRequest {
                    index: &set.target.index,
                    time_field: &set.target.time_field,
                    query: build_query(&set.target, &set.query),
                    order: SortOrder::Desc,
                    size,
                    search_after: after,
                    pit: pit.as_deref(),
                    track_total_hits: Some(false),
                },
            )
            .await?;
        let mut state = lock(&set.state);
        let got = page.hits.len();
        state.rows.extend(page.hits);
        if let Some(id) = page.pit_id {
            state.pit_id = Some(id);
        }
        if got < size as usize || state.rows.len() >= self.max_rows as usize {
            state.complete = true;
            state.row_count = state.rows.len() as u32;
        } else {
            state.row_count = state.row_count.max(state.rows.len() as u32);
        }
        Ok(())
    }

    /// How many rows the set has now (it shrinks if the engine ran out before the count).
    pub fn row_count(&self, result_id: &str) -> Result<u32, LogsError> {
        Ok(lock(&self.set(result_id)?.state).row_count)
    }

    /// Closes a set and its PIT. Unknown ids are ignored (already closed or expired).
    pub async fn close(&self, result_id: &str) {
        let removed = lock(&self.sets).remove(result_id);
        if let Some(set) = removed {
            set.close().await;
        }
    }

    /// Closes the sets idle for longer than the expiry.
    pub async fn close_expired(&self) {
        let expired: Vec<Arc<ResultSet>> = {
            let mut sets = lock(&self.sets);
            let ids: Vec<String> = sets
                .iter()
                .filter(|(_, set)| lock(&set.state).last_used.elapsed() > self.idle)
                .map(|(id, _)| id.clone())
                .collect();
            ids.iter().filter_map(|id| sets.remove(id)).collect()
        };
        for set in expired {
            set.close().await;
        }
    }

    /// Closes every set (on shutdown: PITs would otherwise live on until their keep-alive).
    pub async fn close_all(&self) {
        let all: Vec<Arc<ResultSet>> = lock(&self.sets).drain().map(|(_, set)| set).collect();
        for set in all {
            set.close().await;
        }
    }

    fn set(&self, result_id: &str) -> Result<Arc<ResultSet>, LogsError> {
        let set = lock(&self.sets)
            .get(result_id)
            .cloned()
            .ok_or_else(|| LogsError::UnknownResult(result_id.to_string()))?;
        lock(&set.state).last_used = Instant::now();
        Ok(set)
    }
}

impl ResultSet {
    /// The rows `offset..wanted` when they are loaded (or all there will ever be).
    fn loaded(&self, offset: usize, wanted: usize) -> Option<Vec<KeptHit>> {
        let state = lock(&self.state);
        if state.rows.len() >= wanted || state.complete {
            let end = wanted.min(state.rows.len());
            let start = offset.min(end);
            Some(state.rows[start..end].to_vec())
        } else {
            None
        }
    }

    async fn close(&self) {
        let pit = lock(&self.state).pit_id.take();
        if let Some(pit) = pit {
            self.client.close_pit_quietly(&self.dialect, &pit).await;
        }
    }
}

/// A poisoned lock only means another thread panicked mid-update; the rows are still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
