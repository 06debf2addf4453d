//! The shared fault table against the Elasticsearch/OpenSearch client: each fault reaches the
//! log view as its own error, and a 503 or a 429 with Retry-After followed by a good answer is
//! retried through on a fake clock.

use hinomi_core::HinomiError;
use hinomi_core::clock::FakeClock;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_core::test_support::{assert_every_fault, assert_retried_through, fault_clock};
use hinomi_logs::ElasticClient;
use std::sync::Arc;

fn client(url: &str, timeout_ms: u32, clock: &FakeClock) -> ElasticClient {
    ElasticClient::new(&Datasource {
        id: "es".into(),
        name: "es".into(),
        kind: DatasourceKind::Elasticsearch,
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

const ROOT: &str = r#"{"version":{"number":"2.18.0","distribution":"opensearch"}}"#;

#[tokio::test]
async fn every_fault_reaches_the_log_view_as_its_own_error() {
    assert_every_fault(
        "not Elasticsearch/OpenSearch JSON",
        |url, timeout_ms| async move {
            let dialect = client(&url, timeout_ms, &fault_clock()).dialect().await;
            dialect.map_err(HinomiError::from)
        },
    )
    .await;
}

#[tokio::test]
async fn a_503_then_200_and_a_429_with_retry_after_then_200_succeed() {
    assert_retried_through(ROOT, |url, clock| async move {
        let dialect = client(&url, 5_000, &clock).dialect().await;
        dialect.map_err(HinomiError::from)
    })
    .await;
}
