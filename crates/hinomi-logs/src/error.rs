//! The crate's errors, and how each reaches the UI.
//!
//! The engine's own refusal (a `query_string` that does not parse, an unknown index) is kept
//! apart from transport trouble: its reason is what the query bar shows, verbatim, under the
//! stable code `backend`. Everything else keeps the codes the other datasources use.

use hinomi_core::http::shown_text;
use hinomi_core::{ErrorCode, HinomiError};

#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    /// The engine answered with its own error document (`error.root_cause[0]`).
    #[error("{reason}")]
    Engine {
        status: u16,
        /// e.g. `query_shard_exception`, `index_not_found_exception`.
        kind: String,
        reason: String,
        /// The deeper causes (`caused_by`), e.g. the Lucene parser's position.
        detail: Option<String>,
    },
    /// Unreachable, timed out, TLS, refused credentials: already in the shared shape.
    #[error("{0}")]
    Transport(HinomiError),
    /// Over the datasource's `max_response_mib`.
    #[error("{0} The limit is the datasource's max_response_mib.")]
    TooLarge(hinomi_core::http::TooLarge),
    #[error("{url} answered {status}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("{url} sent an answer that could not be read")]
    Decode { url: String, cause: String },
    #[error("This result set is closed or expired; run the search again.")]
    UnknownResult(String),
    #[error("The search's point in time expired on the server; run the search again.")]
    PitExpired,
    #[error("Export cancelled.")]
    Cancelled,
    #[error("{message}")]
    Io {
        message: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    InvalidInput(String),
}

impl LogsError {
    pub(crate) fn io(what: impl std::fmt::Display, source: std::io::Error) -> Self {
        Self::Io {
            message: format!("{what}: {source}"),
            source,
        }
    }
}

impl From<HinomiError> for LogsError {
    fn from(err: HinomiError) -> Self {
        Self::Transport(err)
    }
}

impl From<LogsError> for HinomiError {
    /// The engine's texts (reason, causes, a non-JSON body) are cut to what can be shown.
    fn from(err: LogsError) -> Self {
        let shown = into_shown(err);
        HinomiError {
            message: shown_text(shown.message.as_bytes()),
            detail: shown.detail.map(|detail| shown_text(detail.as_bytes())),
            ..shown
        }
    }
}

fn into_shown(err: LogsError) -> HinomiError {
    let message = err.to_string();
    match err {
        LogsError::Engine {
            status,
            kind,
            detail,
            ..
        } => {
            let detail = match detail {
                Some(more) => format!("{kind} (HTTP {status}): {more}"),
                None => format!("{kind} (HTTP {status})"),
            };
            HinomiError::new(ErrorCode::Backend, message).with_detail(detail)
        }
        LogsError::Transport(inner) => inner,
        LogsError::TooLarge(too_large) => HinomiError {
            message,
            ..HinomiError::from(too_large)
        },
        LogsError::Status { body, .. } => {
            HinomiError::new(ErrorCode::HttpStatus, message).with_detail(body)
        }
        LogsError::Decode { cause, .. } => {
            HinomiError::new(ErrorCode::Decode, message).with_detail(cause)
        }
        LogsError::UnknownResult(id) => {
            HinomiError::new(ErrorCode::NotFound, message).with_detail(id)
        }
        LogsError::PitExpired => HinomiError::new(ErrorCode::Backend, message),
        LogsError::Cancelled => HinomiError::new(ErrorCode::Cancelled, message),
        LogsError::Io { .. } => HinomiError::new(ErrorCode::Io, message),
        LogsError::InvalidInput(_) => HinomiError::invalid_input(message),
    }
}
