//! Alerts, silences, rules, routing and desktop notifications.
//!
//! A background task ([`poller`]) polls every Prometheus and Alertmanager, keeps the latest
//! alerts here, sends desktop notifications ([`notifications`]) and updates the tray
//! ([`tray`]); the UI hears about changes through the typed [`AlertsUpdated`] event and asks
//! for the board with a filter. Silences, rules and routing are read and written on the real
//! servers at the moment the user asks.

mod notices;
mod notifications;
mod poller;
mod tray;
mod watch_rules;

use crate::commands::incidents::IncidentsState;
use crate::state::SettingsState;
use chrono::{DateTime, Utc};
use hinomi_alerts::acknowledge::Acknowledged;
use hinomi_alerts::board::{
    Board, BoardOptions, Filter, Grouping, build_board, build_board_with_staleness,
};
use hinomi_alerts::matcher::ParseError;
use hinomi_alerts::notify::NotificationPlanner;
pub use hinomi_alerts::runtime::Latest;
use hinomi_alerts::runtime::AlertsRuntime;
use hinomi_alerts::poller::SourceHealth;
use hinomi_alerts::silences::{Silence, SilenceDraft};
use hinomi_alerts::sources::prometheus::RuleGroupStatus;
use hinomi_alerts::sources::{AlertmanagerClient, PrometheusAlertsClient};
use hinomi_alerts::staleness::{StaleSummary, Staleness};
use hinomi_alerts::{Alert, AlertState, LabelSet};
use hinomi_core::HinomiError;
use hinomi_core::paths::AppPaths;
use hinomi_core::settings::{Datasource, DatasourceKind};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tauri::Manager;

pub use poller::AlertsUpdated;
pub use tray::AlertsFocusGroup;
use watch_rules::WatchRulesState;
pub use watch_rules::WatchRulesView;

/// The alerts domain's managed state: the crate's runtime, and the poll loop's task.
pub struct AlertsState {
    runtime: AlertsRuntime,
    /// The poller task; aborted when the state is dropped.
    pub task: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
}

impl AlertsState {
    pub fn new(runtime: AlertsRuntime) -> Self {
        Self {
            runtime,
            task: Mutex::new(None),
        }
    }
}

impl std::ops::Deref for AlertsState {
    type Target = AlertsRuntime;

    fn deref(&self) -> &AlertsRuntime {
        &self.runtime
    }
}

impl Drop for AlertsState {
    fn drop(&mut self) {
        if let Some(task) = lock(&self.task).take() {
            task.abort();
        }
    }
}

pub(crate) use hinomi_alerts::runtime::lock;

/// Registers this domain's managed state and starts its background tasks.
pub fn setup(app: &mut tauri::App, paths: &AppPaths) -> Result<(), Box<dyn std::error::Error>> {
    let clock: Arc<dyn hinomi_core::clock::Clock> = Arc::new(hinomi_core::clock::SystemClock);
    let settings = app.state::<SettingsState>().snapshot().settings;
    let planner = NotificationPlanner::new(&notifications::settings_for(&settings), clock.clone())?;
    app.manage(AlertsState::new(AlertsRuntime::new(planner, clock.clone())));
    app.manage(WatchRulesState::new(
        hinomi_alerts::local_rules::WatchRulesFile::new(
            paths
                .data_dir
                .join(hinomi_alerts::local_rules::WATCH_RULES_FILE),
        ),
    ));
    if let Err(error) = tray::create(app) {
        tracing::warn!(%error, "no tray icon; closing the window quits");
    }
    let history = paths.data_dir.join("alerts-history.sqlite");
    let handle = app.handle().clone();
    let notify = app.handle().clone();
    // A panic in a round restarts the loop (it reopens the history and resumes from its open
    // episodes) and tells the user, instead of leaving a board that silently stopped changing.
    let task = tauri::async_runtime::spawn(hinomi_alerts::supervise::supervise(
        move || poller::run(handle.clone(), history.clone(), clock.clone()),
        move |restart| notices::monitoring_restarted(&notify, &restart),
        std::time::Duration::from_secs(1),
    ));
    *lock(&app.state::<AlertsState>().task) = Some(task);
    Ok(())
}

