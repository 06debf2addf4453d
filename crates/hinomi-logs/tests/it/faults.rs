//! The shared fault table against the Elasticsearch/OpenSearch client: each fault reaches the
//! log view as its own error, and a 503 or a 429 with Retry-After followed by a good answer is
//! retried through on a fake clock.

use chrono::DateTime;
use hinomi_core::HinomiError;
use hinomi_core::clock::{Clock, FakeClock};
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_core::test_support::{Fault, FaultServer, Reply};
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

const ROOT: &str = r#"{"version":{"number":"2.18.0","distribution":"opensearch"}}"#;

#[tokio::test]
async fn every_fault_reaches_the_log_view_as_its_own_error() {
    for fault in Fault::ALL {
        let err: HinomiError = client(&fault.url().await, 400, &clock())
            .dialect()
            .await
            .expect_err(&format!("{fault:?}"))
            .into();
        assert_eq!(err.code, fault.code(), "{fault:?}: {err:?}");
        assert!(
            err.message.contains(fault.words()),
            "{fault:?}: {}",
            err.message
        );
        if matches!(fault, Fault::HtmlPage200 | Fault::HtmlPage502) {
            assert!(
                err.message.contains("not Elasticsearch/OpenSearch JSON"),
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
        let server = FaultServer::start(vec![first.clone(), Reply::json(ROOT)]).await;
        let clock = clock();
        let start = clock.now();
        let dialect = client(server.url(), 5_000, &clock).dialect().await;
        assert!(dialect.is_ok(), "{first:?}: {dialect:?}");
        assert_eq!(server.hits(), 2);
        assert!(
            clock.now() > start,
            "waited on the fake clock before retrying"
        );
    }
}
