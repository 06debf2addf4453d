//! Over 400 lines: the Discover command surface, every command sharing LogsState.
//! Log search (the Discover view) over Elasticsearch / OpenSearch and "Local files" datasources.
//!
//! The work is `hinomi_logs` (engines) and `hinomi_logs_local` (the embedded index); this keeps
//! one client per engine datasource (rebuilt when its settings or secret change), the open
//! local sources (followed in the background), the result sets the table pages through (rows
//! stay here, the UI asks for the visible range), the saved-searches file and the running
//! export's cancel token. Each command answers the same model whichever kind of source the
//! target is; local work runs on a blocking thread. Engine result sets hold point-in-time
//! snapshots: a background sweep closes the idle ones and the app closes the rest on exit
//! ([`close_all_on_exit`]).

use super::blocking::blocking;
use super::files::FilesState;
use crate::state::SettingsState;
use hinomi_core::http::EndpointCache;
use hinomi_core::paths::AppPaths;
use hinomi_core::settings::LogSourceOptions;
use hinomi_core::settings::{Datasource, DatasourceKind};
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_logs::{
    CancellationToken, ElasticClient, ExportFormat, ExportProgress, ExportRequest, FieldTopValues,
    LogField, LogHistogram, LogHit, LogQuery, LogResults, LogRows, LogSearchResult, LogTarget,
    SavedSearch, SortCursor, SurroundingHits, TailBatch, saved::SavedSearches,
};
use hinomi_logs_local::{IndexStatus, LocalLogs, LocalResults, LocalSources};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::Manager;
use tauri::ipc::Channel;

/// Top values the field sidebar shows (Kibana shows five).
const TOP_VALUES: u32 = 5;
/// Lines live tail shows when it starts.
const TAIL_FIRST: u32 = 100;
/// How often idle result sets (and their PITs) are looked for; they expire after minutes.
const SWEEP_EVERY: Duration = Duration::from_secs(30);
/// Closing the PITs on exit waits no longer than this (an unreachable engine must not hold the
/// app open; its PITs then end with their keep-alive).
const EXIT_CLOSE_LIMIT: Duration = Duration::from_secs(3);

pub struct LogsState {
    clients: Mutex<HashMap<String, (Datasource, ElasticClient)>>,
    results: Arc<LogResults>,
    local: Arc<LocalSources>,
    local_results: Arc<LocalResults>,
    saved: SavedSearches,
    export: Mutex<Option<CancellationToken>>,
    /// The idle-set sweep; aborted when the state is dropped.
    sweep: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
}

impl Drop for LogsState {
    fn drop(&mut self) {
        if let Some(task) = self.sweep.lock().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
    }
}

/// Where a target's requests go.
enum Backend {
    Engine(ElasticClient),
    Local(Arc<LocalLogs>),
}

impl LogsState {
    /// The engine client or the open local source of `datasource_id`. Opening a local source
    /// reads its index from disk and a new engine client may read the keyring: both happen on
    /// the blocking pool (the engine's endpoint comes from the shared [`EndpointCache`]).
    async fn backend(
        &self,
        settings: &SettingsState,
        endpoints: &EndpointCache,
        datasource_id: &str,
    ) -> Result<Backend, HinomiError> {
        let ds = settings
            .snapshot()
            .settings
            .datasource(datasource_id)
            .filter(|ds| ds.kind.has_logs())
            .cloned()
            .ok_or_else(|| {
                HinomiError::new(
                    ErrorCode::NotFound,
                    format!("No log datasource \"{datasource_id}\" in the settings."),
                )
            })?;
        if ds.kind == DatasourceKind::LocalFiles {
            let local = self.local.clone();
            return blocking(move || Ok(Backend::Local(local.source(&ds)?))).await;
        }
        if let Some((cached, client)) = self.lock_clients().get(datasource_id)
            && *cached == ds
        {
            return Ok(Backend::Engine(client.clone()));
        }
        // Kept per datasource (not rebuilt per call) for the engine dialect it detects once.
        let client =
            ElasticClient::from_endpoint(endpoints.endpoint(&ds).await?, &ds.log_options());
        self.lock_clients()
            .insert(datasource_id.to_owned(), (ds, client.clone()));
        Ok(Backend::Engine(client))
    }

