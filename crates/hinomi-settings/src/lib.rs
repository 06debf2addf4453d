//! User settings: the one settings.toml, composed of the sections the other crates own.
//!
//! Stored as TOML in the OS config directory. Each section is defined, defaulted and checked
//! by the crate that uses it: the core sections (version, language, refresh interval,
//! datasources) by `hinomi_core::settings`, `[incidents]` by `hinomi_incidents::policy`,
//! `[alert_notifications]` by `hinomi_alerts::notification_prefs`. This crate sits above all of
//! them, so it alone names the whole file. Two rules shape it:
//! - a bad endpoint never blocks the app: URLs are kept as typed, and problems are reported per
//!   datasource by [`Settings::problems`] instead of refusing the whole file;
//! - nothing the user wrote is lost: a file that does not parse is left in place, the app runs on
//!   defaults and says so, and the broken file is moved aside (not overwritten) on the next save.
//!   Saves are atomic and durable (`hinomi_core::atomic_file`: temporary file, fsync, rename,
//!   fsync of the directory).

mod error;
mod file;
#[cfg(test)]
mod tests;

pub use error::{ParseProblem, SettingsError};
pub use file::{LoadedSettings, SettingsFile, WhenMissing};

use hinomi_alerts::notification_prefs::AlertNotificationPrefs;
use hinomi_alerts::round::RoundSettings;
use hinomi_core::settings::{
    DEFAULT_SERIES_LIMIT, Datasource, DatasourceProblem, Language, SETTINGS_VERSION,
    datasource_problems, demo_datasources, refresh_interval_problems, series_limit_problems,
};
use hinomi_incidents::policy::IncidentPolicy;
use serde::{Deserialize, Serialize};
use specta::Type;

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
    pub incidents: IncidentPolicy,
    /// Desktop notifications of alerts: do-not-disturb, quiet hours, escalation.
    #[serde(default)]
    #[specta(optional)]
    pub alert_notifications: AlertNotificationPrefs,
    /// How many series a panel (and Explore's graph) draws at most, unless the panel sets its
    /// own limit (`options.hinomiSeriesLimit`). Absent in older files.
    #[serde(default = "default_series_limit")]
    #[specta(optional)]
    pub series_limit: u32,
}

fn default_series_limit() -> u32 {
    DEFAULT_SERIES_LIMIT
}

/// The embedded default: the bundled demo stack on its loopback ports.
impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            language: Language::System,
            refresh_interval_secs: 5,
            datasources: demo_datasources(),
            incidents: Default::default(),
            alert_notifications: AlertNotificationPrefs::default(),
            series_limit: DEFAULT_SERIES_LIMIT,
        }
    }
}

impl Settings {
    /// The defaults with nothing to query: a first run without the demo (see
    /// [`WhenMissing::NoDatasources`]).
    pub fn without_datasources() -> Self {
        Self {
            datasources: Vec::new(),
            ..Self::default()
        }
    }

    /// Problems per datasource; the app keeps working with the datasources that have none.
    pub fn problems(&self) -> Vec<DatasourceProblem> {
        let mut problems = datasource_problems(&self.datasources);
        for (field, message) in self.incidents.problems() {
            problems.push(DatasourceProblem {
                datasource_id: String::new(),
                field,
                error: SettingsError::IncidentPolicy { message }.into(),
            });
        }
        problems.extend(self.alert_notifications.problems());
        problems.extend(refresh_interval_problems(self.refresh_interval_secs));
        problems.extend(series_limit_problems(self.series_limit));
        problems
    }

    /// Hides the user name and password of URLs typed with them (a problem, see
    /// [`Settings::problems`]) before the settings are shown: the text goes back to the web view
    /// as `http://user:***@host`, for the user to fix.
    pub fn hide_url_credentials(&mut self) {
        for ds in &mut self.datasources {
            if let std::borrow::Cow::Owned(shown) = hinomi_core::redact::url_credentials(&ds.url) {
                ds.url = shown;
            }
        }
    }

    pub fn datasource(&self, id: &str) -> Option<&Datasource> {
        self.datasources.iter().find(|ds| ds.id == id)
    }
}

/// A poll round reads the refresh interval, the datasources and the notification preferences.
impl RoundSettings for Settings {
    fn refresh_interval_secs(&self) -> u32 {
        self.refresh_interval_secs
    }

    fn datasources(&self) -> &[Datasource] {
        &self.datasources
    }

    fn alert_notifications(&self) -> &AlertNotificationPrefs {
        &self.alert_notifications
    }
}
