//! The alert board: alerts grouped like the Alertmanager route groups them, worst first.
//!
//! Groups are sorted by their worst severity (critical, warning, info, none) and then by age,
//! the longest-burning first; alerts inside a group the same way. Building the board is linear
//! in the number of alerts plus sorting, so 10,000 alerts stay interactive.

pub mod filter;

use crate::alert::{
    Alert, AlertState, FingerprintMap, LabelSet, Severity, fingerprint_of_pairs, format_labels,
};
use crate::grouping::{GroupBy, GroupKeys};
use crate::routing::RouteTree;
use crate::staleness::{StaleMark, Staleness};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

pub use filter::Filter;

/// How alerts are put into groups.
#[derive(Debug, Clone)]
pub enum Grouping {
    /// The same `group_by` for every alert (the seed's `alertname, severity` by default).
    Labels(GroupBy),
    /// Each alert grouped by the `group_by` of the first Alertmanager route it takes, and groups
    /// of different routes kept apart, exactly like Alertmanager's aggregation groups.
    Route(Arc<RouteTree>),
}

impl Default for Grouping {
    fn default() -> Self {
        Self::Labels(GroupBy::seed())
    }
}

impl Grouping {
    /// The group an alert belongs to: its key, the receiver (when grouping by route) and the
    /// group's labels.
    pub fn group_of(&self, labels: &LabelSet) -> (String, Option<String>, LabelSet) {
        match self {
            Self::Labels(group_by) => {
                let group_labels = group_by.group_labels(labels);
                (format_labels(&group_labels), None, group_labels)
            }
            Self::Route(tree) => {
                let route = tree.first_route(labels);
                let group_labels = route.group_by.group_labels(labels);
                let key = format!("{}:{}", route.path, format_labels(&group_labels));
                (key, Some(route.receiver.clone()), group_labels)
            }
        }
    }
}

/// Numeric group identities for one board build; strings are made once per group.
enum BoardKeys<'t> {
    Labels(GroupKeys),
    Route(&'t RouteTree, HashMap<&'t str, (u64, GroupKeys)>),
}

impl<'t> BoardKeys<'t> {
    fn new(grouping: &'t Grouping) -> Self {
        match grouping {
            Grouping::Labels(group_by) => Self::Labels(GroupKeys::new(group_by)),
            Grouping::Route(tree) => Self::Route(tree, HashMap::new()),
        }
    }

