//! Explore: one ad-hoc PromQL expression as a graph (range query, downsampled, the same binary
//! frame as a panel) or a table (instant query), and what autocomplete offers — the server's
//! metric names, label names and values, and PromQL's functions.
//!
//! The expression is planned like a one-query panel, so `$__interval`, `$__rate_interval` and
//! `$__range` work here too.

use crate::error::MetricsError;
use crate::run::{client, panel_context, pick_datasource, run_planned, utc};
use hinomi_core::HinomiError;
use hinomi_core::http::EndpointCache;
use hinomi_core::settings::Datasource;
use hinomi_dashboards::{Panel, PlannedQuery, TemplateScope, TimeWindow, plan_queries};
use hinomi_prometheus::metadata::MetricMetadata;
use hinomi_prometheus::{InstantResult, QueryPosition, error_position};
use serde::Serialize;
use specta::Type;

/// PromQL's functions and aggregation operators, as offered by autocomplete.
pub const PROMQL_FUNCTIONS: &[&str] = &[
    "abs",
    "absent",
    "absent_over_time",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "avg",
    "avg_over_time",
    "bottomk",
    "ceil",
    "changes",
    "clamp",
    "clamp_max",
    "clamp_min",
    "cos",
    "cosh",
    "count",
    "count_over_time",
    "count_values",
    "day_of_month",
    "day_of_week",
    "day_of_year",
    "days_in_month",
    "deg",
    "delta",
    "deriv",
    "exp",
    "floor",
    "group",
    "group_left",
    "group_right",
    "histogram_avg",
    "histogram_count",
    "histogram_fraction",
    "histogram_quantile",
    "histogram_stddev",
    "histogram_stdvar",
    "histogram_sum",
    "holt_winters",
    "hour",
    "idelta",
    "ignoring",
    "increase",
    "irate",
    "label_join",
    "label_replace",
    "last_over_time",
    "limitk",
    "limit_ratio",
    "ln",
    "log10",
    "log2",
    "mad_over_time",
    "max",
    "max_over_time",
    "min",
    "min_over_time",
    "minute",
    "month",
    "on",
    "predict_linear",
    "present_over_time",
    "quantile",
    "quantile_over_time",
    "rad",
    "rate",
    "resets",
    "round",
    "scalar",
    "sgn",
    "sin",
    "sinh",
    "sort",
    "sort_by_label",
    "sort_by_label_desc",
    "sort_desc",
    "sqrt",
    "stddev",
    "stddev_over_time",
    "stdvar",
    "stdvar_over_time",
    "sum",
    "sum_over_time",
    "tan",
    "tanh",
    "time",
    "timestamp",
    "topk",
    "vector",
    "without",
    "by",
    "year",
];

/// One metric autocomplete can offer, with its metadata when the server has it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct MetricName {
    pub name: String,
    /// `counter`, `gauge`, `histogram`, ... or empty when unknown.
    pub metric_type: String,
    pub help: String,
}

/// What autocomplete needs from one Prometheus, fetched once when Explore opens.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct PromqlCatalog {
    pub datasource_id: String,
    pub metrics: Vec<MetricName>,
    pub label_names: Vec<String>,
    pub functions: Vec<String>,
}

/// An instant query's answer, or Prometheus's error verbatim with where in the query it is.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct InstantAnswer {
    pub datasource_id: Option<String>,
    /// The expression as sent (built-in variables substituted).
    pub expr: String,
    pub result: Option<InstantResult>,
    pub error: Option<HinomiError>,
    pub error_position: Option<QueryPosition>,
}

/// The expression as a one-target panel, planned over `window` at `width_px`.
fn plan(
    expr: &str,
    instant: bool,
    window: &TimeWindow,
    width_px: u32,
    datasource_id: Option<&str>,
) -> Result<PlannedQuery, MetricsError> {
    if expr.trim().is_empty() {
        return Err(MetricsError::EmptyExpression);
    }
    let panel: Panel = serde_json::from_value(serde_json::json!({
        "id": 1,
        "type": "timeseries",
        "datasource": datasource_id,
        "targets": [{ "refId": "A", "expr": expr, "instant": instant, "range": !instant }],
    }))
    .map_err(|err| MetricsError::NotPlanned {
        cause: format!("explore panel: {err}"),
    })?;
    let mut scope = TemplateScope::new();
    scope.set_time(window);
    plan_queries(&panel, &scope, &panel_context(window, width_px))
        .into_iter()
        .next()
        .ok_or_else(|| MetricsError::NotPlanned {
            cause: "the expression was not planned".into(),
        })
}

