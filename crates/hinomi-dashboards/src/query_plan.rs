//! From a panel's targets to the exact Prometheus queries to run: variables substituted, and
//! the step and `$__interval`/`$__rate_interval` computed from the time range and the panel's
//! width, following Grafana's query runner and Prometheus datasource.

use crate::duration;
use crate::error::{DashboardError, Result};
use crate::model::{Dashboard, Panel};
use crate::repeat::{bind_scope, expand_repeats, find_expanded};
use crate::template::TemplateScope;
use crate::time_range::TimeWindow;
use hinomi_core::query_step;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Prometheus refuses range queries with more than 11,000 points per series.
const MAX_POINTS_PER_SERIES: f64 = 11_000.0;

/// What the caller knows about where and how big the panel is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
pub struct QueryContext {
    pub window: TimeWindow,
    /// Drawing width in pixels: Grafana's default number of data points per series.
    pub width_px: u32,
    /// The datasource's scrape interval (Grafana's "scrape interval" setting); 15 s if unknown.
    pub scrape_interval_seconds: f64,
}

/// One query ready to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlannedQuery {
    pub ref_id: String,
    /// Final PromQL.
    pub expr: String,
    /// With dashboard variables substituted; `{{label}}` is left for the renderer.
    pub legend_format: Option<String>,
    /// Instant query at `end_seconds`, else a range query.
    pub instant: bool,
    /// The datasource uid or name the target asks for, variables substituted.
    pub datasource: Option<String>,
    pub step_seconds: f64,
    /// Range start and end, aligned to the step so refreshes hit the same sample times.
    pub start_seconds: f64,
    pub end_seconds: f64,
}

/// Plans the queries of panel `panel_id` with the dashboard's current variable selection;
/// `panel_id` may be a repeated copy's (see [`crate::view::view_panels`]).
pub fn plan_panel(
    dashboard: &Dashboard,
    panel_id: u32,
    ctx: &QueryContext,
) -> Result<Vec<PlannedQuery>> {
    // A repeated copy is found among the expanded panels and runs with its bound value.
    let panels = expand_repeats(dashboard);
    let panel =
        find_expanded(&panels, panel_id).ok_or(DashboardError::PanelNotFound { id: panel_id })?;
    let scope = bind_scope(
        &TemplateScope::for_dashboard(dashboard, &ctx.window),
        dashboard,
        panel,
    );
    Ok(plan_queries(panel, &scope, ctx))
}

/// `seconds` on Prometheus's millisecond grid as the client sends it (`hinomi_core::query_step`),
/// so `$__interval` and the frame's step name the step Prometheus evaluates on.
fn whole_milliseconds(seconds: f64) -> f64 {
    query_step::whole_milliseconds_of_seconds(seconds) as f64 / 1000.0
}

/// Plans a panel's visible Prometheus targets with a prepared scope. Hidden targets and
/// targets without an expression (another datasource's) are skipped.
pub fn plan_queries(panel: &Panel, scope: &TemplateScope, ctx: &QueryContext) -> Vec<PlannedQuery> {
    let scrape = if ctx.scrape_interval_seconds > 0.0 {
        ctx.scrape_interval_seconds
    } else {
        15.0
    };
    let range_ms = ctx.window.range_ms();
    let range_s = range_ms / 1000.0;
    let resolution = f64::from(panel.max_data_points.unwrap_or(ctx.width_px).max(1));
    // Grafana's query runner: range / data points, rounded to a nice step, no finer than the
    // panel's min interval or else the scrape interval (finer steps only repeat samples).
    let low_limit = panel
        .interval
        .as_deref()
        .and_then(|i| duration::parse_seconds(&scope.interpolate_with_format(i, "glob")))
        .unwrap_or(scrape);
    let interval = (duration::round_interval_ms(range_ms / resolution) / 1000.0).max(low_limit);
    let mut safe = range_s / MAX_POINTS_PER_SERIES;
    if safe > 1.0 {
        safe = safe.ceil();
    }
    let mut scope = scope.clone();
    let mut planned = Vec::new();
    for target in &panel.targets {
        let Some(expr) = target.expr.as_deref().filter(|e| !e.trim().is_empty()) else {
            continue;
        };
        if target.is_hidden() {
            continue;
        }
        // Prometheus datasource's adjustInterval: the target's own min step and interval
        // factor, and never more points than Prometheus accepts.
        let min_step = target
            .interval
            .as_deref()
            .and_then(|i| duration::parse_seconds(&scope.interpolate_with_format(i, "glob")))
            .unwrap_or(interval);
        let factor = target
            .extra
            .get("intervalFactor")
            .and_then(serde_json::Value::as_f64)
            .filter(|f| *f >= 1.0)
            .unwrap_or(1.0);
        let step = whole_milliseconds((interval * factor).max(min_step).max(safe));
        scope.set_interval(step, scrape);
        let from_s = (ctx.window.from_ms / 1000.0).floor();
        let to_s = (ctx.window.to_ms / 1000.0).ceil();
        let instant = target.is_instant();
        let (start, end) = if instant {
            (to_s, to_s)
        } else {
            ((from_s / step).floor() * step, (to_s / step).floor() * step)
        };
        planned.push(PlannedQuery {
            ref_id: target.ref_id.clone().unwrap_or_default(),
            expr: scope.interpolate(expr),
            legend_format: target
                .legend_format
                .as_deref()
                .map(|l| scope.interpolate(l)),
            instant,
            datasource: panel
                .datasource_for(target)
                .and_then(|ds| ds.key())
                .map(|key| scope.interpolate_with_format(key, "glob"))
                // A datasource variable with nothing selected means "the default one".
                .filter(|key| !key.is_empty()),
            step_seconds: step,
            start_seconds: start,
            end_seconds: end,
        });
    }
    planned
}
