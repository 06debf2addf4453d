//! Prometheus's own errors reach the caller verbatim; non-API answers are named as such.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_core::{ErrorCode, HinomiError};
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
        split_range_queries: true,
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
    let err = client(url)
        .targets()
        .await
        .map_err(HinomiError::from)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Backend);
    assert_eq!(
        err.message,
        "query processing would load too many samples into memory"
    );
    assert_eq!(err.detail.as_deref(), Some("execution"));
}

#[tokio::test]
async fn html_from_a_proxy_is_named_as_a_proxy_page() {
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
    let err = client(url)
        .targets()
        .await
        .map_err(HinomiError::from)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ProxyPage);
    assert!(err.message.contains("502"), "{}", err.message);
    assert!(
        err.message.contains("not Prometheus JSON"),
        "{}",
        err.message
    );
    assert!(err.detail.unwrap().contains("Bad Gateway"));
}

#[tokio::test]
async fn a_200_that_is_not_the_api_is_a_decode_error() {
    let url = serve(Router::new().route("/api/v1/targets", get(|| async { "hello" }))).await;
    let err = client(url)
        .targets()
        .await
        .map_err(HinomiError::from)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Decode);
}

fn patient_client(url: &str) -> PrometheusClient {
    PrometheusClient::new(&Datasource {
        timeout_ms: 60_000,
        ..datasource(url.to_owned())
    })
    .unwrap()
}

fn datasource(url: String) -> Datasource {
    Datasource {
        id: "p".into(),
        name: "p".into(),
        kind: DatasourceKind::Prometheus,
        url,
        timeout_ms: 2_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    }
}

#[tokio::test]
async fn an_endless_matrix_is_refused_at_the_limit_without_buffering_it() {
    let server = hinomi_demo_stack::RunawayServer::prometheus_matrix().await;
    let started = std::time::Instant::now();
    let now = chrono::Utc::now();
    let err = patient_client(server.url())
        .query_range(
            "rate(http_requests_total[5m])",
            now - chrono::Duration::hours(1),
            now,
            std::time::Duration::from_secs(15),
        )
        .await
        .map_err(HinomiError::from)
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.code, ErrorCode::Backend, "{err:?}");
    assert!(
        err.message.contains("answer too large (") && err.message.contains("limit 64 MB)"),
        "{}",
        err.message
    );
    assert!(elapsed < std::time::Duration::from_secs(15), "{elapsed:?}");
    // What the socket buffers held past the limit, no more: the client hung up.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let sent = server.sent();
    assert!(sent < 96 * 1024 * 1024, "the server sent {sent} bytes");
}

#[tokio::test]
async fn a_smaller_limit_applies_and_names_itself() {
    let server = hinomi_demo_stack::RunawayServer::prometheus_matrix().await;
    let err = patient_client(server.url())
        .with_max_answer_bytes(1024 * 1024)
        .get_api_body("/api/v1/query_range", &[])
        .await
        .map_err(HinomiError::from)
        .unwrap_err();
    assert!(err.message.contains("limit 1 MB)"), "{}", err.message);
    assert!(server.sent() < 1024 * 1024 * 1024);
}

#[tokio::test]
async fn a_10_mb_error_body_is_cut_in_what_the_user_sees() {
    let url = serve(Router::new().route(
        "/api/v1/targets",
        get(|| async {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "E".repeat(10 * 1024 * 1024),
            )
        }),
    ))
    .await;
    let err = client(url.clone())
        .targets()
        .await
        .map_err(HinomiError::from)
        .unwrap_err();
    let shown = format!("{} {}", err.message, err.detail.clone().unwrap_or_default());
    assert!(shown.len() < 4 * 1024, "{} bytes shown", shown.len());
    assert!(shown.contains("more bytes not shown"), "{shown}");

    // The same for Prometheus's own error text in its envelope.
    let url = serve(Router::new().route(
        "/api/v1/targets",
        get(|| async {
            let error = "x".repeat(10 * 1024 * 1024);
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(r#"{{"status":"error","errorType":"execution","error":"{error}"}}"#),
            )
        }),
    ))
    .await;
    let err = client(url)
        .targets()
        .await
        .map_err(HinomiError::from)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Backend);
    assert!(err.message.len() < 4 * 1024, "{} bytes", err.message.len());
}
