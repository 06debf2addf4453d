// Over 400 lines: one thin command per dashboards action over the open-copy state they share.
//! Dashboards over Prometheus: the local library (built-ins installed on first run), variables
//! resolved against the configured Prometheus, and panels run into binary frames.
//!
//! The dashboard being looked at is kept in memory per uid ([`DashboardsState`]), so variable
//! selections and freshly loaded options apply to the panels without writing the file. The
//! running itself is `hinomi_metrics`; Explore's commands are in `commands/explore.rs`.

pub mod annotations;
mod snapshot;

pub use annotations::pinned_annotations;

use super::blocking::blocking;
use crate::commands::datasources::Datasources;
use hinomi_core::HinomiError;
use hinomi_core::paths::AppPaths;
use hinomi_core::texts::user_lang::say;
use hinomi_dashboards::{
    Dashboard, DashboardSearch, DashboardStore, DashboardSummary, ImportReport, Panel, PanelEdit,
    TimeWindow, Variable,
};
pub use hinomi_metrics::SelectedVariable;
use hinomi_metrics::{Inflight, PanelCache};
use serde::Serialize;
use specta::Type;
use specta::datatype::DataType;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tauri::Manager;
use tracing::Instrument;

/// A binary panel frame (`hinomi_metrics::frame`) on the wire; `ArrayBuffer` in TypeScript.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelFrame(pub Vec<u8>);

impl specta::Type for PanelFrame {
    fn definition(_: &mut specta::Types) -> DataType {
        DataType::Reference(specta_typescript::define("ArrayBuffer"))
    }
}

impl tauri::ipc::IpcResponse for PanelFrame {
    fn body(self) -> tauri::Result<tauri::ipc::InvokeResponseBody> {
        Ok(tauri::ipc::InvokeResponseBody::Raw(self.0))
    }
}
pub use snapshot::panel_snapshot;

/// The library on disk and the dashboards open in the UI (with their live variable state).
/// Every file read or write goes through [`blocking`] (the store and the panel cache are cheap
/// handles on a folder, cloned into the blocking task).
pub struct DashboardsState {
    /// Why the dashboards folder could not be opened, if it could not.
    store: Result<DashboardStore, HinomiError>,
    cache: Arc<PanelCache>,
    open: Mutex<HashMap<String, Dashboard>>,
    /// Panel and Explore queries in flight, so a newer one drops the one it replaces.
    inflight: Inflight,
    /// The alert history the poll loop writes, read for the alert annotations.
    alert_history: std::path::PathBuf,
}

impl DashboardsState {
    /// The open copy of `uid`, loaded from its file the first time.
    async fn open_copy(&self, uid: &str) -> Result<Dashboard, HinomiError> {
        if let Some(dashboard) = self.lock().get(uid).cloned() {
            return Ok(dashboard);
        }
        let loading = uid.to_owned();
        let dashboard = self
            .with_store(move |store| Ok(store.load(&loading)?))
            .await?;
        self.lock().insert(uid.to_owned(), dashboard.clone());
        Ok(dashboard)
    }

    /// The queries in flight (Explore's too).
    pub(crate) fn inflight(&self) -> &Inflight {
        &self.inflight
    }

    /// Runs `work` on the library, on the blocking pool.
    async fn with_store<T: Send + 'static>(
        &self,
        work: impl FnOnce(&DashboardStore) -> Result<T, HinomiError> + Send + 'static,
    ) -> Result<T, HinomiError> {
        let store = self.store.clone()?;
        blocking(move || work(&store)).await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Dashboard>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn update(&self, uid: &str, dashboard: Dashboard) {
        self.lock().insert(uid.to_owned(), dashboard);
    }

    /// Applies saved panel edits to the open copy too, or takes the saved one if that fails.
    fn edit_open_copy(
        &self,
        uid: &str,
        panel_id: u32,
        edits: Vec<hinomi_dashboards::PanelEdit>,
        saved: &Dashboard,
    ) {
        let mut open = self.lock();
        let Some(dashboard) = open.get_mut(uid) else {
            return;
        };
        let mut edited = dashboard.clone();
        let applied = edits
            .into_iter()
            .try_for_each(|edit| hinomi_dashboards::apply_panel_edit(&mut edited, panel_id, edit));
        *dashboard = if applied.is_ok() {
            edited
        } else {
            saved.clone()
        };
    }

    /// Replaces one variable of an open dashboard, leaving the rest as other calls left it.
    fn update_variable(&self, uid: &str, variable: &Variable) {
        if let Some(dashboard) = self.lock().get_mut(uid)
            && let Some(slot) = dashboard
                .variables_mut()
                .iter_mut()
                .find(|v| v.name == variable.name)
        {
            *slot = variable.clone();
        }
    }
}

