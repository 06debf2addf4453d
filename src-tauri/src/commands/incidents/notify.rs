//! The response-target timer: every 30 s, ask the store which warnings are due and show each as
//! a desktop notification (notify-rust; on Linux org.freedesktop.Notifications over D-Bus).
//! Which warnings are due, and that each is raised once across restarts, is decided by
//! `IncidentStore::take_threshold_crossings`; the wording by `notice_text`, in the settings'
//! language. This is only the timer.

use crate::commands::blocking::blocking;
use crate::state::{SettingsState, lang_of};
use hinomi_core::texts::Lang;
use hinomi_incidents::{IncidentStore, ThresholdCrossing, notice_text};
use notify_rust::{Hint, Notification, Timeout, Urgency};
use std::sync::Arc;
use std::time::Duration;

const EVERY: Duration = Duration::from_secs(30);

/// The e2e's way to check more often than every 30 s: milliseconds between checks. Read only by
/// debug builds (the e2e runs one), so a release build always checks every 30 s.
#[cfg(debug_assertions)]
const CHECK_EVERY_MS_ENV: &str = "HINOMI_TEST_RESPONSE_CHECK_MS";

fn check_interval() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var(CHECK_EVERY_MS_ENV)
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
    {
        return Duration::from_millis(ms);
    }
    EVERY
}

/// Reads the targets from the settings on every tick, so a change in Settings applies at once.
/// The caller keeps the handle.
pub fn start(
    store: Arc<IncidentStore>,
    app: tauri::AppHandle,
) -> tauri::async_runtime::JoinHandle<()> {
    use tauri::Manager;
    let every = check_interval();
    tauri::async_runtime::spawn(async move {
        loop {
            let store = store.clone();
            let settings = app.state::<SettingsState>().snapshot().settings;
            let lang = lang_of(&settings);
            let targets = settings.incidents.response_targets;
            let checked = blocking(move || {
                let crossings = store.take_threshold_crossings(&targets)?;
                crossings.iter().for_each(|crossing| show(crossing, lang));
                Ok(crossings.len())
            })
            .await;
            match checked {
                // Each check, so a test can tell "checked and found nothing new" from "not
                // checked yet" without guessing at the clock.
                Ok(raised) => tracing::debug!(raised, "response targets checked"),
                Err(err) => tracing::error!(%err, "response-target check failed"),
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// Blocking (D-Bus round trip); runs on the blocking thread with the check.
fn show(crossing: &ThresholdCrossing, lang: Lang) {
    let (title, body) = notice_text(crossing, lang);
    tracing::warn!(incident = %crossing.incident_id, %title, "response target");
    let overdue = crossing.threshold_percent >= 100;
    let result = Notification::new()
        .appname("Hinomi")
        .summary(&title)
        .body(&body)
        .icon("dialog-warning")
        .hint(Hint::Category("incident".into()))
        .urgency(if overdue {
            Urgency::Critical
        } else {
            Urgency::Normal
        })
        .timeout(if overdue {
            Timeout::Never
        } else {
            Timeout::Default
        })
        .show();
    if let Err(error) = result {
        tracing::warn!(%error, %title, "could not show a notification");
    }
}
