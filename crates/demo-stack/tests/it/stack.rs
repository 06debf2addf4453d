//! The whole real stack through the library API: up, healthy, scraped, reacting to a stopped
//! and restarted component, delivering the Watchdog to the webhook receiver, and gone
//! afterwards. Needs Debian's prometheus, prometheus-alertmanager and prometheus-node-exporter
//! packages and the demo API binary (see `support`).

use crate::support;

use crate::support::{alive, eventually, eventually_async, live_processes_mentioning, path_str};
use hinomi_demo_stack::{
    Component, ControlClient, DemoStack, Ports, StackConfig, StackError, TargetHealth,
};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

fn test_config(state_dir: &std::path::Path) -> StackConfig {
    let mut config = StackConfig::new(state_dir, Ports::free().expect("free ports"))
        .with_interval(Duration::from_secs(1));
    config.demo_api_bin = support::demo_api_bin();
    // The Watchdog fires on the first evaluation, usually before Prometheus has discovered
    // Alertmanager; with the default 1m it would only arrive on the re-send a minute later.
    config.alert_resend_delay = Duration::from_secs(2);
    config.startup_timeout = Duration::from_secs(30);
    config.stop_grace = Duration::from_secs(5);
    config
}

async fn target_health(stack: &DemoStack, job: &str) -> Option<String> {
    let targets: Vec<TargetHealth> = stack.targets().await.ok()?;
    targets
        .into_iter()
        .find(|target| target.job == job)
        .map(|target| target.health)
}

