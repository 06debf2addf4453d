//! The `/api/v1` envelope: every answer is `{status, data}` or `{status, errorType, error}`.

use crate::error::PrometheusError;
use hinomi_core::http::{BodyWatcher, Endpoint, Retry, RetryTimer, shown_text};
use hinomi_core::settings::Datasource;
use serde::Deserialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone)]
pub struct PrometheusClient {
    endpoint: Endpoint,
    /// Whether a long range query may be asked in parts ([`crate::split`]); the datasource's
    /// `split_range_queries`.
    pub(crate) split_range_queries: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<T> {
    status: String,
    data: Option<T>,
    error_type: Option<String>,
    error: Option<String>,
}

/// Unwraps `{status, data}`; Prometheus's own error text is kept verbatim. `status` is the
/// HTTP status when known, to name proxies that answer HTML.
pub(crate) fn unwrap_envelope<'de, T: Deserialize<'de>>(
    body: &'de [u8],
    status: Option<reqwest::StatusCode>,
) -> Result<T, PrometheusError> {
    match sonic_rs::from_slice::<Envelope<T>>(body) {
        Ok(Envelope {
            status: s,
            data: Some(data),
            ..
        }) if s == "success" => Ok(data),
        Ok(envelope) if envelope.status == "success" => Err(PrometheusError::SuccessWithoutData),
        Ok(envelope) => Err(PrometheusError::Backend {
            error: envelope.error.map(|text| shown_text(text.as_bytes())),
            error_type: shown_text(envelope.error_type.unwrap_or_default().as_bytes()),
        }),
        Err(_) if status.is_some_and(|s| !s.is_success()) => Err(PrometheusError::Status {
            status: status.unwrap_or_default(),
            body: shown_text(body),
        }),
        Err(err) => Err(PrometheusError::NotTheApi {
            cause: err.to_string(),
        }),
    }
}

/// Refuses an answer whose HTTP status is not a success, in the most telling words: refused
/// credentials, Prometheus's own error (it sends 400/422/503 with a useful JSON error), or the
/// status itself.
fn refuse_status(
    status: reqwest::StatusCode,
    shown_url: &str,
    body: &[u8],
) -> Result<(), PrometheusError> {
    if let Some(err) = hinomi_core::http::auth_rejected(status, shown_url) {
        return Err(err.into());
    }
    if status.is_success() {
        return Ok(());
    }
    match unwrap_envelope::<serde::de::IgnoredAny>(body, Some(status)) {
        Err(err) => Err(err),
        Ok(_) => Err(PrometheusError::StatusOnly {
            url: shown_url.to_owned(),
            status,
        }),
    }
}

/// An answer of any `/api/v1` endpoint decoded as [`PrometheusClient::get_api`] decodes it,
/// from its HTTP status and body alone: for decoders of endpoints this crate has no method for,
/// and for fuzzing them without a server.
pub fn decode_api_answer<T: DeserializeOwned>(
    status: reqwest::StatusCode,
    shown_url: &str,
    body: &[u8],
) -> Result<T, PrometheusError> {
    refuse_status(status, shown_url, body)?;
    unwrap_envelope(body, None)
}

impl PrometheusClient {
    pub fn new(ds: &Datasource) -> Result<Self, PrometheusError> {
        Ok(
            Self::from_endpoint(Endpoint::new(ds)?)
                .with_split_range_queries(ds.split_range_queries),
        )
    }

    /// A client over an endpoint built elsewhere (the shell's [`hinomi_core::http::EndpointCache`]).
    /// Long range queries are split unless [`Self::with_split_range_queries`] says otherwise.
    pub fn from_endpoint(endpoint: Endpoint) -> Self {
        Self {
            endpoint,
            split_range_queries: true,
        }
    }

    /// The same client, asking long range queries in parts or only whole.
    pub fn with_split_range_queries(self, split: bool) -> Self {
        Self {
            split_range_queries: split,
            ..self
        }
    }

    pub fn datasource_id(&self) -> &str {
        &self.endpoint.datasource_id
    }

    /// The most bytes one answer may have.
    pub fn max_answer_bytes(&self) -> u64 {
        self.endpoint.max_answer_bytes()
    }

    /// The same client with another answer-size limit than the default 64 MiB.
    pub fn with_max_answer_bytes(self, limit: u64) -> Self {
        Self {
            endpoint: self.endpoint.with_max_answer_bytes(limit),
            ..self
        }
    }

