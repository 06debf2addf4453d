//! Scrape targets (`/api/v1/targets`): is every exporter being scraped, and if not, why.

use crate::api::PrometheusClient;
use crate::error::PrometheusError;
use chrono::{DateTime, Utc};
use hinomi_core::redact::url_credentials;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TargetHealth {
    Up,
    Down,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ScrapeTarget {
    pub job: String,
    pub instance: String,
    pub scrape_pool: String,
    pub scrape_url: String,
    pub health: TargetHealth,
    /// None until the first scrape has happened.
    pub last_scrape: Option<DateTime<Utc>>,
    pub last_scrape_duration_seconds: f64,
    /// Empty when the last scrape succeeded.
    pub last_error: String,
    pub scrape_interval: String,
    pub labels: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TargetsData {
    active_targets: Vec<RawTarget>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTarget {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    scrape_pool: String,
    #[serde(default)]
    scrape_url: String,
    #[serde(default)]
    last_error: String,
    last_scrape: Option<String>,
    #[serde(default)]
    last_scrape_duration: f64,
    #[serde(default)]
    health: String,
    #[serde(default)]
    scrape_interval: String,
}

impl From<RawTarget> for ScrapeTarget {
    fn from(raw: RawTarget) -> Self {
        let health = match raw.health.as_str() {
            "up" => TargetHealth::Up,
            "down" => TargetHealth::Down,
            _ => TargetHealth::Unknown,
        };
        // Prometheus reports "0001-01-01T00:00:00Z" for a target never scraped yet.
        let last_scrape = raw
            .last_scrape
            .as_deref()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.to_utc())
            .filter(|t| t.timestamp() > 0);
        Self {
            job: raw
                .labels
                .get("job")
                .cloned()
                .unwrap_or_else(|| raw.scrape_pool.clone()),
            instance: raw.labels.get("instance").cloned().unwrap_or_default(),
            scrape_pool: raw.scrape_pool,
            // Another system's URLs, shown in the Targets view: no user-info from them either.
            scrape_url: url_credentials(&raw.scrape_url).into_owned(),
            health,
            last_scrape,
            last_scrape_duration_seconds: raw.last_scrape_duration,
            last_error: url_credentials(&raw.last_error).into_owned(),
            scrape_interval: raw.scrape_interval,
            labels: raw.labels,
        }
    }
}

impl PrometheusClient {
    /// Active targets sorted by job then instance, so rows do not jump between refreshes.
    pub async fn targets(&self) -> Result<Vec<ScrapeTarget>, PrometheusError> {
        let data: TargetsData = self
            .get_api("/api/v1/targets", &[("state", "active")])
            .await?;
        let mut targets: Vec<ScrapeTarget> = data
            .active_targets
            .into_iter()
            .map(ScrapeTarget::from)
            .collect();
        targets.sort_by(|a, b| (&a.job, &a.instance).cmp(&(&b.job, &b.instance)));
        Ok(targets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_real_prometheus_answer() {
        // Shape copied from Prometheus 2.42's /api/v1/targets.
        let raw: TargetsData = serde_json::from_str(
            r#"{"activeTargets":[{"discoveredLabels":{"__address__":"127.0.0.1:19100"},
            "labels":{"instance":"127.0.0.1:19100","job":"node-exporter"},
            "scrapePool":"node-exporter","scrapeUrl":"http://127.0.0.1:19100/metrics",
            "globalUrl":"http://vm:19100/metrics",
            "lastError":"Get \"http://127.0.0.1:19100/metrics\": dial tcp 127.0.0.1:19100: connect: connection refused",
            "lastScrape":"2026-11-24T07:40:01.123456789Z","lastScrapeDuration":0.000812,
            "health":"down","scrapeInterval":"15s","scrapeTimeout":"10s"},
            {"labels":{"instance":"a","job":"j"},"scrapePool":"j","scrapeUrl":"u",
            "lastError":"","lastScrape":"0001-01-01T00:00:00Z","lastScrapeDuration":0,
            "health":"unknown","scrapeInterval":"15s"}]}"#,
        )
        .unwrap();
        let targets: Vec<ScrapeTarget> = raw.active_targets.into_iter().map(Into::into).collect();
        assert_eq!(targets[0].job, "node-exporter");
        assert_eq!(targets[0].health, TargetHealth::Down);
        assert!(targets[0].last_error.contains("connection refused"));
        assert_eq!(
            targets[0].last_scrape.unwrap().to_rfc3339(),
            "2026-11-24T07:40:01.123456789+00:00"
        );
        assert_eq!(targets[1].health, TargetHealth::Unknown);
        assert_eq!(
            targets[1].last_scrape, None,
            "the zero time means never scraped"
        );
    }

    #[test]
    fn a_scrape_url_with_credentials_is_shown_without_them() {
        let raw: TargetsData = serde_json::from_str(
            r#"{"activeTargets":[{"labels":{"instance":"h","job":"j"},"scrapePool":"j",
            "scrapeUrl":"https://scraper:hunter2@h/metrics",
            "lastError":"Get \"https://scraper:hunter2@h/metrics\": 401","health":"down"}]}"#,
        )
        .unwrap();
        let target: ScrapeTarget = raw.active_targets.into_iter().next().unwrap().into();
        assert_eq!(target.scrape_url, "https://scraper:***@h/metrics");
        assert!(
            !target.last_error.contains("hunter2"),
            "{}",
            target.last_error
        );
    }
}
