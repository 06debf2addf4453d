//! The alerts domain's desktop side. The poll loop, the board and acknowledging live in
//! `hinomi-alerts` (`runtime`, `round`); the shell keeps only what needs the desktop: the tray
//! icon ([`tray`]), the popups ([`notifications`], notify-rust), notices about alerting itself
//! ([`notices`]), the watch-rule file ([`watch_rules`]), and the [`host`] that hands each round
//! to them and to the UI. The commands are in `commands/alerts.rs`.
//!
//! Imports go one way: `host` → `notifications` → `tray`; `tray` and `notices` use only this
//! module's state.

mod host;
mod notices;
mod notifications;
pub(crate) mod tray;
pub mod watch_rules;

use crate::state::SettingsState;
use hinomi_alerts::endpoints::EndpointSource;
use hinomi_alerts::notify::NotificationPlanner;
use hinomi_alerts::round::{PollLoop, notification_settings};
use hinomi_alerts::runtime::{AlertsRuntime, lock};
use hinomi_core::http::EndpointCache;
use hinomi_core::paths::AppPaths;
use std::sync::{Arc, Mutex};
use tauri::Manager;
use tauri::async_runtime::JoinHandle;

pub use host::AlertsUpdated;
pub use tray::AlertsFocusGroup;

/// The alerts domain's managed state: the crate's runtime, and the background tasks (the poll
/// loop, the tray host watcher), aborted when the state is dropped.
pub struct AlertsState {
    runtime: Arc<AlertsRuntime>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl AlertsState {
    fn new(runtime: Arc<AlertsRuntime>) -> Self {
        Self {
            runtime,
            tasks: Mutex::new(Vec::new()),
        }
    }

    fn keep(&self, task: JoinHandle<()>) {
        lock(&self.tasks).push(task);
    }
}

impl std::ops::Deref for AlertsState {
    type Target = AlertsRuntime;

    fn deref(&self) -> &AlertsRuntime {
        &self.runtime
    }
}

impl Drop for AlertsState {
    fn drop(&mut self) {
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
    }
}

/// The app's one [`EndpointCache`] (managed state), reached through the app handle so the
/// poll's fetch tasks can hold it.
struct AppEndpoints(tauri::AppHandle);

impl EndpointSource for AppEndpoints {
    fn endpoint_cache(&self) -> &EndpointCache {
        self.0.state::<EndpointCache>().inner()
    }
}

/// Registers this domain's managed state and starts its background tasks.
pub fn setup(app: &mut tauri::App, paths: &AppPaths) {
    let clock: Arc<dyn hinomi_core::clock::Clock> = Arc::new(hinomi_core::clock::SystemClock);
    let settings = app.state::<SettingsState>().snapshot().settings;
    // Settings it cannot use start the defaults, said on the board (see `lib.rs` for the policy).
    let (planner, unusable) =
        NotificationPlanner::new_or_default(&notification_settings(&settings), clock.clone());
    let endpoints = Arc::new(AppEndpoints(app.handle().clone()));
    let runtime = Arc::new(AlertsRuntime::new(planner, clock.clone(), endpoints));
    if let Some(notice) = unusable {
        runtime.raise_notice(notice);
    }
    app.manage(AlertsState::new(runtime.clone()));
    app.manage(watch_rules::WatchRulesState::new(
        hinomi_alerts::local_rules::WatchRulesFile::new(
            paths
                .data_dir
                .join(hinomi_alerts::local_rules::WATCH_RULES_FILE),
        ),
    ));
    match tray::create(app) {
        Ok(watcher) => app.state::<AlertsState>().keep(watcher),
        Err(error) => tracing::warn!(%error, "no tray icon; closing the window quits"),
    }
    let history = history_path(paths);
    let handle = app.handle().clone();
    let notify = app.handle().clone();
    // A panic in a round restarts the loop (it reopens the history and resumes from its open
    // episodes) and tells the user, instead of leaving a board that silently stopped changing.
    let task = tauri::async_runtime::spawn(hinomi_alerts::supervise::supervise(
        move || {
            let host = host::DesktopHost::new(handle.clone(), clock.clone());
            PollLoop::new(host, history.clone(), clock.clone()).run(runtime.clone())
        },
        move |restart| notices::monitoring_restarted(&notify, &restart),
        std::time::Duration::from_secs(1),
    ));
    app.state::<AlertsState>().keep(task);
}

/// Where the poll loop keeps the alert history (dashboards read it for their annotations).
pub fn history_path(paths: &AppPaths) -> std::path::PathBuf {
    paths.data_dir.join("alerts-history.sqlite")
}
