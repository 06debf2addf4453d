//! Basic and bearer auth against a loopback server that checks the `Authorization` header:
//! the right secret answers, a wrong or missing one is a clear 401 / "no secret" error, and the
//! secret never appears in an error.

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hinomi_core::secrets::{MemoryStore, SecretStore};
use hinomi_core::settings::{Datasource, DatasourceAuth, DatasourceKind, TlsOptions};
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_prometheus::PrometheusClient;
use std::sync::{Arc, OnceLock};

/// `user:hinomi-test-secret-basic` in base64. Test secrets carry the `hinomi-test-secret`
/// marker that `scripts/check-secret-leaks` looks for in what a test run leaves behind.
const BASIC: &str = "Basic dXNlcjpoaW5vbWktdGVzdC1zZWNyZXQtYmFzaWM=";
const TOKEN: &str = "hinomi-test-secret-bearer";

fn secrets() -> Arc<MemoryStore> {
    static STORE: OnceLock<Arc<MemoryStore>> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let store = Arc::new(MemoryStore::default());
            hinomi_core::secrets::install(store.clone());
            store
        })
        .clone()
}

/// A Prometheus-shaped API that answers only requests carrying `expected`.
async fn serve(expected: &'static str) -> String {
    let guard = move |headers: HeaderMap, body: &'static str| -> Response {
        match headers.get("authorization").and_then(|v| v.to_str().ok()) {
            Some(value) if value == expected => {
                ([("content-type", "application/json")], body).into_response()
            }
            _ => (StatusCode::UNAUTHORIZED, "Unauthorized").into_response(),
        }
    };
    let router = Router::new()
        .route(
            "/api/v1/query",
            get(move |headers: HeaderMap| async move {
                guard(
                    headers,
                    r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"a"},"value":[1,"1"]}]}}"#,
                )
            }),
        )
        .route(
            "/api/v1/status/buildinfo",
            get(move |headers: HeaderMap| async move {
                guard(
                    headers,
                    r#"{"status":"success","data":{"version":"3.0.0","revision":"x","goVersion":"go1"}}"#,
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

fn datasource(id: &str, url: String, auth: DatasourceAuth) -> Datasource {
    Datasource {
        id: id.into(),
        name: id.into(),
        kind: DatasourceKind::Prometheus,
        url,
        timeout_ms: 2_000,
        tls: TlsOptions::default(),
        auth,
        logs: None,
        split_range_queries: true,
    }
}

fn basic() -> DatasourceAuth {
    DatasourceAuth::Basic {
        username: "user".into(),
    }
}

fn shown(err: &HinomiError) -> String {
    format!(
        "{} {} {err:?}",
        err.message,
        err.detail.clone().unwrap_or_default()
    )
}

#[tokio::test]
async fn basic_auth_with_the_right_password_queries() {
    let url = serve(BASIC).await;
    secrets()
        .set("basic-ok", "hinomi-test-secret-basic")
        .unwrap();
    let client = PrometheusClient::new(&datasource("basic-ok", url, basic())).unwrap();
    assert_eq!(client.build_info().await.unwrap().version, "3.0.0");
    client.query_instant("up", None).await.unwrap();
}

#[tokio::test]
async fn basic_auth_with_a_wrong_password_is_unauthorized_and_not_echoed() {
    let url = serve(BASIC).await;
    secrets()
        .set("basic-wrong", "hinomi-test-secret-wrong")
        .unwrap();
    let client = PrometheusClient::new(&datasource("basic-wrong", url, basic())).unwrap();
    for err in [
        client
            .query_instant("up", None)
            .await
            .map_err(HinomiError::from)
            .unwrap_err(),
        client
            .build_info()
            .await
            .map_err(HinomiError::from)
            .unwrap_err(),
    ] {
        assert_eq!(err.code, ErrorCode::HttpStatus);
        assert!(err.message.contains("401"), "{}", err.message);
        assert!(err.message.contains("unauthorized"), "{}", err.message);
        let text = shown(&err);
        assert!(!text.contains("hinomi-test-secret-wrong"), "{text}");
        assert!(!text.contains("aGlub21pLXRlc3Qtc2VjcmV0LXdyb25n"), "{text}");
    }
}

#[tokio::test]
async fn bearer_token_queries_and_a_wrong_one_is_unauthorized() {
    let url = serve("Bearer hinomi-test-secret-bearer").await;
    secrets().set("bearer-ok", TOKEN).unwrap();
    let ok = PrometheusClient::new(&datasource(
        "bearer-ok",
        url.clone(),
        DatasourceAuth::Bearer,
    ));
    ok.unwrap().query_instant("up", None).await.unwrap();

    secrets()
        .set("bearer-wrong", "hinomi-test-secret-bearer-wrong")
        .unwrap();
    let wrong =
        PrometheusClient::new(&datasource("bearer-wrong", url, DatasourceAuth::Bearer)).unwrap();
    let err = wrong
        .query_instant("up", None)
        .await
        .map_err(HinomiError::from)
        .unwrap_err();
    assert!(err.message.contains("401"), "{}", err.message);
    assert!(
        !shown(&err).contains("hinomi-test-secret-bearer-wrong"),
        "{}",
        shown(&err)
    );
    assert!(!format!("{wrong:?}").contains("hinomi-test-secret-bearer-wrong"));
}

#[tokio::test]
async fn missing_secret_is_a_clear_error_not_an_unauthenticated_request() {
    let url = serve(BASIC).await;
    secrets().clear("basic-missing").unwrap();
    let err = PrometheusClient::new(&datasource("basic-missing", url, basic()))
        .map_err(HinomiError::from)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Secret);
    assert!(err.message.contains("basic-missing"), "{}", err.message);
    assert!(err.message.contains("keyring"), "{}", err.message);
}

#[tokio::test]
async fn no_auth_against_a_protected_server_says_unauthorized() {
    let url = serve(BASIC).await;
    let client = PrometheusClient::new(&datasource("none", url, DatasourceAuth::None)).unwrap();
    let err = client
        .build_info()
        .await
        .map_err(HinomiError::from)
        .unwrap_err();
    assert!(err.message.contains("401 Unauthorized"), "{}", err.message);
}
