//! Over 400 lines: the shared Endpoint, its auth and error mapping in both languages; over half is tests.
//! The HTTP client every datasource shares.
//!
//! One place decides how Hinomi talks to backends: rustls verifies certificates against the OS's
//! roots plus the datasource's own CA (skipping that is an explicit per-datasource setting), a
//! client certificate is sent for mutual TLS, every request has the datasource's timeout, and
//! transport failures become [`HinomiError`]s that tell the user which of "unreachable",
//! "timed out" and which TLS failure (unknown CA, expired, wrong host name, client certificate
//! required) happened, with the URL and the underlying cause.
//! A datasource with auth gets its `Authorization` header here, from the secret store, as a
//! sensitive default header; a missing secret is an error, never an unauthenticated request.

use crate::error::{ErrorCode, HinomiError};
use crate::secrets::SecretStore;
use crate::settings::{Datasource, DatasourceAuth, parse_endpoint_url};
use crate::texts::user_lang::say;
use std::time::Duration;

mod body;
mod cache;
mod fault;
mod retry;
mod tls;
pub use body::{
    BodyError, BodyWatcher, DEFAULT_MAX_ANSWER_BYTES, MAX_SHOWN_ERROR_BYTES, TooLarge,
    read_bounded, read_bounded_watched, shown_text, shown_text_limited,
};
pub use cache::EndpointCache;
pub use fault::{Answer, retry_after};
pub use retry::{RealTimer, Retry, RetryPolicy, RetryTimer};

/// A datasource's base URL plus a client configured for it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub datasource_id: String,
    base: url::Url,
    client: reqwest::Client,
    max_answer_bytes: u64,
    retry: RetryPolicy,
}

impl Endpoint {
    /// Reads the datasource's secret, if it has auth, from the process-wide store.
    pub fn new(ds: &Datasource) -> Result<Self, HinomiError> {
        Self::with_store(ds, crate::secrets::store().as_ref())
    }

    /// A datasource that cannot be asked at all (no secret in the keyring, an unreadable CA
    /// file, a bad URL) is marked failing in its health, with the reason: no read will ever
    /// record anything for it.
    pub fn with_store(ds: &Datasource, secrets: &dyn SecretStore) -> Result<Self, HinomiError> {
        Self::build(ds, secrets).inspect_err(|error| {
            crate::health::book().record_outcome(&ds.id, Err(error), chrono::Utc::now());
        })
    }

