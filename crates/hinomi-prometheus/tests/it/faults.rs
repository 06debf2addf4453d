//! The shared fault table against the Prometheus client: each fault reaches the caller as its
//! own error, and a 503 or a 429 with Retry-After followed by a good answer is retried through
//! (on a fake clock: nothing sleeps).

use chrono::{DateTime, Utc};
use hinomi_core::clock::{Clock, FakeClock};
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_core::test_support::{Fault, FaultServer, Reply};
use hinomi_prometheus::PrometheusClient;
use std::sync::Arc;
use std::time::Duration;

const MATRIX: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"node"},"values":[[1764828000,"1"]]}]}}"#;

/// A 400 ms timeout keeps the hung server's case short; `patient` gives room for retries.
fn client(url: &str, clock: &FakeClock) -> PrometheusClient {
    client_with_timeout(url, clock, 400)
}

fn client_with_timeout(url: &str, clock: &FakeClock, timeout_ms: u32) -> PrometheusClient {
    PrometheusClient::new(&Datasource {
        id: "p".into(),
        name: "p".into(),
        kind: DatasourceKind::Prometheus,
        url: url.into(),
        timeout_ms,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
    })
    .unwrap()
    .with_retry_timer(Arc::new(clock.clone()))
}

fn clock() -> FakeClock {
    FakeClock::at(
        DateTime::parse_from_rfc3339("2026-12-04T06:00:00Z")
            .unwrap()
            .to_utc(),
    )
}

async fn range(client: &PrometheusClient) -> Result<usize, hinomi_core::HinomiError> {
    let end: DateTime<Utc> = DateTime::from_timestamp(1_764_828_000, 0).unwrap();
    let series = client
        .query_range(
            "up",
            end - chrono::Duration::minutes(5),
            end,
            Duration::from_secs(15),
        )
        .await?;
    Ok(series.len())
}

#[tokio::test]
async fn every_fault_reaches_the_user_as_its_own_error() {
    for fault in Fault::ALL {
        let err = range(&client(&fault.url().await, &clock()))
            .await
            .expect_err(&format!("{fault:?}"));
        assert_eq!(err.code, fault.code(), "{fault:?}: {err:?}");
        assert!(
            err.message.contains(fault.words()),
            "{fault:?}: {}",
            err.message
        );
        if matches!(fault, Fault::HtmlPage200 | Fault::HtmlPage502) {
            assert!(
                err.message.contains("not Prometheus JSON"),
                "{}",
                err.message
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
        let server = FaultServer::start(vec![first.clone(), Reply::json(MATRIX)]).await;
        let clock = clock();
        let start = clock.now();
        assert_eq!(
            range(&client_with_timeout(server.url(), &clock, 5_000))
                .await
                .unwrap(),
            1,
            "{first:?}"
        );
        assert_eq!(server.hits(), 2);
        assert!(
            clock.now() > start,
            "waited on the fake clock before retrying"
        );
    }
}