/// Range query for the graph: a panel frame (`HNP1`) with one query `A`, downsampled to
/// `width_px`, at most `series_limit` series; Prometheus's error, if any, is inside the frame
/// with its position.
pub async fn explore_range(
    expr: &str,
    datasource_id: Option<&str>,
    window: &TimeWindow,
    width_px: u32,
    series_limit: u32,
    datasources: &[Datasource],
    clients: &EndpointCache,
) -> Result<Vec<u8>, MetricsError> {
    let planned = plan(expr, false, window, width_px, datasource_id)?;
    let width = panel_context(window, width_px).width_px;
    let limit = series_limit.max(1) as usize;
    Ok(
        run_planned(vec![planned], width, limit, datasources, clients)
            .await
            .pack(),
    )
}

/// Instant query at the end of `window`, for the table.
pub async fn explore_instant(
    expr: &str,
    datasource_id: Option<&str>,
    window: &TimeWindow,
    datasources: &[Datasource],
    clients: &EndpointCache,
) -> Result<InstantAnswer, MetricsError> {
    let planned = plan(expr, true, window, 1000, datasource_id)?;
    let ds = pick_datasource(planned.datasource.as_deref(), datasources)?;
    let client = client(clients, ds).await?;
    let answer = client
        .query_instant(&planned.expr, Some(utc(planned.end_seconds)))
        .await;
    let (result, error) = match answer {
        Ok(result) => (Some(result), None),
        // Worded now: the answer carries Prometheus's error in the UI's shape, beside its position.
        Err(err) => (None, Some(HinomiError::from(err))),
    };
    Ok(InstantAnswer {
        datasource_id: Some(ds.id.clone()),
        error_position: error.as_ref().and_then(|e| error_position(&e.message)),
        expr: planned.expr,
        result,
        error,
    })
}

/// Metric names (with metadata), label names and functions of one Prometheus. Metadata is a
/// nicety: when the server refuses it, names come without help text.
pub async fn promql_catalog(
    datasource_id: Option<&str>,
    datasources: &[Datasource],
    clients: &EndpointCache,
) -> Result<PromqlCatalog, MetricsError> {
    let ds = pick_datasource(datasource_id, datasources)?;
    let client = client(clients, ds).await?;
    let (names, labels, metadata) = futures::join!(
        client.label_values("__name__", &[]),
        client.label_names(&[]),
        client.metadata()
    );
    let metadata = metadata.unwrap_or_default();
    let metrics = names?
        .into_iter()
        .map(|name| {
            let meta: Option<&MetricMetadata> = metadata.get(&name);
            MetricName {
                metric_type: meta.map(|m| m.metric_type.clone()).unwrap_or_default(),
                help: meta.map(|m| m.help.clone()).unwrap_or_default(),
                name,
            }
        })
        .collect();
    Ok(PromqlCatalog {
        datasource_id: ds.id.clone(),
        metrics,
        label_names: labels?,
        functions: PROMQL_FUNCTIONS.iter().map(|f| (*f).to_owned()).collect(),
    })
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`: what Prometheus accepts as a label name (and safe in a URL path).
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Values of `label`, on the series of `metric` when one is given (`{job="api"}` after
/// `api_requests_total{`).
pub async fn label_values(
    label: &str,
    metric: Option<&str>,
    datasource_id: Option<&str>,
    datasources: &[Datasource],
    clients: &EndpointCache,
) -> Result<Vec<String>, MetricsError> {
    if !is_label_name(label) {
        return Err(MetricsError::NotALabelName {
            label: label.to_owned(),
        });
    }
    let ds = pick_datasource(datasource_id, datasources)?;
    let client = client(clients, ds).await?;
    let matchers: Vec<&str> = metric
        .filter(|m| is_label_name(m) || m.contains(':'))
        .into_iter()
        .collect();
    Ok(client.label_values(label, &matchers).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window() -> TimeWindow {
        TimeWindow {
            from_ms: 1_700_000_000_000.0,
            to_ms: 1_700_003_600_000.0,
        }
    }

    #[test]
    fn the_expression_is_planned_with_the_built_in_variables() {
        let planned = plan(
            "rate(x[$__rate_interval]) / $__range_s",
            false,
            &window(),
            240,
            Some("prom"),
        )
        .unwrap();
        assert_eq!(planned.step_seconds, 15.0);
        assert_eq!(planned.expr, "rate(x[1m]) / 3600");
        assert_eq!(planned.datasource.as_deref(), Some("prom"));
        assert!(!planned.instant);
        let instant = plan("up", true, &window(), 240, None).unwrap();
        assert!(instant.instant);
        assert_eq!(instant.end_seconds, 1_700_003_600.0);
    }

    #[test]
    fn an_empty_expression_is_refused() {
        let err = HinomiError::from(plan("  ", false, &window(), 100, None).unwrap_err());
        assert_eq!(err.code, hinomi_core::ErrorCode::InvalidInput);
    }

    #[test]
    fn label_names_are_checked_before_they_reach_a_url() {
        assert!(is_label_name("job"));
        assert!(is_label_name("__name__"));
        assert!(!is_label_name("../admin"));
        assert!(!is_label_name("1abc"));
        assert!(!is_label_name(""));
    }
}
