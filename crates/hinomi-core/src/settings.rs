//! User settings: datasources, language, refresh interval.
//!
//! Stored as TOML in the OS config directory. Two rules shape this module:
//! - a bad endpoint never blocks the app: URLs are kept as typed, and problems are reported per
//!   datasource by [`Settings::problems`] instead of refusing the whole file;
//! - nothing the user wrote is lost: a file that does not parse is left in place, the app runs on
//!   defaults and says so, and the broken file is moved aside (not overwritten) on the next save.
//!   Saves are atomic and durable ([`crate::atomic_file`]: temporary file, fsync, rename, fsync
//!   of the directory).

use crate::atomic_file::Access;
use crate::error::{ErrorCode, HinomiError};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::{Path, PathBuf};

pub const SETTINGS_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DatasourceKind {
    Prometheus,
    Alertmanager,
    Elasticsearch,
    /// Log files on this machine, searched through an embedded index (no server).
    LocalFiles,
}

impl DatasourceKind {
    /// Whether the datasource is reached over HTTP at its `url`.
    pub fn is_http(self) -> bool {
        self != Self::LocalFiles
    }

    /// Whether Discover can search it.
    pub fn has_logs(self) -> bool {
        matches!(self, Self::Elasticsearch | Self::LocalFiles)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Follow the OS locale.
    #[default]
    System,
    En,
    Ja,
}

/// TLS options. Certificates are verified against the OS's roots plus `ca_file`; the only way
/// around that is `insecure_skip_verify`, set per datasource and reported as a problem.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(default, deny_unknown_fields)]
pub struct TlsOptions {
    /// PEM file with extra root certificates (e.g. a company CA).
    pub ca_file: Option<String>,
    /// PEM file with the client certificate (and any intermediates) for servers that require
    /// mutual TLS.
    pub client_cert_file: Option<String>,
    /// PEM file with the client certificate's private key, unencrypted: the file's permissions
    /// protect it, as for an SSH key; settings hold only its path.
    pub client_key_file: Option<String>,
    /// Accept any server certificate. For a test box with a self-signed certificate whose CA
    /// cannot be had; anyone on the path can then read and change the traffic, credentials too.
    pub insecure_skip_verify: bool,
}

impl TlsOptions {
    /// A path setting as typed, `None` when blank.
    pub fn path(value: &Option<String>) -> Option<&str> {
        value
            .as_deref()
            .map(str::trim)
            .filter(|path| !path.is_empty())
    }

    /// Problems with these options, as `(field, message)`.
    fn problems(&self) -> Vec<(&'static str, HinomiError)> {
        let mut problems = Vec::new();
        match (
            Self::path(&self.client_cert_file),
            Self::path(&self.client_key_file),
        ) {
            (Some(_), None) => problems.push((
                "tls.client_key_file",
                HinomiError::invalid_input("A client certificate needs its private key file too."),
            )),
            (None, Some(_)) => problems.push((
                "tls.client_cert_file",
                HinomiError::invalid_input("A private key needs its client certificate file too."),
            )),
            _ => {}
        }
        if self.insecure_skip_verify {
            problems.push((
                "tls.insecure_skip_verify",
                HinomiError::new(
                    ErrorCode::Tls,
                    "Certificate verification is off: anyone on the network path can read and \
                     change this datasource's traffic, credentials included. Add the server's CA \
                     file instead and turn this off.",
                ),
            ));
        }
        problems
    }
}

/// How requests to a datasource authenticate. The secret (password or token) is not here: it
/// lives in the OS keyring, see [`crate::secrets`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DatasourceAuth {
    #[default]
    None,
    /// HTTP Basic with this user name; the password is the datasource's secret.
    Basic { username: String },
    /// `Authorization: Bearer <token>`; the token is the datasource's secret.
    Bearer,
    /// `Authorization: ApiKey <key>` as Elasticsearch's API keys use it (the base64 "encoded"
    /// form the key API returns); the key is the datasource's secret.
    ApiKey,
}

