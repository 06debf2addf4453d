//! Over 400 lines: the planner state machine; its parts are already submodules.
//! Planning desktop notifications: which ones to show, and when.
//!
//! The shell shows them (this crate has no notification library); here is only the decision,
//! so it is tested with a fake clock instead of by waiting. Alerts are grouped and timed the way
//! the live route tree of the Alertmanager that reported them does it (group_by, group_wait,
//! group_interval, repeat_interval, the receiver's send_resolved; see `routes`), or the seed's
//! route when no tree is known, so a storm of 1,000 alerts in 5 groups is 5 notifications, not
//! 1,000. On top of that come the desktop's own rules: do-not-disturb, quiet
//! hours, per-group snooze, critical alerts allowed through, escalation of unacknowledged
//! critical groups, and notices when monitoring itself goes blind.
//!
//! Call [`NotificationPlanner::tick`] after every poll and again at
//! [`NotificationPlanner::next_due`].

mod body;
mod group;
mod memory;
mod routes;
mod settings;
mod watch;

use crate::alert::{
    Alert, AlertState, FingerprintMap, FingerprintSet, LabelSet, Severity, fingerprint_key,
};
use crate::error::AlertsError;
use crate::poller::SourceHealth;
use crate::routing::RouteTree;
pub use body::{escape_markup, notification_body};
use chrono::{DateTime, Utc};
use group::AggregationGroup;
use hinomi_core::HinomiError;
use hinomi_core::clock::Clock;
pub use memory::{KEY_SCHEME, PlannerMemory, RememberedGroup};
use routes::{RouteGrouping, RoutePlans};
use serde::{Deserialize, Serialize};
use settings::Policy;
pub use settings::{NotificationSettings, QuietHours, Suppression};
use specta::Type;
use std::collections::HashMap;
use std::sync::Arc;
use watch::PipelineWatch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A group's first notification.
    Firing,
    /// New alerts joined the group, or (with send_resolved) some of it resolved.
    Changed,
    /// Nothing changed, but repeat_interval has passed.
    Repeat,
    /// Every alert of the group resolved.
    Resolved,
    /// A critical group nobody acknowledged: tell again, louder.
    Escalation,
    /// Hinomi cannot reach a source: what it shows may be stale.
    SourceUnreachable,
    SourceRecovered,
    /// A source stopped reporting the always-firing Watchdog: its alert pipeline is broken.
    WatchdogSilent,
    WatchdogBack,
}

