//! The targets client against a real Prometheus (Debian's package) scraping the real demo stack.
//! Needs `cargo build -p hinomi-demo-api` first (scripts/test does it).

use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_demo_stack::{Component, DemoStack, Ports, StackConfig, locate_demo_api_bin};
use hinomi_prometheus::{PrometheusClient, ScrapeTarget, TargetHealth};
use std::time::{Duration, Instant};

async fn start_stack(state_dir: &std::path::Path) -> DemoStack {
    let mut config = StackConfig::new(state_dir, Ports::free().expect("free ports"))
        .with_interval(Duration::from_secs(1));
    config.demo_api_bin = locate_demo_api_bin();
    assert!(
        config.demo_api_bin.is_file(),
        "{} is missing: run `cargo build -p hinomi-demo-api` first",
        config.demo_api_bin.display()
    );
    DemoStack::start(config)
        .await
        .expect("the demo stack starts")
}

fn client_for(stack: &DemoStack) -> PrometheusClient {
    PrometheusClient::new(&Datasource {
        id: "demo-prometheus".into(),
        name: "Demo Prometheus".into(),
        kind: DatasourceKind::Prometheus,
        url: stack.url(Component::Prometheus),
        timeout_ms: 5_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    })
    .unwrap()
}

async fn wait_for_health(
    client: &PrometheusClient,
    job: &str,
    wanted: TargetHealth,
) -> ScrapeTarget {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let targets = client.targets().await.expect("targets answer");
        if let Some(target) = targets.iter().find(|t| t.job == job && t.health == wanted) {
            return target.clone();
        }
        assert!(
            Instant::now() < deadline,
            "{job} never became {wanted:?}: {targets:#?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_the_seed_jobs_and_follows_node_exporter_down_and_up() {
    let state = tempfile::tempdir().unwrap();
    let stack = start_stack(state.path()).await;
    let client = client_for(&stack);

    let targets = client.targets().await.unwrap();
    let jobs: Vec<&str> = targets.iter().map(|t| t.job.as_str()).collect();
    // The seed's jobs; postgres-exporter scrapes the primary and the replica.
    assert_eq!(
        jobs,
        [
            "dataset-management-api",
            "node-exporter",
            "postgres-exporter",
            "postgres-exporter",
            "prometheus"
        ]
    );
    for target in &targets {
        assert_eq!(target.health, TargetHealth::Up, "{target:?}");
        assert!(target.last_scrape.is_some(), "{target:?}");
        assert!(target.last_scrape_duration_seconds > 0.0, "{target:?}");
        assert!(target.last_error.is_empty(), "{target:?}");
        assert!(target.instance.starts_with("127.0.0.1:"), "{target:?}");
    }

    stack.stop_component(Component::NodeExporter).await.unwrap();
    let down = wait_for_health(&client, "node-exporter", TargetHealth::Down).await;
    assert!(
        down.last_error.contains("connection refused"),
        "{}",
        down.last_error
    );

    stack
        .start_component(Component::NodeExporter)
        .await
        .unwrap();
    let up = wait_for_health(&client, "node-exporter", TargetHealth::Up).await;
    assert!(up.last_error.is_empty());

    stack.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_metadata_and_errors_against_real_prometheus() {
    use hinomi_core::{ErrorCode, HinomiError};
    use hinomi_prometheus::{InstantResult, QueryPosition, error_position};

    let state = tempfile::tempdir().unwrap();
    let stack = start_stack(state.path()).await;
    // The stack is started once every target's last scrape is up; before that an exporter still
    // starting on a loaded machine was scraped as down (`up` 0), so the range begins here.
    let start = chrono::Utc::now();
    let client = client_for(&stack);

    // Let a few scrapes land so a range has several points.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let end = chrono::Utc::now();
    let series = client
        .query_range("up", start, end, Duration::from_secs(1))
        .await
        .unwrap();
    // One `up` per target: the API, node-exporter, Prometheus and two postgres-exporters.
    assert_eq!(series.len(), 5, "{series:?}");
    for s in &series {
        assert!(s.timestamps.len() >= 2, "{s:?}");
        assert_eq!(s.timestamps.len(), s.values.len());
        assert!(s.values.iter().all(|&v| v == 1.0), "{s:?}");
    }

    // Decoded while it downloads, the answer is what the whole body decodes to (a range that
    // ended seconds ago: no scrape lands in it between the two queries).
    let settled = end - chrono::Duration::seconds(3);
    let streamed = client
        .query_range("up", start, settled, Duration::from_secs(1))
        .await
        .unwrap();
    let body = client
        .query_range_raw("up", start, settled, Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(
        streamed,
        hinomi_prometheus::query::decode_range_body(&body).unwrap()
    );
    assert_eq!(streamed.len(), 5);

    match client.query_instant("sum(up)", None).await.unwrap() {
        InstantResult::Vector { samples } => assert_eq!(samples[0].value, series.len() as f64),
        other => panic!("expected a vector, got {other:?}"),
    }
    match client.query_instant("1 + 1", None).await.unwrap() {
        InstantResult::Scalar { value, .. } => assert_eq!(value, 2.0),
        other => panic!("expected a scalar, got {other:?}"),
    }

    // Prometheus's own parse error, verbatim, with the position it gives.
    let err = client
        .query_instant("sum(rate(up[5m])", None)
        .await
        .map_err(HinomiError::from)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Backend, "{err:?}");
    assert!(err.message.contains("parse error"), "{}", err.message);
    assert_eq!(err.detail.as_deref(), Some("bad_data"));
    let position = error_position(&err.message).expect("a position");
    assert_eq!(position.line, 1, "{}", err.message);
    assert!(position.column > 0, "{position:?}");
    let _: QueryPosition = position;

    let jobs = client.label_values("job", &[]).await.unwrap();
    assert_eq!(
        jobs,
        [
            "dataset-management-api",
            "node-exporter",
            "postgres-exporter",
            "prometheus"
        ]
    );
    let names = client.label_names(&["api_requests_total"]).await.unwrap();
    for label in ["endpoint", "method", "status"] {
        assert!(names.iter().any(|n| n == label), "{names:?}");
    }
    let found = client
        .series(&["datasets_total"], None, None)
        .await
        .unwrap();
    assert!(
        found.iter().all(|labels| labels.contains_key("status")),
        "{found:?}"
    );
    let metadata = client.metadata().await.unwrap();
    assert_eq!(
        metadata["api_request_duration_seconds"].metric_type,
        "histogram"
    );
    assert!(client.build_info().await.unwrap().version.starts_with('2'));

    stack.shutdown().await;
}
