//! The `/api/v1` envelope: every answer is `{status, data}` or `{status, errorType, error}`.

use hinomi_core::http::{Endpoint, Retry, RetryTimer, shown_text};
use hinomi_core::settings::Datasource;
use hinomi_core::{ErrorCode, HinomiError};
use serde::Deserialize;

#[derive(Debug, Clone)]
pub struct PrometheusClient {
    endpoint: Endpoint,
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
) -> Result<T, HinomiError> {
    match sonic_rs::from_slice::<Envelope<T>>(body) {
        Ok(Envelope {
            status: s,
            data: Some(data),
            ..
        }) if s == "success" => Ok(data),
        Ok(envelope) => Err(HinomiError::new(
            ErrorCode::Backend,
            envelope.error.map_or_else(
                || "Prometheus answered with an error".into(),
                |text| shown_text(text.as_bytes()),
            ),
        )
        .with_detail(shown_text(
            envelope.error_type.unwrap_or_default().as_bytes(),
        ))),
        Err(_) if status.is_some_and(|s| !s.is_success()) => Err(HinomiError::new(
            ErrorCode::HttpStatus,
            format!("Prometheus answered {}.", status.unwrap_or_default()),
        )
        .with_detail(shown_text(body))),
        Err(err) => Err(HinomiError::new(
            ErrorCode::Decode,
            "The answer is not the Prometheus API's.",
        )
        .with_detail(err.to_string())),
    }
}

impl PrometheusClient {
    pub fn new(ds: &Datasource) -> Result<Self, HinomiError> {
        Ok(Self {
            endpoint: Endpoint::new(ds)?,
        })
    }

    /// A client over an endpoint built elsewhere (the shell's [`hinomi_core::http::EndpointCache`]).
    pub fn from_endpoint(endpoint: Endpoint) -> Self {
        Self { endpoint }
    }

    pub fn datasource_id(&self) -> &str {
        &self.endpoint.datasource_id
    }

    /// The same client with another answer-size limit than the default 64 MiB.
    pub fn with_max_answer_bytes(self, limit: u64) -> Self {
        Self {
            endpoint: self.endpoint.with_max_answer_bytes(limit),
        }
    }

    /// The same client with retries timed by `timer` (a fake clock in tests).
    pub fn with_retry_timer(self, timer: std::sync::Arc<dyn RetryTimer>) -> Self {
        Self {
            endpoint: self.endpoint.with_retry_timer(timer),
        }
    }

    /// GETs an API path; an HTTP error status whose body is the Prometheus envelope is decoded
    /// by the caller (Prometheus sends 400/422/503 with a useful JSON error).
    pub(crate) async fn get_body(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<bytes::Bytes, HinomiError> {
        let request = self
            .endpoint
            .client()
            .get(self.endpoint.url(path))
            .query(query);
        let answer = self.endpoint.fetch(request, Retry::Idempotent).await?;
        if let Some(err) = answer.fault("Prometheus JSON", self.endpoint.now()) {
            return Err(err);
        }
        let status = answer.status;
        let url = answer.shown_url.clone();
        let body = bytes::Bytes::from(answer.body);
        if let Some(err) = hinomi_core::http::auth_rejected(status, &url) {
            return Err(err);
        }
        if !status.is_success() {
            // Decode now so the error carries Prometheus's message or names the status.
            return match unwrap_envelope::<serde::de::IgnoredAny>(&body, Some(status)) {
                Err(err) => Err(err),
                Ok(_) => Err(HinomiError::new(
                    ErrorCode::HttpStatus,
                    format!("{url} answered {status}."),
                )),
            };
        }
        Ok(body)
    }

    /// GETs any `/api/v1/...` path and returns the whole successful body, for callers that read
    /// the envelope themselves (dashboard variable queries).
    pub async fn get_api_body(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<bytes::Bytes, HinomiError> {
        if !path.starts_with("/api/v1/") || path.contains("..") {
            return Err(HinomiError::new(
                ErrorCode::InvalidInput,
                format!("{path:?} is not a Prometheus API path"),
            ));
        }
        self.get_body(path, query).await
    }

    /// GETs an API path and unwraps the envelope into an owned type.
    pub(crate) async fn get_data<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, HinomiError> {
        let body = self.get_body(path, query).await?;
        unwrap_envelope(&body, None)
    }
}
