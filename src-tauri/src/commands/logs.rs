//! Log search (the Discover view) over Elasticsearch / OpenSearch and "Local files" datasources.
//!
//! The work is `hinomi_logs` (engines) and `hinomi_logs_local` (the embedded index). Each
//! command answers the same model whichever kind of source the target is: [`LogSources::ask`]
//! sends the question to the engine, or to the embedded index on a blocking thread. What the
//! commands share (clients, open sources, result sets whose rows stay here while the UI asks
//! for the visible range, saved searches, the export's cancel token) is [`LogsState`]; adding a
//! local source is [`local_source`].

pub mod local_source;
mod state;

pub use state::{LogSources, LogsState, close_all_on_exit, setup};

use crate::commands::blocking::blocking;
use crate::state::SettingsState;
use hinomi_core::HinomiError;
use hinomi_core::texts::user_lang::say;
use hinomi_logs::{
    CancellationToken, ExportFormat, ExportProgress, ExportRequest, FieldTopValues, LogField,
    LogHistogram, LogHit, LogQuery, LogRows, LogSearchResult, LogTarget, SavedSearch, SortCursor,
    SurroundingHits, TailBatch,
};
use hinomi_logs_local::{IndexStatus, LocalResults};
use state::Backend;
use tauri::ipc::Channel;

/// Top values the field sidebar shows (Kibana shows five).
const TOP_VALUES: u32 = 5;
/// Lines live tail shows when it starts.
const TAIL_FIRST: u32 = 100;

type State<'a> = tauri::State<'a, LogsState>;
type Settings<'a> = tauri::State<'a, SettingsState>;

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
    sources: LogSources<'_>,
    target: LogTarget,
) -> Result<Vec<LogField>, HinomiError> {
    sources
        .ask(
            &target,
            async |client| client.fields(&target).await,
            |source| Ok::<_, HinomiError>(source.fields()),
        )
        .await
}

/// Runs a search; its rows stay here under the returned `result_id` (see [`log_rows`]).
#[tauri::command]
#[specta::specta]
pub async fn search_logs(
    sources: LogSources<'_>,
    target: LogTarget,
    query: LogQuery,
) -> Result<LogSearchResult, HinomiError> {
    let (results, local_results) = (&sources.logs.results, sources.logs.local_results.clone());
    let local_query = query.clone();
    sources
        .ask(
            &target,
            async |client| results.search(&client, &target, &query, None).await,
            move |source| local_results.search(&source, &local_query),
        )
        .await
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
    sources: LogSources<'_>,
    target: LogTarget,
    query: LogQuery,
    field: String,
) -> Result<FieldTopValues, HinomiError> {
    let (local_query, local_field) = (query.clone(), field.clone());
    sources
        .ask(
            &target,
            async |client| client.top_values(&target, &query, &field, TOP_VALUES).await,
            move |source| source.top_values(&local_query, &local_field, TOP_VALUES),
        )
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn surrounding_logs(
    sources: LogSources<'_>,
    target: LogTarget,
    anchor: LogHit,
    before: u32,
    after: u32,
    same_request: bool,
) -> Result<SurroundingHits, HinomiError> {
    let local_anchor = anchor.clone();
    sources
        .ask(
            &target,
            async |client| {
                client
                    .surrounding(&target, &anchor, before, after, same_request)
                    .await
            },
            // Here: the lines around it in the same file.
            move |source| source.surrounding(&local_anchor, before, after, same_request),
        )
        .await
}

/// Live tail: the newest lines without a cursor, then the lines added since the cursor.
#[tauri::command]
#[specta::specta]
pub async fn tail_logs(
    sources: LogSources<'_>,
    target: LogTarget,
    query: LogQuery,
    cursor: Option<SortCursor>,
) -> Result<TailBatch, HinomiError> {
    let (local_query, local_cursor) = (query.clone(), cursor.clone());
    sources
        .ask(
            &target,
            async |client| {
                client
                    .tail(&target, &query, cursor.as_ref(), TAIL_FIRST)
                    .await
            },
            move |source| source.tail(&local_query, local_cursor.as_ref(), TAIL_FIRST),
        )
        .await
}

/// Writes every hit of the query to `path` (PIT paging, not capped at 10,000), sending progress
/// on `on_progress`; one export runs at a time, [`cancel_log_export`] stops it.
#[tauri::command]
#[specta::specta]
// The IPC fields, the progress channel and the managed state the export needs.
#[allow(clippy::too_many_arguments)]
pub async fn export_logs(
    sources: LogSources<'_>,
    target: LogTarget,
    query: LogQuery,
    format: ExportFormat,
    columns: Vec<String>,
    path: String,
    on_progress: Channel<ExportProgress>,
    files: tauri::State<'_, crate::commands::files::FilesState>,
) -> Result<ExportProgress, HinomiError> {
    let path = files.writable_file(&path)?;
    let backend = sources.backend(&target.datasource_id).await?;
    let state = &sources.logs;
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
    sources: LogSources<'_>,
    target: LogTarget,
    query: LogQuery,
) -> Result<LogHistogram, HinomiError> {
    let local_query = query.clone();
    sources
        .ask(
            &target,
            async |client| client.histogram(&target, &query).await,
            move |source| source.histogram(&local_query),
        )
        .await
}

/// What a local files datasource's index holds: files, lines, skipped lines with reasons, lag.
/// Asking opens (and starts following) the source.
#[tauri::command]
#[specta::specta]
pub async fn local_log_status(
    sources: LogSources<'_>,
    datasource_id: String,
) -> Result<IndexStatus, HinomiError> {
    match sources.backend(&datasource_id).await? {
        Backend::Local(source) => blocking(move || Ok(source.status())).await,
        Backend::Engine(_) => Err(HinomiError::invalid_input(say(
            format!("\"{datasource_id}\" is not a local files datasource."),
            format!("「{datasource_id}」はローカルファイルのデータソースではありません。"),
        ))),
    }
}
