//! Alerts whose source cannot be reached: shown as "last known at HH:MM", not as firing now.
//!
//! A source that fails keeps its last alerts on the board (see [`crate::poller`]), which is
//! right — they are the best knowledge there is — but they must not look freshly confirmed:
//! after a restart with the whole stack down, the board would otherwise show yesterday's alerts
//! under a fresh "Updated" time. An alert is stale when every source that reported it is
//! unreachable now; it was last known at the latest success among them.

use crate::alert::Alert;
use crate::poller::SourceHealth;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;

/// Which sources cannot be reached, from the last poll's health.
#[derive(Debug, Clone, Default)]
pub struct Staleness {
    /// Unreachable source → when it last answered (`None`: never, as far as the history knows).
    unreachable: HashMap<String, Option<DateTime<Utc>>>,
}

/// How stale the alerts of one board group are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct StaleMark {
    /// How many of the group's alerts come only from unreachable sources.
    pub alerts: u32,
    /// The oldest of their "last known" times; `None` when a source was never reached.
    pub last_known_at: Option<DateTime<Utc>>,
}

/// The board's and the tray's one-line account of unreachable sources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct StaleSummary {
    pub unreachable_sources: u32,
    /// Alerts that come only from unreachable sources, and how many of them fire.
    pub stale_alerts: u32,
    pub stale_firing: u32,
    /// The oldest "last known" time of an unreachable source; `None` when none is unreachable
    /// or one was never reached.
    pub last_known_at: Option<DateTime<Utc>>,
}

impl Staleness {
    pub fn from_health(health: &[SourceHealth]) -> Self {
        Self {
            unreachable: health
                .iter()
                .filter(|health| health.unreachable_since.is_some())
                .map(|health| (health.source.datasource_id.clone(), health.last_known_at))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.unreachable.is_empty()
    }

    /// `None` when a source of this alert answered at the last poll; else `Some` of when it
    /// was last known (itself `None` if never).
    pub fn of_alert(&self, alert: &Alert) -> Option<Option<DateTime<Utc>>> {
        if self.unreachable.is_empty() || alert.sources.is_empty() {
            return None;
        }
        let mut latest: Option<DateTime<Utc>> = None;
        for source in &alert.sources {
            let known = self.unreachable.get(&source.datasource_id)?;
            latest = latest.max(*known);
        }
        Some(latest)
    }

    /// Adds one alert to a group's mark.
    pub(crate) fn mark(&self, mark: &mut Option<StaleMark>, alert: &Alert) {
        let Some(known) = self.of_alert(alert) else {
            return;
        };
        match mark {
            None => {
                *mark = Some(StaleMark {
                    alerts: 1,
                    last_known_at: known,
                });
            }
            Some(mark) => {
                mark.alerts = mark.alerts.saturating_add(1);
                // A never-reached source (None) makes the whole mark "unknown".
                mark.last_known_at = match (mark.last_known_at, known) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    _ => None,
                };
            }
        }
    }

    pub fn summary(&self, alerts: &[Alert]) -> StaleSummary {
        let mut summary = StaleSummary {
            unreachable_sources: u32::try_from(self.unreachable.len()).unwrap_or(u32::MAX),
            ..StaleSummary::default()
        };
        if self.unreachable.is_empty() {
            return summary;
        }
        let known: Vec<Option<DateTime<Utc>>> = self.unreachable.values().copied().collect();
        summary.last_known_at = if known.iter().all(Option::is_some) {
            known.into_iter().flatten().min()
        } else {
            None
        };
        for alert in alerts {
            if self.of_alert(alert).is_some() {
                summary.stale_alerts = summary.stale_alerts.saturating_add(1);
                if alert.state == crate::alert::AlertState::Firing {
                    summary.stale_firing = summary.stale_firing.saturating_add(1);
                }
            }
        }
        summary
    }
}

#[cfg(test)]
mod tests;
