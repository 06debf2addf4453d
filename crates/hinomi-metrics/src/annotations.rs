//! A dashboard's annotations run: its Prometheus annotation queries over the time range, and
//! the panels' scopes the alert overlay matches against. The shaping is
//! `hinomi_dashboards::annotations`; this module only asks Prometheus.

use crate::error::MetricsError;
use crate::run::{client, panel_context, pick_datasource, utc};
use hinomi_core::HinomiError;
use hinomi_core::http::EndpointCache;
use hinomi_core::settings::Datasource;
use hinomi_dashboards::annotations::matchers::query_matchers;
use hinomi_dashboards::annotations::overlay::{PanelScope, all_as_listed_options};
use hinomi_dashboards::annotations::prometheus::{AnswerSeries, events_from_series};
use hinomi_dashboards::annotations::{AnnotationEvent, AnnotationSource, PrometheusAnnotation};
use hinomi_dashboards::{Dashboard, PanelKind, TemplateScope, TimeWindow, plan_panel};
use std::time::Duration;

/// Prometheus refuses a range query of more points than this per series.
const MAX_POINTS: f64 = 11_000.0;

/// Runs every Prometheus annotation query concurrently; a failed query leaves its error on its
/// source and gives no events.
pub async fn run_annotation_queries(
    dashboard: &Dashboard,
    queries: &[PrometheusAnnotation],
    sources: &mut [AnnotationSource],
    window: &TimeWindow,
    datasources: &[Datasource],
    clients: &EndpointCache,
) -> Vec<AnnotationEvent> {
    let scope = TemplateScope::for_dashboard(dashboard, window);
    let runs = queries
        .iter()
        .map(|query| run_one(query, &scope, window, datasources, clients));
    let answers = futures::future::join_all(runs).await;
    let mut events = Vec::new();
    for (query, answer) in queries.iter().zip(answers) {
        match answer {
            Ok(found) => events.extend(found),
            Err(err) => {
                if let Some(source) = sources.iter_mut().find(|s| s.id == query.source_id) {
                    source.error = Some(HinomiError::from(err));
                }
            }
        }
    }
    events
}

async fn run_one(
    query: &PrometheusAnnotation,
    scope: &TemplateScope,
    window: &TimeWindow,
    datasources: &[Datasource],
    clients: &EndpointCache,
) -> Result<Vec<AnnotationEvent>, MetricsError> {
    let key = query
        .datasource
        .as_ref()
        .and_then(|d| d.key())
        .map(|k| scope.interpolate_with_format(k, "glob"))
        .filter(|k| !k.is_empty());
    let ds = pick_datasource(key.as_deref(), datasources)?;
    let expr = scope.interpolate(&query.expr);
    let step = query
        .step_seconds
        .max(window.range_seconds() / MAX_POINTS)
        .max(0.001);
    // Aligned to the step, as Grafana does, so a refresh sees the same sample times.
    let start = (window.from_ms / 1000.0 / step).floor() * step;
    let series = client(clients, ds)
        .await?
        .query_range(
            &expr,
            utc(start),
            utc(window.to_ms / 1000.0),
            Duration::from_secs_f64(step),
        )
        .await?;
    let answer: Vec<AnswerSeries> = series
        .into_iter()
        .map(|s| AnswerSeries {
            labels: s.labels,
            timestamps_seconds: s.timestamps,
            values: s.values,
        })
        .collect();
    Ok(events_from_series(query, &answer))
}

/// Every time series panel with the datasources its queries go to and their label matchers
/// (variables substituted), for placing alerts.
pub fn panel_scopes(
    dashboard: &Dashboard,
    window: &TimeWindow,
    datasources: &[Datasource],
) -> Vec<PanelScope> {
    let ctx = panel_context(window, 1000);
    let dashboard = &all_as_listed_options(dashboard);
    dashboard
        .all_panels()
        .into_iter()
        .filter(|panel| PanelKind::of(&panel.panel_type) == PanelKind::TimeSeries)
        .filter_map(|panel| {
            let id = panel.id?;
            let planned = plan_panel(dashboard, id, &ctx).ok()?;
            let mut scope = PanelScope {
                panel_id: id,
                ..PanelScope::default()
            };
            for query in planned {
                if let Ok(ds) = pick_datasource(query.datasource.as_deref(), datasources)
                    && !scope.datasource_ids.contains(&ds.id)
                {
                    scope.datasource_ids.push(ds.id.clone());
                }
                scope.matchers.push(query_matchers(&query.expr));
            }
            Some(scope)
        })
        .collect()
}
