//! Export of a query's every matching line to NDJSON or CSV from Elasticsearch / OpenSearch.
//!
//! Pages through its own PIT (so it is not limited to 10,000 hits and does not disturb the
//! table's result set), newest first as the table shows them, into an [`ExportFile`]. The PIT is
//! closed however the export ends.

use super::client::ElasticClient;
use super::query::build_query;
use super::search::PageRequest;
use super::wire::SortOrder;
use crate::error::LogsError;
use crate::export_file::ExportFile;
use crate::model::{ExportFormat, ExportProgress, LogQuery, LogTarget};
use std::path::PathBuf;
use tokio_util::sync::CancellationToken;

/// Lines per request.
pub const EXPORT_PAGE: u32 = 5_000;

#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub target: LogTarget,
    pub query: LogQuery,
    pub format: ExportFormat,
    /// CSV columns (dotted field names, or `_index` / `_id`); ignored for NDJSON.
    pub columns: Vec<String>,
    pub path: PathBuf,
}

impl ElasticClient {
    /// Writes every matching line; `progress` is called after each page and at the end.
    pub async fn export(
        &self,
        request: &ExportRequest,
        cancel: &CancellationToken,
        mut progress: impl FnMut(&ExportProgress),
    ) -> Result<ExportProgress, LogsError> {
        let file = ExportFile::create(request.format, &request.columns, &request.path)?;
        let dialect = self.dialect().await?;
        let pit = if dialect.supports_pit() {
            Some(self.open_pit(&dialect, &request.target.index).await?)
        } else {
            None
        };
        let written = tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(LogsError::Cancelled),
            result = self.export_pages(&dialect, request, pit.clone(), file, cancel, &mut progress) => result,
        };
        if let Some(pit) = &pit {
            self.close_pit_quietly(&dialect, pit).await;
        }
        let done = written?.finish()?;
        progress(&done);
        Ok(done)
    }

    async fn export_pages(
        &self,
        dialect: &super::dialect::Dialect,
        request: &ExportRequest,
        mut pit: Option<String>,
        mut file: ExportFile,
        cancel: &CancellationToken,
        progress: &mut impl FnMut(&ExportProgress),
    ) -> Result<ExportFile, LogsError> {
        let target = &request.target;
        let mut after = None;
        loop {
            if cancel.is_cancelled() {
                return Err(LogsError::Cancelled);
            }
            let first = after.is_none();
            let page = self
                .fetch_page(
                    dialect,
                    PageRequest {
                        index: &target.index,
                        time_field: &target.time_field,
                        query: build_query(target, &request.query),
                        order: SortOrder::Desc,
                        size: EXPORT_PAGE,
                        search_after: after.take(),
                        pit: pit.as_deref(),
                        // Exact, once, for the progress bar.
                        track_total_hits: Some(first),
                    },
                )
                .await?;
            if first {
                file.set_total(page.total.map_or(0, |t| t.value));
            }
            pit = page.pit_id.or(pit);
            let count = page.hits.len();
            for hit in &page.hits {
                let source = hit.source.as_deref().map_or("null", |raw| raw.get());
                file.write(source, &hit.index, &hit.id)?;
            }
            after = page.hits.last().map(|hit| hit.sort.clone());
            if count < EXPORT_PAGE as usize || after.is_none() {
                break;
            }
            progress(file.progress());
        }
        Ok(file)
    }
}
