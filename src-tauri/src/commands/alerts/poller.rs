//! The background poll: every configured Prometheus and Alertmanager, at the refresh interval.
//!
//! Each round reads the settings again (a datasource added in Settings is polled at the next
//! round), records the history, feeds the notification planner, updates the tray, and tells
//! the UI when something changed. It also wakes when the planner has a notification due
//! (group_wait / group_interval) and when a command asks for an immediate poll.

use super::watch_rules::{WatchRulesRunner, WatchRulesState};
use super::{AlertsState, Latest, lock, notices, notifications, tray};
use crate::state::SettingsState;
use chrono::{DateTime, Utc};
use hinomi_alerts::history::AlertHistory;
use hinomi_alerts::poller::{AlertPoller, AlertSource};
use hinomi_alerts::routing::RouteTreeCache;
use hinomi_alerts::staleness::{StaleSummary, Staleness};
use hinomi_alerts::{AlertState, Severity};
use hinomi_core::HinomiError;
use hinomi_core::clock::Clock;
use hinomi_core::settings::{Datasource, DatasourceKind};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

/// Sent to the UI after a poll that changed something (alerts, their states, or a source's
/// health). The UI then asks for the board with its own filter.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct AlertsUpdated {
    pub at: DateTime<Utc>,
    pub total: u32,
    pub firing: u32,
    pub pending: u32,
    pub silenced: u32,
    pub worst_firing: Severity,
    /// How many alerts appeared, changed state or resolved in this poll.
    pub changes: u32,
    /// Sources that cannot be reached and the alerts known only from them ("last known at").
    pub stale: StaleSummary,
}

pub async fn run(app: AppHandle, history_path: PathBuf, clock: Arc<dyn Clock>) {
    let mut poller: Option<AlertPoller> = None;
    let mut polled_datasources: Vec<Datasource> = Vec::new();
    let mut polled_secrets = hinomi_core::secrets::generation();
    let mut last_health: Option<String> = None;
    let mut watch_rules = WatchRulesRunner::start(&app.state::<WatchRulesState>(), clock.clone());
    let mut routes = RouteTreeCache::new(clock.clone());
    loop {
        hinomi_alerts::supervise::panic_if_asked();
        let round_started = tokio::time::Instant::now();
        let settings = app.state::<SettingsState>().snapshot().settings;
        let interval = Duration::from_secs(u64::from(settings.refresh_interval_secs.max(1)));
        let budget = round_budget(interval);
        let wanted: Vec<Datasource> = settings
            .datasources
            .iter()
            .filter(|ds| {
                matches!(
                    ds.kind,
                    DatasourceKind::Prometheus | DatasourceKind::Alertmanager
                )
            })
            .cloned()
            .collect();
        let mut source_errors = Vec::new();
        // A stored or cleared datasource secret rebuilds the clients with the new credentials.
        let secrets = hinomi_core::secrets::generation();
        if poller.is_none() || wanted != polled_datasources || secrets != polled_secrets {
            let sources: Vec<AlertSource> = wanted
                .iter()
                .filter_map(|ds| match AlertSource::for_datasource(ds) {
                    Ok(source) => Some(source),
                    Err(error) => {
                        source_errors.push(error);
                        None
                    }
                })
                .collect();
            match poller.as_mut() {
                Some(poller) => poller.set_sources(sources),
                None => match open_poller(&app, &history_path, sources, clock.clone()) {
                    Ok(opened) => {
                        restore_planner(&app, &opened);
                        poller = Some(opened);
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot open the alert history");
                        lock(&app.state::<AlertsState>().latest).history_error = Some(error);
                    }
                },
            }
            polled_datasources = wanted;
            polled_secrets = secrets;
            routes = RouteTreeCache::new(clock.clone());
        }
        if let Some(poller) = poller.as_mut() {
            // The route trees, the watch rules and the sources all at once, each within the
            // budget: a hung endpoint costs a round at most one budget.
            poller.set_round_budget(budget);
            let watch_rules_state = app.state::<WatchRulesState>();
            let local = watch_rules.evaluate(&watch_rules_state, &settings, budget);
            let (outcome, ()) = tokio::join!(
                poller.poll_with_pending(local),
                routes.refresh(&settings.datasources, budget)
            );
            let alerts = Arc::new(poller.snapshot().alerts().to_vec());
            let health = serde_json::to_string(&outcome.sources).unwrap_or_default();
            let state = app.state::<AlertsState>();
            let history_error = outcome
                .history_error
                .clone()
                .or_else(|| source_errors.into_iter().next());
            *lock(&state.latest) = Latest {
                at: Some(outcome.at),
                alerts: alerts.clone(),
                sources: outcome.sources.clone(),
                history_error,
                route_tree: routes.first(),
            };
            let mut summary = summarise(&alerts, outcome.at, outcome.changes.len());
            summary.stale = Staleness::from_health(&outcome.sources).summary(&alerts);
            tray::update(&app, &summary);
            let polled = (alerts.as_slice(), outcome.sources.as_slice());
            notifications::after_poll(&app, &state, polled, routes.trees(), &settings);
            save_planner(&state, poller, outcome.at);
            let changed =
                !outcome.changes.is_empty() || last_health.as_deref() != Some(health.as_str());
            if changed && let Err(error) = summary.emit(&app) {
                tracing::debug!(%error, "could not tell the UI about new alerts");
            }
            last_health = Some(health);
        }
        let state = app.state::<AlertsState>();
        let due = lock(&state.planner).next_due();
        // The next round starts one interval after this one started, however long it took.
        let until_next = interval.saturating_sub(round_started.elapsed());
        let wait = due
            .map(|due| (due - clock.now()).to_std().unwrap_or(Duration::ZERO))
            .map_or(until_next, |until_due| until_due.min(until_next))
            .max(Duration::from_millis(200));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = state.poll_now.notified() => {}
        }
    }
}

