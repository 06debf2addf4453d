//! Log search (the Discover view) over Elasticsearch / OpenSearch datasources.
//!
//! The work is `hinomi_logs`; this keeps one client per datasource (rebuilt when its settings
//! or secret change), the result sets the table pages through (rows stay here, the UI asks for
//! the visible range), the saved-searches file and the running export's cancel token. Result
//! sets hold point-in-time snapshots on the engine: a background sweep closes the idle ones and
//! the app closes the rest on exit ([`close_all_on_exit`]).

use crate::state::SettingsState;
use hinomi_core::paths::AppPaths;
use hinomi_core::settings::{Datasource, DatasourceKind};
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_logs::{
    CancellationToken, ElasticClient, ExportFormat, ExportProgress, ExportRequest, FieldTopValues,
    LogField, LogHistogram, LogHit, LogQuery, LogResults, LogRows, LogSearchResult, LogTarget,
    SavedSearch, SortCursor, SurroundingHits, TailBatch, saved::SavedSearches,
};
use std::collections::HashMap;
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

impl LogsState {
    /// The cached client of `datasource_id`, or a new one when its settings changed.
    fn client(
        &self,
        settings: &SettingsState,
        datasource_id: &str,
    ) -> Result<ElasticClient, HinomiError> {
        let ds = settings
            .snapshot()
            .settings
            .datasource(datasource_id)
            .filter(|ds| ds.kind == DatasourceKind::Elasticsearch)
            .cloned()
            .ok_or_else(|| {
                HinomiError::new(
                    ErrorCode::NotFound,
                    format!("No Elasticsearch datasource \"{datasource_id}\" in the settings."),
                )
            })?;
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((cached, client)) = clients.get(datasource_id)
            && *cached == ds
        {
            return Ok(client.clone());
        }
        let client = ElasticClient::new(&ds)?;
        clients.insert(datasource_id.to_owned(), (ds, client.clone()));
        Ok(client)
    }

    /// Drops a datasource's client (its secret changed: the next call reads the new one).
    pub fn forget(&self, datasource_id: &str) {
        self.clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(datasource_id);
    }
}

pub fn setup(app: &mut tauri::App, paths: &AppPaths) -> Result<(), Box<dyn std::error::Error>> {
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
        saved: SavedSearches::in_dir(&paths.data_dir),
        export: Mutex::new(None),
        sweep: Mutex::new(Some(sweep)),
    });
    Ok(())
}

/// Closes every open result set's PIT (the event loop ends the process without dropping
/// managed state, so this runs from `RunEvent::Exit`).
pub fn close_all_on_exit(app: &tauri::AppHandle) {
    let Some(state) = app.try_state::<LogsState>() else {
        return;
    };
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

/// Every Elasticsearch datasource as a log source, with its index pattern and time field.
#[tauri::command]
#[specta::specta]
pub async fn log_targets(settings: Settings<'_>) -> Result<Vec<LogTarget>, HinomiError> {
    let datasources = settings.snapshot().settings.datasources;
    Ok(datasources
        .iter()
        .filter(|ds| ds.kind == DatasourceKind::Elasticsearch)
        .map(LogTarget::for_datasource)
        .collect())
}

#[tauri::command]
#[specta::specta]
pub async fn log_fields(
    state: State<'_>,
    settings: Settings<'_>,
    target: LogTarget,
) -> Result<Vec<LogField>, HinomiError> {
    let client = state.client(&settings, &target.datasource_id)?;
    Ok(client.fields(&target).await?)
}

/// Runs a search; its rows stay here under the returned `result_id` (see [`log_rows`]).
#[tauri::command]
#[specta::specta]
pub async fn search_logs(
    state: State<'_>,
    settings: Settings<'_>,
    target: LogTarget,
    query: LogQuery,
) -> Result<LogSearchResult, HinomiError> {
    let client = state.client(&settings, &target.datasource_id)?;
    Ok(state.results.search(&client, &target, &query, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn log_rows(
    state: State<'_>,
    result_id: String,
    offset: u32,
    limit: u32,
) -> Result<LogRows, HinomiError> {
    Ok(state.results.rows(&result_id, offset, limit).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn close_log_result(state: State<'_>, result_id: String) -> Result<(), HinomiError> {
    state.results.close(&result_id).await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn log_field_top_values(
    state: State<'_>,
    settings: Settings<'_>,
    target: LogTarget,
    query: LogQuery,
    field: String,
) -> Result<FieldTopValues, HinomiError> {
    let client = state.client(&settings, &target.datasource_id)?;
    Ok(client
        .top_values(&target, &query, &field, TOP_VALUES)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn surrounding_logs(
    state: State<'_>,
    settings: Settings<'_>,
    target: LogTarget,
    anchor: LogHit,
    before: u32,
    after: u32,
    same_request: bool,
) -> Result<SurroundingHits, HinomiError> {
    let client = state.client(&settings, &target.datasource_id)?;
    Ok(client
        .surrounding(&target, &anchor, before, after, same_request)
        .await?)
}

/// Live tail: the newest lines without a cursor, then the lines added since the cursor.
#[tauri::command]
#[specta::specta]
pub async fn tail_logs(
    state: State<'_>,
    settings: Settings<'_>,
    target: LogTarget,
    query: LogQuery,
    cursor: Option<SortCursor>,
) -> Result<TailBatch, HinomiError> {
    let client = state.client(&settings, &target.datasource_id)?;
    Ok(client
        .tail(&target, &query, cursor.as_ref(), TAIL_FIRST)
        .await?)
}

/// Writes every hit of the query to `path` (PIT paging, not capped at 10,000), sending progress
/// on `on_progress`; one export runs at a time, [`cancel_log_export`] stops it.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn export_logs(
    state: State<'_>,
    settings: Settings<'_>,
    target: LogTarget,
    query: LogQuery,
    format: ExportFormat,
    columns: Vec<String>,
    path: String,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportProgress, HinomiError> {
    let client = state.client(&settings, &target.datasource_id)?;
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
        path: path.into(),
    };
    let done = client
        .export(&request, &cancel, |progress| {
            let _ = on_progress.send(progress.clone());
        })
        .await;
    state
        .export
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    Ok(done?)
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_log_export(state: State<'_>) -> Result<bool, HinomiError> {
    let running = state
        .export
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    Ok(running.map(|token| token.cancel()).is_some())
}

#[tauri::command]
#[specta::specta]
pub async fn saved_searches(state: State<'_>) -> Result<Vec<SavedSearch>, HinomiError> {
    Ok(state.saved.list()?)
}

/// Saves (adds or replaces) a user search; returns the whole list.
#[tauri::command]
#[specta::specta]
pub async fn save_search(
    state: State<'_>,
    search: SavedSearch,
) -> Result<Vec<SavedSearch>, HinomiError> {
    state.saved.save(search)?;
    Ok(state.saved.list()?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_saved_search(
    state: State<'_>,
    id: String,
) -> Result<Vec<SavedSearch>, HinomiError> {
    state.saved.delete(&id)?;
    Ok(state.saved.list()?)
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
    target: LogTarget,
    query: LogQuery,
) -> Result<LogHistogram, HinomiError> {
    let client = state.client(&settings, &target.datasource_id)?;
    Ok(client.histogram(&target, &query).await?)
}
