//! Over 400 lines: one v2 API client; its wire types, calls and decoders mirror one spec.
//! Alertmanager's v2 API: alerts, alert groups, silences and status (which carries the
//! configuration that [`crate::routing`] reads).
//!
//! Errors from Alertmanager are returned verbatim as [`ErrorCode::Backend`] (or `NotFound`), so a
//! rejected silence says exactly what Alertmanager objected to.

use super::response::{ALERTMANAGER_JSON, alertmanager_error, alertmanager_json, send};
use crate::alert::{Alert, AlertState, LabelSet, SourceKind, SourceRef};
use crate::error::AlertsError;
use crate::silences::{Silence, SilenceDraft, SilenceMatcher, SilenceState};
use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use hinomi_core::http::Endpoint;
use hinomi_core::http::Retry;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone)]
pub struct AlertmanagerClient {
    endpoint: Endpoint,
}

/// An alert as Alertmanager's `/api/v2/alerts` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AlertmanagerAlert {
    pub fingerprint: String,
    pub labels: LabelSet,
    pub annotations: LabelSet,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub generator_url: Option<String>,
    pub receivers: Vec<String>,
    /// `active`, `suppressed` or `unprocessed`.
    pub state: String,
    pub silenced_by: Vec<String>,
    pub inhibited_by: Vec<String>,
}

impl AlertmanagerAlert {
    pub fn into_alert(self, source: SourceRef) -> Alert {
        let state = match self.state.as_str() {
            "suppressed" if self.silenced_by.is_empty() && !self.inhibited_by.is_empty() => {
                AlertState::Inhibited
            }
            // Muted by a silence, or (newer Alertmanagers) by a mute time interval.
            "suppressed" => AlertState::Silenced,
            _ => AlertState::Firing,
        };
        let mut alert = Alert::new(self.labels, state, source);
        alert.annotations = self.annotations;
        alert.active_since = self.starts_at;
        alert.silenced_by = self.silenced_by;
        alert.inhibited_by = self.inhibited_by;
        alert.receivers = self.receivers;
        alert.generator_url = self.generator_url.filter(|url| !url.is_empty());
        alert
    }
}

/// One aggregation group as Alertmanager formed it (`/api/v2/alerts/groups`).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AlertGroupStatus {
    pub labels: LabelSet,
    pub receiver: String,
    pub alerts: Vec<AlertmanagerAlert>,
}

/// What `/api/v2/status` says about an Alertmanager.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AlertmanagerStatus {
    pub version: String,
    /// `ready`, `settling` or `disabled`.
    pub cluster_status: String,
    pub cluster_peers: u32,
    pub uptime: Option<DateTime<Utc>>,
    /// The configuration as Alertmanager re-serialises it (secrets hidden), in YAML.
    pub config_yaml: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAlert {
    fingerprint: String,
    labels: LabelSet,
    #[serde(default)]
    annotations: LabelSet,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    #[serde(rename = "generatorURL")]
    generator_url: Option<String>,
    #[serde(default)]
    receivers: Vec<WireReceiver>,
    status: WireAlertStatus,
}

