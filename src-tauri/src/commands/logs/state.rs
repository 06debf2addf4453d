//! What the log commands share: the open sources, result sets, saved searches and the export's
//! cancel token ([`LogsState`]), and how a command reaches a target's source ([`LogSources`]).

use crate::commands::blocking::blocking;
use crate::commands::datasources::{Datasources, managed};
use crate::commands::files::FilesState;
use hinomi_core::paths::AppPaths;
use hinomi_core::settings::{Datasource, DatasourceKind};
use hinomi_core::texts::user_lang::say;
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_logs::{CancellationToken, ElasticClient, LogResults, LogTarget, saved::SavedSearches};
use hinomi_logs_local::{LocalLogs, LocalResults, LocalSources};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::Manager;

/// How often idle result sets (and their PITs) are looked for; they expire after minutes.
const SWEEP_EVERY: Duration = Duration::from_secs(30);
/// Closing the PITs on exit waits no longer than this (an unreachable engine must not hold the
/// app open; its PITs then end with their keep-alive).
const EXIT_CLOSE_LIMIT: Duration = Duration::from_secs(3);

pub struct LogsState {
    clients: Mutex<HashMap<String, (Datasource, ElasticClient)>>,
    pub(super) results: Arc<LogResults>,
    pub(super) local: Arc<LocalSources>,
    pub(super) local_results: Arc<LocalResults>,
    pub(super) saved: SavedSearches,
    pub(super) export: Mutex<Option<CancellationToken>>,
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
pub(super) enum Backend {
    Engine(ElasticClient),
    Local(Arc<LocalLogs>),
}

impl LogsState {
    fn lock_clients(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, (Datasource, ElasticClient)>> {
        self.clients.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the running export's cancel token (the export ended, or is being cancelled).
    pub(super) fn take_export(&self) -> Option<CancellationToken> {
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

/// The managed state a log command needs to reach a target's source, taken from the invoke as
/// one argument (so each command names what it does, not the three states it needs). The IPC
/// bindings skip it like any `tauri::State`.
pub struct LogSources<'r> {
    pub(super) logs: tauri::State<'r, LogsState>,
    datasources: Datasources<'r>,
}

impl<'r, 'de: 'r, R: tauri::Runtime> tauri::ipc::CommandArg<'de, R> for LogSources<'r> {
    fn from_command(
        command: tauri::ipc::CommandItem<'de, R>,
    ) -> Result<Self, tauri::ipc::InvokeError> {
        Ok(Self {
            logs: managed(&command)?,
            datasources: Datasources::from_command(command)?,
        })
    }
}

/// Not an IPC argument: the bindings skip it, as they skip `tauri::State`.
impl specta::function::FunctionArg for LogSources<'_> {
    fn to_datatype(_: &mut specta::Types) -> Option<specta::datatype::DataType> {
        None
    }
}

impl LogSources<'_> {
    /// The engine client or the open local source of `datasource_id`. Opening a local source
    /// reads its index from disk and a new engine client may read the keyring: both happen on
    /// the blocking pool (the engine's endpoint comes from the shared
    /// [`hinomi_core::http::EndpointCache`]).
    pub(super) async fn backend(&self, datasource_id: &str) -> Result<Backend, HinomiError> {
        let ds = self
            .datasources
            .find(datasource_id)
            .filter(|ds| ds.kind.has_logs())
            .ok_or_else(|| {
                HinomiError::new(
                    ErrorCode::NotFound,
                    say(
                        format!("No log datasource \"{datasource_id}\" in the settings."),
                        format!("ログのデータソース「{datasource_id}」は設定にありません。"),
                    ),
                )
            })?;
        if ds.kind == DatasourceKind::LocalFiles {
            let local = self.logs.local.clone();
            return blocking(move || Ok(Backend::Local(local.source(&ds)?))).await;
        }
        if let Some((cached, client)) = self.logs.lock_clients().get(datasource_id)
            && *cached == ds
        {
            return Ok(Backend::Engine(client.clone()));
        }
        // Kept per datasource (not rebuilt per call) for the engine dialect it detects once.
        let client = ElasticClient::from_endpoint(
            self.datasources.clients().endpoint(&ds).await?,
            &ds.log_options(),
        );
        self.logs
            .lock_clients()
            .insert(datasource_id.to_owned(), (ds, client.clone()));
        Ok(Backend::Engine(client))
    }

    /// One question asked of whichever kind of source `target` is: `engine` over the network,
    /// `local` against the embedded index on the blocking pool.
    pub(super) async fn ask<T, EngineError, LocalError>(
        &self,
        target: &LogTarget,
        engine: impl AsyncFnOnce(ElasticClient) -> Result<T, EngineError>,
        local: impl FnOnce(Arc<LocalLogs>) -> Result<T, LocalError> + Send + 'static,
    ) -> Result<T, HinomiError>
    where
        T: Send + 'static,
        HinomiError: From<EngineError> + From<LocalError>,
    {
        match self.backend(&target.datasource_id).await? {
            Backend::Engine(client) => Ok(engine(client).await?),
            Backend::Local(source) => blocking(move || Ok(local(source)?)).await,
        }
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