impl DatasourceAuth {
    pub fn is_none(&self) -> bool {
        matches!(self, Self::None)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct Datasource {
    /// Stable id; survives renames so caches and pinned evidence keep pointing at it.
    pub id: String,
    pub name: String,
    pub kind: DatasourceKind,
    /// Kept as the user typed it; see [`Settings::problems`].
    pub url: String,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u32,
    #[serde(default)]
    pub tls: TlsOptions,
    /// Absent in older files (no auth).
    #[serde(default, skip_serializing_if = "DatasourceAuth::is_none")]
    #[specta(optional)]
    pub auth: DatasourceAuth,
    /// Where an Elasticsearch / OpenSearch datasource keeps its logs. Absent in older files and
    /// for other kinds; [`Datasource::log_options`] fills in the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub logs: Option<LogSourceOptions>,
}

impl Datasource {
    /// The log options to use: the file's, or the defaults for the seed's indices.
    pub fn log_options(&self) -> LogSourceOptions {
        self.logs.clone().unwrap_or_default()
    }
}

/// How to read logs from an Elasticsearch / OpenSearch datasource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default, deny_unknown_fields)]
pub struct LogSourceOptions {
    /// Index pattern searched by Discover, e.g. the seed's daily `dataset-management-*`.
    pub index_pattern: String,
    /// The documents' time field: `@timestamp` as Filebeat writes it, or the seed's `timestamp`.
    pub time_field: String,
    /// Skip indices of the pattern that are closed or missing instead of failing the search
    /// (Kibana's default).
    pub ignore_unavailable: bool,
    /// Answers larger than this are refused rather than buffered (a runaway page of huge lines).
    pub max_response_mib: u32,
    /// A "Local files" datasource's folders (read recursively), files or globs; a leading `~/`
    /// is the home folder. Unused by Elasticsearch.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[specta(optional)]
    pub paths: Vec<String>,
    /// A "Local files" datasource's zone for times written without one: empty is this
    /// computer's zone (the seed's API logs local wall time), else `UTC`, an offset such as
    /// `+09:00`, or a name such as `Asia/Tokyo`. Unused by Elasticsearch, which reads such
    /// times as UTC unless its mapping says otherwise.
    #[serde(skip_serializing_if = "String::is_empty")]
    #[specta(optional)]
    pub time_zone: String,
}

impl LogSourceOptions {
    /// The local options of a new "Local files" datasource: the time field is detected.
    pub fn local_files(paths: Vec<String>) -> Self {
        Self {
            time_field: String::new(),
            paths,
            ..Self::default()
        }
    }

    /// [`Self::paths`] with `~/` expanded (left as typed when there is no home folder).
    pub fn expanded_paths(&self) -> Vec<String> {
        let home = std::env::var_os("HOME").filter(|home| !home.is_empty());
        self.paths
            .iter()
            .map(|path| match (path.strip_prefix("~/"), &home) {
                (Some(rest), Some(home)) => Path::new(home).join(rest).display().to_string(),
                _ if path == "~" => home
                    .as_ref()
                    .map_or_else(|| path.clone(), |h| h.to_string_lossy().into_owned()),
                _ => path.clone(),
            })
            .collect()
    }
}

impl Default for LogSourceOptions {
    fn default() -> Self {
        Self {
            index_pattern: "dataset-management-*".into(),
            time_field: "@timestamp".into(),
            ignore_unavailable: true,
            max_response_mib: 64,
            paths: Vec::new(),
            time_zone: String::new(),
        }
    }
}

fn default_timeout_ms() -> u32 {
    10_000
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

/// When the desktop should be left alone, and how insistent critical alerts are. The grouping
/// and timing (group_by, group_wait, ...) follow the Alertmanager route and are not set here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default, deny_unknown_fields)]
pub struct AlertNotificationPrefs {
    pub do_not_disturb: bool,
    /// Critical alerts and "monitoring is blind" still notify during do-not-disturb and quiet
    /// hours.
    pub critical_through_dnd: bool,
    /// Local times like `22:00`; both set means quiet hours are on (may cross midnight).
    pub quiet_hours_start: Option<String>,
    pub quiet_hours_end: Option<String>,
    /// A critical group nobody acknowledged this many minutes after its first notification
    /// notifies again, louder; 0 turns escalation off.
    pub escalate_after_minutes: u32,
}

impl Default for AlertNotificationPrefs {
    fn default() -> Self {
        Self {
            do_not_disturb: false,
            critical_through_dnd: true,
            quiet_hours_start: None,
            quiet_hours_end: None,
            escalate_after_minutes: 15,
        }
    }
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

/// One thing wrong with one datasource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct DatasourceProblem {
    pub datasource_id: String,
    pub field: String,
    pub error: HinomiError,
}

impl Settings {
    /// Problems per datasource; the app keeps working with the datasources that have none.
    pub fn problems(&self) -> Vec<DatasourceProblem> {
        let mut problems = Vec::new();
        let mut seen_ids = std::collections::HashSet::new();
        for ds in &self.datasources {
            let mut report = |field: &str, message: String| {
                problems.push(DatasourceProblem {
                    datasource_id: ds.id.clone(),
                    field: field.into(),
                    error: HinomiError::invalid_input(message),
                })
            };
            if ds.id.trim().is_empty() {
                report("id", "The datasource has no id.".into());
            } else if !seen_ids.insert(ds.id.as_str()) {
                report(
                    "id",
                    format!("Another datasource already uses the id \"{}\".", ds.id),
                );
            }
            if ds.name.trim().is_empty() {
                report("name", "Give the datasource a name.".into());
            }
            if !ds.kind.is_http() {
                if ds.log_options().paths.iter().all(|p| p.trim().is_empty()) {
                    report(
                        "logs.paths",
                        "Add a folder, file or glob to read logs from.".into(),
                    );
                }
                if let Err(message) = crate::time_zone::from_setting(&ds.log_options().time_zone) {
                    report("logs.time_zone", message);
                }
            } else if let Err(message) = parse_endpoint_url(&ds.url) {
                report("url", message);
            }
            if ds.timeout_ms < 100 || ds.timeout_ms > 600_000 {
                report(
                    "timeout_ms",
                    format!(
                        "Timeout must be between 100 ms and 10 min, not {} ms.",
                        ds.timeout_ms
                    ),
                );
            }
            if ds.kind.is_http() {
                for (field, error) in ds.tls.problems() {
                    problems.push(DatasourceProblem {
                        datasource_id: ds.id.clone(),
                        field: field.into(),
                        error,
                    });
                }
            }
        }
        for (field, message) in self.incidents.problems() {
            problems.push(DatasourceProblem {
                datasource_id: String::new(),
                field,
                error: HinomiError::invalid_input(message),
            });
        }
        let prefs = &self.alert_notifications;
        for (field, value) in [
            (
                "alert_notifications.quiet_hours_start",
                &prefs.quiet_hours_start,
            ),
            (
                "alert_notifications.quiet_hours_end",
                &prefs.quiet_hours_end,
            ),
        ] {
            if let Some(text) = value
                && chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M").is_err()
            {
                problems.push(DatasourceProblem {
                    datasource_id: String::new(),
                    field: field.into(),
                    error: HinomiError::invalid_input(format!(
                        "{text:?} is not a time like 22:00."
                    )),
                });
            }
        }
        if prefs.escalate_after_minutes > 24 * 60 {
            problems.push(DatasourceProblem {
                datasource_id: String::new(),
                field: "alert_notifications.escalate_after_minutes".into(),
                error: HinomiError::invalid_input(
                    "Escalation must come within 24 h (1440 min), or 0 for never.",
                ),
            });
        }
        if self.refresh_interval_secs == 0 || self.refresh_interval_secs > 3600 {
            problems.push(DatasourceProblem {
                datasource_id: String::new(),
                field: "refresh_interval_secs".into(),
                error: HinomiError::invalid_input(
                    "The refresh interval must be between 1 s and 1 h.",
                ),
            });
        }
        problems
    }

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

/// Parses an endpoint URL, explaining what is wrong in words a user can act on.
pub fn parse_endpoint_url(raw: &str) -> Result<url::Url, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err("The URL is empty.".into());
    }
    // The typed text is quoted back to the user and logged: never with a password in it.
    let shown = crate::redact::url_credentials(trimmed);
    if crate::redact::has_url_credentials(trimmed) {
        return Err(format!(
            "\"{shown}\" has a user name or password in it. Leave them out of the URL: put the \
             user name and password in the datasource's auth (stored in the OS keyring)."
        ));
    }
    let url =
        url::Url::parse(trimmed).map_err(|err| format!("\"{shown}\" is not a URL: {err}."))?;
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(format!("Use http:// or https://, not {other}://.")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("\"{shown}\" has no host."));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("Leave out ?query and #fragment; give the base URL of the API.".into());
    }
    Ok(url)
}

/// Parses a settings file, refusing one written by a newer Hinomi rather than dropping what
/// it does not understand.
fn parse(text: &str) -> Result<Settings, String> {
    // Position and message only: the parser's own rendering quotes the offending line, which
    // may hold a URL with credentials, and this text is logged and shown.
    let settings: Settings = toml::from_str(text).map_err(|err| match err.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
            format!("line {line}, column {column}: {}", err.message())
        }
        None => err.message().to_string(),
    })?;
    if settings.version > SETTINGS_VERSION {
        return Err(format!(
            "written by a newer Hinomi (settings version {}, this one reads up to {SETTINGS_VERSION})",
            settings.version
        ));
    }
    Ok(settings)
}

