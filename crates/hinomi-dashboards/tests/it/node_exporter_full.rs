//! The widely used "Node Exporter Full" dashboard (grafana.com 1860) imports completely: every
//! panel accounted for, every variable understood, every query resolvable.

use hinomi_dashboards::model::{PanelKind, VariableKind, VariableOption};
use hinomi_dashboards::template::TemplateScope;
use hinomi_dashboards::time_range::TimeWindow;
use hinomi_dashboards::variable_options::{VariableQuery, apply_options};
use hinomi_dashboards::{Dashboard, QueryContext, import_dashboard, plan_queries};
use serde_json::Value;
use std::collections::BTreeMap;

const TEXT: &str = include_str!("../fixtures/node-exporter-full.json");

/// Panel types counted straight from the JSON, rows' nested panels included.
fn raw_panel_types(panels: &Value, counts: &mut BTreeMap<String, u32>) {
    for panel in panels.as_array().into_iter().flatten() {
        let kind = panel["type"].as_str().unwrap_or("").to_owned();
        *counts.entry(kind).or_default() += 1;
        raw_panel_types(&panel["panels"], counts);
    }
}

#[test]
fn every_panel_is_accounted_for() {
    let raw: Value = serde_json::from_str(TEXT).unwrap();
    let mut raw_counts = BTreeMap::new();
    raw_panel_types(&raw["panels"], &mut raw_counts);
    let raw_total: u32 = raw_counts.values().sum();
    assert!(
        raw_total > 100,
        "the fixture is the full dashboard ({raw_total} panels)"
    );

    let imported = import_dashboard(TEXT, "node-exporter-full.json").unwrap();
    let report = &imported.report;
    assert_eq!(imported.dashboard.all_panels().len() as u32, raw_total);
    assert_eq!(report.total_panels, raw_total);
    let report_counts: BTreeMap<String, u32> = report
        .by_type
        .iter()
        .map(|c| (c.panel_type.clone(), c.count))
        .collect();
    assert_eq!(report_counts, raw_counts);
    // Every type in it (timeseries, stat, gauge, bargauge, row) is one Hinomi draws.
    assert_eq!(report.placeholder_panels, 0, "{:?}", report.placeholders);
    assert_eq!(report.supported_panels, raw_total);
    assert!(
        imported
            .dashboard
            .all_panels()
            .iter()
            .all(|p| p.kind() != PanelKind::Placeholder)
    );
    // Collapsed rows really hold their panels.
    let nested: usize = imported
        .dashboard
        .panels
        .iter()
        .map(|p| p.nested().len())
        .sum();
    assert!(nested > 50, "{nested} panels inside collapsed rows");
}

#[test]
fn variables_are_parsed() {
    let d = import_dashboard(TEXT, "n.json").unwrap().dashboard;
    let names: Vec<(&str, &VariableKind)> = d
        .variables()
        .iter()
        .map(|v| (v.name.as_str(), &v.kind))
        .collect();
    assert_eq!(
        names,
        [
            ("ds_prometheus", &VariableKind::Datasource),
            ("job", &VariableKind::Query),
            ("nodename", &VariableKind::Query),
            ("node", &VariableKind::Query)
        ]
    );
    assert_eq!(
        VariableQuery::parse(d.variable("job").unwrap().query_text()),
        Ok(VariableQuery::LabelValues {
            label: "job".into(),
            matcher: Some("node_uname_info".into())
        })
    );
    assert_eq!(
        VariableQuery::parse(d.variable("node").unwrap().query_text()),
        Ok(VariableQuery::LabelValues {
            label: "instance".into(),
            matcher: Some(r#"node_uname_info{job="$job", nodename="$nodename"}"#.into())
        })
    );
    assert_eq!(d.time_range().from, "now-24h");
    assert_eq!(d.refresh.as_deref(), Some("1m"));
}

fn with_selection(mut d: Dashboard) -> Dashboard {
    for (name, value) in [
        ("job", "node"),
        ("nodename", "host-1"),
        ("node", "10.0.0.1:9100"),
    ] {
        let variable = d
            .variables_mut()
            .iter_mut()
            .find(|v| v.name == name)
            .unwrap();
        apply_options(variable, vec![VariableOption::new(value, value)]);
    }
    d
}

#[test]
fn every_query_resolves_without_leftover_variables() {
    let d = with_selection(import_dashboard(TEXT, "n.json").unwrap().dashboard);
    let window = TimeWindow {
        from_ms: 1_795_521_600_000.0,
        to_ms: 1_795_608_000_000.0,
    };
    let ctx = QueryContext {
        window,
        width_px: 800,
        scrape_interval_seconds: 15.0,
    };
    let scope = TemplateScope::for_dashboard(&d, &window);
    let mut planned = 0;
    for panel in d.all_panels() {
        for query in plan_queries(panel, &scope, &ctx) {
            planned += 1;
            assert!(
                !query.expr.contains('$'),
                "panel {:?}: {}",
                panel.title,
                query.expr
            );
            assert!(query.step_seconds >= 15.0);
        }
    }
    assert!(planned > 250, "{planned} queries");
    let cpu = d
        .all_panels()
        .into_iter()
        .find(|p| p.title == "CPU Busy")
        .unwrap();
    let query = &plan_queries(cpu, &scope, &ctx)[0];
    assert!(
        query.expr.contains(r#"instance="10.0.0.1:9100""#),
        "{}",
        query.expr
    );
    assert!(query.expr.contains(r#"job="node""#), "{}", query.expr);
}

#[test]
fn regexp_overrides_of_the_network_panels_apply() {
    let d = import_dashboard(TEXT, "n.json").unwrap().dashboard;
    let with_transform = d
        .all_panels()
        .into_iter()
        .filter_map(|p| p.field_config.as_ref())
        .flat_map(|c| c.overrides.iter())
        .find(|o| {
            o.matcher.id == "byRegexp" && o.properties.iter().any(|p| p.id == "custom.transform")
        })
        .expect("a byRegexp override with custom.transform");
    let pattern = with_transform.matcher.options.as_str().unwrap();
    assert!(
        hinomi_dashboards::js_regex::parse(pattern).is_ok(),
        "{pattern}"
    );
}
