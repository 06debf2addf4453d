//! The board as the UI asks for it: the latest poll through the user's filter, grouped like
//! the first Alertmanager's route, with staleness, snoozes, notices and the pause beside it.

use super::{AlertsRuntime, lock};
use crate::AlertState;
use crate::board::{Board, BoardOptions, Filter, build_board_with_staleness};
use crate::matcher::ParseError;
use crate::poller::SourceHealth;
use crate::staleness::{StaleSummary, Staleness};
use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;

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

impl AlertsRuntime {
    /// The board for `query`. Grouped like the Alertmanager route when its configuration could
    /// be read; else by the seed's alertname + severity.
    pub fn board(&self, query: &BoardQuery) -> AlertBoard {
        let (at, alerts, sources, history_error, grouping) = {
            let latest = lock(&self.latest);
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
        let snoozed_until = {
            let planner = lock(&self.planner);
            board
                .groups
                .iter()
                .filter_map(|group| {
                    let until = planner.snoozed_until_of(group.alerts.first()?)?;
                    Some((group.key.clone(), until))
                })
                .collect()
        };
        AlertBoard {
            polled_at: at,
            board,
            stale: staleness.summary(&alerts),
            filter_error,
            sources,
            history_error,
            monitoring_notices: lock(&self.notices).clone(),
            notifications_paused_until: *lock(&self.paused_until),
            snoozed_until,
        }
    }
}
