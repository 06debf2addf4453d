//! The shared fault table against the alert sources (Alertmanager and Prometheus's alerts API):
//! each fault reaches the board as its own error, and a 503 or a 429 with Retry-After followed
//! by a good answer is retried through on a fake clock. Creating a silence is never retried.

use chrono::DateTime;
use hinomi_alerts::sources::{AlertmanagerClient, PrometheusAlertsClient};
use hinomi_core::clock::{Clock, FakeClock};
use hinomi_core::http::Endpoint;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_core::test_support::{Fault, FaultServer, Reply};
use std::sync::Arc;

fn datasource(url: &str, kind: DatasourceKind, timeout_ms: u32) -> Datasource {
    Datasource {
        id: "a".into(),
        name: "a".into(),
        kind,
        url: url.into(),
        timeout_ms,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    }
}

fn clock() -> FakeClock {
    FakeClock::at(
        DateTime::parse_from_rfc3339("2026-12-04T06:00:00Z")
            .unwrap()
            .to_utc(),
    )
}

fn alertmanager(url: &str, timeout_ms: u32, clock: &FakeClock) -> AlertmanagerClient {
    AlertmanagerClient::from_endpoint(
        Endpoint::new(&datasource(url, DatasourceKind::Alertmanager, timeout_ms))
            .unwrap()
            .with_retry_timer(Arc::new(clock.clone())),
    )
}

fn prometheus(url: &str, timeout_ms: u32, clock: &FakeClock) -> PrometheusAlertsClient {
    PrometheusAlertsClient::from_endpoint(
        Endpoint::new(&datasource(url, DatasourceKind::Prometheus, timeout_ms))
            .unwrap()
            .with_retry_timer(Arc::new(clock.clone())),
    )
}

#[tokio::test]
async fn every_fault_reaches_the_board_as_its_own_error() {
    for fault in Fault::ALL {
        let url = fault.url().await;
        let am = alertmanager(&url, fault.timeout_ms(), &clock())
            .alerts()
            .await
            .unwrap_err();
        assert_eq!(am.code, fault.code(), "Alertmanager {fault:?}: {am:?}");
        assert!(
            am.message.contains(fault.words()),
            "{fault:?}: {}",
            am.message
        );
        let prom = prometheus(&url, fault.timeout_ms(), &clock())
            .alerts()
            .await
            .unwrap_err();
        assert_eq!(prom.code, fault.code(), "Prometheus {fault:?}: {prom:?}");
        if matches!(fault, Fault::HtmlPage200 | Fault::HtmlPage502) {
            assert!(
                am.message.contains("not Alertmanager JSON"),
                "{}",
                am.message
            );
            assert!(
                prom.message.contains("not Prometheus JSON"),
                "{}",
                prom.message
            );
        }
    }
}

#[tokio::test]
async fn a_503_then_200_and_a_429_with_retry_after_then_200_succeed() {
    for first in [
        Reply::new(503, "text/plain", "no healthy upstream"),
        Reply::new(429, "text/plain", "slow down").with_header("retry-after", "1"),
    ] {
        let server = FaultServer::start(vec![first.clone(), Reply::json("[]")]).await;
        let clock = clock();
        let start = clock.now();
        let alerts = alertmanager(server.url(), 5_000, &clock).alerts().await;
        assert_eq!(alerts.unwrap().len(), 0, "{first:?}");
        assert_eq!(server.hits(), 2);
        assert!(
            clock.now() > start,
            "waited on the fake clock before retrying"
        );

        let server = FaultServer::start(vec![
            first.clone(),
            Reply::json(r#"{"status":"success","data":{"alerts":[]}}"#),
        ])
        .await;
        let alerts = prometheus(server.url(), 5_000, &clock).alerts().await;
        assert_eq!(alerts.unwrap().len(), 0, "{first:?}");
        assert_eq!(server.hits(), 2);
    }
}

#[tokio::test]
async fn creating_a_silence_is_sent_once_even_on_a_503() {
    let server = FaultServer::start(vec![
        Reply::new(503, "text/plain", "restarting"),
        Reply::json(r#"{"silenceID":"x"}"#),
    ])
    .await;
    let draft = hinomi_alerts::silences::SilenceDraft {
        matchers: vec![],
        starts_at: DateTime::parse_from_rfc3339("2026-12-04T06:00:00Z")
            .unwrap()
            .to_utc(),
        ends_at: DateTime::parse_from_rfc3339("2026-12-04T07:00:00Z")
            .unwrap()
            .to_utc(),
        created_by: "me".into(),
        comment: "test".into(),
    };
    let err = alertmanager(server.url(), 5_000, &clock())
        .create_silence(&draft)
        .await
        .unwrap_err();
    assert_eq!(err.code, hinomi_core::ErrorCode::Unavailable, "{err:?}");
    assert_eq!(server.hits(), 1);
}
