//! The dashboards Hinomi ships: they load, and they only ask for metrics the seed defines (the
//! API's own, node-exporter's and postgres-exporter's).

use hinomi_dashboards::model::{PanelKind, ThresholdsMode, VariableKind};
use hinomi_dashboards::variable_options::VariableQuery;
use hinomi_dashboards::{Dashboard, builtin_dashboards};
use regex::Regex;
use std::collections::BTreeSet;

/// Metric names of seed §3.1 (a histogram also exposes `_bucket`, `_sum` and `_count`).
const SEED_METRICS: [&str; 6] = [
    "api_requests_total",
    "api_request_duration_seconds_bucket",
    "api_request_duration_seconds_sum",
    "api_request_duration_seconds_count",
    "datasets_total",
    "dataset_size_bytes",
];

const PROMQL_WORDS: [&str; 14] = [
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "inf",
    "nan",
    "le",
];

/// Metric names in a PromQL expression: identifiers that are not functions, keywords, label
/// names inside `{}` or grouping clauses, durations or strings.
fn metric_names(expr: &str) -> BTreeSet<String> {
    let strings = Regex::new(r#""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"#).unwrap();
    let braces = Regex::new(r"\{[^}]*\}").unwrap();
    let ranges = Regex::new(r"\[[^\]]*\]").unwrap();
    let grouping =
        Regex::new(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)").unwrap();
    let identifier = Regex::new(r"[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?").unwrap();
    let mut cleaned = strings.replace_all(expr, " ").into_owned();
    for re in [&braces, &ranges, &grouping] {
        cleaned = re.replace_all(&cleaned, " ").into_owned();
    }
    identifier
        .captures_iter(&cleaned)
        .filter(|c| c.get(1).is_none())
        .map(|c| c[0].trim().to_owned())
        .filter(|name| !PROMQL_WORDS.contains(&name.as_str()))
        .collect()
}

fn all_metrics(d: &Dashboard) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for panel in d.all_panels() {
        for target in &panel.targets {
            names.extend(metric_names(target.expr.as_deref().unwrap_or("")));
        }
    }
    for variable in d
        .variables()
        .iter()
        .filter(|v| v.kind == VariableKind::Query)
    {
        match VariableQuery::parse(variable.query_text()) {
            Ok(VariableQuery::LabelValues {
                matcher: Some(m), ..
            }) => names.extend(metric_names(&m)),
            Ok(VariableQuery::LabelValues { matcher: None, .. }) | Err(_) => {}
            Ok(other) => panic!("unexpected variable query {other:?}"),
        }
    }
    names
}

fn by_uid(uid: &str) -> Dashboard {
    builtin_dashboards()
        .unwrap()
        .into_iter()
        .find(|d| d.uid.as_deref() == Some(uid))
        .unwrap()
}

#[test]
fn the_metric_name_extractor_is_not_fooled() {
    let names = metric_names(
        r#"sum by (le, endpoint) (rate(api_request_duration_seconds_bucket{job=~"$job", status=~"5.."}[5m])) / on(job) group_left up or vector(0)"#,
    );
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["api_request_duration_seconds_bucket", "up"]
    );
}

#[test]
fn all_builtins_load_without_placeholders() {
    let dashboards = builtin_dashboards().unwrap();
    let uids: Vec<&str> = dashboards
        .iter()
        .map(|d| d.uid.as_deref().unwrap())
        .collect();
    assert_eq!(
        uids,
        [
            "hinomi-system-overview",
            "hinomi-business-metrics",
            "hinomi-infrastructure"
        ]
    );
    for d in &dashboards {
        assert!(
            d.all_panels()
                .iter()
                .all(|p| p.kind() != PanelKind::Placeholder),
            "{}",
            d.title
        );
        assert!(
            d.variable("job").is_some() || d.variable("instance").is_some(),
            "{}",
            d.title
        );
        for panel in d.all_panels().iter().filter(|p| !p.is_row()) {
            assert!(!panel.targets.is_empty(), "{}: {}", d.title, panel.title);
        }
    }
}