    fn build(ds: &Datasource, secrets: &dyn SecretStore) -> Result<Self, HinomiError> {
        let base = parse_endpoint_url(&ds.url).map_err(|message| {
            HinomiError::invalid_input(message).with_detail(format!("datasource {}", ds.id))
        })?;
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_millis(u64::from(ds.timeout_ms)))
            .connect_timeout(Duration::from_millis(u64::from(ds.timeout_ms.min(5_000))))
            .user_agent(concat!("hinomi/", env!("CARGO_PKG_VERSION")));
        if let Some(value) = authorization(ds, secrets)? {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(reqwest::header::AUTHORIZATION, value);
            builder = builder.default_headers(headers);
        }
        builder = tls::configure(builder, &ds.tls)?;
        let client = builder.build().map_err(|err| {
            HinomiError::internal(say(
                "Cannot build an HTTP client.",
                "HTTP クライアントを作成できません。",
            ))
            .with_detail(err.to_string())
        })?;
        Ok(Self {
            datasource_id: ds.id.clone(),
            base,
            client,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            retry: RetryPolicy::within(Duration::from_millis(u64::from(ds.timeout_ms))),
        })
    }

    /// The same endpoint with another answer-size limit (a datasource's own setting, tests).
    pub fn with_max_answer_bytes(mut self, limit: u64) -> Self {
        self.max_answer_bytes = limit.max(1);
        self
    }

    /// The same endpoint with retries timed by `timer` (a fake clock in tests).
    pub fn with_retry_timer(mut self, timer: std::sync::Arc<dyn RetryTimer>) -> Self {
        self.retry.timer = timer;
        self
    }

    /// The time as the retry policy sees it, for reading an HTTP-date `Retry-After`.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.retry.timer.now()
    }

    pub fn max_answer_bytes(&self) -> u64 {
        self.max_answer_bytes
    }

    /// Reads an answer's body under this endpoint's size limit.
    pub async fn read_body(&self, response: reqwest::Response) -> Result<Vec<u8>, BodyError> {
        read_bounded(response, self.max_answer_bytes).await
    }

    /// `path` is relative to the base URL, so a Prometheus behind a prefix
    /// (`https://host/prometheus`) keeps its prefix.
    pub fn url(&self, path: &str) -> url::Url {
        let mut url = self.base.clone();
        let joined = format!(
            "{}/{}",
            url.path().trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        url.set_path(&joined);
        url
    }

    /// The URL of `path` as it may be shown or logged: no credentials, no query.
    pub fn shown_url(&self, path: &str) -> String {
        redact(&self.url(path))
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// GET and return the response whatever its status; transport failures become errors.
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<reqwest::Response, HinomiError> {
        let url = self.url(path);
        self.client
            .get(url.clone())
            .query(query)
            .send()
            .await
            .map_err(|err| transport_error(&err, &url))
    }
}

/// The `Authorization` header for a datasource with auth, marked sensitive (kept out of Debug).
fn authorization(
    ds: &Datasource,
    secrets: &dyn SecretStore,
) -> Result<Option<reqwest::header::HeaderValue>, HinomiError> {
    use base64::Engine as _;
    let text = match &ds.auth {
        DatasourceAuth::None => return Ok(None),
        DatasourceAuth::Basic { username } => {
            let password = required_secret(ds, secrets, Secret::Password)?;
            let pair = format!("{username}:{password}");
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        }
        DatasourceAuth::Bearer => {
            format!("Bearer {}", required_secret(ds, secrets, Secret::Token)?)
        }
        DatasourceAuth::ApiKey => {
            format!("ApiKey {}", required_secret(ds, secrets, Secret::ApiKey)?)
        }
    };
    let mut value = reqwest::header::HeaderValue::from_str(&text).map_err(|_| {
        HinomiError::new(
            ErrorCode::InvalidConfig,
            say(
                format!(
                    "The stored secret of datasource \"{}\" cannot be sent in an HTTP header (control characters?).",
                    ds.id
                ),
                format!(
                    "データソース「{}」の保存済みシークレットは HTTP ヘッダーで送れません（制御文字が含まれていませんか？）。",
                    ds.id
                ),
            ),
        )
    })?;
    value.set_sensitive(true);
    Ok(Some(value))
}

/// Which secret an auth scheme needs, to name it in the user's language.
#[derive(Clone, Copy)]
enum Secret {
    Password,
    Token,
    ApiKey,
}

fn required_secret(
    ds: &Datasource,
    secrets: &dyn SecretStore,
    what: Secret,
) -> Result<String, HinomiError> {
    match secrets.get(&ds.id)? {
        Some(secret) if !secret.is_empty() => Ok(secret),
        _ => {
            let (en, ja) = match what {
                Secret::Password => ("password", "パスワード"),
                Secret::Token => ("token", "トークン"),
                Secret::ApiKey => ("API key", "API キー"),
            };
            Err(HinomiError::new(
                ErrorCode::Secret,
                say(
                    format!(
                        "Datasource \"{}\" uses authentication but no {en} is stored in the keyring; set it in Settings.",
                        ds.id
                    ),
                    format!(
                        "データソース「{}」は認証を使いますが、{ja}がキーリングに保存されていません。設定で保存してください。",
                        ds.id
                    ),
                ),
            ))
        }
    }
}

/// `401`/`403` in the user's terms: the credentials were refused (never shown).
pub fn auth_rejected(status: reqwest::StatusCode, shown_url: &str) -> Option<HinomiError> {
    let (hint, hint_ja) = match status.as_u16() {
        401 => (
            "unauthorized: the credentials are missing or wrong",
            "認証されていません: 認証情報がないか、間違っています",
        ),
        403 => (
            "forbidden: the credentials are not allowed to read this",
            "禁止されています: この認証情報には読み取りが許可されていません",
        ),
        _ => return None,
    };
    Some(HinomiError::new(
        ErrorCode::HttpStatus,
        say(
            format!(
                "{shown_url} answered {status} ({hint}); check the datasource's authentication in Settings."
            ),
            format!(
                "{shown_url} が {status} を返しました（{hint_ja}）。設定でデータソースの認証を確認してください。"
            ),
        ),
    ))
}

/// Explains a failed request in the user's terms, keeping the technical cause as detail.
pub fn transport_error(err: &reqwest::Error, url: &url::Url) -> HinomiError {
    // The causes only: reqwest's own message repeats the URL (credentials, query), and a host
    // or query containing "ssl" must not make a refused connection look like a TLS failure.
    let cause = match std::error::Error::source(err) {
        Some(source) => error_chain(source),
        None => err.to_string().replace(url.as_str(), &redact(url)),
    };
    let shown = redact(url);
    let (code, message) = if err.is_timeout() {
        (
            ErrorCode::Timeout,
            say(
                format!("{shown} did not answer in time."),
                format!("{shown} から時間内に応答がありませんでした。"),
            ),
        )
    } else if let Some(message) = std::error::Error::source(err)
        .and_then(|source| tls::explain(source, &shown, url.host_str()))
    {
        (ErrorCode::Tls, message)
    } else if is_dns(&cause.to_ascii_lowercase()) {
        (
            ErrorCode::Unreachable,
            say(
                format!(
                    "Cannot reach {shown}: the host name {host} could not be resolved (DNS).",
                    host = url.host_str().unwrap_or_default()
                ),
                format!(
                    "{shown} に接続できません: ホスト名 {host} を名前解決できませんでした（DNS）。",
                    host = url.host_str().unwrap_or_default()
                ),
            ),
        )
    } else if looks_like_tls(&cause) {
        (
            ErrorCode::Tls,
            say(
                format!("TLS with {shown} failed; the certificate was not accepted."),
                format!("{shown} との TLS 接続に失敗しました。証明書が受け入れられませんでした。"),
            ),
        )
    } else if err.is_connect() || err.is_request() {
        let refused = cause.to_ascii_lowercase().contains("refused");
        let message = if refused {
            say(
                format!("Cannot reach {shown} (connection refused: nothing listens on that port)."),
                format!(
                    "{shown} に接続できません（接続が拒否されました: そのポートで待ち受けているものがありません）。"
                ),
            )
        } else {
            say(
                format!("Cannot reach {shown}."),
                format!("{shown} に接続できません。"),
            )
        };
        (ErrorCode::Unreachable, message)
    } else if err.is_decode() || err.is_body() {
        (
            ErrorCode::Decode,
            say(
                format!("{shown} sent a response that could not be read."),
                format!("{shown} から読み取れない応答が返りました。"),
            ),
        )
    } else {
        (
            ErrorCode::Unreachable,
            say(
                format!("Request to {shown} failed."),
                format!("{shown} へのリクエストに失敗しました。"),
            ),
        )
    };
    HinomiError::new(code, message).with_detail(cause)
}

/// The whole `source()` chain: reqwest's top-level message alone ("error sending request")
/// hides the part the user needs ("connection refused", "certificate has expired").
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = inner.source();
    }
    parts.join(": ")
}