/// What the board asks for: the filter as typed, and the state toggles.
#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct BoardQuery {
    pub filter: String,
    /// Only alerts in one of these states (the toggles).
    pub states: Vec<AlertState>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct AlertBoard {
    /// When the alerts were fetched; `None` before the first poll ended. Alerts of an
    /// unreachable source are older than this: see [`Self::stale`].
    pub polled_at: Option<DateTime<Utc>>,
    pub board: Board,
    /// Unreachable sources and the alerts known only from them, with when they were last known.
    pub stale: StaleSummary,
    /// The filter could not be read: where and why. The board is then empty.
    pub filter_error: Option<ParseError>,
    pub sources: Vec<SourceHealth>,
    pub history_error: Option<HinomiError>,
    /// Notices about alerting itself: the history was replaced, monitoring was restarted.
    pub monitoring_notices: Vec<HinomiError>,
    /// Notifications are paused until then.
    pub notifications_paused_until: Option<DateTime<Utc>>,
    /// Snoozed groups of this board: board group key → snoozed until.
    pub snoozed_until: HashMap<String, DateTime<Utc>>,
}

#[tauri::command]
#[specta::specta]
pub fn alert_board(state: tauri::State<'_, AlertsState>, query: BoardQuery) -> AlertBoard {
    // Grouped like the Alertmanager route when its configuration could be read; else by the
    // seed's alertname + severity.
    let (at, alerts, sources, history_error, grouping) = {
        let latest = lock(&state.latest);
        (
            latest.at,
            latest.alerts.clone(),
            latest.sources.clone(),
            latest.history_error.clone(),
            latest.grouping(),
        )
    };
    let (filter, filter_error) = match Filter::parse(&query.filter) {
        Ok(mut filter) => {
            filter.restrict_states(&query.states);
            (Some(filter), None)
        }
        Err(error) => (None, Some(error)),
    };
    let staleness = Staleness::from_health(&sources);
    let board = match &filter {
        Some(filter) => build_board_with_staleness(
            &alerts,
            &grouping,
            filter,
            BoardOptions::default(),
            &staleness,
        ),
        None => Board {
            groups: Vec::new(),
            total_alerts: u32::try_from(alerts.len()).unwrap_or(u32::MAX),
            shown_alerts: 0,
        },
    };
    // A board group's alerts share their first route and group labels, so its first alert
    // tells which notification groups it belongs to.
    let planner = lock(&state.planner);
    let snoozed_until = board
        .groups
        .iter()
        .filter_map(|group| {
            let until = planner.snoozed_until_of(group.alerts.first()?)?;
            Some((group.key.clone(), until))
        })
        .collect();
    drop(planner);
    AlertBoard {
        polled_at: at,
        board,
        stale: staleness.summary(&alerts),
        filter_error,
        sources,
        history_error,
        monitoring_notices: lock(&state.notices).clone(),
        notifications_paused_until: *lock(&state.paused_until),
        snoozed_until,
    }
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
    notifications::snooze(&state, &group_labels, until);
}

/// Polls every source now instead of at the next interval.
#[tauri::command]
#[specta::specta]
pub fn refresh_alerts(state: tauri::State<'_, AlertsState>) {
    state.poll_now.notify_one();
}

fn datasources_of(settings: &SettingsState, kind: DatasourceKind) -> Vec<Datasource> {
    settings
        .snapshot()
        .settings
        .datasources
        .into_iter()
        .filter(|ds| ds.kind == kind)
        .collect()
}

