//! The parts of `alertmanager.yml` that routing needs, as YAML reads them.
//!
//! Everything else (global settings, templates, inhibit rules, the receivers' integration
//! details) is accepted and ignored, so a full production configuration parses.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
pub(super) struct ConfigFile {
    pub route: Option<WireRoute>,
    #[serde(default)]
    pub receivers: Vec<WireReceiver>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct WireRoute {
    pub receiver: Option<String>,
    pub group_by: Option<Vec<String>>,
    #[serde(rename = "continue", default)]
    pub continue_matching: bool,
    #[serde(default)]
    pub matchers: Vec<String>,
    /// Legacy equality matchers (`match:`), still accepted by Alertmanager.
    #[serde(rename = "match", default)]
    pub match_equal: BTreeMap<String, String>,
    /// Legacy regex matchers (`match_re:`).
    #[serde(default)]
    pub match_re: BTreeMap<String, String>,
    pub group_wait: Option<String>,
    pub group_interval: Option<String>,
    pub repeat_interval: Option<String>,
    #[serde(default)]
    pub routes: Vec<WireRoute>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireReceiver {
    pub name: String,
    /// `webhook_configs`, `email_configs`, ... each a list of integration settings.
    #[serde(flatten)]
    pub integrations: BTreeMap<String, serde_norway::Value>,
}

/// Alertmanager's default `send_resolved` per integration (its `Default*Config`s).
pub(super) fn default_send_resolved(kind: &str) -> bool {
    !matches!(kind, "email" | "slack" | "wechat")
}
