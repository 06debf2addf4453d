//! Alerts, silences, rules, routing and desktop notifications.
//!
//! The poll loop (`hinomi_alerts::round`, started by `crate::alerts`) keeps the latest alerts in
//! the runtime; the UI hears about changes through the typed `AlertsUpdated` event and asks for
//! the board with a filter. Silences, rules and routing are read and written on the real
//! servers at the moment the user asks.

use super::blocking::blocking;
use crate::alerts::AlertsState;
use crate::alerts::watch_rules::{self, WatchRulesState, WatchRulesView};
use crate::commands::datasources::Datasources;
use crate::commands::incidents::IncidentsState;
use crate::state::SettingsState;
use chrono::{DateTime, Utc};
use hinomi_alerts::LabelSet;
use hinomi_alerts::acknowledge::Acknowledged;
use hinomi_alerts::routing::view::{DatasourceRouting, alert_routing as alert_routing_of};
use hinomi_alerts::runtime::{AlertBoard, BoardQuery, lock};
use hinomi_alerts::silences::{Silence, SilenceDraft};
use hinomi_alerts::sources::prometheus::RuleGroupStatus;
use hinomi_alerts::sources::{AlertmanagerClient, PrometheusAlertsClient};
use hinomi_core::HinomiError;
use hinomi_core::settings::DatasourceKind;
use hinomi_core::texts::user_lang::say;
use serde::Serialize;
use specta::Type;
use tauri::Manager;

#[tauri::command]
#[specta::specta]
pub fn alert_board(state: tauri::State<'_, AlertsState>, query: BoardQuery) -> AlertBoard {
    state.board(&query)
}

/// Holds back desktop notifications of one alert group until `until` (`None` ends the snooze).
/// Kept over a restart.
#[tauri::command]
#[specta::specta]
pub fn snooze_alert_group(
    state: tauri::State<'_, AlertsState>,
    group_labels: LabelSet,
    until: Option<DateTime<Utc>>,
) {
    state.snooze(&group_labels, until);
}

/// Polls every source now instead of at the next interval.
#[tauri::command]
#[specta::specta]
pub fn refresh_alerts(state: tauri::State<'_, AlertsState>) {
    state.poll_now.notify_one();
}

/// The Alertmanager datasource `id`, asked over its endpoint from the app's cache.
async fn alertmanager(
    datasources: &Datasources<'_>,
    id: &str,
) -> Result<AlertmanagerClient, HinomiError> {
    let ds = datasources
        .find(id)
        .filter(|ds| ds.kind == DatasourceKind::Alertmanager)
        .ok_or_else(|| {
            HinomiError::new(
                hinomi_core::ErrorCode::NotFound,
                say(
                    format!("There is no Alertmanager datasource with the id \"{id}\"."),
                    format!("ID が「{id}」の Alertmanager データソースはありません。"),
                ),
            )
        })?;
    Ok(AlertmanagerClient::from_endpoint(
        datasources.clients().endpoint(&ds).await?,
    ))
}

/// Who creates silences by default: the app's one user ([`hinomi_core::user::current_user`]).
#[derive(Debug, Clone, Serialize, Type)]
pub struct SilenceDefaults {
    pub created_by: String,
    pub now: DateTime<Utc>,
    /// Alertmanager datasources, in settings order: `(id, name)`.
    pub alertmanagers: Vec<(String, String)>,
}

#[tauri::command]
#[specta::specta]
pub fn silence_defaults(datasources: Datasources<'_>) -> SilenceDefaults {
    SilenceDefaults {
        created_by: hinomi_core::user::current_user(),
        now: Utc::now(),
        alertmanagers: datasources
            .of_kind(DatasourceKind::Alertmanager)
            .into_iter()
            .map(|ds| (ds.id, ds.name))
            .collect(),
    }
}

/// One Alertmanager's silences, or why they could not be read.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DatasourceSilences {
    pub datasource_id: String,
    pub datasource_name: String,
    pub silences: Vec<Silence>,
    pub error: Option<HinomiError>,
}

#[tauri::command]
#[specta::specta]
pub async fn list_silences(
    datasources: Datasources<'_>,
) -> Result<Vec<DatasourceSilences>, HinomiError> {
    let answers = datasources
        .ask_each(DatasourceKind::Alertmanager, async |endpoint| {
            AlertmanagerClient::from_endpoint(endpoint).silences().await
        })
        .await;
    Ok(answers
        .into_iter()
        .map(|(ds, answer)| {
            let (silences, error) = split(answer);
            DatasourceSilences {
                datasource_id: ds.id,
                datasource_name: ds.name,
                silences,
                error,
            }
        })
        .collect())
}

/// An answer as the views take it: what came (or nothing) and the error (or none).
fn split<T>(answer: Result<Vec<T>, HinomiError>) -> (Vec<T>, Option<HinomiError>) {
    match answer {
        Ok(values) => (values, None),
        Err(error) => (Vec::new(), Some(error)),
    }
}

