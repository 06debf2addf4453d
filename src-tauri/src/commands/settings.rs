//! Settings page: read, validate, save, and test a datasource's connection.

use crate::state::SettingsState;
use hinomi_core::HinomiError;
use hinomi_core::connection::ConnectionReport;
use hinomi_core::settings::{Datasource, DatasourceProblem, LoadedSettings, Settings};
use serde::Serialize;
use specta::Type;

#[derive(Debug, Clone, Serialize, Type)]
pub struct SettingsView {
    pub loaded: LoadedSettings,
    /// Per-datasource problems; the rest of the app keeps working around them.
    pub problems: Vec<DatasourceProblem>,
}

fn view(loaded: LoadedSettings) -> SettingsView {
    let problems = loaded.settings.problems();
    SettingsView { loaded, problems }
}

#[tauri::command]
#[specta::specta]
pub fn get_settings(state: tauri::State<'_, SettingsState>) -> SettingsView {
    view(state.snapshot())
}

/// Saves even when a datasource has problems (a half-typed URL is not lost); the problems come
/// back with the answer and are shown on the datasource they belong to.
#[tauri::command]
#[specta::specta]
pub fn save_settings(
    settings: Settings,
    state: tauri::State<'_, SettingsState>,
) -> Result<SettingsView, HinomiError> {
    state.file.save(&settings)?;
    let mut current = state
        .current
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    current.settings = settings;
    current.load_error = None;
    tracing::info!(
        datasources = current.settings.datasources.len(),
        "settings saved"
    );
    Ok(view(current.clone()))
}

#[tauri::command]
#[specta::specta]
pub async fn test_connection(datasource: Datasource) -> Result<ConnectionReport, HinomiError> {
    hinomi_core::connection::test_connection(&datasource).await
}
