//! Over 400 lines: a table of import cases, one per Grafana feature.
//! Grafana JSON in: each panel type, rows, field config, variables, old layouts, and errors.

use hinomi_dashboards::model::{
    DatasourceRef, PanelKind, ThresholdsMode, VariableKind, VariableQueryField, VariableValue,
};
use hinomi_dashboards::{DashboardError, import::ImportNote, import_dashboard};
use serde_json::{Value, json};

fn import(json: Value) -> hinomi_dashboards::Imported {
    import_dashboard(&json.to_string(), "test.json").unwrap()
}

fn malformed(json: &str) -> (String, String) {
    match import_dashboard(json, "broken.json") {
        Err(DashboardError::Malformed {
            file,
            path,
            message,
        }) => {
            assert_eq!(file, "broken.json");
            (path, message)
        }
        other => panic!("expected a malformed-dashboard error, got {other:?}"),
    }
}

fn grid(x: u32, y: u32) -> Value {
    json!({"x": x, "y": y, "w": 12, "h": 8})
}

#[test]
fn every_supported_panel_type() {
    let imported = import(json!({
        "title": "All types",
        "panels": [
            {"id": 1, "type": "timeseries", "title": "ts", "gridPos": grid(0, 0),
             "targets": [{"refId": "A", "expr": "rate(x[5m])", "legendFormat": "{{job}}", "interval": "30s",
                          "instant": false, "hide": false, "exemplar": true}]},
            {"id": 2, "type": "graph", "title": "old graph", "gridPos": grid(12, 0),
             "yaxes": [{"format": "bytes", "min": "0", "max": null, "decimals": 2, "logBase": 1}, {"format": "short"}],
             "targets": [{"refId": "A", "expr": "x"}]},
            {"id": 3, "type": "stat", "title": "stat", "gridPos": grid(0, 8),
             "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "value"}},
            {"id": 4, "type": "gauge", "title": "gauge", "gridPos": grid(12, 8)},
            {"id": 5, "type": "bargauge", "title": "bar", "gridPos": grid(0, 16)},
            {"id": 6, "type": "table", "title": "table", "gridPos": grid(12, 16),
             "targets": [{"refId": "A", "expr": "up", "format": "table", "instant": true}]},
            {"id": 7, "type": "text", "title": "text", "gridPos": grid(0, 24),
             "options": {"mode": "markdown", "content": "# Hello"}},
            {"id": 8, "type": "row", "title": "row", "collapsed": false, "panels": [], "gridPos": {"x": 0, "y": 32, "w": 24, "h": 1}},
            {"id": 9, "type": "piechart", "title": "pie", "gridPos": grid(0, 33)}
        ]
    }));
    let d = &imported.dashboard;
    let kinds: Vec<PanelKind> = d.panels.iter().map(|p| p.kind()).collect();
    use PanelKind::*;
    assert_eq!(
        kinds,
        [
            TimeSeries,
            TimeSeries,
            Stat,
            Gauge,
            BarGauge,
            Table,
            Text,
            Row,
            Placeholder
        ]
    );
    let ts = &d.panels[0];
    let t = &ts.targets[0];
    assert_eq!(
        (t.ref_id.as_deref(), t.expr.as_deref()),
        (Some("A"), Some("rate(x[5m])"))
    );
    assert_eq!(
        (t.legend_format.as_deref(), t.interval.as_deref()),
        (Some("{{job}}"), Some("30s"))
    );
    assert_eq!((t.instant, t.hide), (Some(false), Some(false)));
    assert_eq!(
        t.extra["exemplar"],
        json!(true),
        "unknown target fields are kept"
    );
    assert_eq!(ts.grid_pos.w, 12);
    // The old graph's left axis became the field defaults; the axes themselves are kept.
    let graph_defaults = &d.panels[1].field_config.as_ref().unwrap().defaults;
    assert_eq!(graph_defaults.unit.as_deref(), Some("bytes"));
    assert_eq!(
        (
            graph_defaults.min,
            graph_defaults.max,
            graph_defaults.decimals
        ),
        (Some(0.0), None, Some(2))
    );
    assert!(d.panels[1].extra.contains_key("yaxes"));
    assert_eq!(
        d.panels[2].options.as_ref().unwrap()["colorMode"],
        json!("value")
    );
    assert!(d.panels[5].targets[0].is_instant());
    assert_eq!(
        d.panels[6].options.as_ref().unwrap()["content"],
        json!("# Hello")
    );
    // The unknown type is kept, named, and counted.
    assert_eq!(d.panels[8].panel_type, "piechart");
    let report = &imported.report;
    assert_eq!(
        (
            report.total_panels,
            report.supported_panels,
            report.placeholder_panels
        ),
        (9, 8, 1)
    );
    assert_eq!(report.placeholders[0].panel_type, "piechart");
    assert_eq!(report.placeholders[0].id, Some(9));
    assert!(
        report
            .notes
            .contains(&ImportNote::GraphAxesAsFieldConfig { panels: 1 })
    );
    let graph_count = report
        .by_type
        .iter()
        .find(|c| c.panel_type == "graph")
        .unwrap();
    assert!(graph_count.supported);
}

#[test]
fn collapsed_rows_keep_their_panels_inside() {
    let imported = import(json!({
        "panels": [
            {"id": 1, "type": "row", "title": "open", "collapsed": false, "panels": [], "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}},
            {"id": 2, "type": "stat", "title": "a", "gridPos": grid(0, 1)},
            {"id": 3, "type": "row", "title": "closed", "collapsed": true, "gridPos": {"x": 0, "y": 9, "w": 24, "h": 1},
             "panels": [
                {"id": 4, "type": "timeseries", "title": "hidden ts", "gridPos": grid(0, 10),
                 "targets": [{"refId": "A", "expr": "up"}]},
                {"id": 5, "type": "nodeGraph", "title": "hidden node graph", "gridPos": grid(12, 10)}
             ]}
        ]
    }));
    let d = &imported.dashboard;
    assert_eq!(d.panels.len(), 3);
    let closed = &d.panels[2];
    assert_eq!(closed.collapsed, Some(true));
    assert_eq!(closed.nested().len(), 2);
    assert_eq!(d.panel(4).unwrap().targets[0].expr.as_deref(), Some("up"));
    assert_eq!(d.all_panels().len(), 5);
    assert_eq!(imported.report.total_panels, 5);
    assert_eq!(imported.report.placeholders[0].title, "hidden node graph");
}

#[test]
fn field_defaults_thresholds_and_overrides() {
    let imported = import(json!({"panels": [{
        "id": 1, "type": "gauge", "title": "g", "gridPos": grid(0, 0),
        "fieldConfig": {
            "defaults": {
                "unit": "percentunit", "min": 0, "max": 1, "decimals": 1, "noValue": "n/a",
                "color": {"mode": "thresholds"},
                "thresholds": {"mode": "percentage", "steps": [
                    {"color": "green", "value": null}, {"color": "dark-yellow", "value": 70}, {"color": "dark-red", "value": 90}
                ]},
                "mappings": [], "custom": {"lineWidth": 1}
            },
            "overrides": [
                {"matcher": {"id": "byName", "options": "Used"}, "properties": [
                    {"id": "unit", "value": "bytes"}, {"id": "displayName", "value": "In use"},
                    {"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}},
                    {"id": "min", "value": 10}, {"id": "max", "value": 20}
                ]}
            ]
        }
    }]}));
    let config = imported.dashboard.panels[0].field_config.clone().unwrap();
    let d = &config.defaults;
    assert_eq!(
        (d.unit.as_deref(), d.min, d.max, d.decimals),
        (Some("percentunit"), Some(0.0), Some(1.0), Some(1))
    );
    assert_eq!(d.no_value.as_deref(), Some("n/a"));
    let thresholds = d.thresholds.as_ref().unwrap();
    assert_eq!(thresholds.mode, ThresholdsMode::Percentage);
    let steps: Vec<(&str, Option<f64>)> = thresholds
        .steps
        .iter()
        .map(|s| (s.color.as_str(), s.value))
        .collect();
    assert_eq!(
        steps,
        [
            ("green", None),
            ("dark-yellow", Some(70.0)),
            ("dark-red", Some(90.0))
        ]
    );
    assert_eq!(d.extra["custom"], json!({"lineWidth": 1}));
    let used = config.display_for("Used", Some("A"));
    assert_eq!(used.unit.as_deref(), Some("bytes"));
    assert_eq!(used.display_name.as_deref(), Some("In use"));
    assert_eq!(used.color.unwrap().fixed_color.as_deref(), Some("red"));
    assert_eq!((used.min, used.max), (Some(10.0), Some(20.0)));
    assert_eq!(
        config.display_for("Free", None).unit.as_deref(),
        Some("percentunit")
    );
}

#[test]
fn variables_of_every_kind() {
    let imported = import(json!({"templating": {"list": [
        {"type": "query", "name": "job", "datasource": {"type": "prometheus", "uid": "p"},
         "query": {"query": "label_values(up, job)", "refId": "A"}, "regex": "/(.*)/", "refresh": 2, "sort": 3,
         "multi": true, "includeAll": true, "allValue": ".*", "current": {"text": ["All"], "value": ["$__all"]}},
        {"type": "query", "name": "old", "datasource": "Prometheus", "query": "query_result(up)", "refresh": true},
        {"type": "custom", "name": "env", "query": "Prod : prod, Dev : dev"},
        {"type": "interval", "name": "step", "query": "1m,5m", "auto": true, "auto_count": 20, "auto_min": "30s"},
        {"type": "constant", "name": "c", "query": "value", "hide": 2},
        {"type": "datasource", "name": "ds", "query": "prometheus", "regex": ""},
        {"type": "textbox", "name": "t", "query": "default"},
        {"type": "adhoc", "name": "filters", "datasource": {"uid": "p"}, "filters": []}
    ]}}));
    let d = &imported.dashboard;
    let kinds: Vec<&str> = d.variables().iter().map(|v| v.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "query",
            "query",
            "custom",
            "interval",
            "constant",
            "datasource",
            "textbox",
            "adhoc"
        ]
    );
    let job = d.variable("job").unwrap();
    assert_eq!(job.query_text(), "label_values(up, job)");
    assert!(matches!(job.query, Some(VariableQueryField::Object(_))));
    assert_eq!(
        (job.refresh, job.sort, job.is_multi(), job.includes_all()),
        (Some(2), Some(3), true, true)
    );
    assert_eq!(job.custom_all_value(), Some(".*"));
    assert_eq!(
        job.current.as_ref().unwrap().value,
        Some(VariableValue::Many(vec!["$__all".into()]))
    );
    let old = d.variable("old").unwrap();
    assert_eq!(old.refresh, Some(1), "boolean refresh of old dashboards");
    assert_eq!(
        old.datasource,
        Some(DatasourceRef::Name("Prometheus".into()))
    );
    let step = d.variable("step").unwrap();
    assert_eq!(
        (step.auto, step.auto_count, step.auto_min.as_deref()),
        (Some(true), Some(20), Some("30s"))
    );
    assert_eq!(d.variable("c").unwrap().hide, Some(2));
    assert_eq!(
        d.variable("filters").unwrap().kind,
        VariableKind::Other("adhoc".into())
    );
    let supported: Vec<(&str, bool)> = imported
        .report
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.supported))
        .collect();
    assert_eq!(supported.last(), Some(&("filters", false)));
    assert!(supported[..7].iter().all(|(_, ok)| *ok));
}