#[test]
fn system_overview_follows_seed_5_1() {
    let d = by_uid("hinomi-system-overview");
    assert!(d.title.contains("システム概要"));
    let requests = &d.panels[0];
    assert_eq!(requests.kind(), PanelKind::TimeSeries);
    assert_eq!(
        requests.targets[0].legend_format.as_deref(),
        Some("{{method}} {{endpoint}}")
    );
    assert!(
        requests.targets[0]
            .expr
            .as_deref()
            .unwrap()
            .contains("rate(api_requests_total{")
    );
    let errors = d.panels.iter().find(|p| p.panel_type == "gauge").unwrap();
    let expr = errors.targets[0].expr.as_deref().unwrap();
    assert!(
        expr.starts_with("sum(rate(api_requests_total{")
            && expr.contains(r#"status=~"5..""#)
            && expr.ends_with("* 100")
    );
    let defaults = &errors.field_config.as_ref().unwrap().defaults;
    assert_eq!(defaults.unit.as_deref(), Some("percent"));
    let thresholds = defaults.thresholds.as_ref().unwrap();
    assert_eq!(thresholds.mode, ThresholdsMode::Absolute);
    // Red from 10 %, where the seed's HighErrorRate description draws the line.
    assert_eq!(thresholds.color_for(10.0, 0.0, 100.0), Some("red"));
    let latency = d
        .all_panels()
        .into_iter()
        .find(|p| p.title.starts_with("p95 latency /"))
        .unwrap();
    assert!(
        latency.targets[0]
            .expr
            .as_deref()
            .unwrap()
            .starts_with("histogram_quantile(0.95,")
    );
    // The seed's metrics, and Prometheus's own `up` for the scrape targets' state timeline.
    assert!(
        all_metrics(&d)
            .iter()
            .all(|m| SEED_METRICS.contains(&m.as_str()) || m == "up"),
        "{:?}",
        all_metrics(&d)
    );
}

#[test]
fn system_overview_draws_the_latency_histogram_and_the_targets_state() {
    let d = by_uid("hinomi-system-overview");
    let heatmap = d
        .panels
        .iter()
        .find(|p| p.kind() == PanelKind::Heatmap)
        .unwrap();
    let target = &heatmap.targets[0];
    assert_eq!(target.format.as_deref(), Some("heatmap"));
    let expr = target.expr.as_deref().unwrap();
    assert!(
        expr.starts_with("sum by (le) (rate(api_request_duration_seconds_bucket{"),
        "{expr}"
    );
    let options = heatmap.options.as_ref().unwrap();
    assert_eq!(options["calculate"], serde_json::json!(false));
    assert!(heatmap.title.contains(" / "), "English / Japanese title");
    let timeline = d
        .panels
        .iter()
        .find(|p| p.kind() == PanelKind::StateTimeline)
        .unwrap();
    assert!(
        timeline.targets[0]
            .expr
            .as_deref()
            .unwrap()
            .starts_with("up{")
    );
    assert!(timeline.title.contains(" / "), "English / Japanese title");
    // Side by side under the latency panels, inside the 24-column grid.
    assert_eq!(heatmap.grid_pos.y, timeline.grid_pos.y);
    assert!(timeline.grid_pos.x + timeline.grid_pos.w <= 24);
}

#[test]
fn business_metrics_follow_seed_5_2() {
    let d = by_uid("hinomi-business-metrics");
    assert!(d.title.contains("ビジネスメトリクス"));
    let count = d.panels.iter().find(|p| p.panel_type == "stat").unwrap();
    assert!(
        count.targets[0]
            .expr
            .as_deref()
            .unwrap()
            .contains("datasets_total")
    );
    let size = d
        .panels
        .iter()
        .find(|p| p.title.starts_with("Dataset size"))
        .unwrap();
    assert_eq!(size.kind(), PanelKind::TimeSeries);
    assert_eq!(
        size.targets[0].expr.as_deref(),
        Some(r#"sum(dataset_size_bytes{job=~"$job"}) by (dataset_id)"#)
    );
    assert_eq!(
        size.targets[0].legend_format.as_deref(),
        Some("{{dataset_id}}")
    );
    assert_eq!(
        size.field_config.as_ref().unwrap().defaults.unit.as_deref(),
        Some("bytes")
    );
    assert!(
        all_metrics(&d)
            .iter()
            .all(|m| SEED_METRICS.contains(&m.as_str())),
        "{:?}",
        all_metrics(&d)
    );
}

#[test]
fn infrastructure_uses_exporter_metric_names() {
    let d = by_uid("hinomi-infrastructure");
    let metrics = all_metrics(&d);
    for m in &metrics {
        assert!(
            m.starts_with("node_") || m.starts_with("pg_"),
            "{m} is neither node-exporter's nor postgres-exporter's"
        );
    }
    for expected in [
        "node_cpu_seconds_total",
        "node_memory_MemAvailable_bytes",
        "node_filesystem_avail_bytes",
        "node_network_receive_bytes_total",
        "pg_stat_database_numbackends",
        "pg_stat_database_blks_hit",
        "pg_stat_database_blks_read",
        "pg_replication_lag",
    ] {
        assert!(
            metrics.contains(expected),
            "{expected} missing from {metrics:?}"
        );
    }
    assert!(d.variable("instance").unwrap().includes_all());
}
