//! The demo's PostgreSQL through the real stack: the primary and replica run (as the server user
//! when the tests run as root), both exporters are scraped under the seed's job, the demo API
//! answers 503 while the primary is stopped and 200 again once it is back, and the replica-lag
//! fault makes the lag Prometheus sees rise and fall again; the connection-storm fault raises
//! the primary's connections and slow-queries its mean statement time. Needs Debian's postgresql and
//! prometheus-postgres-exporter besides what `stack` needs.

use crate::support::{self, eventually_async, live_processes_mentioning, path_str};
use hinomi_demo_stack::{Component, DemoStack, Ports, StackConfig};
use std::time::Duration;

fn test_config(state_dir: &std::path::Path) -> StackConfig {
    let mut config = StackConfig::new(state_dir, Ports::free().expect("free ports"))
        .with_interval(Duration::from_secs(1));
    config.demo_api_bin = support::demo_api_bin();
    config.startup_timeout = Duration::from_secs(30);
    config.stop_grace = Duration::from_secs(5);
    config
}

async fn datasets_status(http: &reqwest::Client, stack: &DemoStack) -> u16 {
    match http
        .get(format!("{}/api/v1/datasets", stack.url(Component::DemoApi)))
        .send()
        .await
    {
        Ok(response) => response.status().as_u16(),
        Err(_) => 0,
    }
}

