//! One aggregation group on the desktop, behaving like Alertmanager's: created by its first
//! alert, flushed after `group_wait` and then every `group_interval`, notifying only when the set
//! of firing (or, with `send_resolved`, resolved) alerts changed since the last notification,
//! or when `repeat_interval` has passed.

use super::{NotificationKind, PlannedNotification};
use crate::alert::{Alert, FingerprintMap, FingerprintSet, LabelSet, Severity};
use chrono::{DateTime, Utc};

/// What the group remembers about one alert.
#[derive(Debug, Clone)]
pub(super) struct Member {
    pub severity: Severity,
    pub summary: Option<String>,
    pub active_since: Option<DateTime<Utc>>,
    /// The tick that last saw it firing.
    seen: u64,
}

/// What the last notification (delivered, or recorded without delivery) covered.
#[derive(Debug, Clone)]
pub(super) struct Sent {
    pub at: DateTime<Utc>,
    pub firing: FingerprintSet,
    pub resolved: FingerprintSet,
}

/// The route's timings and its receiver's `send_resolved`, as this group applies them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct GroupRules {
    pub group_wait: chrono::Duration,
    pub group_interval: chrono::Duration,
    pub repeat_interval: chrono::Duration,
    pub send_resolved: bool,
}

#[derive(Debug, Clone)]
pub(super) struct AggregationGroup {
    pub key: String,
    /// Taken from the group's route at every tick, so a reloaded configuration applies to
    /// groups that keep their key.
    pub rules: GroupRules,
    pub labels: LabelSet,
    pub next_flush: DateTime<Utc>,
    /// By alert fingerprint.
    pub firing: FingerprintMap<Member>,
    /// Left the group since the last notification, waiting to be reported.
    pub resolved: FingerprintMap<Member>,
    /// Members seen by the current tick; fewer than `firing.len()` means some left.
    observed: usize,
    pub last_sent: Option<Sent>,
    pub last_delivered_at: Option<DateTime<Utc>>,
    pub acknowledged: bool,
    /// When the person was first told about this group while it was critical.
    pub critical_notified_at: Option<DateTime<Utc>>,
    pub escalated: bool,
}

impl AggregationGroup {
    /// A group first flushed at `first_flush` (usually now + group_wait).
    pub fn new(
        key: String,
        labels: LabelSet,
        rules: GroupRules,
        first_flush: DateTime<Utc>,
    ) -> Self {
        Self {
            key,
            rules,
            labels,
            next_flush: first_flush,
            firing: FingerprintMap::default(),
            resolved: FingerprintMap::default(),
            observed: 0,
            last_sent: None,
            last_delivered_at: None,
            acknowledged: false,
            critical_notified_at: None,
            escalated: false,
        }
    }

    /// Marks an alert as firing in this group during tick `tick`. Steady state allocates
    /// nothing: known members are only stamped.
    pub fn observe(&mut self, fingerprint: u64, alert: &Alert, tick: u64) {
        self.observed += 1;
        let summary = alert.annotations.get("summary");
        match self.firing.get_mut(&fingerprint) {
            Some(member) => {
                member.seen = tick;
                if member.summary.as_ref() != summary {
                    member.summary = summary.cloned();
                }
            }
            None => {
                self.resolved.remove(&fingerprint);
                self.firing.insert(
                    fingerprint,
                    Member {
                        severity: alert.severity,
                        summary: summary.cloned(),
                        active_since: alert.active_since,
                        seen: tick,
                    },
                );
            }
        }
    }

    /// Whether some member was not observed in this tick.
    pub fn has_leavers(&self) -> bool {
        self.observed < self.firing.len()
    }