#[derive(Deserialize)]
struct WireReceiver {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAlertStatus {
    state: String,
    #[serde(default)]
    silenced_by: Vec<String>,
    #[serde(default)]
    inhibited_by: Vec<String>,
}

impl From<WireAlert> for AlertmanagerAlert {
    fn from(wire: WireAlert) -> Self {
        Self {
            fingerprint: wire.fingerprint,
            labels: wire.labels,
            annotations: wire.annotations,
            starts_at: wire.starts_at,
            ends_at: wire.ends_at,
            updated_at: wire.updated_at,
            generator_url: wire.generator_url,
            receivers: wire.receivers.into_iter().map(|r| r.name).collect(),
            state: wire.status.state,
            silenced_by: wire.status.silenced_by,
            inhibited_by: wire.status.inhibited_by,
        }
    }
}

#[derive(Deserialize)]
struct WireGroup {
    labels: LabelSet,
    receiver: WireReceiver,
    alerts: Vec<WireAlert>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireMatcher {
    name: String,
    value: String,
    is_regex: bool,
    // Absent in Alertmanagers before 0.22, which only knew equality.
    #[serde(default = "yes")]
    is_equal: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSilence {
    id: String,
    matchers: Vec<WireMatcher>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    #[serde(default)]
    created_by: String,
    #[serde(default)]
    comment: String,
    status: WireSilenceStatus,
    updated_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct WireSilenceStatus {
    state: SilenceState,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostableSilence<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    matchers: Vec<WireMatcher>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    created_by: &'a str,
    comment: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SilenceCreated {
    #[serde(rename = "silenceID")]
    silence_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireStatus {
    cluster: WireCluster,
    version_info: WireVersion,
    config: WireConfig,
    uptime: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct WireCluster {
    status: String,
    #[serde(default)]
    peers: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct WireVersion {
    version: String,
}

#[derive(Deserialize)]
struct WireConfig {
    original: String,
}

impl From<WireSilence> for Silence {
    fn from(wire: WireSilence) -> Self {
        Self {
            id: wire.id,
            matchers: wire
                .matchers
                .into_iter()
                .map(|m| SilenceMatcher {
                    name: m.name,
                    value: m.value,
                    is_regex: m.is_regex,
                    is_equal: m.is_equal,
                })
                .collect(),
            starts_at: wire.starts_at,
            ends_at: wire.ends_at,
            created_by: wire.created_by,
            comment: wire.comment,
            state: wire.status.state,
            updated_at: wire.updated_at,
        }
    }
}

impl AlertmanagerClient {
    /// A client over the datasource's endpoint, from the app's
    /// [`hinomi_core::http::EndpointCache`] (tests build one with `Endpoint::new`).
    pub fn from_endpoint(endpoint: Endpoint) -> Self {
        Self { endpoint }
    }

    pub fn datasource_id(&self) -> &str {
        &self.endpoint.datasource_id
    }

    pub fn source(&self) -> SourceRef {
        SourceRef::new(self.datasource_id(), SourceKind::Alertmanager)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, HinomiError> {
        let request = self.endpoint.client().get(self.endpoint.url(path));
        let (status, body) = send(
            &self.endpoint,
            request,
            Retry::Idempotent,
            ALERTMANAGER_JSON,
        )
        .await?;
        alertmanager_json(status, &body)
    }

    /// Every alert Alertmanager holds, active, silenced and inhibited alike.
    pub async fn raw_alerts(&self) -> Result<Vec<AlertmanagerAlert>, HinomiError> {
        let alerts: Vec<WireAlert> = self.get_json("/api/v2/alerts").await?;
        Ok(alerts.into_iter().map(Into::into).collect())
    }

    pub async fn alerts(&self) -> Result<Vec<Alert>, HinomiError> {
        Ok(board_alerts(self.raw_alerts().await?, &self.source()))
    }

    pub async fn alert_groups(&self) -> Result<Vec<AlertGroupStatus>, HinomiError> {
        let groups: Vec<WireGroup> = self.get_json("/api/v2/alerts/groups").await?;
        Ok(groups
            .into_iter()
            .map(|group| AlertGroupStatus {
                labels: group.labels,
                receiver: group.receiver.name,
                alerts: group.alerts.into_iter().map(Into::into).collect(),
            })
            .collect())
    }

    pub async fn silences(&self) -> Result<Vec<Silence>, HinomiError> {
        let silences: Vec<WireSilence> = self.get_json("/api/v2/silences").await?;
        Ok(silences.into_iter().map(Into::into).collect())
    }

    /// Creates a silence and returns its id.
    pub async fn create_silence(&self, draft: &SilenceDraft) -> Result<String, HinomiError> {
        self.post_silence(None, draft).await
    }

    /// Edits a silence. Alertmanager updates it in place when it can and otherwise expires it
    /// and creates a replacement; the returned id is the one to use from now on.
    pub async fn update_silence(
        &self,
        id: &str,
        draft: &SilenceDraft,
    ) -> Result<String, HinomiError> {
        if id.trim().is_empty() {
            return Err(AlertsError::EmptySilenceId.into());
        }
        self.post_silence(Some(id), draft).await
    }

    /// Ends a silence now (Alertmanager keeps it, as expired).
    pub async fn expire_silence(&self, id: &str) -> Result<(), HinomiError> {
        if id.trim().is_empty() {
            return Err(AlertsError::EmptySilenceId.into());
        }
        let path = format!("/api/v2/silence/{id}");
        let request = self.endpoint.client().delete(self.endpoint.url(&path));
        let (status, body) = send(&self.endpoint, request, Retry::Never, ALERTMANAGER_JSON).await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(alertmanager_error(status, &body))
        }
    }

    async fn post_silence(
        &self,
        id: Option<&str>,
        draft: &SilenceDraft,
    ) -> Result<String, HinomiError> {
        let path = "/api/v2/silences";
        let body = PostableSilence {
            id,
            matchers: draft
                .matchers
                .iter()
                .map(|m| WireMatcher {
                    name: m.name.clone(),
                    value: m.value.clone(),
                    is_regex: m.is_regex,
                    is_equal: m.is_equal,
                })
                .collect(),
            starts_at: draft.starts_at,
            ends_at: draft.ends_at,
            created_by: &draft.created_by,
            comment: &draft.comment,
        };
        let request = self
            .endpoint
            .client()
            .post(self.endpoint.url(path))
            .json(&body);
        let (status, body) = send(&self.endpoint, request, Retry::Never, ALERTMANAGER_JSON).await?;
        let created: SilenceCreated = alertmanager_json(status, &body)?;
        Ok(created.silence_id)
    }

    pub async fn status(&self) -> Result<AlertmanagerStatus, HinomiError> {
        let status: WireStatus = self.get_json("/api/v2/status").await?;
        Ok(AlertmanagerStatus {
            version: status.version_info.version,
            cluster_status: status.cluster.status,
            cluster_peers: u32::try_from(status.cluster.peers.len()).unwrap_or(u32::MAX),
            uptime: status.uptime,
            config_yaml: status.config.original,
        })
    }

    /// The routing tree this Alertmanager runs with.
    pub async fn routing(&self) -> Result<crate::routing::RouteTree, HinomiError> {
        let status = self.status().await?;
        crate::routing::RouteTree::from_yaml(&status.config_yaml).map_err(|source| {
            AlertsError::UnreadableRouting {
                datasource_id: self.datasource_id().to_owned(),
                source,
            }
            .into()
        })
    }
}

/// Alertmanager's alerts as board alerts of `source`.
fn board_alerts(
    raw: impl IntoIterator<Item = impl Into<AlertmanagerAlert>>,
    source: &SourceRef,
) -> Vec<Alert> {
    raw.into_iter()
        .map(|alert| alert.into().into_alert(source.clone()))
        .collect()
}

/// The v2 API's answers decoded from bytes, as the client decodes them, without a server: for
/// the fuzz targets in `fuzz/` (an answer is outside data).
#[doc(hidden)]
pub mod decode {
    use super::*;

    fn ok<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, HinomiError> {
        alertmanager_json(reqwest::StatusCode::OK, body)
    }

    /// `/api/v2/alerts`, as board alerts.
    pub fn alerts(body: &[u8]) -> Result<Vec<Alert>, HinomiError> {
        let source = SourceRef::new("fuzz", SourceKind::Alertmanager);
        let alerts: Vec<WireAlert> = ok(body)?;
        Ok(board_alerts(alerts, &source))
    }

    /// `/api/v2/alerts/groups`.
    pub fn groups(body: &[u8]) -> Result<usize, HinomiError> {
        let groups: Vec<WireGroup> = ok(body)?;
        Ok(groups
            .into_iter()
            .map(|group| {
                group
                    .alerts
                    .into_iter()
                    .map(AlertmanagerAlert::from)
                    .count()
            })
            .sum())
    }

    /// `/api/v2/silences`.
    pub fn silences(body: &[u8]) -> Result<Vec<Silence>, HinomiError> {
        let silences: Vec<WireSilence> = ok(body)?;
        Ok(silences.into_iter().map(Into::into).collect())
    }

    /// `/api/v2/status` and the route tree in its configuration.
    pub fn status_routes(body: &[u8]) -> Result<Option<crate::routing::RouteTree>, HinomiError> {
        let status: WireStatus = ok(body)?;
        Ok(crate::routing::RouteTree::from_yaml(&status.config.original).ok())
    }

    /// An error answer with this HTTP status.
    pub fn error(status: u16, body: &[u8]) -> HinomiError {
        let status = reqwest::StatusCode::from_u16(status)
            .unwrap_or(reqwest::StatusCode::INTERNAL_SERVER_ERROR);
        alertmanager_error(status, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppressed_alerts_say_by_what() {
        let body = br#"[{"fingerprint":"f","labels":{"alertname":"A"},"annotations":{},
          "startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T01:00:00Z",
          "updatedAt":"2026-01-01T00:00:00Z","generatorURL":"",
          "receivers":[{"name":"team"}],
          "status":{"state":"suppressed","silencedBy":[],"inhibitedBy":["x"]}}]"#;
        let alerts: Vec<WireAlert> = serde_json::from_slice(body).unwrap();
        let alert = AlertmanagerAlert::from(alerts.into_iter().next().unwrap())
            .into_alert(SourceRef::new("am", SourceKind::Alertmanager));
        assert_eq!(alert.state, AlertState::Inhibited);
        assert_eq!(alert.receivers, ["team"]);
        assert_eq!(alert.generator_url, None);
    }

    #[test]
    fn silences_serialise_as_alertmanager_expects() {
        let draft = SilenceDraft {
            matchers: vec![SilenceMatcher::equal("alertname", "A")],
            starts_at: DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
                .unwrap()
                .to_utc(),
            ends_at: DateTime::parse_from_rfc3339("2026-01-01T01:00:00Z")
                .unwrap()
                .to_utc(),
            created_by: "me".into(),
            comment: "c".into(),
        };
        let body = PostableSilence {
            id: Some("abc"),
            matchers: vec![WireMatcher {
                name: "alertname".into(),
                value: "A".into(),
                is_regex: false,
                is_equal: true,
            }],
            starts_at: draft.starts_at,
            ends_at: draft.ends_at,
            created_by: &draft.created_by,
            comment: &draft.comment,
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"id":"abc","matchers":[{"name":"alertname","value":"A",
              "isRegex":false,"isEqual":true}],"startsAt":"2026-01-01T00:00:00Z",
              "endsAt":"2026-01-01T01:00:00Z","createdBy":"me","comment":"c"})
        );
    }
}