/// How long a round waits for slow endpoints: well inside the interval, so the healthy sources'
/// news reaches the board once per interval even while another source hangs.
fn round_budget(interval: Duration) -> Duration {
    (interval * 3 / 5).clamp(Duration::from_millis(500), Duration::from_secs(10))
}

/// Takes back what the planner remembered before the restart (told groups, snoozes).
fn restore_planner(app: &AppHandle, poller: &AlertPoller) {
    match poller.history().notification_memory() {
        Ok(Some(memory)) => lock(&app.state::<AlertsState>().planner).restore(memory),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "notification memory not restored"),
    }
}

fn save_planner(state: &AlertsState, poller: &mut AlertPoller, at: DateTime<Utc>) {
    let memory = {
        let mut planner = lock(&state.planner);
        if !planner.take_changed() {
            return;
        }
        planner.memory()
    };
    if let Err(error) = poller.history_mut().save_notification_memory(&memory, at) {
        tracing::warn!(%error, "notification memory not saved");
    }
}

/// Opens the history and the poller on it. A damaged history file is moved aside and
/// recreated; one that cannot be used at all (written by a newer Hinomi) is left untouched and
/// the session keeps its history in memory. Either way the user is told, and alerting runs.
fn open_poller(
    app: &AppHandle,
    path: &std::path::Path,
    sources: Vec<AlertSource>,
    clock: Arc<dyn Clock>,
) -> Result<AlertPoller, HinomiError> {
    let history = match AlertHistory::open_or_recover(path, clock.now()) {
        Ok((history, None)) => history,
        Ok((history, Some(recovered))) => {
            notices::history_recreated(app, &recovered);
            history
        }
        Err(error) => {
            let error = HinomiError::from(error);
            tracing::error!(%error, "alert history not usable; keeping it in memory");
            notices::history_in_memory(app, error);
            AlertHistory::in_memory().map_err(HinomiError::from)?
        }
    };
    AlertPoller::new(sources, history, clock).map_err(HinomiError::from)
}

pub fn summarise(
    alerts: &[hinomi_alerts::Alert],
    at: DateTime<Utc>,
    changes: usize,
) -> AlertsUpdated {
    let mut summary = AlertsUpdated {
        at,
        total: u32::try_from(alerts.len()).unwrap_or(u32::MAX),
        firing: 0,
        pending: 0,
        silenced: 0,
        worst_firing: Severity::None,
        changes: u32::try_from(changes).unwrap_or(u32::MAX),
        stale: StaleSummary::default(),
    };
    for alert in alerts {
        match alert.state {
            AlertState::Firing => {
                summary.firing += 1;
                summary.worst_firing = summary.worst_firing.max(alert.severity);
            }
            AlertState::Pending => summary.pending += 1,
            AlertState::Silenced | AlertState::Inhibited => summary.silenced += 1,
        }
    }
    summary
}