#[test]
fn time_range_refresh_and_api_envelope() {
    let imported = import(json!({"dashboard": {
        "title": "Wrapped", "time": {"from": "now/d", "to": "now/d"}, "refresh": "1m",
        "panels": [{"type": "stat", "title": "no id", "gridPos": grid(0, 0)}]
    }, "meta": {"slug": "x"}}));
    let d = &imported.dashboard;
    assert_eq!(d.title, "Wrapped");
    assert_eq!(d.time_range().from, "now/d");
    assert_eq!(d.refresh.as_deref(), Some("1m"));
    assert_eq!(d.panels[0].id, Some(1), "panels without id get one");
    assert!(
        imported
            .report
            .notes
            .contains(&ImportNote::UnwrappedApiEnvelope)
    );
    let off = import(json!({"refresh": false, "panels": []}));
    assert_eq!(off.dashboard.refresh, None);
}

#[test]
fn very_old_rows_layout_is_upgraded() {
    let imported = import(json!({
        "title": "Grafana 4", "schemaVersion": 14,
        "rows": [
            {"title": "CPU", "showTitle": true, "height": "250px", "collapse": false, "panels": [
                {"id": 1, "type": "graph", "title": "cpu", "span": 6, "datasource": "Prometheus",
                 "targets": [{"refId": "A", "expr": "rate(node_cpu_seconds_total[5m])"}], "y_formats": ["percent", "short"]},
                {"id": 2, "type": "singlestat", "title": "load", "span": 6, "datasource": "Prometheus"},
                {"id": 3, "type": "text", "title": "notes", "span": 12, "height": 100, "mode": "markdown", "content": "hi"}
            ]},
            {"title": "Disk", "collapse": true, "height": 300, "panels": [
                {"id": 4, "type": "graph", "title": "io", "span": 4}
            ]}
        ]
    }));
    let d = &imported.dashboard;
    assert!(!d.extra.contains_key("rows"));
    let titles: Vec<(&str, &str)> = d
        .panels
        .iter()
        .map(|p| (p.panel_type.as_str(), p.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            ("row", "CPU"),
            ("graph", "cpu"),
            ("singlestat", "load"),
            ("text", "notes"),
            ("row", "Disk")
        ]
    );
    // Row ids continue after the highest panel id.
    assert_eq!((d.panels[0].id, d.panels[4].id), (Some(5), Some(6)));
    // span 6 of 12 is half of Grafana's 24 columns; 250 px is 7 grid rows.
    let cpu = d.panels[1].grid_pos;
    assert_eq!((cpu.x, cpu.y, cpu.w, cpu.h), (0, 1, 12, 7));
    let load = d.panels[2].grid_pos;
    assert_eq!((load.x, load.y, load.w), (12, 1, 12));
    let notes = d.panels[3].grid_pos;
    assert_eq!((notes.x, notes.y, notes.w, notes.h), (0, 8, 24, 3));
    assert!(!d.panels[1].extra.contains_key("span"));
    assert_eq!(
        d.panels[1]
            .field_config
            .as_ref()
            .unwrap()
            .defaults
            .unit
            .as_deref(),
        Some("percent")
    );
    assert_eq!(
        d.panels[3].options.as_ref().unwrap()["content"],
        json!("hi")
    );
    let disk = &d.panels[4];
    assert_eq!(disk.collapsed, Some(true));
    assert_eq!(disk.grid_pos.y, 11);
    assert_eq!(disk.nested()[0].title, "io");
    let report = &imported.report;
    assert_eq!((report.total_panels, report.placeholder_panels), (6, 1));
    assert_eq!(report.placeholders[0].panel_type, "singlestat");
    assert!(
        report
            .notes
            .contains(&ImportNote::UpgradedRowsLayout { rows: 2 })
    );
    assert!(report.notes.contains(&ImportNote::DatasourceByName));
    assert!(
        report
            .notes
            .contains(&ImportNote::TextContentAsOptions { panels: 1 })
    );
}

