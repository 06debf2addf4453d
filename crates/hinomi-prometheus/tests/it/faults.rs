//! The shared fault table against the Prometheus client: each fault reaches the caller as its
//! own error, and a 503 or a 429 with Retry-After followed by a good answer is retried through
//! (on a fake clock: nothing sleeps).

use chrono::{DateTime, Utc};
use hinomi_core::clock::FakeClock;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_core::test_support::{assert_every_fault, assert_retried_through, fault_clock};
use hinomi_prometheus::PrometheusClient;
use std::sync::Arc;
use std::time::Duration;

const MATRIX: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"node"},"values":[[1764828000,"1"]]}]}}"#;

fn client(url: &str, clock: &FakeClock, timeout_ms: u32) -> PrometheusClient {
    PrometheusClient::new(&Datasource {
        id: "p".into(),
        name: "p".into(),
        kind: DatasourceKind::Prometheus,
        url: url.into(),
        timeout_ms,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    })
    .unwrap()
    .with_retry_timer(Arc::new(clock.clone()))
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
    assert_every_fault("not Prometheus JSON", |url, timeout_ms| async move {
        range(&client(&url, &fault_clock(), timeout_ms)).await
    })
    .await;
}

#[tokio::test]
async fn a_503_then_200_and_a_429_with_retry_after_then_200_succeed() {
    let answers = assert_retried_through(MATRIX, |url, clock| async move {
        range(&client(&url, &clock, 5_000)).await
    })
    .await;
    assert_eq!(answers, [1, 1], "one series each time");
}
