//! The settings every part of Hinomi shares: datasources, language, refresh interval.
//!
//! settings.toml is one file, but its sections belong to the crates that use them: this crate
//! has the core ones (version, language, refresh interval, datasources) and their problems;
//! `hinomi-incidents` owns `[incidents]`, `hinomi-alerts` owns `[alert_notifications]`, and
//! `hinomi-settings` composes them into the file's `Settings` and reads and writes the file.
//!
//! A bad endpoint never blocks the app: URLs are kept as typed, and problems are reported per
//! datasource by [`datasource_problems`] instead of refusing the whole file.

mod datasource;
mod problems;

pub use datasource::{Datasource, DatasourceAuth, DatasourceKind, LogSourceOptions, TlsOptions};
pub use problems::{
    DatasourceProblem, datasource_problems, parse_endpoint_url, refresh_interval_problems,
    series_limit_problems,
};

use datasource::default_timeout_ms;
use serde::{Deserialize, Serialize};
use specta::Type;

pub const SETTINGS_VERSION: u32 = 1;

/// How many series a panel draws when neither it nor the settings say otherwise.
pub const DEFAULT_SERIES_LIMIT: u32 = 1_000;

/// The series limits a user may choose (settings and per panel): beyond 20,000 a panel's
/// frame alone is hundreds of MiB and no chart stays usable.
pub const SERIES_LIMIT_RANGE: std::ops::RangeInclusive<u32> = 1..=20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Follow the OS locale.
    #[default]
    System,
    En,
    Ja,
}

/// Where `scripts/demo` has the demo API write its daily log files.
pub const DEMO_LOG_FOLDER: &str = "~/.local/state/hinomi-demo/logs/demo-api";

/// The embedded default datasources: the bundled demo stack on its loopback ports.
pub fn demo_datasources() -> Vec<Datasource> {
    let ds = |id: &str, name: &str, kind, url: &str| Datasource {
        id: id.into(),
        name: name.into(),
        kind,
        url: url.into(),
        timeout_ms: default_timeout_ms(),
        tls: TlsOptions::default(),
        auth: DatasourceAuth::None,
        logs: None,
        split_range_queries: true,
    };
    vec![
        ds(
            "demo-prometheus",
            "Demo Prometheus",
            DatasourceKind::Prometheus,
            "http://127.0.0.1:19090",
        ),
        ds(
            "demo-alertmanager",
            "Demo Alertmanager",
            DatasourceKind::Alertmanager,
            "http://127.0.0.1:19093",
        ),
        // The demo stack's OpenSearch. Its shipper sets `@timestamp` to the true instant
        // of each line, as Filebeat does, while the seed's own `timestamp` is local wall
        // time without a zone (read as UTC by the engine), so the default time field
        // is the right one here.
        Datasource {
            logs: Some(LogSourceOptions::default()),
            ..ds(
                "demo-opensearch",
                "Demo OpenSearch",
                DatasourceKind::Elasticsearch,
                "http://127.0.0.1:19200",
            )
        },
        // The same lines straight from the demo API's files (scripts/demo's state
        // folder), through the embedded index: log search with no server at all.
        Datasource {
            logs: Some(LogSourceOptions::local_files(vec![DEMO_LOG_FOLDER.into()])),
            ..ds(
                "demo-log-files",
                "Demo log files",
                DatasourceKind::LocalFiles,
                "",
            )
        },
    ]
}
