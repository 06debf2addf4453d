//! Running a panel and refreshing a variable against the configured Prometheus datasources.

use crate::cache::{PanelCache, keeps_last_data};
use crate::error::MetricsError;
use crate::frame::{QueryHeader, QueryOutcome, pack};
use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use hinomi_core::http::EndpointCache;
use hinomi_core::settings::{Datasource, DatasourceKind};
use hinomi_dashboards::model::VariableKind;
use hinomi_dashboards::variable_options::{
    apply_options, datasource_options, dependents, effective_options,
};
use hinomi_dashboards::{
    Dashboard, PlannedQuery, QueryContext, TemplateScope, TimeWindow, Variable,
    options_from_answer, plan_panel, variable_request,
};
use hinomi_prometheus::downsample::encode_frame;
use hinomi_prometheus::{InstantResult, PrometheusClient, Series, error_position};
use serde::Serialize;
use specta::Type;
use std::time::{Duration, Instant};

/// A variable after a selection, with what to refresh next.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SelectedVariable {
    pub variable: Variable,
    /// Query variables whose options depend on this one, to refresh next, in order.
    pub dependents: Vec<String>,
}

/// How many series a panel frames: its own limit (`options.hinomiSeriesLimit`), else the
/// settings' `default_limit`; the rest are counted in `truncated_series`.
pub fn panel_series_limit(dashboard: &Dashboard, panel_id: u32, default_limit: u32) -> usize {
    let limit = dashboard
        .panel(panel_id)
        .and_then(|p| p.series_limit())
        .unwrap_or(default_limit);
    limit.max(1) as usize
}

/// The Prometheus a dashboard's datasource reference means: the one whose id or name it is,
/// else the first Prometheus in the settings (Grafana uids mean nothing here).
pub fn pick_datasource<'a>(
    key: Option<&str>,
    datasources: &'a [Datasource],
) -> Result<&'a Datasource, MetricsError> {
    let prometheus: Vec<&Datasource> = datasources
        .iter()
        .filter(|ds| ds.kind == DatasourceKind::Prometheus)
        .collect();
    let by_key = key.and_then(|key| {
        prometheus
            .iter()
            .find(|ds| ds.id == key || ds.name.eq_ignore_ascii_case(key))
    });
    by_key
        .or(prometheus.first())
        .copied()
        .ok_or(MetricsError::NoPrometheus)
}

pub(crate) fn utc(seconds: f64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis((seconds * 1000.0) as i64).unwrap_or_default()
}

pub(crate) fn instant_series(result: InstantResult) -> Vec<Series> {
    match result {
        InstantResult::Vector { samples } => samples
            .into_iter()
            .map(|s| Series {
                labels: s.labels,
                timestamps: vec![s.timestamp],
                values: vec![s.value],
            })
            .collect(),
        InstantResult::Scalar { timestamp, value } => vec![Series {
            labels: Default::default(),
            timestamps: vec![timestamp],
            values: vec![value],
        }],
        InstantResult::String { .. } | InstantResult::Matrix { .. } => Vec::new(),
    }
}

/// The Prometheus client of `ds`, over the endpoint shared by every query to it.
pub(crate) async fn client(
    clients: &EndpointCache,
    ds: &Datasource,
) -> Result<PrometheusClient, MetricsError> {
    Ok(PrometheusClient::from_endpoint(clients.endpoint(ds).await?)
        .with_split_range_queries(ds.split_range_queries))
}

async fn fetch(
    query: &PlannedQuery,
    ds: &Datasource,
    clients: &EndpointCache,
) -> Result<Vec<Series>, MetricsError> {
    let client = client(clients, ds).await?;
    if query.instant {
        let asked = Instant::now();
        let result = client
            .query_instant(&query.expr, Some(utc(query.end_seconds)))
            .await?;
        // The query as sent, so a benchmark can ask Prometheus for the same at the same moment.
        tracing::debug!(
            expr = ?query.expr,
            time = query.end_seconds,
            took_ms = asked.elapsed().as_secs_f64() * 1000.0,
            "query_instant"
        );
        Ok(instant_series(result))
    } else {
        let asked = Instant::now();
        let (series, arrival) = client
            .query_range_timed(
                &query.expr,
                utc(query.start_seconds),
                utc(query.end_seconds),
                Duration::from_secs_f64(query.step_seconds.max(0.001)),
            )
            .await?;
        // Where a range query's time goes (issue 14's breakdown): Prometheus until the first
        // byte, the download (decoded while it arrives), and the decode left after the last byte;
        // a query asked in parts counts from the first part's first byte to the last's last.
        if let Some(arrival) = arrival {
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            tracing::debug!(
                expr = ?query.expr,
                start = query.start_seconds,
                end = query.end_seconds,
                step = query.step_seconds,
                first_byte_ms = ms(arrival.first - asked),
                download_ms = ms(arrival.last - arrival.first),
                decode_tail_ms = ms(arrival.last.elapsed()),
                series = series.len(),
                parts = arrival.parts,
                "query_range"
            );
        }
        Ok(series)
    }
}

