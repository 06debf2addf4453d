//! The Discover view's model, shared by every log source and generated into TypeScript.
//!
//! Times are epoch milliseconds as `f64` (as in dashboards: JavaScript numbers, no `bigint`);
//! counts are `u32`. A hit's document is carried twice on purpose: flattened to dotted field
//! names with display strings (what the table and the field sidebar show, always as text) and as
//! the source's JSON text (the row's JSON view and "copy as JSON").
//!
//! Changes after the first version (additions only, nothing renamed or removed):
//! - `LogField::aggregatable_field`: the name to use for top values and "filter for" (a `text`
//!   field's `.keyword` subfield);
//! - `SavedSearch::parameter` (optional): a built-in filled from a selected hit;
//! - `LogTarget::for_datasource` (a constructor, no new field).

use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;

/// A closed time window, `from_ms <= t <= to_ms`, as Kibana's time picker sends it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
pub struct LogWindow {
    pub from_ms: f64,
    pub to_ms: f64,
}

/// A filter pill. `negate` turns "is" into "is not" and "exists" into "does not exist".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LogFilter {
    /// The field has exactly this value (a keyword match, as Kibana's "filter for value").
    Is {
        field: String,
        value: String,
        negate: bool,
    },
    /// The field is present in the document.
    Exists { field: String, negate: bool },
}

/// What the user asked for: the query bar, the filter pills and the time picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LogQuery {
    /// Lucene query syntax as typed into Kibana's bar; empty or blank means every document.
    pub query: String,
    pub filters: Vec<LogFilter>,
    pub window: LogWindow,
}

/// Which source a query goes to and how to read its documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LogTarget {
    pub datasource_id: String,
    /// Index pattern, e.g. `dataset-management-*`.
    pub index: String,
    /// The field holding each document's time: `@timestamp` as Filebeat writes it, or the
    /// seed's own `timestamp`. Empty on local files when the time field is detected.
    pub time_field: String,
    /// A "Local files" datasource: `index` then names its paths and cannot be changed in the
    /// view.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[specta(optional)]
    pub local_files: bool,
}

impl LogTarget {
    /// The datasource's index pattern (or, for local files, its paths) and time field.
    pub fn for_datasource(ds: &hinomi_core::settings::Datasource) -> Self {
        let options = ds.log_options();
        let local_files = ds.kind == hinomi_core::settings::DatasourceKind::LocalFiles;
        Self {
            datasource_id: ds.id.clone(),
            index: if local_files {
                options.paths.join(", ")
            } else {
                options.index_pattern
            },
            time_field: options.time_field,
            local_files,
        }
    }
}

/// `hits.total`: exact, or a lower bound (shown as "10,000+", never as an exact count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct HitCount {
    pub value: u32,
    pub exact: bool,
}

/// A 200 answer in which some shards failed: the hits are real but incomplete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PartialResults {
    pub failed_shards: u32,
    pub total_shards: u32,
    /// Each distinct shard failure, e.g. `index_closed_exception: closed (index [x])`.
    pub reasons: Vec<String>,
}

/// One log document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LogHit {
    /// Stable within its source: `_index` + `_id` for Elasticsearch, file + line for local files.
    pub id: String,
    pub index: String,
    /// The time field's value, when the document has a parseable one.
    pub time_ms: Option<f64>,
    /// The level field (`level`, `log.level`), upper-cased, for colouring the row.
    pub level: Option<String>,
    /// Dotted field name → display text. Arrays are joined with ", "; objects are flattened.
    pub fields: BTreeMap<String, String>,
    /// The document as JSON text, pretty-printed.
    pub source_json: String,
    /// Where this hit sits in the (time, tiebreaker) order; opaque to the UI, handed back for
    /// paging, surrounding documents and live tail.
    pub cursor: SortCursor,
}

/// The sort values of a hit, serialised as JSON text so they survive IPC unchanged (a 64-bit
/// tiebreaker would lose precision as a JavaScript number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
pub struct SortCursor(pub String);

/// One bucket of the hits-over-time histogram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
pub struct HistogramBucket {
    pub start_ms: f64,
    pub count: u32,
}

/// Hits over time, `min_doc_count: 0` over the whole window (empty buckets included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LogHistogram {
    pub interval_ms: f64,
    /// The interval as the backend was asked for it, e.g. `30s`, `5m`.
    pub interval_label: String,
    pub buckets: Vec<HistogramBucket>,
}

/// A field as the sidebar and autocomplete know it (from `_field_caps`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct LogField {
    pub name: String,
    /// The backend's type: `keyword`, `text`, `date`, `long`...
    pub field_type: String,
    pub aggregatable: bool,
    pub searchable: bool,
    /// The field to use for top values and "filter for": the field itself when aggregatable,
    /// the `.keyword` subfield of a `text` field that has one, else none.
    pub aggregatable_field: Option<String>,
}

/// A field's top values within the current query and window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FieldTopValues {
    pub field: String,
    pub values: Vec<FieldValueCount>,
    /// Documents in the window that have the field at all.
    pub with_field: u32,
    /// Documents counted, so the UI can show each value as a share.
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FieldValueCount {
    pub value: String,
    pub count: u32,
}

/// Everything the view shows when a search is run: the first page of a result set that stays in
/// Rust (the table asks for the visible rows with [`LogRows`]), the histogram and the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LogSearchResult {
    /// Handle of the result set kept in the backend; rows are fetched by range from it.
    pub result_id: String,
    pub total: HitCount,
    /// How many rows can be scrolled through (a result set is capped; see `capped`).
    pub row_count: u32,
    /// True when `total` is larger than the rows the table can reach.
    pub capped: bool,
    pub first_rows: Vec<LogHit>,
    pub histogram: LogHistogram,
    pub partial: Option<PartialResults>,
    pub took_ms: u32,
}

/// A range of rows of a kept result set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LogRows {
    pub offset: u32,
    pub rows: Vec<LogHit>,
}

/// Documents around an anchor hit, by time and tiebreaker, in the same index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SurroundingHits {
    /// Older than the anchor, oldest first.
    pub before: Vec<LogHit>,
    pub anchor: LogHit,
    /// Newer than the anchor, oldest first.
    pub after: Vec<LogHit>,
}

/// New hits since a live-tail cursor, oldest first, and the cursor to ask with next time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TailBatch {
    pub hits: Vec<LogHit>,
    pub cursor: Option<SortCursor>,
}

/// A saved search: the query bar, filters and a relative window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SavedSearch {
    pub id: String,
    pub name: String,
    pub query: String,
    pub filters: Vec<LogFilter>,
    /// A relative window such as `now-1h`, as the time picker writes it.
    pub relative_from: String,
    pub builtin: bool,
    /// Set on a search applied to a selected hit: the hit field whose value fills the query's
    /// `{{value}}` (see `saved::resolve_query`). "All lines of a request" takes
    /// `context.request_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub parameter: Option<String>,
}

/// What kind of engine answered `GET /`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LogEngine {
    Elasticsearch,
    OpenSearch,
}

/// Export formats of the current query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Ndjson,
    Csv,
}

/// Progress of an export, sent while it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ExportProgress {
    pub written: u32,
    /// The total as the backend counted it when the export started.
    pub total: u32,
    pub bytes: f64,
    pub done: bool,
}
