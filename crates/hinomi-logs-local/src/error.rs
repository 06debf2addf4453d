//! The crate's errors, and how each reaches the Discover view: a query the bar cannot mean is
//! an engine error (`backend`, shown at the query bar, like Elasticsearch's own parse error);
//! index and file trouble is `io`.

use hinomi_core::HinomiError;
use hinomi_logs::LogsError;

#[derive(Debug, thiserror::Error)]
pub enum LocalLogsError {
    #[error("Cannot parse '{query}': {reason}")]
    Query { query: String, reason: String },
    #[error("The local log index at {path}: {message}")]
    Index { path: String, message: String },
    #[error("{0}")]
    Io(String, #[source] std::io::Error),
    #[error("{0}")]
    InvalidInput(String),
}

impl LocalLogsError {
    pub(crate) fn index(path: &std::path::Path, err: impl std::fmt::Display) -> Self {
        Self::Index {
            path: path.display().to_string(),
            message: err.to_string(),
        }
    }
}

impl From<LocalLogsError> for LogsError {
    fn from(err: LocalLogsError) -> Self {
        let message = err.to_string();
        match err {
            LocalLogsError::Query { reason, .. } => LogsError::Engine {
                status: 400,
                kind: "query_shard_exception".into(),
                reason: message,
                detail: Some(reason),
            },
            LocalLogsError::Io(_, source) => LogsError::Io { message, source },
            LocalLogsError::Index { .. } => LogsError::Engine {
                status: 500,
                kind: "local_index_exception".into(),
                reason: message,
                detail: None,
            },
            LocalLogsError::InvalidInput(text) => LogsError::InvalidInput(text),
        }
    }
}

impl From<LocalLogsError> for HinomiError {
    fn from(err: LocalLogsError) -> Self {
        LogsError::from(err).into()
    }
}
