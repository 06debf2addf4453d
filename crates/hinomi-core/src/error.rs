//! The single error shape the UI receives.
//!
//! Each crate keeps its own precise error type; at the IPC boundary they all become a
//! [`HinomiError`]: a stable [`ErrorCode`] the UI switches on, a human message to show where the
//! user was working, and an optional detail (the backend's verbatim text, a file path, a JSON
//! path). Never a bare string, never a panic.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Stable machine-readable error kinds. The UI maps each to an icon and a translated hint, so
/// variants are only ever added, never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The user's input (a URL, a duration, a query) is not acceptable.
    InvalidInput,
    /// A configuration file could not be read or parsed.
    InvalidConfig,
    /// A datasource's password or token is not stored, or the OS keyring cannot be used: the
    /// person must set it or unlock the keyring, not fix a file.
    Secret,
    /// The endpoint could not be reached at all (DNS, refused, reset).
    Unreachable,
    /// The endpoint did not answer within its timeout.
    Timeout,
    /// The TLS handshake failed (unknown CA, wrong host name, expired certificate).
    Tls,
    /// The endpoint answered with an HTTP error status and no structured error.
    HttpStatus,
    /// The backend answered with its own error (bad PromQL, too many samples...), verbatim.
    Backend,
    /// The endpoint answered something we could not decode.
    Decode,
    /// A local file operation failed.
    Io,
    /// A file path handed over by the web view was neither chosen in a native dialog nor under
    /// Hinomi's export folder (see `path_policy`).
    PathRefused,
    /// The thing asked for does not exist.
    NotFound,
    /// A bug on our side; the detail says where.
    Internal,
    /// A newer request replaced this one (the panel closed, the time range changed) and it
    /// was dropped before it finished.
    Cancelled,
    /// The server answered 429: too many requests; the message says when to try again.
    RateLimited,
    /// The server, or a proxy in front of it, answered 500/502/503/504 without the backend's
    /// own error: it is down, restarting or overloaded, not the query's fault.
    Unavailable,
    /// An HTML page (a proxy's or login portal's) came back where the API's JSON was expected.
    ProxyPage,
    /// The connection closed before the whole answer arrived (fewer bytes than announced).
    Truncated,
}

/// The error every command returns. Serialised as `{ code, message, detail? }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, thiserror::Error)]
#[error("{message}")]
pub struct HinomiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl HinomiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

/// The OS's own text, verbatim in either language: it is the system's word, not Hinomi's (as a
/// backend's error is), and callers that know what failed word that themselves
/// (`atomic_file::io_error`).
impl From<std::io::Error> for HinomiError {
    fn from(err: std::io::Error) -> Self {
        Self::new(ErrorCode::Io, err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_message_detail() {
        let err = HinomiError::new(ErrorCode::Backend, "parse error").with_detail("at char 5");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "backend", "message": "parse error", "detail": "at char 5"})
        );
    }

    #[test]
    fn omits_missing_detail() {
        let json = serde_json::to_value(HinomiError::invalid_input("bad")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid_input", "message": "bad"})
        );
    }
}
