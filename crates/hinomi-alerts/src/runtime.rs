//! What the running alerts domain shares between its poll loop and the user's actions: the
//! latest poll, the notification planner, the notification pause, notices about alerting
//! itself, and the "poll now" bell; the board the UI asks for is read from it ([`view`]). The
//! shell keeps one [`AlertsRuntime`] in its managed state; [`crate::round`] writes it.
//!
//! Lock order: [`AlertsRuntime::latest`] before [`AlertsRuntime::planner`]; the methods here
//! are the only places that hold both.

use crate::acknowledge::{Acknowledged, IncidentLink, alertmanager_for};
use crate::board::Grouping;
use crate::endpoints::SharedEndpoints;
use crate::notify::NotificationPlanner;
use crate::poller::SourceHealth;
use crate::routing::RouteTree;
use crate::silences::SilenceDraft;
use crate::sources::AlertmanagerClient;
use crate::{Alert, LabelSet};
use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use hinomi_core::clock::Clock;
use hinomi_core::settings::Datasource;
use std::sync::{Arc, Mutex, MutexGuard};

pub mod view;
pub use view::{AlertBoard, BoardQuery};

/// What the last poll saw. Replaced whole after each poll, so a reader never waits for one.
#[derive(Default)]
pub struct Latest {
    pub at: Option<DateTime<Utc>>,
    pub alerts: Arc<Vec<Alert>>,
    pub sources: Vec<SourceHealth>,
    pub history_error: Option<HinomiError>,
    /// The first Alertmanager's route tree: the board groups like it (Karma-like).
    pub route_tree: Option<Arc<RouteTree>>,
}

impl Latest {
    /// How the board groups: like the first Alertmanager's route, else by the seed's labels.
    pub fn grouping(&self) -> Grouping {
        self.route_tree
            .clone()
            .map_or_else(Grouping::default, Grouping::Route)
    }

    /// The notification planner's groups that a board group (by its labels) belongs to.
    pub fn planner_keys(&self, planner: &NotificationPlanner, labels: &LabelSet) -> Vec<String> {
        planner.group_keys_of_board_group(&self.alerts, &self.grouping(), labels)
    }

    /// The alerts of the board group with these labels. A group named by another route tree
    /// (a notification's, from a second Alertmanager) is found by its labels instead: every
    /// alert that carries all of them.
    pub fn group_alerts(&self, labels: &LabelSet) -> Vec<Alert> {
        let grouping = self.grouping();
        let grouped: Vec<Alert> = self
            .alerts
            .iter()
            .filter(|alert| grouping.group_of(&alert.labels).2 == *labels)
            .cloned()
            .collect();
        if !grouped.is_empty() {
            return grouped;
        }
        self.alerts
            .iter()
            .filter(|alert| {
                labels
                    .iter()
                    .all(|(name, value)| alert.labels.get(name) == Some(value))
            })
            .cloned()
            .collect()
    }
}

/// The alerts domain's shared state; see the module documentation.
pub struct AlertsRuntime {
    pub latest: Mutex<Latest>,
    pub planner: Mutex<NotificationPlanner>,
    /// Desktop notifications are not shown before this (tray "Pause notifications 1h").
    pub paused_until: Mutex<Option<DateTime<Utc>>>,
    /// Wakes the poll loop for an immediate round (after a silence changed).
    pub poll_now: tokio::sync::Notify,
    /// Notices about alerting itself (history replaced, poller restarted), newest last.
    pub notices: Mutex<Vec<HinomiError>>,
    clock: Arc<dyn Clock>,
    /// The app's one endpoint cache: the poll, the route trees and acknowledging ask through it.
    endpoints: SharedEndpoints,
    /// Who acknowledges: the name silences are created by and incident entries written by.
    user: String,
}

/// A poisoned lock still holds sound data here: every writer replaces whole values.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// At most this many notices about alerting itself are kept; the oldest go first.
pub const NOTICES_KEPT: usize = 5;

/// How long an acknowledgement's silence lasts unless asked otherwise.
pub const ACKNOWLEDGE_MINUTES: u32 = 60;

