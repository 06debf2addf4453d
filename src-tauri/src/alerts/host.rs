//! What each poll round becomes on the desktop: the tray's count, the popups the planner says
//! are due, and the typed event that tells the UI to fetch the board again.

use super::watch_rules::{WatchRulesRunner, WatchRulesState};
use super::{notices, notifications, tray};
use crate::state::SettingsState;
use hinomi_alerts::poller::SourceResult;
use hinomi_alerts::round::{AlertsSummary, HistoryNotice, RoundHost, RoundReport};
use hinomi_core::clock::Clock;
use hinomi_core::http::EndpointCache;
use hinomi_settings::Settings;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

/// Sent to the UI after a poll that changed something (alerts, their states, or a source's
/// health). The UI then asks for the board with its own filter.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(transparent)]
pub struct AlertsUpdated(pub AlertsSummary);

pub struct DesktopHost {
    app: AppHandle,
    watch_rules: WatchRulesRunner,
}

impl DesktopHost {
    pub fn new(app: AppHandle, clock: Arc<dyn Clock>) -> Self {
        let watch_rules = WatchRulesRunner::start(&app.state::<WatchRulesState>(), clock);
        Self { app, watch_rules }
    }
}

impl RoundHost for DesktopHost {
    type Settings = Settings;

    fn settings(&self) -> Settings {
        self.app.state::<SettingsState>().snapshot().settings
    }

    async fn watch_rules(&mut self, settings: &Settings, budget: Duration) -> Vec<SourceResult> {
        let state = self.app.state::<WatchRulesState>();
        let endpoints = self.app.state::<EndpointCache>();
        self.watch_rules
            .evaluate(&state, &endpoints, settings, budget)
            .await
    }

    fn history_notice(&self, notice: HistoryNotice) {
        match notice {
            HistoryNotice::Recreated(recovered) => {
                notices::history_recreated(&self.app, &recovered)
            }
            HistoryNotice::InMemory(error) => notices::history_in_memory(&self.app, error),
        }
    }

    fn after_round(&self, report: RoundReport) {
        tray::update(&self.app, &report.summary);
        notifications::show_all(&self.app, report.deliver, &self.settings());
        if report.changed
            && let Err(error) = AlertsUpdated(report.summary).emit(&self.app)
        {
            tracing::debug!(%error, "could not tell the UI about new alerts");
        }
    }
}
