//! Notices about alerting itself (the history file was replaced, the poller restarted after a
//! crash): kept for the board, which shows them above the alerts, and shown once as a desktop
//! notification, so a fault in Hinomi is never silent.

use super::AlertsState;
use crate::state::japanese;
use hinomi_alerts::history::Recovered;
use hinomi_alerts::supervise::Restart;
use hinomi_core::{ErrorCode, HinomiError};
use notify_rust::{Hint, Notification, Urgency};
use tauri::{AppHandle, Manager};

/// The history file was unreadable and replaced by an empty one.
pub fn history_recreated(app: &AppHandle, recovered: &Recovered) {
    let japanese = japanese(app);
    let message = if japanese {
        format!(
            "アラート履歴のファイルが壊れていたため、別名 {} に移して新しく作り直しました。ボードと通知は動作しています。",
            recovered.moved_to.display()
        )
    } else {
        format!(
            "The alert history file was damaged; it was moved aside to {} and a new one was \
             started. The board and notifications keep working.",
            recovered.moved_to.display()
        )
    };
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
    let message = if japanese(app) {
        format!(
            "アラート監視が内部エラーで停止したため、再起動しました ({} 回目)。",
            restart.count
        )
    } else {
        format!(
            "Alert monitoring stopped on an internal error and was restarted (restart {}).",
            restart.count
        )
    };
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
