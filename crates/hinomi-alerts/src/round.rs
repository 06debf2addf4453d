//! The alerts poll loop: every configured Prometheus and Alertmanager (and the personal watch
//! rules) once per refresh interval, earlier when the notification planner has something due or
//! a user action rang [`AlertsRuntime::poll_now`].
//!
//! A round reads the settings again (a datasource added in Settings is polled at the next
//! round; a changed secret restarts the fetches; every request takes its endpoint from the
//! app's one cache, so the keyring is read only when a secret changed), polls the sources and
//! reads the route trees at once within the round budget, publishes the result as the
//! runtime's [`Latest`], ticks the notification planner and saves its memory. What the desktop makes of a round — the tray, the
//! popups, the event to the UI — is the [`RoundHost`]'s business. Time is the injected clock's.

use crate::history::{AlertHistory, Recovered};
use crate::notification_prefs::AlertNotificationPrefs;
use crate::notify::{NotificationSettings, PlannedNotification, QuietHours};
use crate::poller::{AlertPoller, AlertSource, SourceResult};
use crate::routing::RouteTreeCache;
use crate::runtime::{AlertsRuntime, Latest, lock};
use crate::staleness::{StaleSummary, Staleness};
use crate::{Alert, AlertState, Severity};
use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use hinomi_core::clock::Clock;
use hinomi_core::settings::{Datasource, DatasourceKind};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A round in numbers: what the tray shows and the UI is told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AlertsSummary {
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

/// Counts `alerts` by state; `stale` is left empty.
pub fn summarise(alerts: &[Alert], at: DateTime<Utc>, changes: usize) -> AlertsSummary {
    let mut summary = AlertsSummary {
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

/// What one round gives the desktop.
#[derive(Debug, Clone)]
pub struct RoundReport {
    pub summary: AlertsSummary,
    /// Alerts or some source's health changed: worth telling the UI.
    pub changed: bool,
    /// Notifications to show now (empty while notifications are paused).
    pub deliver: Vec<PlannedNotification>,
}

/// The history file could not be used as it was; alerting runs on, and the user is told.
#[derive(Debug, Clone)]
pub enum HistoryNotice {
    /// It was unreadable, moved aside and replaced by an empty one.
    Recreated(Recovered),
    /// It cannot be used at all (written by a newer Hinomi): this session keeps it in memory.
    InMemory(HinomiError),
}

/// What a round reads of the settings. The app's settings (`hinomi-settings`, which composes
/// this crate's section with the others) implement it; the alerts crate cannot name that type.
pub trait RoundSettings: Send + Sync {
    /// How often the sources are polled.
    fn refresh_interval_secs(&self) -> u32;
    fn datasources(&self) -> &[Datasource];
    fn alert_notifications(&self) -> &AlertNotificationPrefs;
}

/// The loop's outside world.
pub trait RoundHost: Send {
    /// The app's settings.
    type Settings: RoundSettings;
    /// The settings now.
    fn settings(&self) -> Self::Settings;
    /// The watch rules' answer for this round, given at most `budget`: one more source.
    fn watch_rules(
        &mut self,
        settings: &Self::Settings,
        budget: Duration,
    ) -> impl Future<Output = Vec<SourceResult>> + Send;
    fn history_notice(&self, notice: HistoryNotice);
    /// After every round that polled.
    fn after_round(&self, report: RoundReport);
}

/// The route semantics of the monitoring spec, polled at the app's refresh interval, with the
/// person's do-not-disturb, quiet hours and escalation from the settings.
pub fn notification_settings(settings: &impl RoundSettings) -> NotificationSettings {
    let prefs = settings.alert_notifications();
    let quiet_hours = match (&prefs.quiet_hours_start, &prefs.quiet_hours_end) {
        (Some(start), Some(end)) => vec![QuietHours {
            start: start.clone(),
            end: end.clone(),
        }],
        _ => Vec::new(),
    };
    NotificationSettings {
        poll_interval_secs: settings.refresh_interval_secs().max(1),
        utc_offset_minutes: chrono::Local::now().offset().local_minus_utc() / 60,
        do_not_disturb: prefs.do_not_disturb,
        critical_through_dnd: prefs.critical_through_dnd,
        quiet_hours,
        escalate_after_secs: (prefs.escalate_after_minutes > 0)
            .then(|| prefs.escalate_after_minutes.saturating_mul(60)),
        ..NotificationSettings::default()
    }
}

/// How long a round waits for slow endpoints: well inside the interval, so the healthy sources'
/// news reaches the board once per interval even while another source hangs.
pub fn round_budget(interval: Duration) -> Duration {
    (interval * 3 / 5).clamp(Duration::from_millis(500), Duration::from_secs(10))
}

/// How long a resolved alert episode is kept. Dashboards' alert annotations and an alert's own
/// history read back through it; without a limit the file, and the integrity check every start
/// runs over it, only grow (about 600 bytes an episode).
pub const HISTORY_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(90);

/// How often the loop forgets episodes past [`HISTORY_RETENTION`]: at its first poll, then daily.
const PRUNE_EVERY: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// The loop's own state between rounds.
pub struct PollLoop<H> {
    host: H,
    history_path: PathBuf,
    clock: Arc<dyn Clock>,
    /// When the history is next pruned; `None` until the first poll.
    next_prune: Option<DateTime<Utc>>,
    poller: Option<AlertPoller>,
    polled_datasources: Vec<Datasource>,
    polled_secrets: u64,
    last_health: Option<String>,
    routes: RouteTreeCache,
    held_back: held_back::HeldBackLog,
}

impl<H: RoundHost> PollLoop<H> {
    /// The history is opened at the first round, at `history_path`.
    pub fn new(host: H, history_path: PathBuf, clock: Arc<dyn Clock>) -> Self {
        Self {
            host,
            history_path,
            routes: RouteTreeCache::new(clock.clone()),
            clock,
            next_prune: None,
            poller: None,
            polled_datasources: Vec::new(),
            polled_secrets: hinomi_core::secrets::generation(),
            last_health: None,
            held_back: held_back::HeldBackLog::default(),
        }
    }

    /// Rounds until the task is dropped, each one interval after the last began (earlier when
    /// the planner has one due or [`AlertsRuntime::poll_now`] rings).
    pub async fn run(mut self, runtime: Arc<AlertsRuntime>) {
        loop {
            crate::supervise::panic_if_asked();
            let wait = self.round(&runtime).await;
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = runtime.poll_now.notified() => {}
            }
        }
    }

    /// One round; how long to wait before the next.
    pub async fn round(&mut self, runtime: &AlertsRuntime) -> Duration {
        let started = self.clock.now();
        let settings = self.host.settings();
        let interval = Duration::from_secs(u64::from(settings.refresh_interval_secs().max(1)));
        let budget = round_budget(interval);
        let source_errors = self.follow_settings(runtime, &settings);
        if let Some(mut poller) = self.poller.take() {
            self.poll(runtime, &mut poller, &settings, budget, source_errors)
                .await;
            self.poller = Some(poller);
        }
        let due = lock(&runtime.planner).next_due();
        let now = self.clock.now();
        let elapsed = (now - started).to_std().unwrap_or(Duration::ZERO);
        let until_next = interval.saturating_sub(elapsed);
        due.map(|due| (due - now).to_std().unwrap_or(Duration::ZERO))
            .map_or(until_next, |until_due| until_due.min(until_next))
            .max(Duration::from_millis(200))
    }

    /// Rebuilds the sources when the datasources or their secrets changed (opening the history
    /// at the first round); the datasources that could not be made into sources, with why.
    fn follow_settings(
        &mut self,
        runtime: &AlertsRuntime,
        settings: &H::Settings,
    ) -> Vec<HinomiError> {
        let wanted: Vec<Datasource> = settings
            .datasources()
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
        let secrets = hinomi_core::secrets::generation();
        if self.poller.is_some()
            && wanted == self.polled_datasources
            && secrets == self.polled_secrets
        {
            return source_errors;
        }
        let sources: Vec<AlertSource> = wanted
            .iter()
            .filter_map(
                |ds| match AlertSource::for_datasource(ds, runtime.endpoints().clone()) {
                    Ok(source) => Some(source),
                    Err(error) => {
                        source_errors.push(HinomiError::from(error));
                        None
                    }
                },
            )
            .collect();
        match self.poller.as_mut() {
            Some(poller) => poller.set_sources(sources),
            None => match self.open_poller(sources) {
                Ok(opened) => {
                    match opened.history().notification_memory() {
                        Ok(Some(memory)) => lock(&runtime.planner).restore(memory),
                        Ok(None) => {}
                        Err(error) => tracing::warn!(%error, "notification memory not restored"),
                    }
                    self.poller = Some(opened);
                }
                Err(error) => {
                    tracing::error!(%error, "cannot open the alert history");
                    lock(&runtime.latest).history_error = Some(error);
                }
            },
        }
        self.polled_datasources = wanted;
        self.polled_secrets = secrets;
        self.routes = RouteTreeCache::new(self.clock.clone());
        source_errors
    }

    async fn poll(
        &mut self,
        runtime: &AlertsRuntime,
        poller: &mut AlertPoller,
        settings: &H::Settings,
        budget: Duration,
        source_errors: Vec<HinomiError>,
    ) {
        // The route trees, the watch rules and the sources all at once, each within the
        // budget: a hung endpoint costs a round at most one budget.
        poller.set_round_budget(budget);
        let local = self.host.watch_rules(settings, budget);
        let (outcome, ()) = tokio::join!(
            poller.poll_with_pending(local),
            self.routes.refresh(
                runtime.endpoints().endpoint_cache(),
                settings.datasources(),
                budget,
            )
        );
        let alerts = Arc::new(poller.snapshot().alerts().to_vec());
        let health = serde_json::to_string(&outcome.sources).unwrap_or_default();
        let history_error = outcome
            .history_error
            .clone()
            .or_else(|| source_errors.into_iter().next());
        *lock(&runtime.latest) = Latest {
            at: Some(outcome.at),
            alerts: alerts.clone(),
            sources: outcome.sources.clone(),
            history_error,
            route_tree: self.routes.first(),
        };
        let mut summary = summarise(&alerts, outcome.at, outcome.changes.len());
        summary.stale = Staleness::from_health(&outcome.sources).summary(&alerts);
        let deliver = self.tick_planner(runtime, &alerts, &outcome.sources, settings);
        save_planner(runtime, poller, outcome.at);
        self.prune_history(poller, outcome.at);
        let changed =
            !outcome.changes.is_empty() || self.last_health.as_deref() != Some(health.as_str());
        self.last_health = Some(health);
        self.host.after_round(RoundReport {
            summary,
            changed,
            deliver,
        });
    }

    /// The planner's notifications due now; none while notifications are paused (the planner
    /// counts them as told, as before a pause ends nothing old pops up).
    fn tick_planner(
        &mut self,
        runtime: &AlertsRuntime,
        alerts: &[Alert],
        sources: &[crate::poller::SourceHealth],
        settings: &H::Settings,
    ) -> Vec<PlannedNotification> {
        let outcome = {
            let mut planner = lock(&runtime.planner);
            if let Err(error) = planner.set_settings(&notification_settings(settings)) {
                tracing::warn!(%error, "notification settings rejected");
            }
            planner.set_route_trees(self.routes.trees());
            planner.tick(alerts, sources)
        };
        self.held_back.log(&outcome.held_back);
        let now = self.clock.now();
        if lock(&runtime.paused_until).is_some_and(|until| until > now) {
            if !outcome.deliver.is_empty() {
                tracing::info!(
                    count = outcome.deliver.len(),
                    "notifications paused; not shown"
                );
            }
            return Vec::new();
        }
        outcome.deliver
    }

    /// Forgets the episodes that resolved more than [`HISTORY_RETENTION`] ago, once a day.
    fn prune_history(&mut self, poller: &mut AlertPoller, now: DateTime<Utc>) {
        if self.next_prune.is_some_and(|next| now < next) {
            return;
        }
        self.next_prune = Some(now + PRUNE_EVERY);
        match poller
            .history_mut()
            .forget_resolved_before(now - HISTORY_RETENTION)
        {
            Ok(0) => {}
            Ok(forgotten) => {
                tracing::info!(forgotten, "alert episodes past the retention forgotten")
            }
            Err(error) => tracing::warn!(%error, "alert history not pruned"),
        }
    }

    /// Opens the history and the poller on it. A damaged history file is moved aside and
    /// recreated; one that cannot be used at all (written by a newer Hinomi) is left untouched
    /// and the session keeps its history in memory. Either way the user is told, and alerting
    /// runs.
    fn open_poller(&self, sources: Vec<AlertSource>) -> Result<AlertPoller, HinomiError> {
        let history = match AlertHistory::open_or_recover(&self.history_path, self.clock.now()) {
            Ok((history, None)) => history,
            Ok((history, Some(recovered))) => {
                self.host
                    .history_notice(HistoryNotice::Recreated(recovered));
                history
            }
            Err(error) => {
                let error = HinomiError::from(error);
                tracing::error!(%error, "alert history not usable; keeping it in memory");
                self.host.history_notice(HistoryNotice::InMemory(error));
                AlertHistory::in_memory().map_err(HinomiError::from)?
            }
        };
        AlertPoller::new(sources, history, self.clock.clone()).map_err(HinomiError::from)
    }
}

/// Saves what the planner remembers (told groups, snoozes) when it changed.
fn save_planner(runtime: &AlertsRuntime, poller: &mut AlertPoller, at: DateTime<Utc>) {
    let memory = {
        let mut planner = lock(&runtime.planner);
        if !planner.take_changed() {
            return;
        }
        planner.memory()
    };
    if let Err(error) = poller.history_mut().save_notification_memory(&memory, at) {
        tracing::warn!(%error, "notification memory not saved");
    }
}

mod held_back;
#[cfg(test)]
mod tests;
