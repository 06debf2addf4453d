//! One client per Elasticsearch / OpenSearch datasource: transport, size cap, error reading.
//!
//! Built on [`hinomi_core::http::Endpoint`], so TLS, timeouts and the keyring's credentials are
//! the same as every other datasource's. Cloning is cheap (one `Arc`), and the engine's dialect
//! is asked for once and cached. Every answer is read through the endpoint's bounded reader with
//! the datasource's `max_response_mib`, so a runaway page is refused, not buffered.

use super::dialect::Dialect;
use super::wire::{ErrorBody, ErrorCause, ErrorValue};
use crate::error::LogsError;
use hinomi_core::http::{BodyError, Endpoint, Retry, RetryTimer, auth_rejected, shown_text};
use hinomi_core::settings::{Datasource, LogSourceOptions};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct ElasticClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    endpoint: Endpoint,
    dialect: tokio::sync::OnceCell<Dialect>,
    ignore_unavailable: bool,
}

/// What came back, before it is judged.
pub(crate) struct RawAnswer {
    pub status: reqwest::StatusCode,
    pub elastic_product: bool,
    pub body: Vec<u8>,
    pub shown_url: String,
}

impl ElasticClient {
    /// A client for an Elasticsearch-kind datasource, with its log options (or the defaults).
    pub fn new(ds: &Datasource) -> Result<Self, LogsError> {
        Ok(Self::from_endpoint(Endpoint::new(ds)?, &ds.log_options()))
    }

    pub fn from_endpoint(endpoint: Endpoint, options: &LogSourceOptions) -> Self {
        Self {
            inner: Arc::new(Inner {
                endpoint: endpoint.with_max_answer_bytes(
                    u64::from(options.max_response_mib.max(1)) * 1024 * 1024,
                ),
                dialect: tokio::sync::OnceCell::new(),
                ignore_unavailable: options.ignore_unavailable,
            }),
        }
    }

    /// The same client with another answer-size cap (tests, benchmarks).
    pub fn with_max_response_bytes(&self, bytes: u64) -> Self {
        Self {
            inner: Arc::new(Inner {
                endpoint: self.inner.endpoint.clone().with_max_answer_bytes(bytes),
                dialect: self.inner.dialect.clone(),
                ignore_unavailable: self.inner.ignore_unavailable,
            }),
        }
    }

    /// The same client with retries timed by `timer` (a fake clock in tests).
    pub fn with_retry_timer(&self, timer: Arc<dyn RetryTimer>) -> Self {
        Self {
            inner: Arc::new(Inner {
                endpoint: self.inner.endpoint.clone().with_retry_timer(timer),
                dialect: self.inner.dialect.clone(),
                ignore_unavailable: self.inner.ignore_unavailable,
            }),
        }
    }

    /// The same client with closed or missing indices of a pattern failing the search (`false`)
    /// or being skipped (`true`, the default).
    pub fn with_ignore_unavailable(&self, ignore: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                endpoint: self.inner.endpoint.clone(),
                dialect: self.inner.dialect.clone(),
                ignore_unavailable: ignore,
            }),
        }
    }

    pub fn datasource_id(&self) -> &str {
        &self.inner.endpoint.datasource_id
    }

    pub(crate) fn ignore_unavailable(&self) -> bool {
        self.inner.ignore_unavailable
    }

    /// The engine and version, asked for once per client.
    pub async fn dialect(&self) -> Result<Dialect, LogsError> {
        self.inner
            .dialect
            .get_or_try_init(|| Dialect::detect(self))
            .await
            .cloned()
    }

    /// Sends a request and returns the answer whatever its status, body read under the cap.
    pub(crate) async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<RawAnswer, LogsError> {
        let endpoint = &self.inner.endpoint;
        let url = endpoint.url(path);
        let shown_url = endpoint.shown_url(path);
        let mut request = endpoint.client().request(method.clone(), url).query(query);
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body).map_err(|err| LogsError::Decode {
                url: shown_url.clone(),
                cause: format!("cannot encode the request: {err}"),
            })?;
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes);
        }
        let retry = if is_read(&method, path) {
            Retry::Idempotent
        } else {
            Retry::Never
        };
        let answer = endpoint
            .fetch(request, retry)
            .await
            .map_err(|err| match err {
                BodyError::TooLarge(too_large) => LogsError::TooLarge(too_large),
                BodyError::Transport(inner) => LogsError::Transport(inner),
            })?;
        if let Some(err) = answer.fault(ELASTIC_JSON, endpoint.now()) {
            return Err(LogsError::Transport(err));
        }
        let status = answer.status;
        let elastic_product = answer.headers.contains_key("x-elastic-product");
        let body = answer.body;
        Ok(RawAnswer {
            status,
            elastic_product,
            body,
            shown_url,
        })
    }

    /// Sends a request and decodes a successful answer; any other answer becomes the engine's
    /// error (or the HTTP status when the body is not an error document).
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, LogsError> {
        let answer = self.send_raw(method, path, query, body).await?;
        answer.decode()
    }
}

/// What the engine answers with, for the "not …" of a proxy's page.
const ELASTIC_JSON: &str = "Elasticsearch/OpenSearch JSON";