/// Creates a silence on one Alertmanager; its id. Alertmanager's error text comes back as is.
#[tauri::command]
#[specta::specta]
pub async fn create_silence(
    datasources: Datasources<'_>,
    alerts: tauri::State<'_, AlertsState>,
    datasource_id: String,
    draft: SilenceDraft,
) -> Result<String, HinomiError> {
    let id = alertmanager(&datasources, &datasource_id)
        .await?
        .create_silence(&draft)
        .await?;
    alerts.poll_now.notify_one();
    Ok(id)
}

/// Edits a silence; Alertmanager may answer with a new id (an active silence is replaced).
#[tauri::command]
#[specta::specta]
pub async fn update_silence(
    datasources: Datasources<'_>,
    alerts: tauri::State<'_, AlertsState>,
    datasource_id: String,
    silence_id: String,
    draft: SilenceDraft,
) -> Result<String, HinomiError> {
    let id = alertmanager(&datasources, &datasource_id)
        .await?
        .update_silence(&silence_id, &draft)
        .await?;
    alerts.poll_now.notify_one();
    Ok(id)
}

#[tauri::command]
#[specta::specta]
pub async fn expire_silence(
    datasources: Datasources<'_>,
    alerts: tauri::State<'_, AlertsState>,
    datasource_id: String,
    silence_id: String,
) -> Result<(), HinomiError> {
    alertmanager(&datasources, &datasource_id)
        .await?
        .expire_silence(&silence_id)
        .await?;
    alerts.poll_now.notify_one();
    Ok(())
}

/// Acknowledges a board group: a short silence over its group labels, no more desktop
/// notifications for it until it changes, and its alerts added to my open incident; `None` when
/// there is no Alertmanager to silence it on. See [`AlertsRuntime::acknowledge_group`].
#[tauri::command]
#[specta::specta]
pub async fn acknowledge_alert_group(
    datasources: Datasources<'_>,
    alerts: tauri::State<'_, AlertsState>,
    incidents: tauri::State<'_, IncidentsState>,
    group_labels: LabelSet,
    minutes: u32,
) -> Result<Option<Acknowledged>, HinomiError> {
    alerts
        .acknowledge_group(
            &datasources.list(),
            &group_labels,
            None,
            minutes,
            &incidents.alert_link(),
        )
        .await
}

/// One Prometheus's rules, or why they could not be read.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DatasourceRules {
    pub datasource_id: String,
    pub datasource_name: String,
    pub groups: Vec<RuleGroupStatus>,
    pub error: Option<HinomiError>,
}

#[tauri::command]
#[specta::specta]
pub async fn list_alert_rules(
    datasources: Datasources<'_>,
) -> Result<Vec<DatasourceRules>, HinomiError> {
    let answers = datasources
        .ask_each(DatasourceKind::Prometheus, async |endpoint| {
            PrometheusAlertsClient::from_endpoint(endpoint)
                .rules()
                .await
        })
        .await;
    Ok(answers
        .into_iter()
        .map(|(ds, answer)| {
            let (groups, error) = split(answer);
            DatasourceRules {
                datasource_id: ds.id,
                datasource_name: ds.name,
                groups,
                error,
            }
        })
        .collect())
}

/// Pauses desktop notifications for `minutes` (0 resumes them).
#[tauri::command]
#[specta::specta]
pub fn pause_notifications(
    state: tauri::State<'_, AlertsState>,
    minutes: u32,
) -> Option<DateTime<Utc>> {
    state.pause(minutes)
}

#[tauri::command]
#[specta::specta]
pub async fn alert_routing(
    datasources: Datasources<'_>,
    alerts: tauri::State<'_, AlertsState>,
) -> Result<Vec<DatasourceRouting>, HinomiError> {
    let current = lock(&alerts.latest).alerts.clone();
    Ok(alert_routing_of(datasources.clients(), &datasources.list(), &current).await)
}

/// The watch-rule file, its problems, and how each rule's last evaluation went.
#[tauri::command]
#[specta::specta]
pub async fn watch_rules(app: tauri::AppHandle) -> Result<WatchRulesView, HinomiError> {
    let settings = app.state::<SettingsState>().snapshot().settings;
    blocking(move || watch_rules::view(&app.state::<WatchRulesState>(), &settings)).await
}

/// Checks watch-rule text like `promtool check rules`; empty when it is valid.
#[tauri::command]
#[specta::specta]
pub fn check_watch_rules(text: String) -> Vec<hinomi_alerts::local_rules::RuleFileError> {
    watch_rules::check(&text)
}

/// Saves valid watch rules and evaluates them at once; invalid ones are not saved and their
/// problems come back.
#[tauri::command]
#[specta::specta]
pub async fn save_watch_rules(
    app: tauri::AppHandle,
    text: String,
) -> Result<Vec<hinomi_alerts::local_rules::RuleFileError>, HinomiError> {
    let saving = app.clone();
    let problems =
        blocking(move || watch_rules::save(&saving.state::<WatchRulesState>(), &text)).await?;
    app.state::<AlertsState>().poll_now.notify_one();
    Ok(problems)
}
