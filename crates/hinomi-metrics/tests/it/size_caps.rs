//! A Prometheus that streams an endless matrix gives Explore (and so every panel, which runs
//! the same way) a clear "answer too large" error, quickly, instead of filling memory.

use hinomi_core::ErrorCode;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_dashboards::TimeWindow;
use hinomi_demo_stack::RunawayServer;
use hinomi_metrics::explore;
use std::time::{Duration, Instant};

#[tokio::test]
async fn explore_shows_an_endless_answer_as_too_large() {
    let server = RunawayServer::prometheus_matrix().await;
    let datasources = vec![Datasource {
        id: "runaway".into(),
        name: "runaway".into(),
        kind: DatasourceKind::Prometheus,
        url: server.url().into(),
        timeout_ms: 60_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    }];
    let window = TimeWindow {
        from_ms: 1_700_000_000_000.0,
        to_ms: 1_700_000_600_000.0,
    };
    let clients = hinomi_core::http::EndpointCache::new();
    let started = Instant::now();
    let instant = explore::explore_instant("up", None, &window, &datasources, &clients)
        .await
        .unwrap();
    let err = instant.error.expect("an error, not a result");
    assert_eq!(err.code, ErrorCode::Backend, "{err:?}");
    assert!(
        err.message.contains("answer too large ("),
        "{}",
        err.message
    );

    let frame = explore::explore_range("up", None, &window, 800, 1_000, &datasources, &clients)
        .await
        .unwrap();
    let needle = b"answer too large (";
    assert!(
        frame.windows(needle.len()).any(|w| w == needle),
        "the range frame carries the error"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(server.sent() < 2 * 96 * 1024 * 1024, "{}", server.sent());
}
