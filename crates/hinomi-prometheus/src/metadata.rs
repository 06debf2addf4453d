//! What the server knows about its data: series, label names and values, metric metadata and
//! build info. Feeds Explore's autocomplete and dashboard variables.

use crate::api::PrometheusClient;
use crate::error::PrometheusError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct MetricMetadata {
    #[serde(rename = "type")]
    pub metric_type: String,
    pub help: String,
    #[serde(default)]
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BuildInfo {
    pub version: String,
    #[serde(default)]
    pub revision: String,
    #[serde(default, rename = "goVersion")]
    pub go_version: String,
}

fn time_range(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Vec<(&'static str, String)> {
    let mut params = Vec::new();
    if let Some(start) = start {
        params.push(("start", start.timestamp().to_string()));
    }
    if let Some(end) = end {
        params.push(("end", end.timestamp().to_string()));
    }
    params
}

impl PrometheusClient {
    /// Label sets of the series matching any of `matchers` (e.g. `up{job="node"}`).
    pub async fn series(
        &self,
        matchers: &[&str],
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> Result<Vec<BTreeMap<String, String>>, PrometheusError> {
        let range = time_range(start, end);
        let mut query: Vec<(&str, &str)> = matchers.iter().map(|m| ("match[]", *m)).collect();
        query.extend(range.iter().map(|(k, v)| (*k, v.as_str())));
        self.get_api("/api/v1/series", &query).await
    }

    pub async fn label_names(&self, matchers: &[&str]) -> Result<Vec<String>, PrometheusError> {
        let query: Vec<(&str, &str)> = matchers.iter().map(|m| ("match[]", *m)).collect();
        self.get_api("/api/v1/labels", &query).await
    }

    /// Values of `label`, optionally only on series matching `matchers`.
    pub async fn label_values(
        &self,
        label: &str,
        matchers: &[&str],
    ) -> Result<Vec<String>, PrometheusError> {
        let query: Vec<(&str, &str)> = matchers.iter().map(|m| ("match[]", *m)).collect();
        // Label names are [a-zA-Z_][a-zA-Z0-9_]*, safe in a path segment.
        self.get_api(&format!("/api/v1/label/{label}/values"), &query)
            .await
    }

    /// Metric name → its metadata (first entry when targets disagree).
    pub async fn metadata(&self) -> Result<BTreeMap<String, MetricMetadata>, PrometheusError> {
        let all: BTreeMap<String, Vec<MetricMetadata>> =
            self.get_api("/api/v1/metadata", &[]).await?;
        Ok(all
            .into_iter()
            .filter_map(|(name, mut entries)| {
                (!entries.is_empty()).then(|| (name, entries.swap_remove(0)))
            })
            .collect())
    }

    pub async fn build_info(&self) -> Result<BuildInfo, PrometheusError> {
        self.get_api("/api/v1/status/buildinfo", &[]).await
    }
}