fn pids(stack: &DemoStack) -> Vec<u32> {
    stack
        .status()
        .components
        .iter()
        .filter_map(|component| component.pid)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_stack_comes_up_reacts_and_goes_away() {
    let state = tempfile::tempdir().unwrap();
    let config = test_config(state.path());
    let ports = config.ports;
    let started = Instant::now();
    let stack = DemoStack::start(config).await.expect("the stack starts");
    eprintln!("stack up in {:?}", started.elapsed());

    // Every component runs and answers its health check.
    let status = stack.status();
    // The four of the metrics side and, since the demo has a database, PostgreSQL's primary,
    // replica and their two exporters.
    assert_eq!(status.components.len(), 8);
    for component in &status.components {
        assert!(component.running, "{component:?}");
        assert!(alive(component.pid.unwrap()), "{component:?}");
    }
    let http = reqwest::Client::new();
    for (component, path) in [
        (Component::DemoApi, "/healthz"),
        (Component::Prometheus, "/-/ready"),
        (Component::Alertmanager, "/-/ready"),
        (Component::NodeExporter, "/metrics"),
    ] {
        let response = http
            .get(format!("{}{path}", stack.url(component)))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{component}: {}",
            response.status()
        );
    }

    // Prometheus scrapes all four jobs, and they are up.
    let targets = stack.targets().await.unwrap();
    let jobs: BTreeSet<&str> = targets.iter().map(|target| target.job.as_str()).collect();
    assert_eq!(
        jobs,
        BTreeSet::from([
            "dataset-management-api",
            "node-exporter",
            "postgres-exporter",
            "prometheus"
        ])
    );
    assert!(
        targets.iter().all(|target| target.health == "up"),
        "{targets:?}"
    );

    // stack.json tells other tools where everything is.
    let stack_file = state.path().join("stack.json");
    let written = hinomi_demo_stack::StackStatus::read_from(&stack_file).unwrap();
    assert_eq!(written.ports, ports);
    assert_eq!(written.components, stack.status().components);

    // Stopping node-exporter: its process goes, and Prometheus notices.
    let first_exporter_pid = stack
        .status()
        .component(Component::NodeExporter)
        .unwrap()
        .pid
        .unwrap();
    let stopped = stack.stop_component("node-exporter").await.unwrap();
    assert!(!stopped.running);
    assert!(!alive(first_exporter_pid));
    assert!(
        eventually_async(Duration::from_secs(20), || async {
            target_health(&stack, "node-exporter").await.as_deref() == Some("down")
        })
        .await,
        "Prometheus never reported node-exporter down"
    );
    // The other targets are unaffected.
    assert_eq!(
        target_health(&stack, "prometheus").await.as_deref(),
        Some("up")
    );

    // Starting it again on the same port brings the target back up.
    let restarted = stack
        .start_component(Component::NodeExporter)
        .await
        .unwrap();
    assert!(restarted.running);
    assert_ne!(restarted.pid, Some(first_exporter_pid));
    assert!(
        eventually_async(Duration::from_secs(20), || async {
            target_health(&stack, "node-exporter").await.as_deref() == Some("up")
        })
        .await,
        "Prometheus never reported node-exporter up again"
    );
    // Unknown names are refused, naming the name (postgres-exporter was the example until
    // the demo got a database).
    assert!(matches!(
        stack.stop_component("grafana").await,
        Err(StackError::UnknownComponent(name)) if name == "grafana"
    ));

    // The Watchdog travels Prometheus → Alertmanager → the built-in webhook receiver.
    let watchdog_arrived = || {
        stack.webhooks().iter().any(|received| {
            received.route.as_deref() == Some("watchdog")
                && received.payload["receiver"] == "watchdog"
                && received.alert_names().contains(&"Watchdog")
        })
    };
    let waited = Instant::now();
    assert!(
        eventually_async(Duration::from_secs(60), || async { watchdog_arrived() }).await,
        "no Watchdog notification; received: {:?}",
        stack.webhooks()
    );
    eprintln!("Watchdog arrived after {:?} more", waited.elapsed());
    // The same through the control server, and in the journal.
    let over_http = ControlClient::new(stack.control_url(), stack.control_token())
        .webhooks()
        .await
        .unwrap();
    assert!(!over_http.is_empty());
    let journal = std::fs::read_to_string(state.path().join("webhook.jsonl")).unwrap();
    assert!(journal.contains("\"Watchdog\""));

    // Shutdown: every process gone (reaped, not even a zombie), stack.json removed.
    let mut all_pids = pids(&stack);
    all_pids.push(first_exporter_pid);
    let stopping = Instant::now();
    stack.shutdown().await;
    eprintln!("shutdown took {:?}", stopping.elapsed());
    for pid in all_pids {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "pid {pid} remains"
        );
    }
    assert!(live_processes_mentioning(path_str(state.path())).is_empty());
    assert!(live_processes_mentioning(&format!("127.0.0.1:{}", ports.node_exporter)).is_empty());
    assert!(!stack_file.exists());
    // The control server is gone too.
    assert!(
        ControlClient::new(ports.control_url(), "")
            .status()
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_stack_kills_every_child() {
    let state = tempfile::tempdir().unwrap();
    let stack = DemoStack::start(test_config(state.path()))
        .await
        .expect("the stack starts");
    let node_exporter_port = stack.config().ports.node_exporter;
    let children = pids(&stack);
    assert_eq!(children.len(), 8);
    drop(stack);
    assert!(
        eventually(Duration::from_secs(5), || children
            .iter()
            .all(|&pid| !alive(pid))),
        "still alive: {:?}",
        children
            .iter()
            .filter(|&&pid| alive(pid))
            .collect::<Vec<_>>()
    );
    assert!(live_processes_mentioning(path_str(state.path())).is_empty());
    assert!(live_processes_mentioning(&format!("127.0.0.1:{node_exporter_port}")).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_component_that_cannot_start_is_named_with_its_log() {
    let state = tempfile::tempdir().unwrap();
    let config = test_config(state.path());
    // Someone else already has Prometheus' port.
    let squatter = std::net::TcpListener::bind(("127.0.0.1", config.ports.prometheus)).unwrap();
    let error = match DemoStack::start(config).await {
        Ok(_) => panic!("started although the Prometheus port was taken"),
        Err(error) => error,
    };
    drop(squatter);
    let message = error.to_string();
    assert!(
        matches!(
            &error,
            StackError::Exited {
                component: Component::Prometheus,
                ..
            } | StackError::Unhealthy {
                component: Component::Prometheus,
                ..
            }
        ),
        "{message}"
    );
    assert!(message.contains("address already in use"), "{message}");
    // What did start was killed again.
    assert!(
        eventually(Duration::from_secs(5), || live_processes_mentioning(
            path_str(state.path())
        )
        .is_empty()),
        "{:?}",
        live_processes_mentioning(path_str(state.path()))
    );
}

#[tokio::test]
async fn a_missing_demo_api_binary_is_explained() {
    let state = tempfile::tempdir().unwrap();
    let mut config = StackConfig::new(state.path(), Ports::free().unwrap());
    config.demo_api_bin = state.path().join("no-such-binary");
    let error = DemoStack::start(config)
        .await
        .err()
        .expect("no stack without the demo API");
    assert!(matches!(error, StackError::DemoApiMissing { .. }));
    assert!(
        error.to_string().contains("cargo build -p hinomi-demo-api"),
        "{error}"
    );
}