/// A panel's answer with its queries' errors, before packing.
pub struct PanelAnswer {
    pub(crate) outcomes: Vec<QueryOutcome>,
}

impl PanelAnswer {
    /// The answer as a panel frame, without touching the cache.
    pub fn pack(self) -> Vec<u8> {
        pack(self.outcomes)
    }

    /// Whether some query answered: [`with_cache`] then keeps it and answers it as it is.
    pub fn has_data(&self) -> bool {
        self.outcomes.iter().any(|o| o.frame.is_some())
    }
}

/// Packs the answer and keeps it as the panel's last good one; when every query failed to
/// reach its Prometheus, answers the last good one instead, marked stale with the error.
pub fn with_cache(cache: &PanelCache, uid: &str, panel_id: u32, answer: PanelAnswer) -> Vec<u8> {
    let transport_error = answer
        .outcomes
        .iter()
        .map(|o| o.header.error.as_ref().filter(|e| keeps_last_data(e)))
        .collect::<Option<Vec<_>>>()
        .and_then(|errors| errors.first().map(|e| (*e).clone()));
    let any_ok = answer.outcomes.iter().any(|o| o.frame.is_some());
    let frame = pack(answer.outcomes);
    if any_ok {
        cache.save(uid, panel_id, &frame);
    } else if let Some(error) = transport_error
        && let Some(stale) = cache.stale(uid, panel_id, &error)
    {
        return stale;
    }
    frame
}

/// Plans the panel's queries and runs them concurrently; every answer or error is kept. At most
/// [`panel_series_limit`] series are framed, `default_limit` being the settings' limit.
pub async fn run_panel(
    dashboard: &Dashboard,
    panel_id: u32,
    window: &TimeWindow,
    width_px: u32,
    default_limit: u32,
    datasources: &[Datasource],
    clients: &EndpointCache,
) -> Result<PanelAnswer, MetricsError> {
    let ctx = panel_context(window, width_px);
    let planned = plan_panel(dashboard, panel_id, &ctx)?;
    let limit = panel_series_limit(dashboard, panel_id, default_limit);
    Ok(run_planned(planned, ctx.width_px, limit, datasources, clients).await)
}

/// How a panel of `width_px` pixels over `window` is planned (15 s scrape interval assumed).
pub(crate) fn panel_context(window: &TimeWindow, width_px: u32) -> QueryContext {
    QueryContext {
        window: *window,
        width_px: width_px.clamp(10, 8000),
        scrape_interval_seconds: 15.0,
    }
}

/// Runs planned queries concurrently, downsampled to `width_px`; the queries together frame at
/// most `series_limit` series.
pub(crate) async fn run_planned(
    planned: Vec<PlannedQuery>,
    width_px: u32,
    series_limit: usize,
    datasources: &[Datasource],
    clients: &EndpointCache,
) -> PanelAnswer {
    let runs = planned.iter().map(|query| async move {
        let ds = pick_datasource(query.datasource.as_deref(), datasources);
        let datasource_id = ds.as_ref().ok().map(|ds| ds.id.clone());
        let result = match ds {
            Ok(ds) => fetch(query, ds, clients).await,
            Err(err) => Err(err),
        };
        (datasource_id, result)
    });
    let results = futures::future::join_all(runs).await;
    let mut budget = series_limit;
    let outcomes = planned
        .into_iter()
        .zip(results)
        .map(|(query, (datasource_id, result))| {
            let mut header = QueryHeader {
                ref_id: query.ref_id,
                expr: query.expr,
                legend_format: query.legend_format,
                instant: query.instant,
                step_seconds: query.step_seconds,
                datasource_id,
                error: None,
                error_position: None,
                offset: 0,
                length: 0,
            };
            let frame = match result {
                Ok(series) => {
                    let frame = encode_frame(
                        &series,
                        query.start_seconds,
                        query.end_seconds,
                        width_px,
                        budget,
                    );
                    budget = budget.saturating_sub(series.len());
                    Some(frame)
                }
                Err(err) => {
                    // Worded now: the frame carries the UI's shape of each query's error.
                    let err = HinomiError::from(err);
                    header.error_position = error_position(&err.message);
                    header.error = Some(err);
                    None
                }
            };
            QueryOutcome { header, frame }
        })
        .collect();
    PanelAnswer { outcomes }
}

