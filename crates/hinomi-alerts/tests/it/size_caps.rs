//! An alert source that sends an endless answer is refused at the size cap, quickly, without
//! the answer being buffered.

use hinomi_alerts::sources::alertmanager::AlertmanagerClient;
use hinomi_core::ErrorCode;
use hinomi_core::http::Endpoint;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_demo_stack::RunawayServer;
use std::time::{Duration, Instant};

fn datasource(kind: DatasourceKind, url: &str) -> Datasource {
    Datasource {
        id: "runaway".into(),
        name: "runaway".into(),
        kind,
        url: url.into(),
        timeout_ms: 60_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    }
}

#[tokio::test]
async fn an_endless_alertmanager_alert_list_is_refused_at_the_limit() {
    let server = RunawayServer::alertmanager_alerts().await;
    let client = AlertmanagerClient::from_endpoint(
        Endpoint::new(&datasource(DatasourceKind::Alertmanager, server.url())).unwrap(),
    );
    let started = Instant::now();
    let err = client.alerts().await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.code, ErrorCode::Backend, "{err:?}");
    assert!(
        err.message.contains("answer too large (") && err.message.contains("limit 64 MB)"),
        "{}",
        err.message
    );
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = server.sent();
    assert!(sent < 96 * 1024 * 1024, "the server sent {sent} bytes");
}

#[tokio::test]
async fn an_endless_prometheus_answer_is_refused_for_alerts_and_rules() {
    use hinomi_alerts::sources::prometheus::PrometheusAlertsClient;
    // Any path of this server streams the endless `{"status":"success","data":...` envelope.
    let server = RunawayServer::prometheus_matrix().await;
    let client = PrometheusAlertsClient::from_endpoint(
        Endpoint::new(&datasource(DatasourceKind::Prometheus, server.url())).unwrap(),
    );
    let alerts = client.alerts().await.unwrap_err();
    let rules = client.rules().await.unwrap_err();
    for err in [alerts, rules] {
        assert!(
            err.message.contains("answer too large ("),
            "{}",
            err.message
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(server.sent() < 2 * 96 * 1024 * 1024, "{}", server.sent());
}