    /// Ends tick `tick`. A member that left is "resolved" only if it is gone from every
    /// source; one that was silenced or inhibited just leaves quietly, as in Alertmanager,
    /// where muted alerts never reach the notification.
    pub fn sweep(&mut self, tick: u64, still_present: impl Fn(u64) -> bool) {
        if self.has_leavers() {
            let left: Vec<u64> = self
                .firing
                .iter()
                .filter(|(_, member)| member.seen != tick)
                .map(|(fingerprint, _)| *fingerprint)
                .collect();
            for fingerprint in left {
                if let Some(member) = self.firing.remove(&fingerprint)
                    && !still_present(fingerprint)
                {
                    self.resolved.insert(fingerprint, member);
                }
            }
        }
        self.observed = 0;
        if self.worst_firing() < Severity::Critical {
            self.critical_notified_at = None;
            self.escalated = false;
        }
    }

    pub fn worst_firing(&self) -> Severity {
        self.firing
            .values()
            .map(|member| member.severity)
            .max()
            .unwrap_or(Severity::None)
    }

    /// Alertmanager's `DedupStage.needsUpdate`.
    pub fn decide(&self, now: DateTime<Utc>) -> Option<NotificationKind> {
        let send_resolved = self.rules.send_resolved;
        let Some(sent) = &self.last_sent else {
            return (!self.firing.is_empty()).then_some(NotificationKind::Firing);
        };
        if self
            .firing
            .keys()
            .any(|fingerprint| !sent.firing.contains(fingerprint))
        {
            return Some(NotificationKind::Changed);
        }
        if self.firing.is_empty() {
            // Tell that everything resolved only if the last notice had firing alerts; alerts
            // that fired and resolved between two flushes were never told.
            return (!sent.firing.is_empty()).then_some(NotificationKind::Resolved);
        }
        if send_resolved
            && self
                .resolved
                .keys()
                .any(|fingerprint| !sent.resolved.contains(fingerprint))
        {
            return Some(NotificationKind::Changed);
        }
        (sent.at + self.rules.repeat_interval < now).then_some(NotificationKind::Repeat)
    }

    /// `with_resolved`: count the resolved alerts (only where the receiver sends them).
    pub fn notification(
        &self,
        kind: NotificationKind,
        now: DateTime<Utc>,
        with_resolved: bool,
    ) -> PlannedNotification {
        let resolved_count = if with_resolved && self.rules.send_resolved {
            self.resolved.len()
        } else {
            0
        };
        let shown = if self.firing.is_empty() {
            &self.resolved
        } else {
            &self.firing
        };
        let worst_severity = shown
            .values()
            .map(|member| member.severity)
            .max()
            .unwrap_or(Severity::None);
        PlannedNotification {
            kind,
            group_key: self.key.clone(),
            group_labels: self.labels.clone(),
            firing_count: count(self.firing.len()),
            resolved_count: count(resolved_count),
            worst_severity,
            summary: first_summary(shown),
            louder: kind == NotificationKind::Escalation,
            datasource_id: None,
            at: now,
        }
    }

    /// Remembers what the last notification covered and forgets the resolved alerts in it.
    pub fn record_sent(&mut self, now: DateTime<Utc>) {
        self.last_sent = Some(Sent {
            at: now,
            firing: self.firing.keys().copied().collect(),
            resolved: self.resolved.keys().copied().collect(),
        });
        self.resolved.clear();
    }

    /// Nothing firing and nothing left to tell: Alertmanager deletes such a group.
    pub fn is_finished(&self) -> bool {
        self.firing.is_empty() && self.resolved.is_empty()
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The `summary` of the oldest alert that has one (fingerprint breaks ties), so the text is
/// stable from one notification to the next.
fn first_summary(members: &FingerprintMap<Member>) -> Option<String> {
    members
        .iter()
        .filter_map(|(fingerprint, member)| {
            member.summary.as_ref().map(|summary| {
                (
                    member.active_since.is_none(),
                    member.active_since,
                    fingerprint,
                    summary,
                )
            })
        })
        .min()
        .map(|(_, _, _, summary)| summary.clone())
}
