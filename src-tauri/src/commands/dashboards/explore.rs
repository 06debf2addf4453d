//! Explore (ad-hoc PromQL) and panel editing: thin commands over `hinomi_metrics::explore` and
//! the dashboard store.

use super::{DashboardsState, PanelFrame};
use crate::state::SettingsState;
use hinomi_core::HinomiError;
use hinomi_core::http::EndpointCache;
use hinomi_dashboards::{Dashboard, PanelEdit, TimeWindow};
use hinomi_metrics::{InstantAnswer, PromqlCatalog, explore};

/// Graph of `expr` over `window` at `width_px`: a panel frame with one query `A`. A newer
/// Explore query drops this one.
#[tauri::command]
#[specta::specta]
pub async fn explore_range(
    state: tauri::State<'_, DashboardsState>,
    settings: tauri::State<'_, SettingsState>,
    clients: tauri::State<'_, EndpointCache>,
    expr: String,
    datasource_id: Option<String>,
    window: TimeWindow,
    width_px: u32,
) -> Result<PanelFrame, HinomiError> {
    let datasources = settings.snapshot().settings.datasources;
    let run = explore::explore_range(
        &expr,
        datasource_id.as_deref(),
        &window,
        width_px,
        &datasources,
        &clients,
    );
    Ok(PanelFrame(
        state.inflight.run_latest("explore/range", run).await??,
    ))
}

/// Table of `expr` at the end of `window` (instant query).
#[tauri::command]
#[specta::specta]
pub async fn explore_instant(
    state: tauri::State<'_, DashboardsState>,
    settings: tauri::State<'_, SettingsState>,
    clients: tauri::State<'_, EndpointCache>,
    expr: String,
    datasource_id: Option<String>,
    window: TimeWindow,
) -> Result<InstantAnswer, HinomiError> {
    let datasources = settings.snapshot().settings.datasources;
    let run = explore::explore_instant(
        &expr,
        datasource_id.as_deref(),
        &window,
        &datasources,
        &clients,
    );
    state.inflight.run_latest("explore/instant", run).await?
}

/// Metric names, label names and functions for autocomplete.
#[tauri::command]
#[specta::specta]
pub async fn promql_catalog(
    settings: tauri::State<'_, SettingsState>,
    clients: tauri::State<'_, EndpointCache>,
    datasource_id: Option<String>,
) -> Result<PromqlCatalog, HinomiError> {
    let datasources = settings.snapshot().settings.datasources;
    explore::promql_catalog(datasource_id.as_deref(), &datasources, &clients).await
}

/// Values of `label` (on the series of `metric`, if given) for autocomplete.
#[tauri::command]
#[specta::specta]
pub async fn promql_label_values(
    settings: tauri::State<'_, SettingsState>,
    clients: tauri::State<'_, EndpointCache>,
    label: String,
    metric: Option<String>,
    datasource_id: Option<String>,
) -> Result<Vec<String>, HinomiError> {
    let datasources = settings.snapshot().settings.datasources;
    explore::label_values(
        &label,
        metric.as_deref(),
        datasource_id.as_deref(),
        &datasources,
        &clients,
    )
    .await
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
