//! What a "Local files" datasource is made of, and the ingest knobs tests turn.

use crate::catalog::DEFAULT_KEYWORD_FIELDS;
use crate::error::LocalLogsError;
use crate::timeparse::LineZone;
use hinomi_core::path_policy::LogSourceRule;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A "Local files" log source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalSourceConfig {
    /// Folders (read recursively), files or globs (`/var/log/app/*.log*`).
    pub sources: Vec<String>,
    /// The time field; `None` detects `@timestamp`, `timestamp`, `time`, `ts`...
    pub time_field: Option<String>,
    /// The zone of wall times written without one: `""` is this computer's zone, else `UTC`,
    /// an offset (`+09:00`) or an IANA name (`Asia/Tokyo`). See [`crate::timeparse::LineZone`].
    pub time_zone: String,
    /// Fields queried as Elasticsearch `keyword`s (exact, case-sensitive); globs allowed.
    /// Other strings are `text` with a `.keyword` subfield, as a dynamic mapping makes them.
    pub keyword_fields: Vec<String>,
}

impl LocalSourceConfig {
    pub fn new(sources: Vec<String>) -> Self {
        Self {
            sources,
            time_field: None,
            time_zone: String::new(),
            keyword_fields: DEFAULT_KEYWORD_FIELDS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    /// The zone wall times are read in, or why the setting names none.
    pub fn zone(&self) -> Result<LineZone, LocalLogsError> {
        LineZone::parse(&self.time_zone).map_err(LocalLogsError::TimeZone)
    }

    /// What an index was built for: a different key means rebuild from the files. The zone is
    /// the resolved one, so a laptop that moved to another zone re-reads its local times.
    pub(crate) fn index_key(&self) -> String {
        let zone = self
            .zone()
            .map_or_else(|_| self.time_zone.clone(), |zone| zone.name());
        serde_json::json!({
            "schema": crate::schema::SCHEMA_VERSION,
            "sources": self.sources,
            "time_field": self.time_field,
            "time_zone": zone,
            "keyword_fields": self.keyword_fields,
        })
        .to_string()
    }
}

/// How ingestion behaves; the defaults suit the app.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Commit (and checkpoint) after this much input, so a crash redoes at most this much.
    pub commit_every_bytes: u64,
    /// A last line without a newline is indexed once the file has not changed for this long
    /// (a writer may still be in the middle of it).
    pub settle: Duration,
    /// Memory budget of the index writer.
    pub writer_memory_bytes: usize,
    /// Indexing threads.
    pub writer_threads: usize,
    /// Which files found in the sources may be read (the rule typed log-source paths pass).
    /// The default knows no protected folders, only `/proc`, `/sys`, `/dev` and non-regular
    /// files; the app hands over its own folders and the key stores ([`crate::LocalSources`]).
    pub files: LogSourceRule,
}

impl Default for IngestOptions {
    fn default() -> Self {
        Self {
            commit_every_bytes: 128 * 1024 * 1024,
            settle: Duration::from_secs(5),
            writer_memory_bytes: 128 * 1024 * 1024,
            writer_threads: 2,
            files: LogSourceRule::default(),
        }
    }
}