#[test]
fn rows_without_titles_are_only_layout() {
    let d = import(json!({"rows": [
        {"panels": [{"id": 1, "type": "stat", "span": 12}]},
        {"panels": [{"id": 2, "type": "stat", "span": 3}, {"id": 3, "type": "stat", "span": 12}]}
    ]}))
    .dashboard;
    let positions: Vec<(u32, u32, u32)> = d
        .panels
        .iter()
        .map(|p| (p.grid_pos.x, p.grid_pos.y, p.grid_pos.w))
        .collect();
    // No row panels; a panel that does not fit wraps to the next line.
    assert_eq!(positions, [(0, 0, 24), (0, 7, 6), (0, 14, 24)]);
}

#[test]
fn repeated_row_copies_are_not_imported_twice() {
    let d = import(json!({"rows": [
        {"title": "per host", "repeat": "host", "repeatIteration": null, "panels": [{"id": 1, "type": "stat"}]},
        {"title": "per host", "repeatIteration": 1_700_000_000_000_u64, "repeatRowId": 1, "panels": [{"id": 2, "type": "stat"}]}
    ]}))
    .dashboard;
    let ids: Vec<Option<u32>> = d.all_panels().iter().map(|p| p.id).collect();
    assert_eq!(ids, [Some(3), Some(1)]);
    assert_eq!(d.panels[0].extra["repeat"], json!("host"));
}