impl NotificationKind {
    /// Things getting better: never worth breaking do-not-disturb for.
    pub fn is_good_news(self) -> bool {
        matches!(
            self,
            Self::Resolved | Self::SourceRecovered | Self::WatchdogBack
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlannedNotification {
    pub kind: NotificationKind,
    /// The group: its route tree (`seed`, or `am:<datasource id>`), route path and group
    /// labels (`am:demo-am:root.0:{alertname="HighErrorRate", severity="critical"}`); or
    /// `source:<id>` / `watchdog:<id>:<fingerprint>` for notices about monitoring itself.
    /// Snooze and acknowledge take this key.
    pub group_key: String,
    pub group_labels: LabelSet,
    pub firing_count: u32,
    pub resolved_count: u32,
    pub worst_severity: Severity,
    /// The first `summary` annotation in the group (the oldest alert's), or the source's error.
    pub summary: Option<String>,
    /// Escalations ask the shell to be more insistent (sound, urgency, no auto-dismiss).
    pub louder: bool,
    /// The datasource a monitoring notice is about.
    pub datasource_id: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct HeldBack {
    pub notification: PlannedNotification,
    pub reason: Suppression,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct TickOutcome {
    /// Show these now.
    pub deliver: Vec<PlannedNotification>,
    /// Due, but held back; they come again once the reason is gone.
    pub held_back: Vec<HeldBack>,
}

/// A notification group as the UI lists it (to acknowledge or snooze it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct NotificationGroupStatus {
    pub key: String,
    pub labels: LabelSet,
    pub firing_count: u32,
    pub worst_severity: Severity,
    pub next_flush: DateTime<Utc>,
    pub last_notified_at: Option<DateTime<Utc>>,
    pub acknowledged: bool,
    pub snoozed_until: Option<DateTime<Utc>>,
}

pub struct NotificationPlanner {
    policy: Policy,
    clock: Arc<dyn Clock>,
    routes: RoutePlans,
    /// By group id: a hash of route tree, route and the fingerprint of the group's labels.
    groups: FingerprintMap<AggregationGroup>,
    /// Counts ticks, to tell which members a tick saw.
    ticks: u64,
    snoozed: HashMap<String, DateTime<Utc>>,
    watch: PipelineWatch,
    /// Something worth remembering over a restart changed since [`Self::take_changed`].
    changed: bool,
}

impl NotificationPlanner {
    pub fn new(
        settings: &NotificationSettings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AlertsError> {
        let policy = Policy::new(settings)?;
        Ok(Self {
            routes: RoutePlans::new(fallback_tree(settings), settings.send_resolved),
            policy,
            clock,
            groups: FingerprintMap::default(),
            ticks: 0,
            snoozed: HashMap::new(),
            watch: PipelineWatch::default(),
            changed: false,
        })
    }

    /// The planner for `settings`, or, when they cannot be used (a hand-edited quiet-hours
    /// time that is not a time), for the defaults with the same poll interval, together with
    /// why. Alerting must start either way: a monitoring console that refuses to open over a
    /// notification preference is worse than one that says so on its alerts board.
    pub fn new_or_default(
        settings: &NotificationSettings,
        clock: Arc<dyn Clock>,
    ) -> (Self, Option<HinomiError>) {
        match Self::new(settings, clock.clone()) {
            Ok(planner) => (planner, None),
            Err(error) => {
                let fallback = NotificationSettings {
                    poll_interval_secs: settings.poll_interval_secs.max(1),
                    ..NotificationSettings::default()
                };
                let planner = Self::new(&fallback, clock)
                    .expect("the default notification settings are valid");
                let notice = AlertsError::NotificationDefaultsApply(Box::new(error));
                (planner, Some(notice.into()))
            }
        }
    }

    /// New settings apply from the next tick. The fallback route (for alerts without a known
    /// route tree) is rebuilt when its grouping, timings or send_resolved changed; groups
    /// whose key stays the same keep their state.
    pub fn set_settings(&mut self, settings: &NotificationSettings) -> Result<(), AlertsError> {
        let policy = Policy::new(settings)?;
        let same_route = policy.group_by == self.policy.group_by
            && policy.group_wait == self.policy.group_wait
            && policy.group_interval == self.policy.group_interval
            && policy.repeat_interval == self.policy.repeat_interval
            && policy.send_resolved == self.policy.send_resolved;
        if !same_route {
            let alertmanagers = std::mem::replace(
                &mut self.routes,
                RoutePlans::new(fallback_tree(settings), settings.send_resolved),
            );
            self.routes.set_alertmanagers(&alertmanagers.trees());
        }
        self.policy = policy;
        Ok(())
    }

    /// The live route trees of the Alertmanagers, by datasource id. Alerts an Alertmanager
    /// reported are grouped and timed by its tree from the next tick; the others by the
    /// fallback route. After a configuration reload, groups whose key (tree, route path,
    /// group labels) is unchanged keep their state and take the new timings.
    pub fn set_route_trees(&mut self, trees: &[(String, Arc<RouteTree>)]) {
        let unchanged = trees.len() == self.routes.alertmanager_count()
            && trees
                .iter()
                .all(|(id, tree)| self.routes.has_tree(id, tree));
        if !unchanged {
            self.routes.set_alertmanagers(trees);
        }
    }

    /// The keys of the groups an alert belongs to (one per matched route), whether or not
    /// those groups exist yet: what snoozing or acknowledging the alert's board group means.
    pub fn group_keys_of(&self, alert: &Alert) -> Vec<String> {
        let mut found = Vec::new();
        self.routes.groupings_of(alert, &mut found);
        found
            .into_iter()
            .map(|route| route.key(&route.group_by.group_labels(&alert.labels)))
            .collect()
    }

    /// The keys of the groups the board group with these group labels belongs to: those of
    /// its alerts (the board groups by the first route of the first Alertmanager's tree).
    pub fn group_keys_of_board_group(
        &self,
        alerts: &[Alert],
        grouping: &crate::board::Grouping,
        board_group_labels: &LabelSet,
    ) -> Vec<String> {
        let mut keys: Vec<String> = alerts
            .iter()
            .filter(|alert| grouping.group_of(&alert.labels).2 == *board_group_labels)
            .flat_map(|alert| self.group_keys_of(alert))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Until when an alert's groups are snoozed (the latest of them), if they are.
    pub fn snoozed_until_of(&self, alert: &Alert) -> Option<DateTime<Utc>> {
        if self.snoozed.is_empty() {
            return None;
        }
        let now = self.clock.now();
        self.group_keys_of(alert)
            .iter()
            .filter_map(|key| self.snoozed.get(key).copied())
            .filter(|until| *until > now)
            .max()
    }

    /// Feeds the latest alerts and source health and returns what to show now.
    pub fn tick(&mut self, alerts: &[Alert], sources: &[SourceHealth]) -> TickOutcome {
        let now = self.clock.now();
        let snoozes = self.snoozed.len();
        self.snoozed.retain(|_, until| *until > now);
        self.changed |= snoozes != self.snoozed.len();
        self.regroup(alerts, now);
        let mut outcome = TickOutcome::default();
        self.flush_due_groups(now, &mut outcome);
        self.escalate(now, &mut outcome);
        let blind_after = self.policy.blind_after;
        let mut notices = self.watch.check_sources(now, sources, blind_after);
        notices.extend(self.watch.check_watchdogs(
            now,
            alerts,
            &self.policy.watchdog_alertname,
            blind_after,
        ));
        for notice in notices {
            if self.offer(notice, now, &mut outcome) {
                let delivered = outcome.deliver.last().cloned();
                if let Some(delivered) = delivered {
                    self.watch.delivered(&delivered);
                }
            }
        }
        outcome
    }

    /// When the next group flush or escalation is due, so the shell can tick then even if no
    /// poll happens.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        let flushes = self.groups.values().map(|group| group.next_flush);
        let escalations = self
            .groups
            .values()
            .filter_map(|group| self.escalation_due_at(group));
        flushes.chain(escalations).min()
    }

    /// Stops escalation for a group until it resolves.
    pub fn acknowledge(&mut self, group_key: &str) -> bool {
        let found = self
            .groups
            .values_mut()
            .find(|group| group.key == group_key)
            .map(|group| group.acknowledged = true)
            .is_some();
        self.changed |= found;
        found
    }

    /// Holds back every notification of a group (or monitoring notice) until `until`.
    pub fn snooze(&mut self, group_key: &str, until: DateTime<Utc>) {
        self.snoozed.insert(group_key.to_owned(), until);
        self.changed = true;
    }

    pub fn unsnooze(&mut self, group_key: &str) {
        self.changed |= self.snoozed.remove(group_key).is_some();
    }

    /// Snoozed groups (by key) and until when, soonest first.
    pub fn snoozes(&self) -> Vec<(String, DateTime<Utc>)> {
        let now = self.clock.now();
        let mut snoozes: Vec<(String, DateTime<Utc>)> = self
            .snoozed
            .iter()
            .filter(|(_, until)| **until > now)
            .map(|(key, until)| (key.clone(), *until))
            .collect();
        snoozes.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        snoozes
    }

    /// True once after anything in [`Self::memory`] changed: time to save it.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// What to save so a restart neither repeats notifications nor forgets snoozes.
    pub fn memory(&self) -> PlannerMemory {
        let mut groups: Vec<RememberedGroup> = self
            .groups
            .iter()
            .map(|(id, group)| RememberedGroup::of(*id, group))
            .collect();
        groups.sort_by(|a, b| a.key.cmp(&b.key));
        PlannerMemory {
            key_scheme: memory::KEY_SCHEME,
            group_by: self.policy.group_by.names(),
            groups,
            snoozed: self.snoozes(),
        }
    }

    /// Takes back what [`Self::memory`] saved. Groups saved before keys named the route tree
    /// (an older Hinomi) are dropped, and so are fallback-route groups made with another
    /// fallback `group_by` (their ids mean other groups now). Restored groups flush no sooner
    /// than their group_wait from now, so the first poll after the restart has time to answer.
    pub fn restore(&mut self, memory: PlannerMemory) {
        let now = self.clock.now();
        if memory.key_scheme == memory::KEY_SCHEME {
            let same_fallback = memory.group_by == self.policy.group_by.names();
            for remembered in memory.groups {
                if !same_fallback && remembered.key.starts_with(routes::FALLBACK_TREE) {
                    continue;
                }
                let id = remembered.id;
                self.groups.insert(id, remembered.restore(now));
            }
        }
        self.snoozed
            .extend(memory.snoozed.into_iter().filter(|(_, until)| *until > now));
    }

    pub fn groups(&self) -> Vec<NotificationGroupStatus> {
        let mut groups: Vec<NotificationGroupStatus> = self
            .groups
            .values()
            .map(|group| NotificationGroupStatus {
                key: group.key.clone(),
                labels: group.labels.clone(),
                firing_count: u32::try_from(group.firing.len()).unwrap_or(u32::MAX),
                worst_severity: group.worst_firing(),
                next_flush: group.next_flush,
                last_notified_at: group.last_delivered_at,
                acknowledged: group.acknowledged,
                snoozed_until: self.snoozed.get(&group.key).copied(),
            })
            .collect();
        groups.sort_by(|a, b| {
            b.worst_severity
                .cmp(&a.worst_severity)
                .then_with(|| a.key.cmp(&b.key))
        });
        groups
    }

    /// Puts every firing alert into its group(s), one per matched route; groups are created
    /// with their route's group_wait.
    fn regroup(&mut self, alerts: &[Alert], now: DateTime<Utc>) {
        self.ticks += 1;
        let tick = self.ticks;
        let mut matched: Vec<&RouteGrouping> = Vec::new();
        for alert in alerts {
            // The Watchdog always fires; its absence is what matters (see `watch`).
            if alert.state != AlertState::Firing
                || alert.alertname() == self.policy.watchdog_alertname
            {
                continue;
            }
            matched.clear();
            self.routes.groupings_of(alert, &mut matched);
            let fingerprint = fingerprint_key(&alert.fingerprint);
            for route in &matched {
                let group = self.groups.entry(route.id(alert)).or_insert_with(|| {
                    self.changed = true;
                    let labels = route.group_by.group_labels(&alert.labels);
                    let first_flush = now + route.rules.group_wait;
                    AggregationGroup::new(route.key(&labels), labels, route.rules, first_flush)
                });
                group.rules = route.rules;
                group.observe(fingerprint, alert, tick);
            }
        }
        // Only when some alert left a group does it matter which alerts still exist at all.
        let present: FingerprintSet = if self.groups.values().any(AggregationGroup::has_leavers) {
            alerts
                .iter()
                .map(|alert| fingerprint_key(&alert.fingerprint))
                .collect()
        } else {
            FingerprintSet::default()
        };
        for group in self.groups.values_mut() {
            group.sweep(tick, |fingerprint| present.contains(&fingerprint));
        }
    }

    /// Group ids ordered by their printed key, so output order does not depend on hashing.
    fn ids_where(&self, wanted: impl Fn(&AggregationGroup) -> bool) -> Vec<u64> {
        let mut due: Vec<(&str, u64)> = self
            .groups
            .iter()
            .filter(|(_, group)| wanted(group))
            .map(|(id, group)| (group.key.as_str(), *id))
            .collect();
        due.sort_unstable();
        due.into_iter().map(|(_, id)| id).collect()
    }

    fn flush_due_groups(&mut self, now: DateTime<Utc>, outcome: &mut TickOutcome) {
        for id in self.ids_where(|group| group.next_flush <= now) {
            let Some(mut group) = self.groups.remove(&id) else {
                continue;
            };
            self.changed = true;
            let interval = group.rules.group_interval.max(chrono::Duration::seconds(1));
            while group.next_flush <= now {
                group.next_flush += interval;
            }
            match group.decide(now) {
                None => group.resolved.clear(),
                Some(kind) => {
                    let notice = group.notification(kind, now, true);
                    let silent_resolution = kind == NotificationKind::Resolved
                        && (!group.rules.send_resolved || notice.resolved_count == 0);
                    if silent_resolution {
                        // Alertmanager records it so the group is cleared, but sends nothing.
                        group.record_sent(now);
                    } else if self.offer(notice, now, outcome) {
                        group.record_sent(now);
                        group.last_delivered_at = Some(now);
                        if group.worst_firing() == Severity::Critical {
                            group.critical_notified_at.get_or_insert(now);
                        }
                    }
                }
            }
            if !group.is_finished() {
                self.groups.insert(id, group);
            }
        }
    }

    fn escalation_due_at(&self, group: &AggregationGroup) -> Option<DateTime<Utc>> {
        let after = self.policy.escalate_after?;
        if group.acknowledged || group.escalated {
            return None;
        }
        group.critical_notified_at.map(|at| at + after)
    }

    fn escalate(&mut self, now: DateTime<Utc>, outcome: &mut TickOutcome) {
        let due = self.ids_where(|group| self.escalation_due_at(group).is_some_and(|at| at <= now));
        for id in due {
            let Some(group) = self.groups.get(&id) else {
                continue;
            };
            let notice = group.notification(NotificationKind::Escalation, now, false);
            if self.offer(notice, now, outcome)
                && let Some(group) = self.groups.get_mut(&id)
            {
                group.escalated = true;
                group.last_delivered_at = Some(now);
                self.changed = true;
            }
        }
    }

    /// Applies snooze, do-not-disturb and quiet hours; true if the notification goes out.
    fn offer(
        &self,
        notice: PlannedNotification,
        now: DateTime<Utc>,
        outcome: &mut TickOutcome,
    ) -> bool {
        let reason = if self.snoozed.contains_key(&notice.group_key) {
            Some(Suppression::Snoozed)
        } else {
            let urgent = notice.worst_severity == Severity::Critical && !notice.kind.is_good_news();
            self.policy.gate(now, urgent)
        };
        match reason {
            Some(reason) => {
                outcome.held_back.push(HeldBack {
                    notification: notice,
                    reason,
                });
                false
            }
            None => {
                outcome.deliver.push(notice);
                true
            }
        }
    }
}

/// The route for alerts without a known tree: the seed's ([`RouteTree::seed`]) unless the
/// settings' grouping, timings or send_resolved differ from it.
fn fallback_tree(settings: &NotificationSettings) -> RouteTree {
    let defaults = NotificationSettings::default();
    let seed_route = settings.group_by == defaults.group_by
        && settings.group_wait_secs == defaults.group_wait_secs
        && settings.group_interval_secs == defaults.group_interval_secs
        && settings.repeat_interval_secs == defaults.repeat_interval_secs
        && settings.send_resolved == defaults.send_resolved;
    if seed_route {
        return RouteTree::seed();
    }
    // JSON strings are YAML strings: label names cannot break out of the list.
    let group_by = serde_json::to_string(&settings.group_by).unwrap_or_else(|_| "[]".into());
    let yaml = format!(
        "route:\n  group_by: {group_by}\n  group_wait: {}s\n  group_interval: {}s\n  \
         repeat_interval: {}s\n  receiver: desktop\nreceivers:\n- name: desktop\n  \
         webhook_configs:\n  - send_resolved: {}\n",
        settings.group_wait_secs,
        settings.group_interval_secs.max(1),
        settings.repeat_interval_secs,
        settings.send_resolved,
    );
    RouteTree::from_yaml(&yaml).unwrap_or_else(|error| {
        tracing::warn!(%error, "fallback route not built from the settings; using the seed's");
        RouteTree::seed()
    })
}

#[cfg(test)]
mod route_tests;
#[cfg(test)]
mod tests;
