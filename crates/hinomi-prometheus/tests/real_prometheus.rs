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
    let mut stack = start_stack(state.path()).await;
    let client = client_for(&stack);

    let targets = client.targets().await.unwrap();
    let jobs: Vec<&str> = targets.iter().map(|t| t.job.as_str()).collect();
    assert_eq!(
        jobs,
        ["dataset-management-api", "node-exporter", "prometheus"]
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