impl AlertsRuntime {
    pub fn new(
        planner: NotificationPlanner,
        clock: Arc<dyn Clock>,
        endpoints: SharedEndpoints,
    ) -> Self {
        Self {
            latest: Mutex::new(Latest::default()),
            planner: Mutex::new(planner),
            paused_until: Mutex::new(None),
            poll_now: tokio::sync::Notify::new(),
            notices: Mutex::new(Vec::new()),
            clock,
            endpoints,
            user: hinomi_core::user::current_user(),
        }
    }

    /// Acts as another user (tests).
    pub fn with_user(mut self, user: impl Into<String>) -> Self {
        self.user = user.into();
        self
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn endpoints(&self) -> &SharedEndpoints {
        &self.endpoints
    }

    /// Pauses desktop notifications for `minutes` (0 resumes them); until when.
    pub fn pause(&self, minutes: u32) -> Option<DateTime<Utc>> {
        let until =
            (minutes > 0).then(|| self.clock.now() + chrono::Duration::minutes(i64::from(minutes)));
        *lock(&self.paused_until) = until;
        until
    }

    /// Snoozes (or wakes, `None`) every notification group the board group with these labels
    /// belongs to. The loop saves the planner's memory after the round this wakes.
    pub fn snooze(&self, labels: &LabelSet, until: Option<DateTime<Utc>>) {
        {
            let latest = lock(&self.latest);
            let mut planner = lock(&self.planner);
            for key in latest.planner_keys(&planner, labels) {
                match until {
                    Some(until) => planner.snooze(&key, until),
                    None => planner.unsnooze(&key),
                }
            }
        }
        self.poll_now.notify_one();
    }

    /// Keeps a notice about alerting itself for the board; the oldest go beyond [`NOTICES_KEPT`].
    pub fn raise_notice(&self, notice: HinomiError) {
        tracing::warn!(message = %notice.message, "alerting notice");
        let mut notices = lock(&self.notices);
        notices.push(notice);
        let excess = notices.len().saturating_sub(NOTICES_KEPT);
        notices.drain(..excess);
    }

    /// Acknowledges the group with these labels, the same from the board and from a desktop
    /// notification: a silence of `minutes` over the group labels on the Alertmanager
    /// [`alertmanager_for`] picks, no more notifications for the group's notification groups
    /// (`also`: one more key, e.g. the notification's own) until they change, and the group's
    /// alerts pinned on the user's open incident in one transaction (`incidents`). `None` when
    /// no Alertmanager is configured (nothing is done). A failed silence fails the whole; a
    /// failure on the incident side comes back in [`Acknowledged::incident_error`] beside the
    /// silence that was made.
    pub async fn acknowledge_group(
        &self,
        datasources: &[Datasource],
        labels: &LabelSet,
        also: Option<&str>,
        minutes: u32,
        incidents: &impl IncidentLink,
    ) -> Result<Option<Acknowledged>, HinomiError> {
        let (alerts, mut keys) = {
            let latest = lock(&self.latest);
            let planner = lock(&self.planner);
            (
                latest.group_alerts(labels),
                latest.planner_keys(&planner, labels),
            )
        };
        keys.extend(also.map(str::to_owned));
        let Some(alertmanager) = alertmanager_for(datasources, &alerts) else {
            return Ok(None);
        };
        let draft = SilenceDraft::for_alert(
            labels,
            self.clock.now(),
            std::time::Duration::from_secs(u64::from(minutes.max(1)) * 60),
            self.user.clone(),
            crate::acknowledge::ACKNOWLEDGE_COMMENT,
        );
        let endpoint = self
            .endpoints
            .endpoint_cache()
            .endpoint(alertmanager)
            .await?;
        let silence_id = AlertmanagerClient::from_endpoint(endpoint)
            .create_silence(&draft)
            .await?;
        {
            let mut planner = lock(&self.planner);
            for key in &keys {
                planner.acknowledge(key);
            }
        }
        self.poll_now.notify_one();
        let (incident, incident_error) = match incidents.attach(&self.user, &alerts).await {
            Ok(incident) => (incident, None),
            Err(error) => {
                tracing::warn!(%error, "acknowledged group not added to the incident");
                (None, Some(error))
            }
        };
        Ok(Some(Acknowledged {
            silence_id,
            datasource_id: alertmanager.id.clone(),
            incident,
            incident_error,
        }))
    }
}

#[cfg(test)]
mod tests;
