//! Prometheus's own errors reach the caller verbatim; non-API answers are named as such.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use hinomi_core::ErrorCode;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_prometheus::PrometheusClient;

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

fn client(url: String) -> PrometheusClient {
    PrometheusClient::new(&Datasource {
        id: "p".into(),
        name: "p".into(),
        kind: DatasourceKind::Prometheus,
        url,
        timeout_ms: 2_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
    })
    .unwrap()
}

#[tokio::test]
async fn prometheus_error_envelope_is_passed_through() {
    let url = serve(Router::new().route(
        "/api/v1/targets",
        get(|| async {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                r#"{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory"}"#,
            )
        }),
    ))
    .await;
    let err = client(url).targets().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Backend);
    assert_eq!(
        err.message,
        "query processing would load too many samples into memory"
    );
    assert_eq!(err.detail.as_deref(), Some("execution"));
}

#[tokio::test]
async fn html_from_a_proxy_is_an_http_status_error() {
    let url = serve(Router::new().route(
        "/api/v1/targets",
        get(|| async {
            (
                StatusCode::BAD_GATEWAY,
                "<html><body>502 Bad Gateway</body></html>",
            )
        }),
    ))
    .await;
    let err = client(url).targets().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::HttpStatus);
    assert!(err.message.contains("502"), "{}", err.message);
    assert!(err.detail.unwrap().contains("Bad Gateway"));
}

#[tokio::test]
async fn a_200_that_is_not_the_api_is_a_decode_error() {
    let url = serve(Router::new().route("/api/v1/targets", get(|| async { "hello" }))).await;
    let err = client(url).targets().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Decode);
}