/// The cause chain of a reqwest error, without reqwest's own message (it repeats the URL).
fn error_chain_of(err: &reqwest::Error) -> String {
    std::error::Error::source(err)
        .map(error_chain)
        .unwrap_or_default()
}

/// A resolver failure, as hyper's and getaddrinfo's texts say it (lower-case `cause`).
fn is_dns(cause: &str) -> bool {
    [
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "no such host",
    ]
    .iter()
    .any(|needle| cause.contains(needle))
}

fn looks_like_tls(cause: &str) -> bool {
    let lower = cause.to_ascii_lowercase();
    ["certificate", "ssl", "tls", "handshake"]
        .iter()
        .any(|needle| lower.contains(needle))
}

/// Never show credentials embedded in a URL.
pub fn redact(url: &url::Url) -> String {
    let mut shown = url.clone();
    if !shown.username().is_empty() || shown.password().is_some() {
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
    }
    shown.set_query(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{DatasourceKind, TlsOptions};

    fn ds(url: &str) -> Datasource {
        Datasource {
            id: "t".into(),
            name: "t".into(),
            kind: DatasourceKind::Prometheus,
            url: url.into(),
            timeout_ms: 500,
            tls: TlsOptions::default(),
            auth: Default::default(),
            logs: None,
            split_range_queries: true,
        }
    }

    #[test]
    fn joins_paths_under_a_prefix() {
        let endpoint = Endpoint::new(&ds("https://host/prometheus/")).unwrap();
        assert_eq!(
            endpoint.url("/api/v1/targets").as_str(),
            "https://host/prometheus/api/v1/targets"
        );
        let endpoint = Endpoint::new(&ds("http://127.0.0.1:9090")).unwrap();
        assert_eq!(
            endpoint.url("api/v1/query").as_str(),
            "http://127.0.0.1:9090/api/v1/query"
        );
    }

    #[test]
    fn invalid_url_is_invalid_input() {
        let err = Endpoint::new(&ds("not a url")).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn unreadable_ca_file_is_a_config_error_naming_the_file() {
        let mut source = ds("https://host");
        source.tls.ca_file = Some("/nonexistent/ca.pem".into());
        let err = Endpoint::new(&source).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidConfig);
        assert!(err.message.contains("/nonexistent/ca.pem"));
    }

    #[tokio::test]
    async fn refused_connection_is_unreachable_with_cause() {
        // Bind then drop to get a port nothing listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let endpoint = Endpoint::new(&ds(&format!("http://127.0.0.1:{port}"))).unwrap();
        let err = endpoint.get("/", &[]).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Unreachable, "{err:?}");
        assert!(err.detail.unwrap().to_lowercase().contains("refused"));
    }

    #[tokio::test]
    async fn slow_server_times_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Accepts and then says nothing.
        let server = tokio::spawn(async move {
            let (_socket, _) = listener.accept().await.unwrap();
            std::future::pending::<()>().await;
        });
        let endpoint = Endpoint::new(&ds(&format!("http://{addr}"))).unwrap();
        let err = endpoint.get("/", &[]).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Timeout, "{err:?}");
        server.abort();
    }

    #[tokio::test]
    async fn ssl_in_a_host_or_query_does_not_make_a_tls_error() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let endpoint = Endpoint::new(&ds(&format!("http://127.0.0.1:{port}"))).unwrap();
        let err = endpoint
            .get(
                "/api/v1/query",
                &[("query", "probe_ssl_earliest_cert_expiry")],
            )
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Unreachable, "{err:?}");
        assert!(
            !err.detail.unwrap().contains("probe_ssl"),
            "the query stays out of the detail"
        );
    }

    #[test]
    fn a_ca_file_without_pem_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let der = dir.path().join("ca.der");
        std::fs::write(&der, [0x30, 0x82, 0x01, 0x0a]).unwrap();
        let mut source = ds("https://host");
        source.tls.ca_file = Some(der.display().to_string());
        let err = Endpoint::new(&source).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidConfig);
        assert!(
            err.message.contains("no PEM certificate"),
            "{}",
            err.message
        );
    }

    async fn echo_authorization() -> String {
        use axum::routing::get;
        let router = axum::Router::new().route(
            "/",
            get(|headers: axum::http::HeaderMap| async move {
                headers
                    .get("authorization")
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default()
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn basic_bearer_and_api_key_auth_send_the_stored_secret_and_hide_it() {
        let url = echo_authorization().await;
        let secrets = crate::secrets::MemoryStore::default();
        secrets.set("t", "hinomi-test-secret-pw").unwrap();
        let mut source = ds(&url);
        source.auth = DatasourceAuth::Basic {
            username: "alice".into(),
        };
        let endpoint = Endpoint::with_store(&source, &secrets).unwrap();
        let sent = endpoint.get("/", &[]).await.unwrap().text().await.unwrap();
        // base64("alice:hinomi-test-secret-pw")
        assert_eq!(sent, "Basic YWxpY2U6aGlub21pLXRlc3Qtc2VjcmV0LXB3");
        let debug = format!("{endpoint:?}");
        assert!(
            !debug.contains("YWxpY2U6aGlub21pLXRlc3Qtc2VjcmV0LXB3")
                && !debug.contains("hinomi-test-secret"),
            "{debug}"
        );

        source.auth = DatasourceAuth::Bearer;
        let endpoint = Endpoint::with_store(&source, &secrets).unwrap();
        let sent = endpoint.get("/", &[]).await.unwrap().text().await.unwrap();
        assert_eq!(sent, "Bearer hinomi-test-secret-pw");
        assert!(!format!("{endpoint:?}").contains("hinomi-test-secret"));

        source.auth = DatasourceAuth::ApiKey;
        let endpoint = Endpoint::with_store(&source, &secrets).unwrap();
        let sent = endpoint.get("/", &[]).await.unwrap().text().await.unwrap();
        assert_eq!(sent, "ApiKey hinomi-test-secret-pw");
        assert!(!format!("{endpoint:?}").contains("hinomi-test-secret"));
    }

    #[test]
    fn auth_without_a_stored_secret_is_an_error_naming_the_datasource() {
        let secrets = crate::secrets::MemoryStore::default();
        let mut source = ds("http://127.0.0.1:1");
        source.auth = DatasourceAuth::Bearer;
        let err = Endpoint::with_store(&source, &secrets).unwrap_err();
        assert_eq!(err.code, ErrorCode::Secret);
        assert!(
            err.message.contains("\"t\"") && err.message.contains("keyring"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_datasource_without_its_secret_shows_as_failing_with_the_reason() {
        use crate::health::{HealthState, book};
        let secrets = crate::secrets::MemoryStore::default();
        let mut source = ds("http://127.0.0.1:1");
        source.id = "health-no-secret".into();
        source.auth = DatasourceAuth::Basic {
            username: "alice".into(),
        };
        Endpoint::with_store(&source, &secrets).unwrap_err();
        let health = book().get("health-no-secret").expect("a health entry");
        assert_eq!(health.state, HealthState::Failing);
        let error = health.error.unwrap();
        assert_eq!(error.code, ErrorCode::Secret);
        assert!(error.message.contains("keyring"), "{}", error.message);
        assert_eq!(health.last_success, None);
    }

    #[test]
    fn a_secret_with_a_newline_is_refused_without_echoing_it() {
        let secrets = crate::secrets::MemoryStore::default();
        secrets.set("t", "bad\nhinomi-test-secret-xyz").unwrap();
        let mut source = ds("http://127.0.0.1:1");
        source.auth = DatasourceAuth::Bearer;
        let err = Endpoint::with_store(&source, &secrets).unwrap_err();
        let shown = format!("{} {:?} {err:?}", err.message, err.detail);
        assert!(!shown.contains("hinomi-test-secret-xyz"), "{shown}");
    }

    #[test]
    fn redacts_credentials() {
        let url = url::Url::parse("https://user:secret@host/api?token=abc").unwrap();
        let shown = redact(&url);
        assert!(
            !shown.contains("secret") && !shown.contains("abc"),
            "{shown}"
        );
    }

    /// One error worded in English and in Japanese.
    fn in_both<T>(word: impl Fn() -> T) -> (T, T) {
        use crate::texts::{Lang, user_lang::with};
        (with(Lang::En, &word), with(Lang::Ja, &word))
    }

    /// One error worded in English and in Japanese, where only the message may change with the
    /// language: the code and the cause stay as they were.
    fn reworded(word: impl Fn() -> HinomiError) -> (HinomiError, HinomiError) {
        crate::test_support::assert_worded_in_both_languages(|| vec![word()]).remove(0)
    }

    #[tokio::test]
    async fn unreachable_and_timed_out_are_worded_in_japanese_with_the_same_code_and_detail() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
        let endpoint = Endpoint::new(&ds(url.as_str())).unwrap();
        let refused = endpoint.client().get(url.clone()).send().await.unwrap_err();
        let (en, ja) = reworded(|| transport_error(&refused, &url));
        assert_eq!(ja.code, ErrorCode::Unreachable);
        assert!(en.message.starts_with("Cannot reach"), "{}", en.message);
        assert!(
            ja.message.contains("に接続できません") && ja.message.contains(url.as_str()),
            "{}",
            ja.message
        );

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let server = tokio::spawn(async move {
            let (_socket, _) = listener.accept().await.unwrap();
            std::future::pending::<()>().await;
        });
        let endpoint = Endpoint::new(&ds(url.as_str())).unwrap();
        let silent = endpoint.client().get(url.clone()).send().await.unwrap_err();
        let (_, ja) = reworded(|| transport_error(&silent, &url));
        assert_eq!(ja.code, ErrorCode::Timeout);
        assert!(
            ja.message.contains("時間内に応答がありませんでした"),
            "{}",
            ja.message
        );
        server.abort();
    }

    #[test]
    fn tls_failures_are_explained_in_japanese() {
        let unknown_ca = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let (en, ja) = in_both(|| tls::explain(&unknown_ca, "https://h/", Some("h")).unwrap());
        assert!(en.contains("unknown certificate authority"), "{en}");
        assert!(
            ja.contains("https://h/ との TLS 接続に失敗しました"),
            "{ja}"
        );
        assert!(ja.contains("不明な認証局"), "{ja}");

        let no_client_cert =
            rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired);
        let (en, ja) = in_both(|| tls::explain(&no_client_cert, "https://h/", None).unwrap());
        assert!(en.contains("requires a client certificate"), "{en}");
        assert!(ja.contains("クライアント証明書"), "{ja}");
    }

    #[test]
    fn refused_credentials_and_a_missing_secret_are_worded_in_japanese() {
        for status in [
            reqwest::StatusCode::UNAUTHORIZED,
            reqwest::StatusCode::FORBIDDEN,
        ] {
            let (_, ja) = reworded(|| auth_rejected(status, "http://h/").unwrap());
            assert_eq!(ja.code, ErrorCode::HttpStatus);
            assert!(ja.message.contains("認証"), "{}", ja.message);
        }

        let secrets = crate::secrets::MemoryStore::default();
        let mut source = ds("http://127.0.0.1:1");
        source.id = "ja-no-secret".into();
        for auth in [
            DatasourceAuth::Basic {
                username: "alice".into(),
            },
            DatasourceAuth::Bearer,
            DatasourceAuth::ApiKey,
        ] {
            source.auth = auth;
            let (_, ja) = reworded(|| Endpoint::with_store(&source, &secrets).unwrap_err());
            assert_eq!(ja.code, ErrorCode::Secret);
            assert!(
                ja.message.contains("「ja-no-secret」") && ja.message.contains("キーリング"),
                "{}",
                ja.message
            );
        }
    }
}
