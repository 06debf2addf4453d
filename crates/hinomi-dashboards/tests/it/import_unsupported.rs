//! The import report names what Hinomi ignores, by Grafana's own names, and stays quiet about
//! settings left at Grafana's defaults and about what Hinomi draws.

use hinomi_dashboards::import::UnsupportedFeature;
use hinomi_dashboards::import_dashboard;
use serde_json::{Value, json};

fn unsupported(json: Value) -> Vec<UnsupportedFeature> {
    import_dashboard(&json.to_string(), "t.json")
        .unwrap()
        .report
        .unsupported
}

fn names(features: &[UnsupportedFeature]) -> Vec<&str> {
    features.iter().map(|f| f.feature.as_str()).collect()
}

#[test]
fn names_each_ignored_feature_with_its_panels() {
    let features = unsupported(json!({
        "title": "t",
        "links": [{"title": "docs", "url": "https://example.com"}],
        "graphTooltip": 1,
        "annotations": {"list": [
            {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": true, "name": "Annotations & Alerts"},
            {"datasource": {"type": "prometheus", "uid": "p"}, "enable": true, "expr": "changes(x[5m]) > 0", "name": "deploys"},
            {"datasource": {"type": "loki", "uid": "l"}, "enable": true, "name": "logs"}
        ]},
        "panels": [
            {"id": 1, "type": "timeseries", "title": "Busy", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "transformations": [{"id": "merge", "options": {}}, {"id": "organize", "disabled": true}],
             "links": [{"title": "more", "url": "https://example.com"}],
             "timeShift": "1h",
             "targets": [{"refId": "A", "expr": "up"},
                         {"refId": "B", "datasource": {"type": "loki", "uid": "l"}, "expr": "{job=\"x\"}"}],
             "fieldConfig": {
                "defaults": {
                    "unit": "s",
                    "links": [{"title": "d", "url": "/d"}],
                    "mappings": [{"type": "value", "options": {"1": {"text": "up"}}},
                                 {"type": "regex", "options": {"pattern": "a.*", "result": {"text": "A"}}}],
                    "custom": {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 20,
                               "stacking": {"mode": "normal", "group": "A"},
                               "thresholdsStyle": {"mode": "line+area"}, "spanNulls": false}
                },
                "overrides": [
                    {"matcher": {"id": "byName", "options": "a"},
                     "properties": [{"id": "unit", "value": "ms"}, {"id": "custom.lineWidth", "value": 3}]},
                    {"matcher": {"id": "byType", "options": "number"},
                     "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}}]}
                ]
             },
             "options": {"legend": {"showLegend": true, "displayMode": "table", "placement": "right", "calcs": ["mean"]},
                         "tooltip": {"mode": "single", "sort": "none"}}},
            {"id": 2, "type": "stat", "title": "Plain", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8},
             "targets": [{"refId": "A", "expr": "up"}],
             "options": {"reduceOptions": {"calcs": ["lastNotNull"], "values": false, "fields": ""},
                         "graphMode": "area", "colorMode": "value", "textMode": "auto"}},
            {"id": 3, "type": "worldmap-panel", "title": "Map", "gridPos": {"x": 0, "y": 8, "w": 12, "h": 8},
             "transformations": [{"id": "merge"}]}
        ]
    }));
    let listed: Vec<(&str, Vec<&str>)> = features
        .iter()
        .map(|f| {
            (
                f.feature.as_str(),
                f.values.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("annotations", vec!["loki"]),
            ("dashboard links", vec![]),
            ("data links", vec![]),
            ("fieldConfig.custom.fillOpacity", vec!["20"]),
            ("fieldConfig.custom.stacking", vec!["normal"]),
            ("fieldConfig.custom.thresholdsStyle", vec!["line+area"]),
            ("options.graphMode", vec!["area"]),
            ("options.legend.displayMode", vec!["table"]),
            ("options.legend.placement", vec!["right"]),
            ("override matcher", vec!["byType"]),
            ("override property", vec!["custom.lineWidth"]),
            ("panel links", vec![]),
            ("queries of other datasources", vec!["loki"]),
            ("timeShift (panel time override)", vec!["1h"]),
            ("transformations", vec!["merge"]),
            ("value mappings", vec!["regex"]),
        ]
    );
    let merge = features
        .iter()
        .find(|f| f.feature == "transformations")
        .unwrap();
    // The worldmap panel is a placeholder, reported as such, not for its options.
    assert_eq!(merge.panels.len(), 1);
    assert_eq!(merge.panels[0].title, "Busy");
    let graph_mode = features
        .iter()
        .find(|f| f.feature == "options.graphMode")
        .unwrap();
    assert_eq!(graph_mode.panels[0].id, Some(2));
}

#[test]
fn a_dashboard_hinomi_draws_fully_reports_nothing() {
    let features = unsupported(json!({
        "title": "t",
        "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": true}]},
        "panels": [
            {"id": 1, "type": "timeseries", "title": "Req", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "datasource": {"type": "prometheus", "uid": "p"},
             "targets": [{"refId": "A", "expr": "rate(x[5m])", "datasource": {"type": "prometheus", "uid": "p"}}],
             "fieldConfig": {"defaults": {"unit": "reqps", "custom": {"drawStyle": "line", "fillOpacity": 0,
                 "stacking": {"mode": "none", "group": "A"}, "thresholdsStyle": {"mode": "off"},
                 "hideFrom": {"legend": false, "tooltip": false, "viz": false}}},
                 "overrides": [{"matcher": {"id": "byRegexp", "options": "5.."},
                                "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}}]}]},
             "options": {"legend": {"showLegend": true, "displayMode": "list", "placement": "bottom", "calcs": []},
                         "tooltip": {"mode": "single", "sort": "none"}}},
            {"id": 2, "type": "text", "title": "Notes", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8},
             "options": {"mode": "markdown", "content": "# hi"}}
        ]
    }));
    assert_eq!(names(&features), Vec::<&str>::new());
}

#[test]
fn one_line_per_feature_with_every_value_and_each_panel_once() {
    let panel = |id: u32, opacity: u32| {
        json!({"id": id, "type": "timeseries", "title": format!("p{id}"),
               "gridPos": {"x": 0, "y": id * 8, "w": 12, "h": 8},
               "transformations": [{"id": "merge"}, {"id": "organize"}],
               "fieldConfig": {"defaults": {"custom": {"fillOpacity": opacity}}, "overrides": []}})
    };
    let features =
        unsupported(json!({"title": "t", "panels": [panel(1, 10), panel(2, 40), panel(3, 10)]}));
    let fill = &features[0];
    assert_eq!(fill.feature, "fieldConfig.custom.fillOpacity");
    assert_eq!(fill.values, ["10", "40"]);
    assert_eq!(fill.panels.len(), 3);
    let transformations = &features[1];
    assert_eq!(transformations.values, ["merge", "organize"]);
    assert_eq!(transformations.panels.len(), 3, "each panel named once");
}

/// Grafana 10's own export of a heatmap and a state timeline (every option it writes, at the
/// values Hinomi draws), and a panel with Hinomi's series limit: nothing to report. A setting
/// the panels do not read (the heatmap tooltip switched off) is still named.
#[test]
fn heatmap_state_timeline_and_series_limit_options_read_are_not_reported() {
    let heatmap = |tooltip_show: bool| {
        json!({"id": 1, "type": "heatmap", "title": "Latency", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
               "targets": [{"refId": "A", "expr": "sum by (le) (rate(x_bucket[5m]))", "format": "heatmap"}],
               "options": {"calculate": false, "cellGap": 1, "cellValues": {"unit": "reqps"},
                           "color": {"exponent": 0.5, "fill": "dark-orange", "mode": "scheme", "reverse": false,
                                     "scale": "exponential", "scheme": "Oranges", "steps": 64},
                           "filterValues": {"le": 1e-9}, "legend": {"show": true},
                           "rowsFrame": {"layout": "auto"},
                           "tooltip": {"show": tooltip_show, "yHistogram": false},
                           "yAxis": {"axisPlacement": "left", "reverse": false, "unit": "s"}}})
    };
    let timeline = json!({"id": 2, "type": "state-timeline", "title": "Up", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8},
        "targets": [{"refId": "A", "expr": "up"}],
        "fieldConfig": {"defaults": {"custom": {"fillOpacity": 70, "lineWidth": 1}}, "overrides": []},
        "options": {"alignValue": "left", "legend": {"showLegend": true, "displayMode": "list", "placement": "bottom"},
                    "mergeValues": true, "rowHeight": 0.9, "showValue": "auto", "tooltip": {"mode": "single", "sort": "none"}}});
    let limited = json!({"id": 3, "type": "timeseries", "title": "Many", "gridPos": {"x": 0, "y": 8, "w": 24, "h": 8},
        "targets": [{"refId": "A", "expr": "up"}], "options": {"hinomiSeriesLimit": 50}});
    let quiet = unsupported(json!({"title": "t", "panels": [heatmap(true), timeline, limited]}));
    assert_eq!(names(&quiet), Vec::<&str>::new());
    let loud = unsupported(json!({"title": "t", "panels": [heatmap(false)]}));
    assert_eq!(names(&loud), ["options.tooltip.show"]);
}