fn alertmanager(settings: &SettingsState, id: &str) -> Result<AlertmanagerClient, HinomiError> {
    let ds = datasources_of(settings, DatasourceKind::Alertmanager)
        .into_iter()
        .find(|ds| ds.id == id)
        .ok_or_else(|| {
            HinomiError::new(
                hinomi_core::ErrorCode::NotFound,
                format!("There is no Alertmanager datasource with the id \"{id}\"."),
            )
        })?;
    AlertmanagerClient::new(&ds)
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
pub fn silence_defaults(settings: tauri::State<'_, SettingsState>) -> SilenceDefaults {
    SilenceDefaults {
        created_by: hinomi_core::user::current_user(),
        now: Utc::now(),
        alertmanagers: datasources_of(&settings, DatasourceKind::Alertmanager)
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
    settings: tauri::State<'_, SettingsState>,
) -> Result<Vec<DatasourceSilences>, HinomiError> {
    let fetches = datasources_of(&settings, DatasourceKind::Alertmanager)
        .into_iter()
        .map(|ds| async move {
            let result = match AlertmanagerClient::new(&ds) {
                Ok(client) => client.silences().await,
                Err(error) => Err(error),
            };
            let (silences, error) = match result {
                Ok(silences) => (silences, None),
                Err(error) => (Vec::new(), Some(error)),
            };
            DatasourceSilences {
                datasource_id: ds.id,
                datasource_name: ds.name,
                silences,
                error,
            }
        });
    Ok(futures::future::join_all(fetches).await)
}

/// Creates a silence on one Alertmanager; its id. Alertmanager's error text comes back as is.
#[tauri::command]
#[specta::specta]
pub async fn create_silence(
    settings: tauri::State<'_, SettingsState>,
    alerts: tauri::State<'_, AlertsState>,
    datasource_id: String,
    draft: SilenceDraft,
) -> Result<String, HinomiError> {
    let id = alertmanager(&settings, &datasource_id)?
        .create_silence(&draft)
        .await?;
    alerts.poll_now.notify_one();
    Ok(id)
}

/// Edits a silence; Alertmanager may answer with a new id (an active silence is replaced).
#[tauri::command]
#[specta::specta]
pub async fn update_silence(
    settings: tauri::State<'_, SettingsState>,
    alerts: tauri::State<'_, AlertsState>,
    datasource_id: String,
    silence_id: String,
    draft: SilenceDraft,
) -> Result<String, HinomiError> {
    let id = alertmanager(&settings, &datasource_id)?
        .update_silence(&silence_id, &draft)
        .await?;
    alerts.poll_now.notify_one();
    Ok(id)
}

#[tauri::command]
#[specta::specta]
pub async fn expire_silence(
    settings: tauri::State<'_, SettingsState>,
    alerts: tauri::State<'_, AlertsState>,
    datasource_id: String,
    silence_id: String,
) -> Result<(), HinomiError> {
    alertmanager(&settings, &datasource_id)?
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
    settings: tauri::State<'_, SettingsState>,
    alerts: tauri::State<'_, AlertsState>,
    incidents: tauri::State<'_, IncidentsState>,
    group_labels: LabelSet,
    minutes: u32,
) -> Result<Option<Acknowledged>, HinomiError> {
    let datasources = settings.snapshot().settings.datasources;
    alerts
        .acknowledge_group(
            &datasources,
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
    settings: tauri::State<'_, SettingsState>,
) -> Result<Vec<DatasourceRules>, HinomiError> {
    let fetches = datasources_of(&settings, DatasourceKind::Prometheus)
        .into_iter()
        .map(|ds| async move {
            let result = match PrometheusAlertsClient::new(&ds) {
                Ok(client) => client.rules().await,
                Err(error) => Err(error),
            };
            let (groups, error) = match result {
                Ok(groups) => (groups, None),
                Err(error) => (Vec::new(), Some(error)),
            };
            DatasourceRules {
                datasource_id: ds.id,
                datasource_name: ds.name,
                groups,
                error,
            }
        });
    Ok(futures::future::join_all(fetches).await)
}

/// Pauses desktop notifications for `minutes` (0 resumes them).
#[tauri::command]
#[specta::specta]
pub fn pause_notifications(
    state: tauri::State<'_, AlertsState>,
    minutes: u32,
) -> Option<DateTime<Utc>> {
    notifications::pause(&state, minutes)
}

/// One route of an Alertmanager's tree, flattened in depth-first order.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RouteRow {
    pub path: String,
    pub depth: u32,
    pub receiver: String,
    pub matchers: Vec<String>,
    pub group_by: Vec<String>,
    pub continue_matching: bool,
}

/// Where one alert group of the board goes on this Alertmanager.
#[derive(Debug, Clone, Serialize, Type)]
pub struct GroupRouting {
    pub group_key: String,
    pub group_labels: LabelSet,
    pub matches: Vec<hinomi_alerts::routing::RouteMatch>,
}

/// One Alertmanager's route tree, receivers, and the receivers of the current alert groups.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DatasourceRouting {
    pub datasource_id: String,
    pub datasource_name: String,
    pub routes: Vec<RouteRow>,
    pub receivers: Vec<hinomi_alerts::routing::Receiver>,
    pub groups: Vec<GroupRouting>,
    pub error: Option<HinomiError>,
}

fn flatten_routes(node: &hinomi_alerts::routing::RouteNode, depth: u32, rows: &mut Vec<RouteRow>) {
    rows.push(RouteRow {
        path: node.path.clone(),
        depth,
        receiver: node.receiver.clone(),
        matchers: node.matchers.iter().map(ToString::to_string).collect(),
        group_by: node.group_by.names(),
        continue_matching: node.continue_matching,
    });
    for child in &node.children {
        flatten_routes(child, depth + 1, rows);
    }
}

#[tauri::command]
#[specta::specta]
pub async fn alert_routing(
    settings: tauri::State<'_, SettingsState>,
    alerts: tauri::State<'_, AlertsState>,
) -> Result<Vec<DatasourceRouting>, HinomiError> {
    let current = lock(&alerts.latest).alerts.clone();
    let board = build_board(
        &current,
        &Grouping::default(),
        &Filter::all(),
        BoardOptions {
            alerts_per_group: Some(1),
        },
    );
    let board = &board;
    let fetches = datasources_of(&settings, DatasourceKind::Alertmanager)
        .into_iter()
        .map(|ds| async move {
            let result = match AlertmanagerClient::new(&ds) {
                Ok(client) => client.routing().await,
                Err(error) => Err(error),
            };
            let mut answer = DatasourceRouting {
                datasource_id: ds.id,
                datasource_name: ds.name,
                routes: Vec::new(),
                receivers: Vec::new(),
                groups: Vec::new(),
                error: None,
            };
            match result {
                Ok(tree) => {
                    flatten_routes(&tree.root, 0, &mut answer.routes);
                    answer.groups = board
                        .groups
                        .iter()
                        .filter_map(|group| {
                            let first = group.alerts.first()?;
                            Some(GroupRouting {
                                group_key: group.key.clone(),
                                group_labels: group.labels.clone(),
                                matches: tree.explain(&first.labels),
                            })
                        })
                        .collect();
                    answer.receivers = tree.receivers;
                }
                Err(error) => answer.error = Some(error),
            }
            answer
        });
    Ok(futures::future::join_all(fetches).await)
}

/// The watch-rule file, its problems, and how each rule's last evaluation went.
#[tauri::command]
#[specta::specta]
pub fn watch_rules(
    state: tauri::State<'_, WatchRulesState>,
    settings: tauri::State<'_, SettingsState>,
) -> Result<WatchRulesView, HinomiError> {
    watch_rules::view(&state, &settings.snapshot().settings)
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
pub fn save_watch_rules(
    state: tauri::State<'_, WatchRulesState>,
    alerts: tauri::State<'_, AlertsState>,
    text: String,
) -> Result<Vec<hinomi_alerts::local_rules::RuleFileError>, HinomiError> {
    let problems = watch_rules::save(&state, &text)?;
    alerts.poll_now.notify_one();
    Ok(problems)
}
