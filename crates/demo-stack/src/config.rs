//! What a stack run is made of: ports, intervals, programs, and where its files go.
//!
//! Everything has a default that matches the monitoring spec and the demo; tests override the
//! few things that make them slow (scrape interval, Alertmanager's grouping delays) and point
//! the state directory at a temporary one.

use crate::component::Component;
use crate::ports::Ports;
use std::env;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Environment variable naming the `hinomi-demo-api` binary, for when it is not next to ours.
pub const DEMO_API_BIN_ENV: &str = "HINOMI_DEMO_API_BIN";

#[derive(Debug, Clone)]
pub struct StackConfig {
    /// Rendered configs, data directories, logs and `webhook.jsonl` all live under here.
    pub state_dir: PathBuf,
    pub ports: Ports,
    /// Prometheus' global `scrape_interval`; the spec's 15s by default.
    pub scrape_interval: Duration,
    /// Prometheus' global `evaluation_interval`; the spec's 15s by default.
    pub evaluation_interval: Duration,
    pub demo_api_bin: PathBuf,
    pub programs: Programs,
    /// The top-level Alertmanager route's timings; the spec's by default.
    pub route_timing: RouteTiming,
    /// How often Prometheus re-sends a still-firing alert to Alertmanager (its
    /// `--rules.alert.resend-delay`, 1m by default). An alert that first fires before
    /// Prometheus has discovered Alertmanager (it does that a few seconds after starting) is
    /// only delivered on the next re-send, so tests that wait for one shorten this.
    pub alert_resend_delay: Duration,
    /// How long every component gets to become healthy. Waiting for Prometheus to report its
    /// targets up gets two scrape intervals more, since the first scrape may take that long.
    pub startup_timeout: Duration,
    /// How long a component may take to exit after SIGTERM before it gets SIGKILL.
    pub stop_grace: Duration,
    /// How many webhook notifications the control server keeps in memory (they are also
    /// appended to `webhook.jsonl`, see `webhook_journal_max_bytes`).
    pub webhook_capacity: usize,
    /// `webhook.jsonl` is moved to `webhook.jsonl.1` (replacing an older one) when it would grow
    /// past this, so the journal never takes more than twice this on disk.
    pub webhook_journal_max_bytes: u64,
    /// The secret every control request must carry (`Authorization: Bearer`), random per
    /// stack; written to `stack.json` and to Alertmanager's webhook config.
    pub control_token: String,
    /// Replaces every rule's `for:` duration in the rendered `alert.rules` (a TEST copy; the
    /// file in `tests/demo-stack/` is untouched). `None`, the default, keeps the seed's
    /// durations. End-to-end tests set a few seconds so HighErrorRate and HighLatency go
    /// pending → firing within a test instead of after five minutes.
    pub rule_for_override: Option<Duration>,
    /// Also run OpenSearch (on `ports.opensearch`) and the log shipper that feeds it the demo
    /// API's logs, when Java, the OpenSearch distribution and rsyslog are installed; without
    /// them the stack starts anyway and its status says what is missing. Off by default:
    /// a JVM start costs tens of seconds, which tests of the metrics side do not need.
    pub log_search: bool,
}

/// The third-party programs, looked up in `PATH` unless given as paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programs {
    pub prometheus: PathBuf,
    pub alertmanager: PathBuf,
    pub node_exporter: PathBuf,
    pub postgres_exporter: PathBuf,
    /// Where `postgres`, `initdb`, `pg_basebackup` and `pg_isready` are.
    pub postgres_bin_dir: PathBuf,
}

impl Programs {
    /// The names Debian 12's `prometheus`, `prometheus-alertmanager`,
    /// `prometheus-node-exporter` and `prometheus-postgres-exporter` packages install into
    /// `/usr/bin`, and `postgresql-15`'s program directory.
    pub fn debian() -> Self {
        Self {
            prometheus: "prometheus".into(),
            alertmanager: "prometheus-alertmanager".into(),
            node_exporter: "prometheus-node-exporter".into(),
            postgres_exporter: "prometheus-postgres-exporter".into(),
            postgres_bin_dir: crate::postgres::DEBIAN_POSTGRES_BIN_DIR.into(),
        }
    }
}

impl Default for Programs {
    fn default() -> Self {
        Self::debian()
    }
}

/// `group_wait`, `group_interval` and `repeat_interval` of Alertmanager's top-level route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteTiming {
    pub group_wait: Duration,
    pub group_interval: Duration,
    pub repeat_interval: Duration,
}