    fn key(&mut self, alert: &Alert) -> u64 {
        match self {
            Self::Labels(keys) => keys.key(alert),
            Self::Route(tree, per_route) => {
                let route = tree.first_route(&alert.labels);
                let (route_hash, keys) =
                    per_route.entry(route.path.as_str()).or_insert_with(|| {
                        let route_hash = fingerprint_of_pairs([("route", route.path.as_str())]);
                        (route_hash, GroupKeys::new(&route.group_by))
                    });
                keys.key(alert).rotate_left(17) ^ *route_hash
            }
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct StateCounts {
    pub firing: u32,
    pub pending: u32,
    pub silenced: u32,
    pub inhibited: u32,
}

impl StateCounts {
    fn add(&mut self, state: AlertState) {
        let count = match state {
            AlertState::Firing => &mut self.firing,
            AlertState::Pending => &mut self.pending,
            AlertState::Silenced => &mut self.silenced,
            AlertState::Inhibited => &mut self.inhibited,
        };
        *count = count.saturating_add(1);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BoardGroup {
    pub key: String,
    /// The Alertmanager receiver, when grouped by route.
    pub receiver: Option<String>,
    pub labels: LabelSet,
    pub worst_severity: Severity,
    /// When the group's oldest alert became active.
    pub oldest_since: Option<DateTime<Utc>>,
    pub counts: StateCounts,
    /// All the group's alerts that passed the filter.
    pub alert_count: u32,
    /// The first of them in board order (all, unless [`BoardOptions`] limits it).
    pub alerts: Vec<Alert>,
    /// Some of its alerts come only from sources that cannot be reached now: they are "last
    /// known at", not firing now. `None` when every alert is fresh.
    pub stale: Option<StaleMark>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Board {
    pub groups: Vec<BoardGroup>,
    /// Alerts before filtering.
    pub total_alerts: u32,
    /// Alerts that passed the filter.
    pub shown_alerts: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BoardOptions {
    /// At most this many alerts per group are included (the worst and oldest first); the UI
    /// fetches the rest of a group when it is opened. `None`: all of them.
    pub alerts_per_group: Option<u32>,
}

/// A group while it is being built: references only, so alerts are copied once, and only
/// those that are shown.
struct Gathering<'a> {
    key: String,
    receiver: Option<String>,
    labels: LabelSet,
    worst_severity: Severity,
    oldest_since: Option<DateTime<Utc>>,
    counts: StateCounts,
    stale: Option<StaleMark>,
    alerts: Vec<&'a Alert>,
}

/// Groups and sorts the alerts that pass `filter`, every source taken as reachable.
pub fn build_board(
    alerts: &[Alert],
    grouping: &Grouping,
    filter: &Filter,
    options: BoardOptions,
) -> Board {
    build_board_with_staleness(alerts, grouping, filter, options, &Staleness::default())
}

/// Like [`build_board`], marking the groups with alerts from unreachable sources (counted over
/// all of a group's alerts, also those [`BoardOptions`] leaves out).
pub fn build_board_with_staleness(
    alerts: &[Alert],
    grouping: &Grouping,
    filter: &Filter,
    options: BoardOptions,
    staleness: &Staleness,
) -> Board {
    let mut groups: Vec<Gathering<'_>> = Vec::new();
    let mut by_key: FingerprintMap<usize> = FingerprintMap::default();
    let mut keys = BoardKeys::new(grouping);
    let mut shown: u32 = 0;
    for alert in alerts.iter().filter(|alert| filter.matches(alert)) {
        shown = shown.saturating_add(1);
        let at = *by_key.entry(keys.key(alert)).or_insert_with(|| {
            let (key, receiver, labels) = grouping.group_of(&alert.labels);
            groups.push(Gathering {
                key,
                receiver,
                labels,
                worst_severity: Severity::None,
                oldest_since: None,
                counts: StateCounts::default(),
                stale: None,
                alerts: Vec::new(),
            });
            groups.len() - 1
        });
        let group = &mut groups[at];
        group.worst_severity = group.worst_severity.max(alert.severity);
        group.oldest_since = earliest(group.oldest_since, alert.active_since);
        group.counts.add(alert.state);
        staleness.mark(&mut group.stale, alert);
        group.alerts.push(alert);
    }
    groups.sort_by(|a, b| {
        by_severity_then_age(
            a.worst_severity,
            a.oldest_since,
            b.worst_severity,
            b.oldest_since,
        )
        .then_with(|| a.key.cmp(&b.key))
    });
    let limit = options.alerts_per_group.map_or(usize::MAX, |limit| {
        usize::try_from(limit).unwrap_or(usize::MAX)
    });
    let groups = groups
        .into_iter()
        .map(|mut group| {
            group.alerts.sort_by(|a, b| {
                by_severity_then_age(a.severity, a.active_since, b.severity, b.active_since)
                    .then_with(|| a.fingerprint.cmp(&b.fingerprint))
            });
            BoardGroup {
                key: group.key,
                receiver: group.receiver,
                labels: group.labels,
                worst_severity: group.worst_severity,
                oldest_since: group.oldest_since,
                counts: group.counts,
                alert_count: u32::try_from(group.alerts.len()).unwrap_or(u32::MAX),
                alerts: group.alerts.into_iter().take(limit).cloned().collect(),
                stale: group.stale,
            }
        })
        .collect();
    Board {
        groups,
        total_alerts: u32::try_from(alerts.len()).unwrap_or(u32::MAX),
        shown_alerts: shown,
    }
}

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Worse first; then older first; an unknown start time last.
fn by_severity_then_age(
    a_severity: Severity,
    a_since: Option<DateTime<Utc>>,
    b_severity: Severity,
    b_since: Option<DateTime<Utc>>,
) -> Ordering {
    b_severity
        .cmp(&a_severity)
        .then_with(|| match (a_since, b_since) {
            (Some(a), Some(b)) => a.cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
}

#[cfg(test)]
mod tests;
