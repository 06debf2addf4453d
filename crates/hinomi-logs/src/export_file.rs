//! The file an export writes, whichever source the lines come from.
//!
//! Lines go to a temporary file in the destination's directory that is renamed over the final
//! name only by [`ExportFile::finish`]: a cancelled or failed export leaves nothing under that
//! name (the temporary file is removed on drop). NDJSON keeps each document on one line; CSV
//! quotes as RFC 4180 and takes its columns from the document flattened to dotted names.

use crate::elastic::convert::flatten;
use crate::error::{FileAction, LogsError};
use crate::model::{ExportFormat, ExportProgress};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct ExportFile {
    sink: Sink,
    columns: Vec<String>,
    path: PathBuf,
    progress: ExportProgress,
}

impl ExportFile {
    /// Starts an export to `path`; CSV needs at least one column (dotted field names, or
    /// `_index` / `_id`).
    pub fn create(
        format: ExportFormat,
        columns: &[String],
        path: &Path,
    ) -> Result<Self, LogsError> {
        if format == ExportFormat::Csv && columns.is_empty() {
            return Err(LogsError::NoCsvColumns);
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file = tempfile::Builder::new()
            .prefix(".hinomi-export-")
            .tempfile_in(&dir)
            .map_err(|err| LogsError::io(FileAction::WriteIn, &dir, err))?;
        let counting = Counting {
            inner: std::io::BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
        };
        let sink = match format {
            ExportFormat::Ndjson => Sink::Ndjson(counting),
            ExportFormat::Csv => {
                let mut writer = csv::Writer::from_writer(counting);
                writer.write_record(columns).map_err(csv_err)?;
                Sink::Csv(Box::new(writer))
            }
        };
        Ok(Self {
            sink,
            columns: columns.to_vec(),
            path: path.to_path_buf(),
            progress: ExportProgress {
                written: 0,
                total: 0,
                bytes: 0.0,
                done: false,
            },
        })
    }

    /// The number of lines the export expects, for the progress bar.
    pub fn set_total(&mut self, total: u32) {
        self.progress.total = total;
    }

    /// Writes one document: its JSON source as stored, and where it came from.
    pub fn write(&mut self, source: &str, index: &str, id: &str) -> Result<(), LogsError> {
        match &mut self.sink {
            Sink::Ndjson(out) => write_ndjson(out, source).map_err(write_err)?,
            Sink::Csv(writer) => write_csv_row(writer, source, index, id, &self.columns)?,
        }
        self.progress.written += 1;
        self.progress.bytes = self.sink.bytes() as f64;
        Ok(())
    }

    pub fn progress(&self) -> &ExportProgress {
        &self.progress
    }

    /// Flushes, syncs and renames the file into place.
    pub fn finish(self) -> Result<ExportProgress, LogsError> {
        let mut progress = self.progress;
        let counting = match self.sink {
            Sink::Ndjson(out) => out,
            Sink::Csv(writer) => writer
                .into_inner()
                .map_err(|err| write_err(err.into_error()))?,
        };
        progress.bytes = counting.bytes as f64;
        let file = counting
            .inner
            .into_inner()
            .map_err(|err| write_err(err.into_error()))?;
        file.as_file().sync_all().map_err(write_err)?;
        file.persist(&self.path)
            .map_err(|err| LogsError::io(FileAction::Write, &self.path, err.error))?;
        progress.done = true;
        Ok(progress)
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
    LogsError::io(FileAction::WriteExport, Path::new(""), err)
}

fn csv_err(err: csv::Error) -> LogsError {
    write_err(err.into())
}

fn write_ndjson(out: &mut impl Write, source: &str) -> std::io::Result<()> {
    // A pretty-printed source would break the one-line-per-document rule.
    if source.contains('\n') {
        out.write_all(compact(source).as_bytes())?;
    } else {
        out.write_all(source.as_bytes())?;
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
    source: &str,
    index: &str,
    id: &str,
    columns: &[String],
) -> Result<(), LogsError> {
    let source: serde_json::Value = serde_json::from_str(source).unwrap_or(serde_json::Value::Null);
    let mut fields = BTreeMap::new();
    flatten("", &source, &mut fields);
    fields.insert("_index".into(), index.to_owned());
    fields.insert("_id".into(), id.to_owned());
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

    #[test]
    fn csv_rows_quote_like_rfc_4180() {
        let mut writer = csv::Writer::from_writer(Vec::new());
        write_csv_row(
            &mut writer,
            r#"{"message":"say \"hi\", then\nleave","context":{"request_id":"r"}}"#,
            "i",
            "1",
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
        let mut out = Vec::new();
        write_ndjson(&mut out, "{\n  \"a\": \"x\\ny\"\n}").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "{\"a\":\"x\\ny\"}\n");
    }

    #[test]
    fn nothing_is_left_under_the_name_until_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let mut file = ExportFile::create(ExportFormat::Csv, &["a".into()], &path).unwrap();
        file.write(r#"{"a":"1"}"#, "i", "1").unwrap();
        assert!(!path.exists());
        drop(file);
        assert!(!path.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temp file removed"
        );

        let mut file = ExportFile::create(ExportFormat::Csv, &["a".into()], &path).unwrap();
        file.write(r#"{"a":"1"}"#, "i", "1").unwrap();
        let done = file.finish().unwrap();
        assert!(done.done);
        assert_eq!(done.written, 1);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a\n1\n");
    }

    #[test]
    fn csv_without_columns_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = ExportFile::create(ExportFormat::Csv, &[], &dir.path().join("x.csv"))
            .err()
            .unwrap();
        assert!(matches!(err, LogsError::NoCsvColumns));
    }
}