/// Registers this domain's managed state and starts its background tasks.
/// A store that cannot be opened leaves the view showing why (every command answers with the
/// error) while the rest of the app runs.
pub fn setup(app: &mut tauri::App, paths: &AppPaths) {
    let store = DashboardStore::open(paths.data_dir.join("dashboards")).map_err(HinomiError::from);
    match &store {
        Ok(store) => match hinomi_dashboards::install_builtins(store) {
            Ok(added) if !added.is_empty() => {
                tracing::info!(?added, "built-in dashboards installed")
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, "built-in dashboards not installed"),
        },
        Err(err) => tracing::error!(?err, "dashboard store unavailable"),
    }
    app.manage(DashboardsState {
        store,
        cache: Arc::new(PanelCache::new(paths.cache_dir.join("panels"))),
        open: Mutex::new(HashMap::new()),
        inflight: Inflight::new(),
        alert_history: crate::alerts::history_path(paths),
    });
}

#[tauri::command]
#[specta::specta]
pub async fn list_dashboards(
    state: tauri::State<'_, DashboardsState>,
    search: DashboardSearch,
) -> Result<Vec<DashboardSummary>, HinomiError> {
    state
        .with_store(move |store| Ok(store.search(&search)?))
        .await
}

/// Loads a dashboard afresh from its file (dropping unsaved variable state).
#[tauri::command]
#[specta::specta]
pub async fn open_dashboard(
    state: tauri::State<'_, DashboardsState>,
    uid: String,
) -> Result<Dashboard, HinomiError> {
    let loading = uid.clone();
    let dashboard = state
        .with_store(move |store| Ok(store.load(&loading)?))
        .await?;
    state.update(&uid, dashboard.clone());
    Ok(dashboard)
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ImportedDashboard {
    pub summary: DashboardSummary,
    pub report: ImportReport,
}

/// Imports Grafana JSON text; a malformed file names the file and JSON path and writes nothing.
#[tauri::command]
#[specta::specta]
pub async fn import_dashboard(
    state: tauri::State<'_, DashboardsState>,
    text: String,
    file_name: String,
) -> Result<ImportedDashboard, HinomiError> {
    state
        .with_store(move |store| {
            let imported = store.import(&text, &file_name, false)?;
            let uid = imported.dashboard.uid.clone().unwrap_or_default();
            let summary = store
                .list()?
                .into_iter()
                .find(|s| s.uid == uid)
                .ok_or_else(|| {
                    HinomiError::internal(say(
                        "the imported dashboard is not in the library",
                        "インポートしたダッシュボードがライブラリにありません",
                    ))
                })?;
            Ok(ImportedDashboard {
                summary,
                report: imported.report,
            })
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn star_dashboard(
    state: tauri::State<'_, DashboardsState>,
    uid: String,
    starred: bool,
) -> Result<(), HinomiError> {
    state
        .with_store(move |store| Ok(store.set_starred(&uid, starred)?))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn duplicate_dashboard(
    state: tauri::State<'_, DashboardsState>,
    uid: String,
) -> Result<DashboardSummary, HinomiError> {
    state
        .with_store(move |store| Ok(store.duplicate(&uid, None)?))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_dashboard(
    state: tauri::State<'_, DashboardsState>,
    uid: String,
) -> Result<(), HinomiError> {
    let deleting = uid.clone();
    state
        .with_store(move |store| Ok(store.delete(&deleting)?))
        .await?;
    state.lock().remove(&uid);
    Ok(())
}

/// Loads the options of variable `name` (Prometheus for query variables) and keeps the
/// selection valid; returns the variable as it now is.
#[tauri::command]
#[specta::specta]
pub async fn refresh_dashboard_variable(
    state: tauri::State<'_, DashboardsState>,
    datasources: Datasources<'_>,
    uid: String,
    name: String,
    window: TimeWindow,
) -> Result<Variable, HinomiError> {
    let mut dashboard = state.open_copy(&uid).await?;
    let variable = hinomi_metrics::refresh_variable(
        &mut dashboard,
        &name,
        &window,
        &datasources.list(),
        datasources.clients(),
    )
    .await?;
    state.update_variable(&uid, &variable);
    Ok(variable)
}

#[tauri::command]
#[specta::specta]
pub async fn select_dashboard_variable(
    state: tauri::State<'_, DashboardsState>,
    uid: String,
    name: String,
    values: Vec<String>,
) -> Result<SelectedVariable, HinomiError> {
    let mut dashboard = state.open_copy(&uid).await?;
    hinomi_dashboards::select_variable(&mut dashboard, &name, &values)?;
    let selected = hinomi_metrics::selected(&dashboard, &name)?;
    state.update_variable(&uid, &selected.variable);
    Ok(selected)
}

/// The open dashboard's panels as drawn for its live variable selection: repeated panels and
/// rows expanded (each copy's id is what [`run_panel`] takes), titles and descriptions with
/// their variables replaced. The saved file keeps the source panels only.
#[tauri::command]
#[specta::specta]
pub async fn view_dashboard_panels(
    state: tauri::State<'_, DashboardsState>,
    uid: String,
    window: TimeWindow,
) -> Result<Vec<Panel>, HinomiError> {
    let dashboard = state.open_copy(&uid).await?;
    Ok(hinomi_dashboards::view_panels(&dashboard, &window))
}

/// Runs a panel's queries for `window` at `width_px`, all at once; the answer is a binary
/// [`PanelFrame`], with each query's Prometheus error inside it. A run of the same panel still
/// on its way is dropped (its answer would be for the old range).
#[tauri::command]
#[specta::specta]
pub async fn run_panel(
    state: tauri::State<'_, DashboardsState>,
    datasources: Datasources<'_>,
    uid: String,
    panel_id: u32,
    window: TimeWindow,
    width_px: u32,
) -> Result<PanelFrame, HinomiError> {
    // Where a panel's time goes on this side (issue 14): logged at debug (on by default, in the app log).
    let started = Instant::now();
    // Wall-clock start, so a benchmark can line the backend's run up with the UI's invoke and
    // its answer (performance.timeOrigin + now() in the page): the rest is IPC and waiting.
    let started_epoch_ms = chrono::Utc::now().timestamp_micros() as f64 / 1000.0;
    let (dashboard, configured) = (state.open_copy(&uid).await?, datasources.list());
    let prepared = started.elapsed();
    let run = hinomi_metrics::run_panel(
        &dashboard,
        panel_id,
        &window,
        width_px,
        datasources.series_limit(),
        &configured,
        datasources.clients(),
    );
    // The span names the panel on its queries' own log lines (`query_range`, `query_instant`).
    let run = run.instrument(tracing::debug_span!("run_panel", uid = %uid, panel_id));
    let answer = state
        .inflight
        .run_latest(&format!("{uid}/{panel_id}"), run)
        .await??;
    let ran = started.elapsed();
    let cache = state.cache.clone();
    let frame = if answer.has_data() {
        // Answered as it is (what `with_cache` answers too) and saved as the last good answer
        // after the UI has it: waiting for the write, queued on the blocking pool behind the
        // other panels' writes, was up to half of a small panel's time here.
        let frame = answer.pack();
        let (saved, saved_uid) = (frame.clone(), uid.clone());
        tauri::async_runtime::spawn(blocking(move || {
            cache.save(&saved_uid, panel_id, &saved);
            Ok(())
        }));
        Ok(PanelFrame(frame))
    } else {
        // Every query failed: the last good answer, stale, for a transport error.
        let uid = uid.clone();
        blocking(move || {
            Ok(PanelFrame(hinomi_metrics::with_cache(
                &cache, &uid, panel_id, answer,
            )))
        })
        .await
    };
    tracing::debug!(
        uid = %uid,
        panel_id,
        prepare_ms = ms(prepared),
        run_ms = ms(ran - prepared),
        pack_ms = ms(started.elapsed() - ran),
        bytes = frame.as_ref().map_or(0, |f| f.0.len()),
        started_epoch_ms,
        "run_panel"
    );
    frame
}

/// Milliseconds with a fraction, for timing logs.
fn ms(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Drops every query of dashboard `uid` still running (the dashboard was closed).
#[tauri::command]
#[specta::specta]
pub async fn cancel_dashboard_queries(
    state: tauri::State<'_, DashboardsState>,
    uid: String,
) -> Result<u32, HinomiError> {
    Ok(state.inflight.cancel_prefix(&format!("{uid}/")) as u32)
}

/// Applies the edits to a panel and saves the dashboard; the open copy follows (its variable
/// selection is kept). Nothing is saved if one edit is refused.
#[tauri::command]
#[specta::specta]
pub async fn edit_dashboard_panel(
    state: tauri::State<'_, DashboardsState>,
    uid: String,
    panel_id: u32,
    edits: Vec<PanelEdit>,
) -> Result<Dashboard, HinomiError> {
    let (editing, applied) = (uid.clone(), edits.clone());
    let saved = state
        .with_store(move |store| Ok(store.edit_panel(&editing, panel_id, applied)?))
        .await?;
    state.edit_open_copy(&uid, panel_id, edits, &saved);
    Ok(saved)
}

/// The dashboard as Grafana JSON (what is saved, not the live variable selection).
#[tauri::command]
#[specta::specta]
pub async fn export_dashboard(
    state: tauri::State<'_, DashboardsState>,
    uid: String,
) -> Result<String, HinomiError> {
    state
        .with_store(move |store| Ok(hinomi_dashboards::export_json(&store.load(&uid)?)?))
        .await
}
