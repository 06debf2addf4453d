//! Local log files as a Discover source (issue 11): an embedded tantivy index over folders and
//! globs of JSON-lines, NDJSON, plain-text and gzip logs, answering the same model as the
//! Elasticsearch client of `hinomi-logs` — same query language, same field semantics, same
//! histogram buckets — offline.
//!
//! [`LocalLogs`] is the entry point. Inside: how lines become documents ([`document`],
//! [`timeparse`], [`catalog`], [`analyze`]), the index layout ([`schema`]), reading and
//! following the files ([`ingest`]), the query bar ([`query`]) and the answers ([`search`]).

pub mod analyze;
pub mod catalog;
pub mod config;
pub mod document;
pub mod error;
pub mod ingest;
pub mod query;
pub mod results;
pub mod schema;
pub mod search;
pub mod seedgen;
pub mod source;
pub mod sources;
pub mod timeparse;

pub use config::{IngestOptions, LocalSourceConfig};
pub use error::LocalLogsError;
pub use ingest::PassReport;
pub use ingest::checkpoint::{FileState, Issue, IssueKind};
pub use results::LocalResults;
pub use source::{
    ExportPages, FileStatus, FollowHandle, IndexStatus, LocalLogs, LogPage, TAIL_BATCH,
};
pub use sources::LocalSources;
