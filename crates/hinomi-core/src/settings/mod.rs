//! User settings: datasources, language, refresh interval.
//!
//! Stored as TOML in the OS config directory. Two rules shape this module:
//! - a bad endpoint never blocks the app: URLs are kept as typed, and problems are reported per
//!   datasource by [`Settings::problems`] instead of refusing the whole file;
//! - nothing the user wrote is lost: a file that does not parse is left in place, the app runs on
//!   defaults and says so, and the broken file is moved aside (not overwritten) on the next save.
//!   Saves are atomic and durable ([`crate::atomic_file`]: temporary file, fsync, rename, fsync
//!   of the directory).
//!
//! The parts: `datasource` (what a datasource is), `notifications` (the desktop's quiet
//! hours and escalation), the problems a settings value has (`problems.rs`) and the file itself
//! ([`SettingsFile`]).

mod datasource;
mod file;
mod notifications;
mod problems;
#[cfg(test)]
mod tests;

pub use datasource::{Datasource, DatasourceAuth, DatasourceKind, LogSourceOptions, TlsOptions};
pub use file::{LoadedSettings, SettingsFile};
pub use notifications::AlertNotificationPrefs;
pub use problems::{DatasourceProblem, parse_endpoint_url};

use datasource::default_timeout_ms;
use serde::{Deserialize, Serialize};
use specta::Type;

pub const SETTINGS_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Follow the OS locale.
    #[default]
    System,
    En,
    Ja,
}

/// Unknown keys are an error, not silently dropped: a typo like `[[datasource]]` would
/// otherwise load the defaults and the next save would replace the user's datasources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub version: u32,
    pub language: Language,
    /// How often live views (Targets, alerts) refresh.
    pub refresh_interval_secs: u32,
    pub datasources: Vec<Datasource>,
    /// Response targets and the alert-severity mapping (issue 6). Absent in older files.
    #[serde(default)]
    pub incidents: crate::incident_policy::IncidentPolicy,
    /// Desktop notifications of alerts: do-not-disturb, quiet hours, escalation.
    #[serde(default)]
    #[specta(optional)]
    pub alert_notifications: AlertNotificationPrefs,
}

/// Where `scripts/demo` has the demo API write its daily log files.
pub const DEMO_LOG_FOLDER: &str = "~/.local/state/hinomi-demo/logs/demo-api";

/// The embedded default: the bundled demo stack on its loopback ports.
impl Default for Settings {
    fn default() -> Self {
        let ds = |id: &str, name: &str, kind, url: &str| Datasource {
            id: id.into(),
            name: name.into(),
            kind,
            url: url.into(),
            timeout_ms: default_timeout_ms(),
            tls: TlsOptions::default(),
            auth: DatasourceAuth::None,
            logs: None,
        };
        Self {
            version: SETTINGS_VERSION,
            language: Language::System,
            refresh_interval_secs: 5,
            datasources: vec![
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
            ],
            incidents: Default::default(),
            alert_notifications: AlertNotificationPrefs::default(),
        }
    }
}

impl Settings {
    /// Hides the user name and password of URLs typed with them (a problem, see
    /// [`Settings::problems`]) before the settings are shown: the text goes back to the web view
    /// as `http://user:***@host`, for the user to fix.
    pub fn hide_url_credentials(&mut self) {
        for ds in &mut self.datasources {
            if let std::borrow::Cow::Owned(shown) = crate::redact::url_credentials(&ds.url) {
                ds.url = shown;
            }
        }
    }

    pub fn datasource(&self, id: &str) -> Option<&Datasource> {
        self.datasources.iter().find(|ds| ds.id == id)
    }
}