/// Loads variable `name`'s options and stores them (keeping the selection valid).
pub async fn refresh_variable(
    dashboard: &mut Dashboard,
    name: &str,
    window: &TimeWindow,
    datasources: &[Datasource],
    clients: &EndpointCache,
) -> Result<Variable, MetricsError> {
    let variable = dashboard
        .variable(name)
        .cloned()
        .ok_or_else(|| no_variable(name))?;
    let options = match &variable.kind {
        VariableKind::Query => {
            let scope = TemplateScope::for_dashboard(dashboard, window);
            let request = variable_request(&variable, &scope, window)?;
            let key = variable
                .datasource
                .as_ref()
                .and_then(|d| d.key())
                .map(|k| scope.interpolate_with_format(k, "glob"))
                .filter(|k| !k.is_empty());
            let ds = pick_datasource(key.as_deref(), datasources)?;
            let client = client(clients, ds).await?;
            let params: Vec<(&str, &str)> = request
                .request
                .params
                .iter()
                .map(|p| (p.name.as_str(), p.value.as_str()))
                .collect();
            let body = client.get_api_body(&request.request.path, &params).await?;
            options_from_answer(&request, &String::from_utf8_lossy(&body))?
        }
        VariableKind::Datasource => {
            let names: Vec<String> = datasources
                .iter()
                .filter(|ds| ds.kind == DatasourceKind::Prometheus)
                .map(|ds| ds.name.clone())
                .collect();
            datasource_options(&variable, &names)?
        }
        _ => effective_options(&variable),
    };
    let stored = dashboard
        .variables_mut()
        .iter_mut()
        .find(|v| v.name == name)
        .ok_or_else(|| MetricsError::VariableVanished {
            name: name.to_owned(),
        })?;
    apply_options(stored, options);
    Ok(stored.clone())
}

fn no_variable(name: &str) -> MetricsError {
    MetricsError::NoVariable {
        name: name.to_owned(),
    }
}

pub fn selected(dashboard: &Dashboard, name: &str) -> Result<SelectedVariable, MetricsError> {
    let variable = dashboard
        .variable(name)
        .cloned()
        .ok_or_else(|| no_variable(name))?;
    Ok(SelectedVariable {
        variable,
        dependents: dependents(dashboard, name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(id: &str, name: &str, kind: DatasourceKind) -> Datasource {
        Datasource {
            id: id.into(),
            name: name.into(),
            kind,
            url: "http://127.0.0.1:9".into(),
            timeout_ms: 1000,
            tls: Default::default(),
            auth: Default::default(),
            logs: None,
            split_range_queries: true,
        }
    }

    #[test]
    fn datasource_reference_maps_to_a_configured_prometheus() {
        let all = [
            ds("logs", "Logs", DatasourceKind::Alertmanager),
            ds("prom-a", "Main", DatasourceKind::Prometheus),
            ds("prom-b", "Backup", DatasourceKind::Prometheus),
        ];
        assert_eq!(pick_datasource(Some("prom-b"), &all).unwrap().id, "prom-b");
        assert_eq!(pick_datasource(Some("backup"), &all).unwrap().id, "prom-b");
        // A Grafana uid nobody here knows: the first Prometheus.
        assert_eq!(
            pick_datasource(Some("P1809F7CD0C75ACF3"), &all).unwrap().id,
            "prom-a"
        );
        assert_eq!(pick_datasource(None, &all).unwrap().id, "prom-a");
        let err = HinomiError::from(pick_datasource(None, &all[..1]).unwrap_err());
        assert_eq!(err.code, hinomi_core::ErrorCode::InvalidConfig);
    }

    #[test]
    fn a_panel_limit_overrides_the_settings_limit() {
        let json = serde_json::json!({
            "title": "t",
            "panels": [
                {"id": 1, "type": "timeseries", "targets": [{"refId": "A", "expr": "up"}]},
                {"id": 2, "type": "timeseries", "options": {"hinomiSeriesLimit": 3000},
                 "targets": [{"refId": "A", "expr": "up"}]},
                {"id": 3, "type": "timeseries", "options": {"hinomiSeriesLimit": "many"}}
            ]
        });
        let dashboard = hinomi_dashboards::import_dashboard(&json.to_string(), "t.json")
            .unwrap()
            .dashboard;
        assert_eq!(panel_series_limit(&dashboard, 1, 1_000), 1_000);
        assert_eq!(panel_series_limit(&dashboard, 2, 1_000), 3_000);
        assert_eq!(panel_series_limit(&dashboard, 3, 500), 500, "not a number");
        assert_eq!(panel_series_limit(&dashboard, 9, 0), 1, "never zero");
    }
}
