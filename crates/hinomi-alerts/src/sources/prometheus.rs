//! Prometheus's view of alerting: active alerts (pending and firing) and the health of every
//! alerting rule (last evaluation, its duration and its error).
//!
//! The two endpoints' types live here because only the alert board reads them; the requests and
//! the `{status, data}` envelope are `hinomi-prometheus`'s ([`PrometheusClient::get_api`]), so
//! retries, size caps and errors are those of every other Prometheus request.

use crate::alert::{Alert, AlertState, LabelSet, SourceKind, SourceRef};
use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use hinomi_core::http::Endpoint;
use hinomi_prometheus::PrometheusClient;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone)]
pub struct PrometheusAlertsClient {
    client: PrometheusClient,
}

/// An alert as `/api/v1/alerts` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusAlert {
    pub labels: LabelSet,
    #[serde(default)]
    pub annotations: LabelSet,
    /// `pending` or `firing` (`inactive` never appears in this list).
    pub state: String,
    pub active_at: Option<DateTime<Utc>>,
    pub value: Option<String>,
}

impl PrometheusAlert {
    /// `None` for states that are not alerts yet (`inactive`).
    pub fn into_alert(self, source: SourceRef) -> Option<Alert> {
        let state = match self.state.as_str() {
            "firing" => AlertState::Firing,
            "pending" => AlertState::Pending,
            _ => return None,
        };
        let mut alert = Alert::new(self.labels, state, source);
        alert.annotations = self.annotations;
        alert.active_since = self.active_at.filter(|at| at.timestamp() > 0);
        alert.value = self.value;
        Some(alert)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Alerting,
    Recording,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RuleHealth {
    Ok,
    Err,
    Unknown,
}

/// One rule's health as the board's "rules" tab shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct RuleStatus {
    pub group: String,
    pub file: String,
    pub kind: RuleKind,
    pub name: String,
    pub query: String,
    /// The alerting rule's `for:`, in seconds.
    pub for_secs: f64,
    pub labels: LabelSet,
    pub annotations: LabelSet,
    pub health: RuleHealth,
    /// The last evaluation's error; `None` when it succeeded.
    pub last_error: Option<String>,
    pub last_evaluation: Option<DateTime<Utc>>,
    pub evaluation_secs: f64,
    /// `inactive`, `pending` or `firing` for alerting rules.
    pub state: Option<String>,
    pub active_alerts: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct RuleGroupStatus {
    pub name: String,
    pub file: String,
    pub interval_secs: f64,
    pub last_evaluation: Option<DateTime<Utc>>,
    pub evaluation_secs: f64,
    pub rules: Vec<RuleStatus>,
}

#[derive(Deserialize)]
struct AlertsData {
    alerts: Vec<PrometheusAlert>,
}

#[derive(Deserialize)]
struct RulesData {
    groups: Vec<WireGroup>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireGroup {
    name: String,
    #[serde(default)]
    file: String,
    #[serde(default)]
    interval: f64,
    #[serde(default)]
    rules: Vec<WireRule>,
    last_evaluation: Option<DateTime<Utc>>,
    #[serde(default)]
    evaluation_time: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireRule {
    #[serde(rename = "type")]
    kind: RuleKind,
    name: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    duration: f64,
    #[serde(default)]
    labels: LabelSet,
    #[serde(default)]
    annotations: LabelSet,
    #[serde(default)]
    alerts: Vec<serde::de::IgnoredAny>,
    health: RuleHealth,
    #[serde(default)]
    last_error: String,
    #[serde(default)]
    evaluation_time: f64,
    last_evaluation: Option<DateTime<Utc>>,
    state: Option<String>,
}

/// Go's zero time (`0001-01-01T00:00:00Z`) means "never".
fn real_time(at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    at.filter(|at| at.timestamp() > 0)
}

impl PrometheusAlertsClient {
    /// A client over the datasource's endpoint, from the app's
    /// [`hinomi_core::http::EndpointCache`] (tests build one with `Endpoint::new`).
    pub fn from_endpoint(endpoint: Endpoint) -> Self {
        Self {
            client: PrometheusClient::from_endpoint(endpoint),
        }
    }

    pub fn datasource_id(&self) -> &str {
        self.client.datasource_id()
    }

    pub fn source(&self) -> SourceRef {
        SourceRef::new(self.datasource_id(), SourceKind::Prometheus)
    }

    pub async fn raw_alerts(&self) -> Result<Vec<PrometheusAlert>, HinomiError> {
        let data: AlertsData = self.client.get_api("/api/v1/alerts", &[]).await?;
        Ok(data.alerts)
    }

    /// Pending and firing alerts, as board alerts.
    pub async fn alerts(&self) -> Result<Vec<Alert>, HinomiError> {
        Ok(board_alerts(self.raw_alerts().await?, &self.source()))
    }

    /// Every rule group with each rule's health, last error and last evaluation.
    pub async fn rules(&self) -> Result<Vec<RuleGroupStatus>, HinomiError> {
        let data: RulesData = self.client.get_api("/api/v1/rules", &[]).await?;
        Ok(data.groups.into_iter().map(group_status).collect())
    }
}

/// The pending and firing ones of `raw`, as board alerts of `source`.
fn board_alerts(raw: Vec<PrometheusAlert>, source: &SourceRef) -> Vec<Alert> {
    raw.into_iter()
        .filter_map(|alert| alert.into_alert(source.clone()))
        .collect()
}

fn group_status(group: WireGroup) -> RuleGroupStatus {
    let rules = group
        .rules
        .into_iter()
        .map(|rule| RuleStatus {
            group: group.name.clone(),
            file: group.file.clone(),
            kind: rule.kind,
            name: rule.name,
            query: rule.query,
            for_secs: rule.duration,
            labels: rule.labels,
            annotations: rule.annotations,
            health: rule.health,
            last_error: Some(rule.last_error).filter(|error| !error.is_empty()),
            last_evaluation: real_time(rule.last_evaluation),
            evaluation_secs: rule.evaluation_time,
            state: rule.state,
            active_alerts: u32::try_from(rule.alerts.len()).unwrap_or(u32::MAX),
        })
        .collect();
    RuleGroupStatus {
        name: group.name,
        file: group.file,
        interval_secs: group.interval,
        last_evaluation: real_time(group.last_evaluation),
        evaluation_secs: group.evaluation_time,
        rules,
    }
}

/// `/api/v1/alerts` and `/api/v1/rules` decoded from bytes, as the client decodes them, without
/// a server: for the fuzz targets in `fuzz/` (an answer is outside data).
#[doc(hidden)]
pub mod decode {
    use super::*;
    use hinomi_prometheus::decode_api_answer;

    fn status(code: u16) -> reqwest::StatusCode {
        reqwest::StatusCode::from_u16(code).unwrap_or(reqwest::StatusCode::OK)
    }

    /// `/api/v1/alerts` answered with this HTTP status, as board alerts.
    pub fn alerts(code: u16, body: &[u8]) -> Result<Vec<Alert>, HinomiError> {
        let source = SourceRef::new("fuzz", SourceKind::Prometheus);
        let data: AlertsData = decode_api_answer(status(code), "fuzz", body)?;
        Ok(board_alerts(data.alerts, &source))
    }

    /// `/api/v1/rules` answered with this HTTP status.
    pub fn rules(code: u16, body: &[u8]) -> Result<Vec<RuleGroupStatus>, HinomiError> {
        let data: RulesData = decode_api_answer(status(code), "fuzz", body)?;
        Ok(data.groups.into_iter().map(group_status).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_rules_with_health_and_errors() {
        let body = br#"{"status":"success","data":{"groups":[{"name":"g","file":"/r.yml",
          "interval":15,"evaluationTime":0.001,"lastEvaluation":"2026-01-01T00:00:00.5Z",
          "rules":[{"type":"alerting","name":"A","query":"up == 0","duration":60,
            "labels":{"severity":"critical"},"annotations":{},"alerts":[{}],"health":"err",
            "lastError":"bad","evaluationTime":0.0002,
            "lastEvaluation":"0001-01-01T00:00:00Z","state":"firing"},
           {"type":"recording","name":"r","query":"sum(up)","health":"ok","lastError":"",
            "evaluationTime":0,"lastEvaluation":"2026-01-01T00:00:00Z"}]}]}}"#;
        let groups = decode::rules(200, body).unwrap();
        let alerting = &groups[0].rules[0];
        assert_eq!(alerting.health, RuleHealth::Err);
        assert_eq!(alerting.last_error.as_deref(), Some("bad"));
        assert_eq!(alerting.last_evaluation, None);
        assert_eq!(alerting.active_alerts, 1);
        assert_eq!(alerting.for_secs, 60.0);
        let recording = &groups[0].rules[1];
        assert_eq!(recording.kind, RuleKind::Recording);
        assert_eq!(recording.last_error, None);
        assert!(recording.last_evaluation.is_some());
    }

    #[test]
    fn inactive_alerts_are_not_board_alerts() {
        let raw = |state: &str| PrometheusAlert {
            labels: LabelSet::from([("alertname".into(), "A".into())]),
            annotations: LabelSet::new(),
            state: state.into(),
            active_at: None,
            value: Some("1e+00".into()),
        };
        let source = SourceRef::new("p", SourceKind::Prometheus);
        assert_eq!(
            raw("pending").into_alert(source.clone()).unwrap().state,
            AlertState::Pending
        );
        assert!(raw("inactive").into_alert(source).is_none());
    }
}
