//! What the planner must not forget over a restart: which groups it told the person about
//! (and what they covered), acknowledgements, escalations and snoozes. Without it, every
//! firing group would pop up again at start, and a snoozed group would wake early.
//!
//! Alerts themselves are not kept here: the first poll after a restart brings them back, and
//! each group compares them with what its last notification covered, exactly as before.

use super::group::{AggregationGroup, GroupRules, Sent};
use crate::alert::LabelSet;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Group keys name the route tree and route (`seed:root:{...}`, `am:<id>:root.0:{...}`).
/// Memory saved before (no `key_scheme`, keys were the group labels alone) loads, but its
/// groups are dropped: their ids mean nothing now. Its snoozes are kept; they match no group
/// and run out.
pub const KEY_SCHEME: u32 = 2;

/// The planner's memory, serialised as JSON into the alert history's database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlannerMemory {
    /// How group ids and keys were made; see [`KEY_SCHEME`].
    #[serde(default)]
    pub key_scheme: u32,
    /// The fallback route's `group_by` the fallback groups' ids were computed with.
    #[serde(default)]
    pub group_by: Vec<String>,
    pub groups: Vec<RememberedGroup>,
    pub snoozed: Vec<(String, DateTime<Utc>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RememberedGroup {
    /// The fingerprint of the group labels (stable: FNV, not a per-process hash).
    pub id: u64,
    pub key: String,
    pub labels: LabelSet,
    pub next_flush: DateTime<Utc>,
    pub last_sent_at: Option<DateTime<Utc>>,
    /// Fingerprints of the alerts firing at the last notification.
    pub last_sent_firing: Vec<u64>,
    pub last_delivered_at: Option<DateTime<Utc>>,
    pub acknowledged: bool,
    pub critical_notified_at: Option<DateTime<Utc>>,
    pub escalated: bool,
    /// The route's timings and send_resolved when saved, until the first tick brings the
    /// group's route again. Absent in older memory (whose groups are dropped anyway).
    #[serde(default)]
    pub group_wait_secs: i64,
    #[serde(default)]
    pub group_interval_secs: i64,
    #[serde(default)]
    pub repeat_interval_secs: i64,
    #[serde(default)]
    pub send_resolved: bool,
}

impl RememberedGroup {
    pub(super) fn of(id: u64, group: &AggregationGroup) -> Self {
        let mut last_sent_firing: Vec<u64> = group
            .last_sent
            .as_ref()
            .map(|sent| sent.firing.iter().copied().collect())
            .unwrap_or_default();
        last_sent_firing.sort_unstable();
        Self {
            id,
            key: group.key.clone(),
            labels: group.labels.clone(),
            next_flush: group.next_flush,
            last_sent_at: group.last_sent.as_ref().map(|sent| sent.at),
            last_sent_firing,
            last_delivered_at: group.last_delivered_at,
            acknowledged: group.acknowledged,
            critical_notified_at: group.critical_notified_at,
            escalated: group.escalated,
            group_wait_secs: group.rules.group_wait.num_seconds(),
            group_interval_secs: group.rules.group_interval.num_seconds(),
            repeat_interval_secs: group.rules.repeat_interval.num_seconds(),
            send_resolved: group.rules.send_resolved,
        }
    }

    /// The group as it was, with no members yet: the next tick's alerts fill it. It flushes
    /// no earlier than group_wait after `now`, so one slow first poll does not read as
    /// "resolved".
    pub(super) fn restore(self, now: DateTime<Utc>) -> AggregationGroup {
        let rules = GroupRules {
            group_wait: chrono::Duration::seconds(self.group_wait_secs.max(0)),
            group_interval: chrono::Duration::seconds(self.group_interval_secs.max(1)),
            repeat_interval: chrono::Duration::seconds(self.repeat_interval_secs.max(0)),
            send_resolved: self.send_resolved,
        };
        let first_flush = self.next_flush.max(now + rules.group_wait);
        let mut group = AggregationGroup::new(self.key, self.labels, rules, first_flush);
        group.last_sent = self.last_sent_at.map(|at| Sent {
            at,
            firing: self.last_sent_firing.into_iter().collect(),
            resolved: Default::default(),
        });
        group.last_delivered_at = self.last_delivered_at;
        group.acknowledged = self.acknowledged;
        group.critical_notified_at = self.critical_notified_at;
        group.escalated = self.escalated;
        group
    }
}