impl RouteTiming {
    /// The monitoring spec's route: 30s, 5m, 4h.
    pub const fn seed() -> Self {
        Self {
            group_wait: Duration::from_secs(30),
            group_interval: Duration::from_secs(5 * 60),
            repeat_interval: Duration::from_secs(4 * 60 * 60),
        }
    }

    /// Seconds instead of minutes, so a test sees notifications (and re-notifications) while
    /// it runs. Not for the demo: it turns the spec's batching off.
    pub const fn fast() -> Self {
        Self {
            group_wait: Duration::from_secs(1),
            group_interval: Duration::from_secs(5),
            repeat_interval: Duration::from_secs(30),
        }
    }
}

impl Default for RouteTiming {
    fn default() -> Self {
        Self::seed()
    }
}

impl StackConfig {
    /// The spec's intervals and timings, the Debian programs, and the demo API found by
    /// [`locate_demo_api_bin`].
    pub fn new(state_dir: impl Into<PathBuf>, ports: Ports) -> Self {
        Self {
            state_dir: state_dir.into(),
            ports,
            scrape_interval: Duration::from_secs(15),
            evaluation_interval: Duration::from_secs(15),
            demo_api_bin: locate_demo_api_bin(),
            programs: Programs::debian(),
            route_timing: RouteTiming::seed(),
            alert_resend_delay: Duration::from_secs(60),
            startup_timeout: Duration::from_secs(60),
            stop_grace: Duration::from_secs(10),
            webhook_capacity: 500,
            webhook_journal_max_bytes: 16 * 1024 * 1024,
            control_token: crate::control_auth::new_token(),
            rule_for_override: None,
            log_search: false,
        }
    }

    /// Sets both the scrape and the evaluation interval, which is what tests want.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.scrape_interval = interval;
        self.evaluation_interval = interval;
        self
    }

    pub fn config_dir(&self) -> PathBuf {
        self.state_dir.join("config")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.state_dir.join("logs")
    }

    /// Each child's stdout and stderr, appended across restarts.
    pub fn log_file(&self, component: Component) -> PathBuf {
        self.log_dir().join(format!("{}.log", component.name()))
    }

    /// Where the demo API writes its own structured request logs.
    pub fn demo_api_log_dir(&self) -> PathBuf {
        self.log_dir().join("demo-api")
    }

    /// Prometheus' TSDB, Alertmanager's silences/notification log, the PostgreSQL clusters
    /// (unless their user cannot reach it, see `crate::postgres`).
    pub fn data_dir(&self, component: Component) -> PathBuf {
        self.state_dir.join("data").join(component.name())
    }

    /// OpenSearch's data, logs and config copy. As root, OpenSearch runs as an unprivileged
    /// user who may not be able to reach the state directory (the default one is under
    /// `/root`); see [`crate::log_search`].
    pub fn opensearch_dir(&self) -> PathBuf {
        self.state_dir.join("data").join("opensearch")
    }

    /// The log shipper's rendered config, work directory and logs.
    pub fn log_shipper_dir(&self) -> PathBuf {
        self.state_dir.join("data").join("log-shipper")
    }

    pub fn webhook_journal(&self) -> PathBuf {
        self.state_dir.join("webhook.jsonl")
    }

    pub fn stack_file(&self) -> PathBuf {
        self.state_dir.join("stack.json")
    }
}

/// Where `hinomi-demo-api` most likely is: `$HINOMI_DEMO_API_BIN` if set, else next to the
/// running executable, else one directory up from it (test binaries run from `target/*/deps`,
/// while cargo puts the demo API in `target/*`). If it is nowhere, the path next to the
/// executable is returned and starting the stack says it is missing.
pub fn locate_demo_api_bin() -> PathBuf {
    if let Some(path) = env::var_os(DEMO_API_BIN_ENV).filter(|path| !path.is_empty()) {
        return PathBuf::from(path);
    }
    let exe_dir = env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf));
    let Some(exe_dir) = exe_dir else {
        return PathBuf::from("hinomi-demo-api");
    };
    let candidates = [Some(exe_dir.as_path()), exe_dir.parent()];
    candidates
        .into_iter()
        .flatten()
        .map(|dir| dir.join("hinomi-demo-api"))
        .find(|path| path.is_file())
        .unwrap_or_else(|| exe_dir.join("hinomi-demo-api"))
}