/// The values of an instant query, by `instance`.
async fn query(http: &reqwest::Client, stack: &DemoStack, promql: &str) -> Vec<(String, f64)> {
    let answer: serde_json::Value = http
        .get(format!("{}/api/v1/query", stack.url(Component::Prometheus)))
        .query(&[("query", promql)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["data"]["result"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|sample| {
            let instance = sample["metric"]["instance"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let value = sample["value"][1]
                .as_str()
                .and_then(|value| value.parse().ok())
                .unwrap_or(f64::NAN);
            (instance, value)
        })
        .collect()
}

async fn set_fault(http: &reqwest::Client, stack: &DemoStack, kind: &str, secs: u64) {
    let response = http
        .post(format!("{}/control/faults", stack.url(Component::DemoApi)))
        .json(&serde_json::json!({ "kind": kind, "duration_secs": secs }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{kind}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_serves_from_postgres_survives_its_loss_and_each_database_fault_moves_its_panel() {
    let state = tempfile::tempdir().unwrap();
    let stack = DemoStack::start(test_config(state.path()))
        .await
        .expect("the stack starts");
    let http = reqwest::Client::new();
    let replica_exporter = format!(
        "127.0.0.1:{}",
        stack.config().ports.postgres_replica_exporter
    );

    // Both servers run, and so do their exporters, scraped under the seed's job.
    let status = stack.status();
    for component in [
        Component::Postgres,
        Component::PostgresReplica,
        Component::PostgresExporter,
        Component::PostgresReplicaExporter,
    ] {
        assert!(status.component(component).unwrap().running, "{component}");
    }
    let exporters: Vec<_> = stack
        .targets()
        .await
        .unwrap()
        .into_iter()
        .filter(|target| target.job == "postgres-exporter")
        .collect();
    assert_eq!(exporters.len(), 2, "{exporters:?}");
    assert!(exporters.iter().all(|target| target.health == "up"));
    // As root PostgreSQL runs as the unprivileged server user; it would refuse otherwise.
    let primary_pid = status.component(Component::Postgres).unwrap().pid.unwrap();
    let owner = std::fs::read_to_string(format!("/proc/{primary_pid}/status"))
        .unwrap()
        .lines()
        .find_map(|line| {
            line.strip_prefix("Uid:")
                .map(|ids| ids.split_whitespace().next().unwrap().to_owned())
        })
        .unwrap();
    assert_ne!(owner, "0", "postgres runs as root");

    // The datasets come from the database.
    assert_eq!(datasets_status(&http, &stack).await, 200);
    assert!(
        eventually_async(Duration::from_secs(20), || async {
            query(&http, &stack, "pg_up")
                .await
                .iter()
                .filter(|(_, up)| *up == 1.0)
                .count()
                == 2
        })
        .await,
        "both exporters reach their server"
    );

    // Without the primary the API keeps serving, with 503s...
    stack.stop_component("postgres").await.unwrap();
    assert_eq!(datasets_status(&http, &stack).await, 503);
    let answer: serde_json::Value = http
        .get(format!("{}/api/v1/datasets", stack.url(Component::DemoApi)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["error"]["code"], "database_unavailable", "{answer}");
    // ...and recovers by itself when the primary is back.
    stack.start_component("postgres").await.unwrap();
    assert!(
        eventually_async(Duration::from_secs(15), || async {
            datasets_status(&http, &stack).await == 200
        })
        .await,
        "the API did not recover after the primary came back"
    );

    // Replica lag: replay paused while the primary keeps writing, so the lag grows...
    set_fault(&http, &stack, "replica_lag", 120).await;
    assert!(
        eventually_async(Duration::from_secs(30), || async {
            query(&http, &stack, "pg_replication_lag")
                .await
                .iter()
                .any(|(instance, lag)| *instance == replica_exporter && *lag > 4.0)
        })
        .await,
        "the replica's lag never rose: {:?}",
        query(&http, &stack, "pg_replication_lag").await
    );
    // ...and falls again once the fault is cleared.
    let cleared = http
        .delete(format!("{}/control/faults", stack.url(Component::DemoApi)))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
    assert!(
        eventually_async(Duration::from_secs(30), || async {
            query(&http, &stack, "pg_replication_lag")
                .await
                .iter()
                .any(|(instance, lag)| *instance == replica_exporter && *lag < 3.0)
        })
        .await,
        "the replica never caught up: {:?}",
        query(&http, &stack, "pg_replication_lag").await
    );

    // Connection storm: the primary's backends (the connections panel's expression) rise by the
    // storm's idle connections, and fall back when the fault is cleared.
    let primary = format!("127.0.0.1:{}", stack.config().ports.postgres_exporter);
    let connections = |http, stack| {
        let primary = primary.clone();
        async move {
            query(
                http,
                stack,
                "sum by (instance) (pg_stat_database_numbackends)",
            )
            .await
            .into_iter()
            .find(|(instance, _)| *instance == primary)
            .map(|(_, value)| value)
            .unwrap_or(f64::NAN)
        }
    };
    let calm = connections(&http, &stack).await;
    assert!(calm.is_finite(), "no connection count for the primary");
    set_fault(&http, &stack, "connection_storm", 120).await;
    assert!(
        eventually_async(Duration::from_secs(30), || async {
            connections(&http, &stack).await >= calm + 30.0
        })
        .await,
        "connections did not rise from {calm}: {}",
        connections(&http, &stack).await
    );
    clear_faults(&http, &stack).await;
    assert!(
        eventually_async(Duration::from_secs(30), || async {
            connections(&http, &stack).await < calm + 10.0
        })
        .await,
        "connections did not fall back to about {calm}: {}",
        connections(&http, &stack).await
    );

    // Slow queries: the mean statement time (the query-time panel's expression, over a short
    // window for this 1 s scrape) rises well above what it was.
    let mean_statement_seconds = |http, stack| {
        let primary = primary.clone();
        async move {
            let promql = format!(
                "sum(rate(pg_stat_statements_seconds_total{{instance=\"{primary}\"}}[10s])) \
                 / sum(rate(pg_stat_statements_calls_total{{instance=\"{primary}\"}}[10s]))"
            );
            query(http, stack, &promql)
                .await
                .first()
                .map(|(_, value)| *value)
                .unwrap_or(f64::NAN)
        }
    };
    let quick = mean_statement_seconds(&http, &stack).await;
    assert!(quick.is_finite(), "no statement time before the fault");
    set_fault(&http, &stack, "slow_queries", 120).await;
    assert!(
        eventually_async(Duration::from_secs(30), || async {
            let mean = mean_statement_seconds(&http, &stack).await;
            mean > 0.02 && mean > 3.0 * quick
        })
        .await,
        "the mean statement time did not rise from {quick}: {}",
        mean_statement_seconds(&http, &stack).await
    );
    clear_faults(&http, &stack).await;

    stack.shutdown().await;
    assert!(live_processes_mentioning(path_str(state.path())).is_empty());
}

async fn clear_faults(http: &reqwest::Client, stack: &DemoStack) {
    let cleared = http
        .delete(format!("{}/control/faults", stack.url(Component::DemoApi)))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
}
