//! Planning desktop notifications: which ones to show, and when.
//!
//! The shell shows them (this crate has no notification library); here is only the decision,
//! so it is tested with a fake clock instead of by waiting. Alerts are grouped and timed the way
//! Alertmanager's route does it (group_by, group_wait, group_interval, repeat_interval,
//! send_resolved; the seed's values by default), so a storm of 1,000 alerts in 5 groups is 5
//! notifications, not 1,000. On top of that come the desktop's own rules: do-not-disturb, quiet
//! hours, per-group snooze, critical alerts allowed through, escalation of unacknowledged
//! critical groups, and notices when monitoring itself goes blind.
//!
//! Call [`NotificationPlanner::tick`] after every poll and again at
//! [`NotificationPlanner::next_due`].

mod group;
mod memory;
mod settings;
mod watch;

use crate::alert::{
    Alert, AlertState, FingerprintMap, FingerprintSet, LabelSet, Severity, fingerprint_key,
    format_labels,
};
use crate::poller::SourceHealth;
use chrono::{DateTime, Utc};
use group::AggregationGroup;
use hinomi_core::HinomiError;
use hinomi_core::clock::Clock;
pub use memory::{PlannerMemory, RememberedGroup};
use serde::{Deserialize, Serialize};
use settings::Policy;
pub use settings::{NotificationSettings, QuietHours, Suppression};
use specta::Type;
use std::collections::HashMap;
use std::sync::Arc;
use watch::PipelineWatch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
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
    /// The group (`{alertname="HighErrorRate", severity="critical"}`), or `source:<id>` /
    /// `watchdog:<id>:<fingerprint>` for notices about monitoring itself. Snooze and
    /// acknowledge take this key.
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
    /// By the fingerprint of the group's labels.
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
    ) -> Result<Self, HinomiError> {
        Ok(Self {
            policy: Policy::new(settings)?,
            clock,
            groups: FingerprintMap::default(),
            ticks: 0,
            snoozed: HashMap::new(),
            watch: PipelineWatch::default(),
            changed: false,
        })
    }

    /// New settings apply from the next tick. Groups keep their state unless the grouping
    /// changed, which starts over like an Alertmanager reload.
    pub fn set_settings(&mut self, settings: &NotificationSettings) -> Result<(), HinomiError> {
        let policy = Policy::new(settings)?;
        if policy.group_by != self.policy.group_by {
            self.groups.clear();
        }
        self.policy = policy;
        Ok(())
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
            group_by: self.policy.group_by.names(),
            groups,
            snoozed: self.snoozes(),
        }
    }

    /// Takes back what [`Self::memory`] saved. Groups made with another `group_by` are dropped
    /// (their ids mean other groups now); restored groups flush no sooner than group_wait from
    /// now, so the first poll after the restart has time to answer.
    pub fn restore(&mut self, memory: PlannerMemory) {
        let now = self.clock.now();
        if memory.group_by == self.policy.group_by.names() {
            let earliest_flush = now + self.policy.group_wait;
            for remembered in memory.groups {
                let id = remembered.id;
                self.groups.insert(id, remembered.restore(earliest_flush));
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

    /// Puts every firing alert into its group; groups are created with their group_wait.
    fn regroup(&mut self, alerts: &[Alert], now: DateTime<Utc>) {
        self.ticks += 1;
        let tick = self.ticks;
        for alert in alerts {
            // The Watchdog always fires; its absence is what matters (see `watch`).
            if alert.state != AlertState::Firing
                || alert.alertname() == self.policy.watchdog_alertname
            {
                continue;
            }
            let policy = &self.policy;
            let group = self
                .groups
                .entry(policy.group_keys.key(alert))
                .or_insert_with(|| {
                    self.changed = true;
                    let labels = policy.group_by.group_labels(&alert.labels);
                    AggregationGroup::new(format_labels(&labels), labels, now, policy.group_wait)
                });
            group.observe(fingerprint_key(&alert.fingerprint), alert, tick);
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
            while group.next_flush <= now {
                group.next_flush += self.policy.group_interval;
            }
            let decision =
                group.decide(now, self.policy.send_resolved, self.policy.repeat_interval);
            match decision {
                None => group.resolved.clear(),
                Some(kind) => {
                    let notice = group.notification(kind, now, self.policy.send_resolved);
                    let silent_resolution = kind == NotificationKind::Resolved
                        && (!self.policy.send_resolved || notice.resolved_count == 0);
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

#[cfg(test)]
mod tests;
