//! What a datasource is: its kind, endpoint, TLS and auth options, and where its logs are.

use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::Path;

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
    /// Prometheus: ask a long range query (1,000 evaluation times or more) as two halves of its
    /// grid at once, so the server evaluates it on two cores (the way Cortex, Thanos and Mimir
    /// split by interval). Off for a server that limits concurrent queries per user or already
    /// splits them in a query frontend. Written only when off.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    #[specta(optional)]
    pub split_range_queries: bool,
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
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

pub(super) fn default_timeout_ms() -> u32 {
    10_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_queries_are_split_unless_the_file_turns_it_off() {
        let file = r#"{"id":"p","name":"P","kind":"prometheus","url":"http://p:9090"}"#;
        let ds: Datasource = serde_json::from_str(file).unwrap();
        assert!(ds.split_range_queries, "absent in older files: on");
        let written = serde_json::to_value(&ds).unwrap();
        assert!(
            written.get("split_range_queries").is_none(),
            "not written while on: {written}"
        );

        let off = Datasource {
            split_range_queries: false,
            ..ds
        };
        let written = serde_json::to_string(&off).unwrap();
        assert!(
            written.contains(r#""split_range_queries":false"#),
            "{written}"
        );
        let read: Datasource = serde_json::from_str(&written).unwrap();
        assert_eq!(read, off);
    }
}
