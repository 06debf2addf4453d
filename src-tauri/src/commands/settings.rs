//! Settings page: read, validate, save, and test a datasource's connection; store or clear a
//! datasource's secret in the OS keyring (write-only: the secret never comes back to the UI).

use super::blocking::blocking;
use super::logs::LogsState;
use crate::state::SettingsState;
use hinomi_core::HinomiError;
use hinomi_core::connection::ConnectionReport;
use hinomi_core::http::EndpointCache;
use hinomi_core::settings::{Datasource, DatasourceProblem};
use hinomi_settings::{LoadedSettings, Settings};
use serde::Serialize;
use specta::Type;
use std::collections::BTreeMap;
use tauri::Manager;

#[derive(Debug, Clone, Serialize, Type)]
pub struct SettingsView {
    pub loaded: LoadedSettings,
    /// Per-datasource problems; the rest of the app keeps working around them.
    pub problems: Vec<DatasourceProblem>,
    /// Per datasource id with auth: whether its secret is in the keyring (never the secret).
    pub has_secret: BTreeMap<String, bool>,
}

/// Blocking: asks the keyring about each datasource with auth.
fn view(loaded: LoadedSettings) -> SettingsView {
    let store = hinomi_core::secrets::store();
    view_of(
        loaded,
        |id| matches!(store.get(id), Ok(Some(s)) if !s.is_empty()),
    )
}

fn view_of(mut loaded: LoadedSettings, has_secret: impl Fn(&str) -> bool) -> SettingsView {
    let problems = loaded.settings.problems();
    loaded.settings.hide_url_credentials();
    let has_secret = loaded
        .settings
        .datasources
        .iter()
        .filter(|ds| !ds.auth.is_none())
        .map(|ds| (ds.id.clone(), has_secret(&ds.id)))
        .collect();
    SettingsView {
        loaded,
        problems,
        has_secret,
    }
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(app: tauri::AppHandle) -> SettingsView {
    let loaded = app.state::<SettingsState>().snapshot();
    // The keyring look-ups in `view` are D-Bus round trips.
    let looked_up = loaded.clone();
    blocking(move || Ok(view(looked_up)))
        .await
        .unwrap_or_else(|error| {
            // The answer has no error side (the page must open); the secrets show as missing.
            tracing::error!(%error, "keyring look-ups failed");
            view_of(loaded, |_| false)
        })
}

/// Saves even when a datasource has problems (a half-typed URL is not lost); the problems come
/// back with the answer and are shown on the datasource they belong to. A new log-source path
/// that is refused (`path_refused`) stops the save.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    app: tauri::AppHandle,
    settings: Settings,
) -> Result<SettingsView, HinomiError> {
    // A log-source path typed here is checked like one typed in "Add log files…", and one that
    // is new and was not dropped or chosen is asked about first.
    let ungranted = {
        let (app, after) = (app.clone(), settings.datasources.clone());
        blocking(move || {
            let files = app.state::<super::files::FilesState>();
            let before = app.state::<SettingsState>().snapshot().settings.datasources;
            let new = files.check_log_sources(&before, &after)?;
            Ok(files.ungranted_log_paths(&new))
        })
        .await?
    };
    super::log_path_consent::confirm_typed_log_paths(&app, ungranted).await?;
    blocking(move || save(&app, settings)).await
}

/// [`save_settings`] on a blocking thread: the file, the path checks and the keyring.
fn save(app: &tauri::AppHandle, settings: Settings) -> Result<SettingsView, HinomiError> {
    let state = app.state::<SettingsState>();
    let files = app.state::<super::files::FilesState>();
    // Checked again at the save: the disk may have changed while the question was open.
    files.check_log_sources(
        &state.snapshot().settings.datasources,
        &settings.datasources,
    )?;
    put_in_force(app, settings)
}

/// "Open the demo" on the welcome: saves the bundled demo stack's datasources (the embedded
/// default) in place of the current ones, keeping the other settings, and answers like a save.
/// Not through [`save_settings`]: these datasources are Hinomi's own, not typed by the page, and
/// the demo's log folder need not exist before the demo stack first runs.
#[tauri::command]
#[specta::specta]
pub async fn open_demo(app: tauri::AppHandle) -> Result<SettingsView, HinomiError> {
    blocking(move || {
        let mut settings = app.state::<SettingsState>().snapshot().settings;
        settings.datasources = hinomi_core::settings::demo_datasources();
        tracing::info!("welcome: opening the demo stack's datasources");
        put_in_force(&app, settings)
    })
    .await
}

/// Writes checked settings and makes them the ones in force: clients of removed datasources
/// and their secrets go, the language follows.
fn put_in_force(app: &tauri::AppHandle, settings: Settings) -> Result<SettingsView, HinomiError> {
    let state = app.state::<SettingsState>();
    let clients = app.state::<EndpointCache>();
    state.file.save(&settings)?;
    // Changed datasources are rebuilt on their next query; removed ones are dropped now.
    clients.retain(&settings.datasources);
    let mut current = state
        .current
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let store = hinomi_core::secrets::store();
    let previous = &current.settings.datasources;
    for (id, result) in
        hinomi_core::secrets::clear_removed(&*store, previous, &settings.datasources)
    {
        match result {
            Ok(()) => tracing::info!(datasource = %id, "removed datasource's secret cleared"),
            // The settings are saved; a secret left behind is harmless and named in the log.
            Err(error) => {
                tracing::warn!(datasource = %id, %error, "removed datasource's secret not cleared")
            }
        }
    }
    crate::state::publish_language(&settings);
    current.settings = settings;
    current.load_error = None;
    current.first_run = false;
    tracing::info!(
        datasources = current.settings.datasources.len(),
        "settings saved"
    );
    Ok(view(current.clone()))
}

#[tauri::command]
#[specta::specta]
pub async fn test_connection(
    datasource: Datasource,
    state: tauri::State<'_, SettingsState>,
) -> Result<ConnectionReport, HinomiError> {
    // Only the saved datasource's test is its health (the draft may hold a typo being tried).
    let saved = state.snapshot().settings.datasources;
    hinomi_core::connection::test_connection(&datasource, &saved).await
}

/// How each datasource's reads have been going (ok, or failing since when with which error,
/// and the last success), from the health book every request writes to.
#[tauri::command]
#[specta::specta]
pub fn datasource_health() -> Vec<hinomi_core::health::DatasourceHealth> {
    hinomi_core::health::book().snapshot()
}

/// Stores a datasource's password or token in the OS keyring.
#[tauri::command]
#[specta::specta]
pub async fn set_datasource_secret(
    app: tauri::AppHandle,
    id: String,
    secret: String,
) -> Result<SettingsView, HinomiError> {
    blocking(move || {
        hinomi_core::secrets::set_secret(&id, &secret)?;
        app.state::<LogsState>().forget(&id);
        tracing::info!(datasource = %id, "datasource secret stored");
        Ok(view(app.state::<SettingsState>().snapshot()))
    })
    .await
}

/// Removes a datasource's secret from the OS keyring.
#[tauri::command]
#[specta::specta]
pub async fn clear_datasource_secret(
    app: tauri::AppHandle,
    id: String,
) -> Result<SettingsView, HinomiError> {
    blocking(move || {
        hinomi_core::secrets::clear_secret(&id)?;
        app.state::<LogsState>().forget(&id);
        tracing::info!(datasource = %id, "datasource secret cleared");
        Ok(view(app.state::<SettingsState>().snapshot()))
    })
    .await
}
