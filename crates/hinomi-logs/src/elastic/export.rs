//! Export of a query's every matching line to NDJSON or CSV.
//!
//! Pages through its own PIT (so it is not limited to 10,000 hits and does not disturb the
//! table's result set), newest first as the table shows them. Lines go to a temporary file in
//! the destination's directory that is renamed over the final name only when the export is
//! complete: a cancelled or failed export leaves nothing under that name (the temporary file
//! is removed on drop). The PIT is closed however the export ends.

use super::client::ElasticClient;
use super::convert::{KeptHit, flatten};
use super::query::build_query;
use super::search::PageRequest;
use super::wire::SortOrder;
use crate::error::LogsError;
use crate::model::{ExportFormat, ExportProgress, LogQuery, LogTarget};
use std::collections::BTreeMap;
use std::io::Write;
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
        if request.format == ExportFormat::Csv && request.columns.is_empty() {
            return Err(LogsError::InvalidInput(
                "Choose at least one column for CSV.".into(),
            ));
        }
        let dir = match request.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file = tempfile::Builder::new()
            .prefix(".hinomi-export-")
            .tempfile_in(&dir)
            .map_err(|err| LogsError::io(format!("Cannot write in {}", dir.display()), err))?;
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
        let (file, done) = written?;
        file.persist(&request.path).map_err(|err| {
            LogsError::io(
                format!("Cannot write {}", request.path.display()),
                err.error,
            )
        })?;
        progress(&done);
        Ok(done)
    }

    async fn export_pages(
        &self,
        dialect: &super::dialect::Dialect,
        request: &ExportRequest,
        mut pit: Option<String>,
        file: tempfile::NamedTempFile,
        cancel: &CancellationToken,
        progress: &mut impl FnMut(&ExportProgress),
    ) -> Result<(tempfile::NamedTempFile, ExportProgress), LogsError> {
        let target = &request.target;
        let counting = Counting {
            inner: std::io::BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
        };
        let mut sink = match request.format {
            ExportFormat::Ndjson => Sink::Ndjson(counting),
            ExportFormat::Csv => {
                let mut writer = csv::Writer::from_writer(counting);
                writer.write_record(&request.columns).map_err(csv_err)?;
                Sink::Csv(Box::new(writer))
            }
        };
        let mut state = ExportProgress {
            written: 0,
            total: 0,
            bytes: 0.0,
            done: false,
        };
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
                state.total = page.total.map_or(0, |t| t.value);
            }
            pit = page.pit_id.or(pit);
            let count = page.hits.len();
            for hit in &page.hits {
                match &mut sink {
                    Sink::Ndjson(out) => write_ndjson(out, hit).map_err(write_err)?,
                    Sink::Csv(writer) => write_csv_row(writer, hit, &request.columns)?,
                }
            }
            state.written += count as u32;
            state.bytes = sink.bytes() as f64;
            after = page.hits.last().map(|hit| hit.sort.clone());
            if count < EXPORT_PAGE as usize || after.is_none() {
                break;
            }
            progress(&state);
        }
        let counting = match sink {
            Sink::Ndjson(out) => out,
            Sink::Csv(writer) => writer
                .into_inner()
                .map_err(|err| write_err(err.into_error()))?,
        };
        state.bytes = counting.bytes as f64;
        let file = counting
            .inner
            .into_inner()
            .map_err(|err| write_err(err.into_error()))?;
        file.as_file().sync_all().map_err(write_err)?;
        state.done = true;
        Ok((file, state))
    }
}

/// Counts what is written, for the progress's byte count.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

type FileOut = Counting<std::io::BufWriter<tempfile::NamedTempFile>>;

enum Sink {
    Ndjson(FileOut),
    Csv(Box<csv::Writer<FileOut>>),
}

impl Sink {
    /// Bytes handed to the file so far (the CSV writer's own small buffer aside).
    fn bytes(&self) -> u64 {
        match self {
            Self::Ndjson(out) => out.bytes,
            Self::Csv(writer) => writer.get_ref().bytes,
        }
    }
}

fn write_err(err: std::io::Error) -> LogsError {
    LogsError::io("Cannot write the export", err)
}

fn csv_err(err: csv::Error) -> LogsError {
    write_err(err.into())
}

fn write_ndjson(out: &mut impl Write, hit: &KeptHit) -> std::io::Result<()> {
    let text = hit.source.as_deref().map_or("null", |raw| raw.get());
    // `_source` as stored; a pretty-printed source would break the one-line-per-document rule.
    if text.contains('\n') {
        out.write_all(compact(text).as_bytes())?;
    } else {
        out.write_all(text.as_bytes())?;
    }
    out.write_all(b"\n")
}

fn compact(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|value| value.to_string())
        .unwrap_or_else(|_| text.replace('\n', " "))
}

fn write_csv_row<W: Write>(
    writer: &mut csv::Writer<W>,
    hit: &KeptHit,
    columns: &[String],
) -> Result<(), LogsError> {
    let source: serde_json::Value = hit
        .source
        .as_deref()
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or(serde_json::Value::Null);
    let mut fields = BTreeMap::new();
    flatten("", &source, &mut fields);
    fields.insert("_index".into(), hit.index.clone());
    fields.insert("_id".into(), hit.id.clone());
    writer
        .write_record(
            columns
                .iter()
                .map(|column| fields.get(column).map_or("", String::as_str)),
        )
        .map_err(csv_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;

    #[test]
    fn csv_rows_quote_like_rfc_4180() {
        let hit = KeptHit {
            index: "i".into(),
            id: "1".into(),
            source: Some(
                RawValue::from_string(
                    r#"{"message":"say \"hi\", then\nleave","context":{"request_id":"r"}}"#.into(),
                )
                .unwrap(),
            ),
            sort: vec![],
        };
        let mut writer = csv::Writer::from_writer(Vec::new());
        write_csv_row(
            &mut writer,
            &hit,
            &[
                "_id".into(),
                "message".into(),
                "context.request_id".into(),
                "missing".into(),
            ],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(writer.into_inner().unwrap()).unwrap(),
            "1,\"say \"\"hi\"\", then\nleave\",r,\n"
        );
    }

    #[test]
    fn ndjson_lines_stay_one_line() {
        let hit = KeptHit {
            index: "i".into(),
            id: "1".into(),
            source: Some(RawValue::from_string("{\n  \"a\": \"x\\ny\"\n}".into()).unwrap()),
            sort: vec![],
        };
        let mut out = Vec::new();
        write_ndjson(&mut out, &hit).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "{\"a\":\"x\\ny\"}\n");
    }
}