#[test]
fn wrong_type_names_the_json_path() {
    let (path, message) = malformed(
        r#"{"panels":[{"type":"row","gridPos":{"x":0,"y":0,"w":24,"h":1}},{"type":"stat"},{"type":"stat"},
            {"type":"stat","gridPos":{"x":0,"y":0,"w":"x","h":8}}]}"#,
    );
    assert_eq!(path, "panels[3].gridPos.w");
    assert_eq!(message, r#"invalid type: string "x", expected u32"#);
    let full = import_dashboard(
        r#"{"panels":[{"type":"stat","gridPos":{"x":0,"y":0,"w":"x","h":8}}]}"#,
        "n.json",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        full,
        r#"n.json: panels[0].gridPos.w: invalid type: string "x", expected u32"#
    );
}

#[test]
fn errors_inside_nested_and_typed_fields() {
    let (path, _) = malformed(
        r#"{"panels":[{"type":"row","panels":[{"type":"ts","targets":[{"refId":"A","expr":5}]}]}]}"#,
    );
    assert_eq!(path, "panels[0].panels[0].targets[0].expr");
    let (path, _) = malformed(
        r#"{"panels":[{"type":"gauge","fieldConfig":{"defaults":{"thresholds":{"mode":"relative","steps":[]}}}}]}"#,
    );
    assert_eq!(path, "panels[0].fieldConfig.defaults.thresholds.mode");
    let (path, _) =
        malformed(r#"{"templating":{"list":[{"type":"custom","name":"x","multi":"yes"}]}}"#);
    assert_eq!(path, "templating.list[0].multi");
    let (path, _) = malformed(r#"{"panels":[{"title":"no type"}]}"#);
    assert_eq!(path, "panels[0]");
}

#[test]
fn errors_in_old_layouts_point_into_the_file_as_written() {
    let (path, _) = malformed(
        r#"{"rows":[{"panels":[]},{"panels":[{"type":"graph"},{"type":"graph","id":"seven"}]}]}"#,
    );
    assert_eq!(path, "rows[1].panels[1].id");
    let (path, _) = malformed(r#"{"dashboard":{"panels":[{"type":"stat","maxDataPoints":-1}]}}"#);
    assert_eq!(path, "dashboard.panels[0].maxDataPoints");
}

#[test]
fn broken_json_and_non_dashboards() {
    let (path, message) = malformed(r#"{"panels":[{"type":"stat",}]}"#);
    assert_eq!(path, "panels[0]");
    assert!(message.contains("line 1"), "{message}");
    let (path, message) = malformed("[1, 2]");
    assert_eq!(
        (path.as_str(), message.as_str()),
        (".", "expected a dashboard object")
    );
    assert!(import_dashboard("", "empty.json").is_err());
}