/// What loading found: the settings to run on, and why they may not be the file's.
#[derive(Debug, Clone, Serialize, Type)]
pub struct LoadedSettings {
    pub settings: Settings,
    /// Set when the file exists but could not be used; the app runs on defaults meanwhile.
    pub load_error: Option<HinomiError>,
    pub path: PathBuf,
}

/// Reads and writes the settings file.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: PathBuf,
}

impl SettingsFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn load(&self) -> LoadedSettings {
        // A crash mid-save can leave a temporary next to the file; the file itself is whole.
        if let Err(err) = crate::atomic_file::remove_stale_temporaries(&self.path) {
            tracing::warn!(error = %err.message, "cannot remove a stale settings temporary");
        }
        let loaded = |settings, load_error| LoadedSettings {
            settings,
            load_error,
            path: self.path.clone(),
        };
        match std::fs::read(&self.path).and_then(|bytes| {
            String::from_utf8(bytes)
                .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))
        }) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                loaded(Settings::default(), None)
            }
            Err(err) => loaded(
                Settings::default(),
                Some(
                    HinomiError::new(
                        ErrorCode::Io,
                        format!("Cannot read the settings file: {err}"),
                    )
                    .with_detail(self.path.display().to_string()),
                ),
            ),
            Ok(text) => match parse(&text) {
                Ok(settings) => loaded(settings, None),
                Err(err) => loaded(
                    Settings::default(),
                    Some(
                        HinomiError::new(
                            ErrorCode::InvalidConfig,
                            format!(
                                "The settings file {} could not be read; running on defaults \
                                 until it is fixed or saved again.",
                                self.path.display()
                            ),
                        )
                        .with_detail(err.to_string()),
                    ),
                ),
            },
        }
    }

    /// Writes atomically. If the current file does not parse, it is kept as
    /// `settings.toml.broken-<timestamp>` rather than overwritten.
    pub fn save(&self, settings: &Settings) -> Result<(), HinomiError> {
        let dir = self.path.parent().ok_or_else(|| {
            HinomiError::internal(format!("{} has no parent directory", self.path.display()))
        })?;
        std::fs::create_dir_all(dir)?;
        self.keep_unparseable_file()?;

        let text = toml::to_string_pretty(settings)
            .map_err(|err| HinomiError::internal(format!("cannot serialise settings: {err}")))?;
        // Only the user may read it: URLs can carry credentials.
        crate::atomic_file::write_atomically(&self.path, text.as_bytes(), Access::Private)?;
        Ok(())
    }

    /// Anything at the path that is not a clean parse (not UTF-8, unknown keys, a newer
    /// version) is moved aside before a save, never overwritten.
    fn keep_unparseable_file(&self) -> Result<(), HinomiError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(err) => return Err(err.into()),
        };
        if std::str::from_utf8(&bytes).is_ok_and(|text| parse(text).is_ok()) {
            return Ok(());
        }
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let aside = self.path.with_extension(format!("toml.broken-{stamp}"));
        std::fs::rename(&self.path, &aside)?;
        tracing::warn!(path = %aside.display(), "kept an unparseable settings file aside");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_point_at_the_demo_stack_and_have_no_problems() {
        let settings = Settings::default();
        assert!(settings.problems().is_empty(), "{:?}", settings.problems());
        let prom = settings.datasource("demo-prometheus").unwrap();
        assert_eq!(prom.url, "http://127.0.0.1:19090");
        assert_eq!(prom.kind, DatasourceKind::Prometheus);
        let kinds: Vec<_> = settings.datasources.iter().map(|ds| ds.kind).collect();
        assert_eq!(
            kinds,
            [
                DatasourceKind::Prometheus,
                DatasourceKind::Alertmanager,
                DatasourceKind::Elasticsearch,
                DatasourceKind::LocalFiles,
            ]
        );
        let logs = settings.datasource("demo-opensearch").unwrap();
        assert_eq!(logs.url, "http://127.0.0.1:19200");
        assert_eq!(logs.log_options().index_pattern, "dataset-management-*");
        assert_eq!(logs.log_options().time_field, "@timestamp");
        let files = settings.datasource("demo-log-files").unwrap();
        assert_eq!(files.log_options().paths, [DEMO_LOG_FOLDER]);
        assert_eq!(
            files.log_options().time_field,
            "",
            "detected from the lines"
        );
    }

    /// The default settings' "Local files" datasource, to edit.
    fn local_files(settings: &mut Settings) -> &mut Datasource {
        settings
            .datasources
            .iter_mut()
            .find(|ds| ds.kind == DatasourceKind::LocalFiles)
            .unwrap()
    }

    #[test]
    fn local_files_need_a_path_not_a_url() {
        let mut settings = Settings::default();
        local_files(&mut settings).logs = Some(LogSourceOptions::local_files(vec!["  ".into()]));
        let problems = settings.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].datasource_id, "demo-log-files");
        assert_eq!(problems[0].field, "logs.paths");
    }

    #[test]
    fn a_local_files_time_zone_must_name_a_zone() {
        let mut settings = Settings::default();
        let mut logs = LogSourceOptions::local_files(vec!["/var/log/app".into()]);
        logs.time_zone = "Asia/Tokio".into();
        local_files(&mut settings).logs = Some(logs.clone());
        let problems = settings.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "logs.time_zone");
        assert!(problems[0].error.message.contains("Asia/Tokio"));
        for good in ["", "Asia/Tokyo", "UTC", "+09:00"] {
            logs.time_zone = good.into();
            local_files(&mut settings).logs = Some(logs.clone());
            assert!(settings.problems().is_empty(), "{good}");
        }
    }

    #[test]
    fn a_leading_tilde_is_the_home_folder() {
        let options = LogSourceOptions::local_files(vec![
            "~/logs/*.log".into(),
            "/var/log/app".into(),
            "a/~/b".into(),
        ]);
        let home = std::env::var("HOME").unwrap();
        assert_eq!(
            options.expanded_paths(),
            [
                format!("{home}/logs/*.log"),
                "/var/log/app".into(),
                "a/~/b".into()
            ]
        );
    }

    #[test]
    fn local_files_round_trip_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(dir.path().join("settings.toml"));
        let mut settings = Settings::default();
        settings
            .datasources
            .retain(|ds| ds.kind == DatasourceKind::LocalFiles);
        file.save(&settings).unwrap();
        let text = std::fs::read_to_string(dir.path().join("settings.toml")).unwrap();
        assert!(text.contains("kind = \"local_files\""), "{text}");
        assert_eq!(file.load().settings, settings);
    }

    #[test]
    fn log_options_are_optional_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(
            &path,
            "version = 1\n[[datasources]]\nid = \"es\"\nname = \"ES\"\nkind = \"elasticsearch\"\nurl = \"https://es:9200\"\nauth = { type = \"api_key\" }\n",
        )
        .unwrap();
        let file = SettingsFile::new(&path);
        let loaded = file.load();
        assert!(loaded.load_error.is_none(), "{:?}", loaded.load_error);
        let es = &loaded.settings.datasources[0];
        assert_eq!(es.logs, None);
        assert_eq!(es.auth, DatasourceAuth::ApiKey);
        assert_eq!(es.log_options(), LogSourceOptions::default());
        assert_eq!(es.log_options().time_field, "@timestamp");

        let mut settings = loaded.settings;
        settings.datasources[0].logs = Some(LogSourceOptions {
            index_pattern: "app-*".into(),
            ..LogSourceOptions::default()
        });
        file.save(&settings).unwrap();
        assert_eq!(file.load().settings, settings);
        std::fs::write(
            &path,
            "version = 1\n[[datasources]]\nid = \"es\"\nname = \"ES\"\nkind = \"elasticsearch\"\nurl = \"https://es:9200\"\n[datasources.logs]\nindex_patern = \"x\"\n",
        )
        .unwrap();
        assert!(
            file.load().load_error.is_some(),
            "a misspelled log option is reported"
        );
    }

    #[test]
    fn a_bad_url_is_reported_on_its_datasource_only() {
        let mut settings = Settings::default();
        settings.datasources[1].url = "htp:/nope".into();
        let problems = settings.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].datasource_id, "demo-alertmanager");
        assert_eq!(problems[0].field, "url");
        assert!(
            problems[0].error.message.contains("http://"),
            "{}",
            problems[0].error.message
        );
    }

    #[test]
    fn url_errors_say_what_is_wrong() {
        assert!(parse_endpoint_url("").unwrap_err().contains("empty"));
        assert!(parse_endpoint_url("localhost:9090").is_err());
        assert!(parse_endpoint_url("ftp://x").unwrap_err().contains("ftp"));
        assert!(
            parse_endpoint_url("http://x/?a=b")
                .unwrap_err()
                .contains("query")
        );
        assert!(parse_endpoint_url("https://prom.example:9090/prefix").is_ok());
    }

    #[test]
    fn skipping_verification_and_a_half_set_client_certificate_are_problems() {
        let mut settings = Settings::default();
        assert!(settings.problems().is_empty());
        let id = settings.datasources[0].id.clone();
        settings.datasources[0].tls = TlsOptions {
            insecure_skip_verify: true,
            client_cert_file: Some("/etc/hinomi/client.pem".into()),
            client_key_file: Some("  ".into()),
            ..TlsOptions::default()
        };
        let problems = settings.problems();
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["tls.client_key_file", "tls.insecure_skip_verify"],
            "{problems:?}"
        );
        assert!(problems.iter().all(|p| p.datasource_id == id));
        assert_eq!(problems[1].error.code, ErrorCode::Tls);
        assert!(problems[1].error.message.contains("verification is off"));

        // The settings file keeps the switch; older files without the new fields still load.
        let text = toml::to_string(&settings).unwrap();
        assert!(text.contains("insecure_skip_verify = true"), "{text}");
        let old: TlsOptions = toml::from_str("ca_file = \"/ca.pem\"").unwrap();
        assert!(!old.insecure_skip_verify && old.client_cert_file.is_none());
    }

    #[test]
    fn credentials_in_a_url_are_a_problem_that_never_repeats_the_password() {
        for typed in [
            "http://admin:hunter2@prom.example:9090",
            "https://hunter2@prom.example",
            // Not a URL at all (the password holds a `/`): still refused, still hidden.
            "http://admin:hun/ter2@prom.example",
        ] {
            let mut settings = Settings::default();
            settings.datasources[0].url = typed.into();
            let problems = settings.problems();
            assert_eq!(problems.len(), 1, "{typed}: {problems:?}");
            assert_eq!(problems[0].datasource_id, settings.datasources[0].id);
            assert_eq!(problems[0].field, "url");
            let message = &problems[0].error.message;
            assert!(message.contains("datasource's auth"), "{message}");
            assert!(message.contains("OS keyring"), "{message}");
            assert!(!message.contains("hunter2"), "{typed}: {message}");
            assert!(!message.contains("ter2"), "{typed}: {message}");
            let shown = format!("{:?}", problems[0].error);
            assert!(
                !shown.contains("hunter2") && !shown.contains("ter2"),
                "{shown}"
            );
        }
        // The endpoint refuses it as well: no request carries them.
        assert!(parse_endpoint_url("http://a:b@h").is_err());
    }

    #[test]
    fn settings_shown_have_url_credentials_hidden() {
        let mut settings = Settings::default();
        settings.datasources[0].url = "http://admin:hunter2@prom.example:9090".into();
        let untouched = settings.datasources[1].url.clone();
        settings.hide_url_credentials();
        assert_eq!(
            settings.datasources[0].url,
            "http://admin:***@prom.example:9090"
        );
        assert_eq!(settings.datasources[1].url, untouched);
        // Still a problem, with the same hint, once shown and saved back.
        assert_eq!(settings.problems()[0].field, "url");
    }

    #[test]
    fn duplicate_ids_and_silly_timeouts_are_problems() {
        let mut settings = Settings::default();
        settings.datasources[1].id = settings.datasources[0].id.clone();
        settings.datasources[0].timeout_ms = 5;
        let fields: Vec<_> = settings.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["timeout_ms", "id"]);
    }

    #[test]
    fn missing_file_loads_defaults_without_error() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = SettingsFile::new(dir.path().join("settings.toml")).load();
        assert_eq!(loaded.settings, Settings::default());
        assert!(loaded.load_error.is_none());
    }

    #[test]
    fn a_file_without_notification_prefs_loads_with_their_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, "version = 1\nrefresh_interval_secs = 7\n").unwrap();
        let loaded = SettingsFile::new(&path).load();
        assert!(loaded.load_error.is_none(), "{:?}", loaded.load_error);
        assert_eq!(loaded.settings.refresh_interval_secs, 7);
        assert_eq!(
            loaded.settings.alert_notifications,
            AlertNotificationPrefs::default()
        );
    }

    #[test]
    fn auth_round_trips_without_its_secret_and_old_files_load_without_auth() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(
            &path,
            "version = 1\n[[datasources]]\nid = \"p\"\nname = \"P\"\nkind = \"prometheus\"\nurl = \"http://h:9090\"\n",
        )
        .unwrap();
        let file = SettingsFile::new(&path);
        let loaded = file.load();
        assert!(loaded.load_error.is_none(), "{:?}", loaded.load_error);
        assert_eq!(loaded.settings.datasources[0].auth, DatasourceAuth::None);

        let secrets = crate::secrets::MemoryStore::default();
        crate::secrets::SecretStore::set(&secrets, "p", "hunter2-in-keyring").unwrap();
        let mut settings = loaded.settings;
        settings.datasources[0].auth = DatasourceAuth::Basic {
            username: "alice".into(),
        };
        settings.datasources.push(Datasource {
            id: "b".into(),
            auth: DatasourceAuth::Bearer,
            ..settings.datasources[0].clone()
        });
        file.save(&settings).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("alice") && text.contains("bearer"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert_eq!(file.load().settings, settings);
    }

    #[test]
    fn bad_quiet_hours_and_escalation_are_problems() {
        let mut settings = Settings::default();
        settings.alert_notifications.quiet_hours_start = Some("25:00".into());
        settings.alert_notifications.quiet_hours_end = Some("07:00".into());
        settings.alert_notifications.escalate_after_minutes = 5000;
        let fields: Vec<String> = settings.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "alert_notifications.quiet_hours_start",
                "alert_notifications.escalate_after_minutes"
            ]
        );
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(dir.path().join("nested/settings.toml"));
        let mut settings = Settings {
            language: Language::Ja,
            ..Settings::default()
        };
        settings.datasources[0].tls.ca_file = Some("/etc/ssl/company-ca.pem".into());
        settings.alert_notifications.do_not_disturb = true;
        settings.alert_notifications.quiet_hours_start = Some("22:00".into());
        settings.alert_notifications.quiet_hours_end = Some("07:00".into());
        file.save(&settings).unwrap();
        let loaded = file.load();
        assert!(loaded.load_error.is_none());
        assert_eq!(loaded.settings, settings);
    }

    #[test]
    fn unparseable_file_is_reported_and_kept_aside_on_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, "datasources = [ { id = \"x\", ").unwrap();
        let file = SettingsFile::new(&path);

        let loaded = file.load();
        let err = loaded.load_error.expect("a parse error");
        assert_eq!(err.code, ErrorCode::InvalidConfig);
        assert!(err.message.contains("settings.toml"));
        assert!(err.detail.unwrap().contains("line 1"));
        assert_eq!(loaded.settings, Settings::default());

        file.save(&Settings::default()).unwrap();
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.starts_with("settings.toml.broken-"))
            .collect();
        assert_eq!(
            kept.len(),
            1,
            "the broken file must be kept, not overwritten"
        );
        let kept_text = std::fs::read_to_string(dir.path().join(&kept[0])).unwrap();
        assert!(kept_text.starts_with("datasources = [ { id"));
        assert!(file.load().load_error.is_none());
    }

    #[test]
    fn a_misspelled_key_is_an_error_and_the_file_survives_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        let text = "[[datasource]]\nid = \"mine\"\nname = \"Mine\"\nkind = \"prometheus\"\nurl = \"http://prom:9090\"\n";
        std::fs::write(&path, text).unwrap();
        let file = SettingsFile::new(&path);
        let err = file.load().load_error.expect("unknown key reported");
        assert!(err.detail.unwrap().contains("datasource"), "names the key");
        file.save(&Settings::default()).unwrap();
        let kept = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains("broken-"))
            .expect("kept aside");
        assert_eq!(std::fs::read_to_string(kept).unwrap(), text);
    }

    #[test]
    fn a_newer_or_non_utf8_file_is_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        let file = SettingsFile::new(&path);
        std::fs::write(&path, "version = 99\n").unwrap();
        let err = file.load().load_error.expect("newer version refused");
        assert!(err.detail.unwrap().contains("newer"));

        std::fs::write(&path, b"language = \"\xff\"\n").unwrap();
        assert!(file.load().load_error.is_some());
        file.save(&Settings::default()).unwrap();
        let kept = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("broken-")
            })
            .count();
        assert_eq!(kept, 1, "the non-UTF-8 file was kept, not overwritten");
    }

    #[test]
    fn a_file_without_incident_settings_loads_and_incident_settings_round_trip() {
        use crate::incident_policy::Severity;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, "version = 1\nlanguage = \"ja\"\n").unwrap();
        let file = SettingsFile::new(&path);
        let loaded = file.load();
        assert!(loaded.load_error.is_none(), "{:?}", loaded.load_error);
        assert_eq!(loaded.settings.incidents, Default::default());

        let mut settings = loaded.settings;
        settings.incidents.response_targets.p1_minutes = 30;
        settings
            .incidents
            .severity_mapping
            .values
            .insert("page".into(), Severity::P0);
        file.save(&settings).unwrap();
        let again = file.load();
        assert!(again.load_error.is_none(), "{:?}", again.load_error);
        assert_eq!(again.settings.incidents.response_targets.p1_minutes, 30);
        assert_eq!(
            again.settings.incidents.severity_mapping.map(Some("PAGE")),
            Severity::P0
        );
    }

    #[cfg(unix)]
    #[test]
    fn saved_file_is_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(dir.path().join("settings.toml"));
        file.save(&Settings::default()).unwrap();
        let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