    fn lock_clients(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, (Datasource, ElasticClient)>> {
        self.clients.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the running export's cancel token (the export ended, or is being cancelled).
    fn take_export(&self) -> Option<CancellationToken> {
        self.export.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Drops a datasource's client (its secret changed: the next call reads the new one).
    pub fn forget(&self, datasource_id: &str) {
        self.clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(datasource_id);
    }
}

pub fn setup(app: &mut tauri::App, paths: &AppPaths) {
    // `files::setup` ran first: the files found in a source pass the rule typed paths pass.
    let file_rule = app.state::<FilesState>().log_source_rule().clone();
    let results = Arc::new(LogResults::default());
    let sweeping = results.clone();
    let sweep = tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(SWEEP_EVERY).await;
            sweeping.close_expired().await;
        }
    });
    app.manage(LogsState {
        clients: Mutex::new(HashMap::new()),
        results,
        local: Arc::new(LocalSources::new(
            &paths.data_dir.join("local-logs"),
            Arc::new(hinomi_core::clock::SystemClock),
            hinomi_logs_local::sources::FOLLOW_EVERY,
            file_rule,
        )),
        local_results: Arc::new(LocalResults::default()),
        saved: SavedSearches::in_dir(&paths.data_dir),
        export: Mutex::new(None),
        sweep: Mutex::new(Some(sweep)),
    });
}

/// Closes every open result set's PIT (the event loop ends the process without dropping
/// managed state, so this runs from `RunEvent::Exit`).
pub fn close_all_on_exit(app: &tauri::AppHandle) {
    let Some(state) = app.try_state::<LogsState>() else {
        return;
    };
    // Followers finish the pass they are in (its commit makes the checkpoint durable).
    state.local.stop_all();
    let results = state.results.clone();
    let closed = tauri::async_runtime::block_on(async move {
        tokio::time::timeout(EXIT_CLOSE_LIMIT, results.close_all()).await
    });
    if closed.is_err() {
        tracing::warn!("closing the log search PITs took too long; they expire on the engine");
    }
}

type State<'a> = tauri::State<'a, LogsState>;
type Settings<'a> = tauri::State<'a, SettingsState>;
type Endpoints<'a> = tauri::State<'a, EndpointCache>;

/// Every log datasource (engines and local files), with its index pattern or paths and time
/// field.
#[tauri::command]
#[specta::specta]
pub async fn log_targets(settings: Settings<'_>) -> Result<Vec<LogTarget>, HinomiError> {
    let datasources = settings.snapshot().settings.datasources;
    Ok(datasources
        .iter()
        .filter(|ds| ds.kind.has_logs())
        .map(LogTarget::for_datasource)
        .collect())
}

#[tauri::command]
#[specta::specta]
pub async fn log_fields(
    state: State<'_>,
    settings: Settings<'_>,
    endpoints: Endpoints<'_>,
    target: LogTarget,
) -> Result<Vec<LogField>, HinomiError> {
    match state
        .backend(&settings, &endpoints, &target.datasource_id)
        .await?
    {
        Backend::Engine(client) => Ok(client.fields(&target).await?),
        Backend::Local(source) => Ok(source.fields()),
    }
}

