//! Explore (ad-hoc PromQL): thin commands over `hinomi_metrics::explore`. Its queries share the
//! dashboards' in-flight table, so a newer Explore query drops the one it replaces.

use crate::commands::dashboards::{DashboardsState, PanelFrame};
use crate::commands::datasources::Datasources;
use hinomi_core::HinomiError;
use hinomi_dashboards::TimeWindow;
use hinomi_metrics::{InstantAnswer, PromqlCatalog, explore};

/// Graph of `expr` over `window` at `width_px`: a panel frame with one query `A`. A newer
/// Explore query drops this one.
#[tauri::command]
#[specta::specta]
pub async fn explore_range(
    state: tauri::State<'_, DashboardsState>,
    datasources: Datasources<'_>,
    expr: String,
    datasource_id: Option<String>,
    window: TimeWindow,
    width_px: u32,
) -> Result<PanelFrame, HinomiError> {
    let configured = datasources.list();
    let run = explore::explore_range(
        &expr,
        datasource_id.as_deref(),
        &window,
        width_px,
        datasources.series_limit(),
        &configured,
        datasources.clients(),
    );
    Ok(PanelFrame(
        state.inflight().run_latest("explore/range", run).await??,
    ))
}

/// Table of `expr` at the end of `window` (instant query).
#[tauri::command]
#[specta::specta]
pub async fn explore_instant(
    state: tauri::State<'_, DashboardsState>,
    datasources: Datasources<'_>,
    expr: String,
    datasource_id: Option<String>,
    window: TimeWindow,
) -> Result<InstantAnswer, HinomiError> {
    let configured = datasources.list();
    let run = explore::explore_instant(
        &expr,
        datasource_id.as_deref(),
        &window,
        &configured,
        datasources.clients(),
    );
    Ok(state
        .inflight()
        .run_latest("explore/instant", run)
        .await??)
}

/// Metric names, label names and functions for autocomplete.
#[tauri::command]
#[specta::specta]
pub async fn promql_catalog(
    datasources: Datasources<'_>,
    datasource_id: Option<String>,
) -> Result<PromqlCatalog, HinomiError> {
    Ok(explore::promql_catalog(
        datasource_id.as_deref(),
        &datasources.list(),
        datasources.clients(),
    )
    .await?)
}

/// Values of `label` (on the series of `metric`, if given) for autocomplete.
#[tauri::command]
#[specta::specta]
pub async fn promql_label_values(
    datasources: Datasources<'_>,
    label: String,
    metric: Option<String>,
    datasource_id: Option<String>,
) -> Result<Vec<String>, HinomiError> {
    Ok(explore::label_values(
        &label,
        metric.as_deref(),
        datasource_id.as_deref(),
        &datasources.list(),
        datasources.clients(),
    )
    .await?)
}
