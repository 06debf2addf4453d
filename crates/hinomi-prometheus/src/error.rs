//! The crate's errors, and how each reaches the UI.
//!
//! Prometheus's own refusal (`{"status":"error","error":..}`: bad PromQL, too many samples) is
//! kept apart from transport trouble: its text is what the query bar shows, verbatim, under the
//! stable code `backend`. Everything Hinomi words itself is worded here, in the user's language.

use hinomi_core::texts::user_lang::say;
use hinomi_core::{ErrorCode, HinomiError};
use reqwest::StatusCode;

#[derive(Debug, thiserror::Error)]
pub enum PrometheusError {
    /// Unreachable, timed out, TLS, refused credentials, too large, a proxy's page: already in
    /// the shared shape (`hinomi_core::http`), passed through unchanged.
    #[error(transparent)]
    Transport(#[from] HinomiError),
    /// The answer passed the size limit: kept typed so a query asked in parts can tell a part
    /// over its share from any other failure (`query_range_timed`).
    #[error(transparent)]
    TooLarge(hinomi_core::http::TooLarge),
    /// Prometheus's own error document; both texts verbatim, already cut to what can be shown.
    #[error("Prometheus error ({error_type}): {}", .error.as_deref().unwrap_or("no text"))]
    Backend {
        /// Prometheus's `error` field, when it sent one.
        error: Option<String>,
        /// Its `errorType` (`bad_data`, `timeout`, `execution`…), empty when absent.
        error_type: String,
    },
    #[error("Prometheus answered success without data")]
    SuccessWithoutData,
    /// An HTTP error status with a body that is not the API's JSON (cut to what can be shown).
    #[error("Prometheus answered {status}")]
    Status { status: StatusCode, body: String },
    /// An HTTP error status with a success envelope: nothing better to say than the status.
    #[error("{url} answered {status}")]
    StatusOnly { url: String, status: StatusCode },
    /// A body that is not the `/api/v1` envelope; `cause` is the JSON decoder's text.
    #[error("the answer is not the Prometheus API's: {cause}")]
    NotTheApi { cause: String },
    #[error("Prometheus answered a range query with a non-matrix result")]
    NotAMatrix,
    /// A caller asked for a path outside `/api/v1/`.
    #[error("{path:?} is not a Prometheus API path")]
    NotAnApiPath { path: String },
}

/// A body cut at the size cap or a connection lost mid-answer: worded by `hinomi_core::http`.
impl From<hinomi_core::http::BodyError> for PrometheusError {
    fn from(err: hinomi_core::http::BodyError) -> Self {
        match err {
            hinomi_core::http::BodyError::TooLarge(too_large) => Self::TooLarge(too_large),
            other => Self::Transport(other.into()),
        }
    }
}

impl From<PrometheusError> for HinomiError {
    fn from(err: PrometheusError) -> Self {
        match err {
            PrometheusError::Transport(inner) => inner,
            PrometheusError::TooLarge(too_large) => too_large.into(),
            PrometheusError::Backend { error, error_type } => {
                let message = error.unwrap_or_else(|| {
                    say(
                        "Prometheus answered with an error",
                        "Prometheus がエラーを返しました",
                    )
                });
                HinomiError::new(ErrorCode::Backend, message).with_detail(error_type)
            }
            PrometheusError::SuccessWithoutData => HinomiError::new(
                ErrorCode::Decode,
                say(
                    "Prometheus answered success without data.",
                    "Prometheus は成功と応答しましたが、データがありませんでした。",
                ),
            ),
            PrometheusError::Status { status, body } => HinomiError::new(
                ErrorCode::HttpStatus,
                say(
                    format!("Prometheus answered {status}."),
                    format!("Prometheus が {status} を返しました。"),
                ),
            )
            .with_detail(body),
            PrometheusError::StatusOnly { url, status } => HinomiError::new(
                ErrorCode::HttpStatus,
                say(
                    format!("{url} answered {status}."),
                    format!("{url} が {status} を返しました。"),
                ),
            ),
            PrometheusError::NotTheApi { cause } => HinomiError::new(
                ErrorCode::Decode,
                say(
                    "The answer is not the Prometheus API's.",
                    "Prometheus API の応答ではありません。",
                ),
            )
            .with_detail(cause),
            PrometheusError::NotAMatrix => HinomiError::new(
                ErrorCode::Decode,
                say(
                    "Prometheus answered a range query with a non-matrix result.",
                    "Prometheus が範囲クエリに matrix 以外の結果を返しました。",
                ),
            ),
            PrometheusError::NotAnApiPath { path } => HinomiError::new(
                ErrorCode::InvalidInput,
                say(
                    format!("{path:?} is not a Prometheus API path"),
                    format!("{path:?} は Prometheus API のパスではありません"),
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::test_support::{assert_worded_in_both_languages, worded_in as in_lang};
    use hinomi_core::texts::Lang;

    /// One of each variant Hinomi words itself, plus the two that carry Prometheus's own text.
    fn every_variant() -> Vec<PrometheusError> {
        vec![
            PrometheusError::Backend {
                error: None,
                error_type: "internal".into(),
            },
            PrometheusError::SuccessWithoutData,
            PrometheusError::Status {
                status: StatusCode::BAD_GATEWAY,
                body: "<html>".into(),
            },
            PrometheusError::StatusOnly {
                url: "http://prom/api/v1/x".into(),
                status: StatusCode::BAD_REQUEST,
            },
            PrometheusError::NotTheApi {
                cause: "expected value at line 1".into(),
            },
            PrometheusError::NotAMatrix,
            PrometheusError::NotAnApiPath {
                path: "/admin".into(),
            },
            PrometheusError::TooLarge(hinomi_core::http::TooLarge {
                url: "http://prom/api/v1/query_range".into(),
                received: 40 << 20,
                limit: 32 << 20,
            }),
        ]
    }

    #[test]
    fn every_message_hinomi_words_has_its_own_japanese_with_the_same_code_and_detail() {
        assert_worded_in_both_languages(every_variant);
        let ja = in_lang(Lang::Ja, PrometheusError::SuccessWithoutData);
        assert_eq!(
            ja.message,
            "Prometheus は成功と応答しましたが、データがありませんでした。"
        );
        assert_eq!(ja.code, ErrorCode::Decode);
    }

    #[test]
    fn prometheus_own_text_and_transport_errors_are_not_translated() {
        let backend = || PrometheusError::Backend {
            error: Some("1:5: parse error: unexpected end of input".into()),
            error_type: "bad_data".into(),
        };
        let ja = in_lang(Lang::Ja, backend());
        assert_eq!(ja, in_lang(Lang::En, backend()));
        assert_eq!(ja.message, "1:5: parse error: unexpected end of input");
        assert_eq!(ja.detail.as_deref(), Some("bad_data"));
        let refused = HinomiError::new(ErrorCode::Unreachable, "connection refused");
        assert_eq!(
            in_lang(Lang::Ja, PrometheusError::Transport(refused.clone())),
            refused
        );
    }
}