    /// The same client with retries timed by `timer` (a fake clock in tests).
    pub fn with_retry_timer(self, timer: std::sync::Arc<dyn RetryTimer>) -> Self {
        Self {
            endpoint: self.endpoint.with_retry_timer(timer),
            ..self
        }
    }

    /// GETs an API path and returns the body of a successful answer; any other answer becomes
    /// its error (see [`refuse_status`]).
    pub(crate) async fn get_body(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<bytes::Bytes, PrometheusError> {
        let no_watcher = |_: reqwest::StatusCode| None::<()>;
        let (body, _) = self.get_body_watched(path, query, no_watcher).await?;
        Ok(body)
    }

    /// [`Self::get_body`], with the body shown while it arrives to the watcher `watch` makes
    /// for an answer's status (see [`Endpoint::fetch_watched`]); that watcher comes back with
    /// the body.
    pub(crate) async fn get_body_watched<W: BodyWatcher>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        watch: impl Fn(reqwest::StatusCode) -> Option<W> + Sync,
    ) -> Result<(bytes::Bytes, Option<W>), PrometheusError> {
        let request = self
            .endpoint
            .client()
            .get(self.endpoint.url(path))
            .query(query);
        let (answer, watcher) = self
            .endpoint
            .fetch_watched(request, Retry::Idempotent, watch)
            .await?;
        if let Some(err) = answer.fault("Prometheus JSON", self.endpoint.now()) {
            return Err(err.into());
        }
        let body = bytes::Bytes::from(answer.body);
        refuse_status(answer.status, &answer.shown_url, &body)?;
        Ok((body, watcher))
    }

    /// GETs any `/api/v1/...` path and returns the whole successful body, for callers that read
    /// the envelope themselves (dashboard variable queries).
    pub async fn get_api_body(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<bytes::Bytes, PrometheusError> {
        check_api_path(path)?;
        self.get_body(path, query).await
    }

    /// GETs any `/api/v1/...` path and unwraps the envelope into `T`: the alerts and rules
    /// endpoints, and every endpoint of this crate that needs no hand-made decoder. Retries,
    /// the size cap and the error classification are the client's.
    pub async fn get_api<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, PrometheusError> {
        check_api_path(path)?;
        let body = self.get_body(path, query).await?;
        unwrap_envelope(&body, None)
    }
}

fn check_api_path(path: &str) -> Result<(), PrometheusError> {
    if !path.starts_with("/api/v1/") || path.contains("..") {
        return Err(PrometheusError::NotAnApiPath {
            path: path.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::{ErrorCode, HinomiError};
    use reqwest::StatusCode;

    fn decode(status: StatusCode, body: &[u8]) -> Result<serde_json::Value, HinomiError> {
        decode_api_answer(status, "http://prometheus/api/v1/x", body).map_err(HinomiError::from)
    }

    #[test]
    fn prometheus_errors_keep_their_text() {
        let err = decode(
            StatusCode::BAD_REQUEST,
            br#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#,
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::Backend);
        assert_eq!(err.message, "parse error at char 3");
        let html = decode(StatusCode::BAD_GATEWAY, b"<html>").unwrap_err();
        assert_eq!(html.code, ErrorCode::HttpStatus);
    }

    #[test]
    fn a_10_mb_error_body_is_cut_to_what_can_be_shown() {
        let huge = vec![b'E'; 10 * 1024 * 1024];
        let err = decode(StatusCode::BAD_GATEWAY, &huge).unwrap_err();
        let shown = format!("{} {}", err.message, err.detail.unwrap_or_default());
        assert!(shown.len() < 4 * 1024, "{} bytes shown", shown.len());
        assert!(shown.contains("more bytes not shown"), "{shown}");
    }

    #[test]
    fn success_without_data_and_refused_credentials_are_named() {
        let empty = decode(StatusCode::OK, br#"{"status":"success"}"#).unwrap_err();
        assert_eq!(empty.code, ErrorCode::Decode);
        assert!(empty.message.contains("without data"), "{}", empty.message);
        let refused = decode(StatusCode::UNAUTHORIZED, b"Unauthorized").unwrap_err();
        assert_eq!(refused.code, ErrorCode::HttpStatus);
        assert!(
            refused.message.contains("credentials"),
            "{}",
            refused.message
        );
        let data: serde_json::Value =
            decode(StatusCode::OK, br#"{"status":"success","data":{"a":1}}"#).unwrap();
        assert_eq!(data["a"], 1);
    }
}
