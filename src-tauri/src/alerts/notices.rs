//! Notices about alerting itself (the history file was replaced, the poller restarted after a
//! crash): kept for the board, which shows them above the alerts, and shown once as a desktop
//! notification, so a fault in Hinomi is never silent.

use super::AlertsState;
use crate::state::desktop_lang;
use hinomi_alerts::history::Recovered;
use hinomi_alerts::supervise::Restart;
use hinomi_core::texts::Message;
use hinomi_core::{ErrorCode, HinomiError};
use notify_rust::{Hint, Notification, Urgency};
use tauri::{AppHandle, Manager};

/// The history file was unreadable and replaced by an empty one.
pub fn history_recreated(app: &AppHandle, recovered: &Recovered) {
    let moved_to = recovered.moved_to.display().to_string();
    let message = Message::HistoryRecreated {
        moved_to: &moved_to,
    }
    .text(desktop_lang(app));
    raise(
        app,
        HinomiError::new(ErrorCode::Io, message).with_detail(recovered.reason.clone()),
    );
}

/// The history could not be used at all (e.g. written by a newer Hinomi): kept in memory.
pub fn history_in_memory(app: &AppHandle, error: HinomiError) {
    raise(app, error);
}

/// The poll loop panicked and was restarted.
pub fn monitoring_restarted(app: &AppHandle, restart: &Restart) {
    let message = Message::MonitoringRestarted {
        restart: restart.count,
    }
    .text(desktop_lang(app));
    raise(
        app,
        HinomiError::new(ErrorCode::Internal, message).with_detail(restart.reason.clone()),
    );
}

fn raise(app: &AppHandle, notice: HinomiError) {
    app.state::<AlertsState>().raise_notice(notice.clone());
    // notify-rust talks D-Bus synchronously: off this task.
    std::thread::spawn(move || {
        let shown = Notification::new()
            .appname("Hinomi")
            .summary("Hinomi")
            .body(&notice.message)
            .icon("dialog-warning")
            .hint(Hint::Category("alert".into()))
            .urgency(Urgency::Critical)
            .show();
        if let Err(error) = shown {
            tracing::warn!(%error, "could not show the alerting notice");
        }
    });
}
