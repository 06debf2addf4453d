//! Adding a "Local files" datasource from the Discover view: dropped or chosen paths, or typed
//! ones the person confirms in a native dialog.

use crate::commands::blocking::blocking;
use crate::commands::files::FilesState;
use crate::state::SettingsState;
use hinomi_core::HinomiError;
use hinomi_core::settings::{Datasource, DatasourceKind, LogSourceOptions};
use hinomi_core::texts::user_lang::say;
use hinomi_logs::LogTarget;
use std::path::PathBuf;
use tauri::Manager;

/// Adds a "Local files" datasource over `paths` (dropped on the window or chosen) and returns
/// its target; a datasource with exactly these paths is reused rather than added twice.
#[tauri::command]
#[specta::specta]
pub async fn add_local_log_source(
    app: tauri::AppHandle,
    paths: Vec<String>,
) -> Result<LogTarget, HinomiError> {
    add_local_source(app, paths).await
}

/// The system's folder chooser (or file chooser, for `folder: false`); what is chosen is added
/// as by [`add_local_log_source`]. `None` when the chooser is cancelled. The dialog is opened
/// from Rust so the web view itself gets no dialog permission.
#[tauri::command]
#[specta::specta]
pub async fn choose_local_log_source(
    app: tauri::AppHandle,
    folder: bool,
) -> Result<Option<LogTarget>, HinomiError> {
    use tauri_plugin_dialog::DialogExt;
    let (chosen_tx, chosen) = tokio::sync::oneshot::channel();
    let dialog = app.dialog().file();
    if folder {
        dialog.pick_folder(move |path| {
            let _ = chosen_tx.send(path.map(|path| vec![path]));
        });
    } else {
        dialog
            .add_filter(
                "Logs",
                &["log", "gz", "json", "ndjson", "jsonl", "txt", "*"],
            )
            .pick_files(move |paths| {
                let _ = chosen_tx.send(paths);
            });
    }
    let Some(chosen) = chosen.await.ok().flatten() else {
        return Ok(None);
    };
    let paths: Vec<PathBuf> = chosen
        .into_iter()
        .filter_map(|path| path.into_path().ok())
        .collect();
    // Picked in the system's chooser: the person's own choice, no second question.
    app.state::<FilesState>()
        .grant_log_paths(paths.iter().cloned());
    let typed = paths
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    add_local_source(app, typed).await.map(Some)
}

/// Checks the paths (they are resolved on disk), asks about any the person did not drop or
/// choose, then saves the settings. Disk and settings work runs on the blocking pool.
async fn add_local_source(
    app: tauri::AppHandle,
    paths: Vec<String>,
) -> Result<LogTarget, HinomiError> {
    let paths = typed_paths(paths)?;
    let ungranted = {
        let (app, paths) = (app.clone(), paths.clone());
        blocking(move || {
            let files = app.state::<FilesState>();
            files.check_log_paths(paths.clone())?;
            Ok(files.ungranted_log_paths(&paths))
        })
        .await?
    };
    crate::commands::log_path_consent::confirm_typed_log_paths(&app, ungranted).await?;
    blocking(move || {
        add_local_source_now(
            &app.state::<SettingsState>(),
            &app.state::<FilesState>(),
            paths,
        )
    })
    .await
}

/// The non-empty paths, trimmed; an error when there are none.
fn typed_paths(paths: Vec<String>) -> Result<Vec<String>, HinomiError> {
    let paths: Vec<String> = paths
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    if paths.is_empty() {
        return Err(HinomiError::invalid_input(say(
            "Drop or choose a folder or a log file.",
            "フォルダーかログファイルをドロップするか、選んでください。",
        )));
    }
    Ok(paths)
}

fn add_local_source_now(
    settings: &SettingsState,
    files: &FilesState,
    paths: Vec<String>,
) -> Result<LogTarget, HinomiError> {
    // Checked again at the save: the disk may have changed while the question was open.
    files.check_log_paths(paths.clone())?;
    let added = settings.modify(|settings| {
        if let Some(existing) = settings
            .datasources
            .iter()
            .find(|ds| ds.kind == DatasourceKind::LocalFiles && ds.log_options().paths == paths)
        {
            return existing.clone();
        }
        let taken = |id: &str| settings.datasources.iter().any(|ds| ds.id == id);
        let id = (1..)
            .map(|n| format!("local-files-{n}"))
            .find(|id| !taken(id))
            .unwrap_or_default();
        let datasource = Datasource {
            id,
            name: local_source_name(&paths),
            kind: DatasourceKind::LocalFiles,
            url: String::new(),
            timeout_ms: 10_000,
            tls: Default::default(),
            auth: Default::default(),
            split_range_queries: true,
            logs: Some(LogSourceOptions::local_files(paths)),
        };
        settings.datasources.push(datasource.clone());
        datasource
    })?;
    tracing::info!(datasource = %added.id, "local log source added");
    Ok(LogTarget::for_datasource(&added))
}

/// "app-logs" for `/srv/app-logs`, "app.log + 2 more" for three paths.
fn local_source_name(paths: &[String]) -> String {
    let first = std::path::Path::new(&paths[0]).file_name().map_or_else(
        || paths[0].clone(),
        |name| name.to_string_lossy().into_owned(),
    );
    match paths.len() {
        1 => first,
        n => format!("{first} + {} more", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::local_source_name;

    #[test]
    fn a_dropped_source_is_named_after_its_first_path() {
        assert_eq!(local_source_name(&["/srv/app-logs".into()]), "app-logs");
        assert_eq!(local_source_name(&["/srv/app-logs/".into()]), "app-logs");
        assert_eq!(
            local_source_name(&["/a/x.log".into(), "/b".into(), "/c".into()]),
            "x.log + 2 more"
        );
        assert_eq!(local_source_name(&["/".into()]), "/");
    }
}