/// Reads may be sent again: GETs, and searches (a POST only to carry the query). Opening or
/// closing a point in time is not retried.
fn is_read(method: &reqwest::Method, path: &str) -> bool {
    *method == reqwest::Method::GET
        || *method == reqwest::Method::HEAD
        || (*method == reqwest::Method::POST && path.ends_with("/_search"))
}

impl RawAnswer {
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<T, LogsError> {
        if !self.status.is_success() {
            return Err(self.into_error());
        }
        serde_json::from_slice(&self.body).map_err(|err| LogsError::Decode {
            url: self.shown_url,
            cause: err.to_string(),
        })
    }

    pub(crate) fn into_error(self) -> LogsError {
        if let Some(err) = auth_rejected(self.status, &self.shown_url) {
            return err.into();
        }
        match serde_json::from_slice::<ErrorBody>(&self.body) {
            Ok(body) => engine_error(self.status.as_u16(), body.error),
            Err(_) => LogsError::Status {
                url: self.shown_url,
                status: self.status.as_u16(),
                body: shown_text(&self.body),
            },
        }
    }
}

/// The engine's error as the query bar should show it: the first root cause's reason (the
/// shard-level reason, e.g. "Failed to parse query [level:(ERROR]"), with the deeper causes
/// (the Lucene parser's "Encountered <EOF> at line 1, column 12") as detail.
pub(crate) fn engine_error(status: u16, error: ErrorValue) -> LogsError {
    let cause = match error {
        ErrorValue::Text(text) => {
            return LogsError::Engine {
                status,
                kind: "error".into(),
                reason: text,
                detail: None,
            };
        }
        ErrorValue::Cause(cause) => cause,
    };
    // A shard's failure carries the chain of causes; the root cause alone has none.
    let shard_reason = cause.failed_shards.first().map(|f| f.reason.clone());
    let first = cause
        .root_cause
        .first()
        .cloned()
        .or_else(|| shard_reason.clone())
        .unwrap_or_else(|| cause.clone());
    let mut chain = Vec::new();
    let mut next = shard_reason
        .as_ref()
        .and_then(|r| r.caused_by.as_deref())
        .or(cause.caused_by.as_deref());
    while let Some(inner) = next {
        chain.push(describe(inner));
        next = inner.caused_by.as_deref();
    }
    let mut reason = first.reason.clone().unwrap_or_else(|| first.kind.clone());
    // Index-level errors ("closed") need the index named; a query's parse error does not.
    if let Some(index) = &first.index
        && first.kind.starts_with("index_")
        && !reason.contains(index.as_str())
    {
        reason.push_str(&format!(" (index {index})"));
    }
    LogsError::Engine {
        status,
        kind: first.kind.clone(),
        reason,
        detail: (!chain.is_empty()).then(|| chain.join(" / ")),
    }
}

/// `type: reason`, as shard failures are listed.
pub(crate) fn describe(cause: &ErrorCause) -> String {
    match &cause.reason {
        Some(reason) => format!("{}: {reason}", cause.kind),
        None => cause.kind.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> LogsError {
        engine_error(
            status,
            serde_json::from_str::<ErrorBody>(body).unwrap().error,
        )
    }

    /// Recorded from OpenSearch 2.19.3 for `level:(ERROR`.
    const PARSE_ERROR: &str = r#"{"error":{"root_cause":[{"type":"query_shard_exception","reason":"Failed to parse query [level:(ERROR]","index":"dataset-management-2024.05.01","index_uuid":"u"}],"type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,"failed_shards":[{"shard":0,"index":"dataset-management-2024.05.01","node":"n","reason":{"type":"query_shard_exception","reason":"Failed to parse query [level:(ERROR]","index":"dataset-management-2024.05.01","index_uuid":"u","caused_by":{"type":"parse_exception","reason":"Cannot parse 'level:(ERROR': Encountered \"<EOF>\" at line 1, column 12."}}}]},"status":400}"#;

    #[test]
    fn a_parse_error_shows_the_root_cause_with_the_parser_position_as_detail() {
        let err = parse(400, PARSE_ERROR);
        let LogsError::Engine {
            kind,
            reason,
            detail,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(kind, "query_shard_exception");
        assert!(
            reason.starts_with("Failed to parse query [level:(ERROR]"),
            "{reason}"
        );
        assert!(
            detail.as_deref().unwrap().contains("column 12"),
            "{detail:?}"
        );
        let shown = hinomi_core::HinomiError::from(err);
        assert_eq!(shown.code, hinomi_core::ErrorCode::Backend);
    }

    #[test]
    fn a_closed_index_names_the_index_and_a_bare_string_error_is_kept() {
        let err = parse(
            400,
            r#"{"error":{"root_cause":[{"type":"index_closed_exception","reason":"closed","index_uuid":"u","index":"logs-1"}],"type":"index_closed_exception","reason":"closed","index_uuid":"u","index":"logs-1"},"status":400}"#,
        );
        assert_eq!(err.to_string(), "closed (index logs-1)");
        let err = parse(
            405,
            r#"{"error":"Incorrect HTTP method for uri [/]","status":405}"#,
        );
        assert_eq!(err.to_string(), "Incorrect HTTP method for uri [/]");
    }
}
