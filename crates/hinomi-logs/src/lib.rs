//! Log search: what the Discover view asks of a log source, and the sources that answer it.
//!
//! The view speaks one model ([`model`]): a Lucene-syntax query, filters and a time window in,
//! pages of hits, a histogram, a field's top values and the lines around a hit out. Elasticsearch
//! and OpenSearch answer it over HTTP ([`elastic`]); the local-files index (`hinomi-logs-local`) answers
//! the same model, so the view never knows which one it talks to. Saved searches ([`saved`]) are
//! source-independent; errors ([`error`]) become the shared IPC error shape.

pub mod elastic;
pub mod error;
pub mod export_file;
pub mod model;
pub mod saved;

pub use elastic::{ElasticClient, ExportRequest, LogResults};
pub use error::{FileAction, LogsError};
pub use export_file::ExportFile;
pub use model::*;
pub use tokio_util::sync::CancellationToken;
