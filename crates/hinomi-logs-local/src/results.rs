//! Result sets of local searches, kept while the table scrolls — the local counterpart of
//! `hinomi_logs::LogResults`, answering the same `LogSearchResult` / `LogRows`.
//!
//! There is no point in time to hold on an engine: a set keeps its rows and pages further with
//! the sort cursor of its last row, so lines indexed meanwhile (all newer than the cursor, or
//! late lines with older times) never shift rows the table already showed. Ids start with
//! [`RESULT_PREFIX`], so the shell knows which kind of set a row request is for.

use crate::error::LocalLogsError;
use crate::source::LocalLogs;
use hinomi_logs::{
    CancellationToken, ExportFile, ExportFormat, ExportProgress, LogHit, LogQuery, LogRows,
    LogSearchResult,
};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const RESULT_PREFIX: &str = "local-";
/// Rows a result set can reach (as the Elasticsearch sets).
pub const MAX_ROWS: u32 = 200_000;
/// Rows in the first answer of a search.
pub const FIRST_PAGE: u32 = 200;
/// Rows read at a time while scrolling.
pub const SCROLL_PAGE: u32 = 2_000;
/// Sets idle this long are dropped at the next search.
pub const IDLE: Duration = Duration::from_secs(4 * 60);

#[derive(Default)]
pub struct LocalResults {
    sets: Mutex<HashMap<String, Arc<Mutex<ResultSet>>>>,
    counter: AtomicU64,
}

struct ResultSet {
    source: Arc<LocalLogs>,
    query: LogQuery,
    rows: Vec<LogHit>,
    row_count: u32,
    complete: bool,
    last_used: Instant,
}

impl LocalResults {
    pub fn owns(result_id: &str) -> bool {
        result_id.starts_with(RESULT_PREFIX)
    }

    /// Runs a search (first page, total and histogram) and keeps its result set.
    pub fn search(
        &self,
        source: &Arc<LocalLogs>,
        query: &LogQuery,
    ) -> Result<LogSearchResult, LocalLogsError> {
        self.drop_idle();
        let started = Instant::now();
        let first = source.search(query, None, FIRST_PAGE)?;
        let histogram = source.histogram(query)?;
        let total = first.total;
        let capped = total.value > MAX_ROWS;
        let complete = (first.hits.len() as u32) < FIRST_PAGE;
        let row_count = if complete {
            first.hits.len() as u32
        } else {
            total.value.min(MAX_ROWS)
        };
        let result_id = format!(
            "{RESULT_PREFIX}{}",
            self.counter.fetch_add(1, Ordering::Relaxed) + 1
        );
        let set = ResultSet {
            source: source.clone(),
            query: query.clone(),
            rows: first.hits.clone(),
            row_count,
            complete,
            last_used: Instant::now(),
        };
        self.lock()
            .insert(result_id.clone(), Arc::new(Mutex::new(set)));
        Ok(LogSearchResult {
            result_id,
            total,
            row_count,
            capped,
            first_rows: first.hits,
            histogram,
            partial: None,
            took_ms: started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32,
        })
    }

    /// Rows `offset..offset + limit` (fewer at the end), reading on from the last kept row.
    pub fn rows(
        &self,
        result_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<LogRows, LocalLogsError> {
        let set = self
            .lock()
            .get(result_id)
            .cloned()
            .ok_or_else(|| LocalLogsError::ResultGone(result_id.to_owned()))?;
        let mut set = set.lock().unwrap_or_else(|p| p.into_inner());
        set.last_used = Instant::now();
        let wanted = offset.saturating_add(limit).min(MAX_ROWS) as usize;
        while set.rows.len() < wanted && !set.complete {
            let after = set.rows.last().map(|hit| hit.cursor.clone());
            let page = set.source.search(&set.query, after.as_ref(), SCROLL_PAGE)?;
            if (page.hits.len() as u32) < SCROLL_PAGE {
                set.complete = true;
            }
            set.rows.extend(page.hits);
            if set.rows.len() >= MAX_ROWS as usize {
                set.rows.truncate(MAX_ROWS as usize);
                set.complete = true;
            }
        }
        if set.complete {
            set.row_count = set.rows.len() as u32;
        }
        let start = (offset as usize).min(set.rows.len());
        let end = wanted.min(set.rows.len());
        Ok(LogRows {
            offset,
            rows: set.rows[start..end].to_vec(),
        })
    }

    pub fn close(&self, result_id: &str) {
        self.lock().remove(result_id);
    }

    fn drop_idle(&self) {
        self.lock().retain(|_, set| {
            set.lock()
                .map(|set| set.last_used.elapsed() < IDLE)
                .unwrap_or(false)
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Mutex<ResultSet>>>> {
        self.sets.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Writes every line matching `query` to `path` (NDJSON of the lines' documents, or CSV of
/// `columns`), newest first, from one snapshot of the index; `progress` after each page.
pub fn export(
    source: &LocalLogs,
    query: &LogQuery,
    format: ExportFormat,
    columns: &[String],
    path: &Path,
    cancel: &CancellationToken,
    mut progress: impl FnMut(&ExportProgress),
) -> Result<ExportProgress, hinomi_logs::LogsError> {
    let mut file = ExportFile::create(format, columns, path)?;
    let pages = source.export_pages(query)?;
    file.set_total(pages.total.min(u32::MAX as usize) as u32);
    for page in pages {
        if cancel.is_cancelled() {
            return Err(hinomi_logs::LogsError::Cancelled);
        }
        for hit in page? {
            file.write(&hit.source_json, &hit.index, &hit.id)?;
        }
        progress(file.progress());
    }
    let done = file.finish()?;
    progress(&done);
    Ok(done)
}
