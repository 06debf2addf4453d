//! What the real-stack tests share: a demo stack tuned for tests, datasources pointing at it,
//! and waiting for something that happens on the servers' own schedule.
//!
//! Needs Debian's prometheus and prometheus-alertmanager and the demo API binary
//! (`cargo build -p hinomi-demo-api` first; scripts/test does it).

use hinomi_alerts::endpoints::SharedEndpoints;
use hinomi_core::http::EndpointCache;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_demo_stack::{DemoStack, Ports, RouteTiming, StackConfig, locate_demo_api_bin};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub async fn start_stack(state_dir: &std::path::Path) -> DemoStack {
    let mut config = StackConfig::new(state_dir, Ports::free().expect("free ports"))
        .with_interval(Duration::from_secs(1));
    config.demo_api_bin = locate_demo_api_bin();
    assert!(
        config.demo_api_bin.is_file(),
        "{} is missing: run `cargo build -p hinomi-demo-api` first",
        config.demo_api_bin.display()
    );
    // The Watchdog fires on the first evaluation, usually before Prometheus has found
    // Alertmanager; with the default 1m re-send it would reach Alertmanager a minute later.
    config.alert_resend_delay = Duration::from_secs(2);
    config.route_timing = RouteTiming::fast();
    config.startup_timeout = Duration::from_secs(30);
    config.stop_grace = Duration::from_secs(5);
    DemoStack::start(config)
        .await
        .expect("the demo stack starts")
}

pub fn datasource(id: &str, kind: DatasourceKind, url: String) -> Datasource {
    Datasource {
        id: id.into(),
        name: id.into(),
        kind,
        url,
        timeout_ms: 5_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    }
}

/// An endpoint cache of its own, as the app's one cache is to the shell.
pub fn endpoints() -> SharedEndpoints {
    Arc::new(EndpointCache::new())
}

/// Polls `probe` every 250 ms until it returns `Some`, or panics naming `what` after `timeout`.
/// Only for waiting on the real servers; the crate's own timers are tested on a fake clock.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