/// Runs a search; its rows stay here under the returned `result_id` (see [`log_rows`]).
#[tauri::command]
#[specta::specta]
pub async fn search_logs(
    state: State<'_>,
    settings: Settings<'_>,
    endpoints: Endpoints<'_>,
    target: LogTarget,
    query: LogQuery,
) -> Result<LogSearchResult, HinomiError> {
    match state
        .backend(&settings, &endpoints, &target.datasource_id)
        .await?
    {
        Backend::Engine(client) => Ok(state.results.search(&client, &target, &query, None).await?),
        Backend::Local(source) => {
            let results = state.local_results.clone();
            blocking(move || Ok(results.search(&source, &query)?)).await
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn log_rows(
    state: State<'_>,
    result_id: String,
    offset: u32,
    limit: u32,
) -> Result<LogRows, HinomiError> {
    if LocalResults::owns(&result_id) {
        let results = state.local_results.clone();
        return blocking(move || Ok(results.rows(&result_id, offset, limit)?)).await;
    }
    Ok(state.results.rows(&result_id, offset, limit).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn close_log_result(state: State<'_>, result_id: String) -> Result<(), HinomiError> {
    if LocalResults::owns(&result_id) {
        state.local_results.close(&result_id);
    } else {
        state.results.close(&result_id).await;
    }
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn log_field_top_values(
    state: State<'_>,
    settings: Settings<'_>,
    endpoints: Endpoints<'_>,
    target: LogTarget,
    query: LogQuery,
    field: String,
) -> Result<FieldTopValues, HinomiError> {
    match state
        .backend(&settings, &endpoints, &target.datasource_id)
        .await?
    {
        Backend::Engine(client) => Ok(client
            .top_values(&target, &query, &field, TOP_VALUES)
            .await?),
        Backend::Local(source) => {
            blocking(move || Ok(source.top_values(&query, &field, TOP_VALUES)?)).await
        }
    }
}

#[tauri::command]
#[specta::specta]
// The IPC fields plus the managed state they need, as export_logs below.
#[allow(clippy::too_many_arguments)]
pub async fn surrounding_logs(
    state: State<'_>,
    settings: Settings<'_>,
    endpoints: Endpoints<'_>,
    target: LogTarget,
    anchor: LogHit,
    before: u32,
    after: u32,
    same_request: bool,
) -> Result<SurroundingHits, HinomiError> {
    match state
        .backend(&settings, &endpoints, &target.datasource_id)
        .await?
    {
        Backend::Engine(client) => Ok(client
            .surrounding(&target, &anchor, before, after, same_request)
            .await?),
        // Here: the lines around it in the same file.
        Backend::Local(source) => {
            blocking(move || Ok(source.surrounding(&anchor, before, after, same_request)?)).await
        }
    }
}

/// Live tail: the newest lines without a cursor, then the lines added since the cursor.
#[tauri::command]
#[specta::specta]
pub async fn tail_logs(
    state: State<'_>,
    settings: Settings<'_>,
    endpoints: Endpoints<'_>,
    target: LogTarget,
    query: LogQuery,
    cursor: Option<SortCursor>,
) -> Result<TailBatch, HinomiError> {
    match state
        .backend(&settings, &endpoints, &target.datasource_id)
        .await?
    {
        Backend::Engine(client) => Ok(client
            .tail(&target, &query, cursor.as_ref(), TAIL_FIRST)
            .await?),
        Backend::Local(source) => {
            blocking(move || Ok(source.tail(&query, cursor.as_ref(), TAIL_FIRST)?)).await
        }
    }
}

/// Writes every hit of the query to `path` (PIT paging, not capped at 10,000), sending progress
/// on `on_progress`; one export runs at a time, [`cancel_log_export`] stops it.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn export_logs(
    state: State<'_>,
    settings: Settings<'_>,
    endpoints: Endpoints<'_>,
    target: LogTarget,
    query: LogQuery,
    format: ExportFormat,
    columns: Vec<String>,
    path: String,
    on_progress: Channel<ExportProgress>,
    files: tauri::State<'_, crate::commands::files::FilesState>,
) -> Result<ExportProgress, HinomiError> {
    let path = files.writable_file(&path)?;
    let backend = state
        .backend(&settings, &endpoints, &target.datasource_id)
        .await?;
    let cancel = CancellationToken::new();
    if let Some(previous) = state
        .export
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .replace(cancel.clone())
    {
        previous.cancel();
    }
    let request = ExportRequest {
        target,
        query,
        format,
        columns,
        path,
    };
    let done = match backend {
        Backend::Engine(client) => client
            .export(&request, &cancel, |progress| {
                let _ = on_progress.send(progress.clone());
            })
            .await
            .map_err(HinomiError::from),
        Backend::Local(source) => {
            let cancel = cancel.clone();
            blocking(move || {
                Ok(hinomi_logs_local::results::export(
                    &source,
                    &request.query,
                    request.format,
                    &request.columns,
                    &request.path,
                    &cancel,
                    |progress| {
                        let _ = on_progress.send(progress.clone());
                    },
                )?)
            })
            .await
        }
    };
    state.take_export();
    done
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_log_export(state: State<'_>) -> Result<bool, HinomiError> {
    Ok(state.take_export().map(|token| token.cancel()).is_some())
}

#[tauri::command]
#[specta::specta]
pub async fn saved_searches(state: State<'_>) -> Result<Vec<SavedSearch>, HinomiError> {
    let saved = state.saved.clone();
    blocking(move || Ok(saved.list()?)).await
}

/// Saves (adds or replaces) a user search; returns the whole list.
#[tauri::command]
#[specta::specta]
pub async fn save_search(
    state: State<'_>,
    search: SavedSearch,
) -> Result<Vec<SavedSearch>, HinomiError> {
    let saved = state.saved.clone();
    blocking(move || {
        saved.save(search)?;
        Ok(saved.list()?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_saved_search(
    state: State<'_>,
    id: String,
) -> Result<Vec<SavedSearch>, HinomiError> {
    let saved = state.saved.clone();
    blocking(move || {
        saved.delete(&id)?;
        Ok(saved.list()?)
    })
    .await
}

/// The query bar text of a saved search; a parameterised one ("All lines of a request") takes
/// its value from `hit`.
#[tauri::command]
#[specta::specta]
pub async fn resolve_saved_search(
    search: SavedSearch,
    hit: Option<LogHit>,
) -> Result<String, HinomiError> {
    Ok(hinomi_logs::saved::resolve_query(&search, hit.as_ref())?)
}

/// Matching lines per bucket of the query's window: a dashboard panel's log-volume lane.
#[tauri::command]
#[specta::specta]
pub async fn log_volume(
    state: State<'_>,
    settings: Settings<'_>,
    endpoints: Endpoints<'_>,
    target: LogTarget,
    query: LogQuery,
) -> Result<LogHistogram, HinomiError> {
    match state
        .backend(&settings, &endpoints, &target.datasource_id)
        .await?
    {
        Backend::Engine(client) => Ok(client.histogram(&target, &query).await?),
        Backend::Local(source) => blocking(move || Ok(source.histogram(&query)?)).await,
    }
}

/// What a local files datasource's index holds: files, lines, skipped lines with reasons, lag.
/// Asking opens (and starts following) the source.
#[tauri::command]
#[specta::specta]
pub async fn local_log_status(
    state: State<'_>,
    settings: Settings<'_>,
    endpoints: Endpoints<'_>,
    datasource_id: String,
) -> Result<IndexStatus, HinomiError> {
    match state.backend(&settings, &endpoints, &datasource_id).await? {
        Backend::Local(source) => blocking(move || Ok(source.status())).await,
        Backend::Engine(_) => Err(HinomiError::invalid_input(format!(
            "\"{datasource_id}\" is not a local files datasource."
        ))),
    }
}

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
    super::log_path_consent::confirm_typed_log_paths(&app, ungranted).await?;
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
        return Err(HinomiError::invalid_input(
            "Drop or choose a folder or a log file.",
        ));
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
