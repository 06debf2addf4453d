//! The heatmap and state-timeline panel types: drawn, so not placeholders, editable into, and a
//! heatmap Hinomi cannot draw as asked (`calculate: true`) named in the import report.

use hinomi_dashboards::edit::{PanelEdit, apply_panel_edit};
use hinomi_dashboards::import::ImportNote;
use hinomi_dashboards::import_dashboard;
use hinomi_dashboards::model::PanelKind;
use serde_json::json;

#[test]
fn heatmap_and_state_timeline_are_drawn_not_placeholders() {
    let text = json!({
        "title": "Histograms",
        "panels": [
            {"id": 1, "type": "heatmap", "title": "latency", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "options": {"calculate": false, "color": {"mode": "scheme", "scheme": "Oranges"}},
             "targets": [{"refId": "A", "expr": "sum by (le) (rate(x_bucket[5m]))", "format": "heatmap"}]},
            {"id": 2, "type": "state-timeline", "title": "up", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8},
             "targets": [{"refId": "A", "expr": "up"}]}
        ]
    })
    .to_string();
    let imported = import_dashboard(&text, "h.json").unwrap();
    let kinds: Vec<PanelKind> = imported.dashboard.panels.iter().map(|p| p.kind()).collect();
    assert_eq!(kinds, [PanelKind::Heatmap, PanelKind::StateTimeline]);
    let report = &imported.report;
    assert_eq!((report.supported_panels, report.placeholder_panels), (2, 0));
    assert!(
        report.by_type.iter().all(|c| c.supported),
        "{:?}",
        report.by_type
    );
    assert!(
        !report
            .notes
            .iter()
            .any(|n| matches!(n, ImportNote::HeatmapCalculateNotSupported { .. })),
        "calculate: false is what Hinomi draws"
    );
}

#[test]
fn a_heatmap_asking_to_calculate_buckets_is_named_in_the_report() {
    let text = json!({
        "panels": [
            {"id": 1, "type": "heatmap", "title": "raw", "options": {"calculate": true},
             "targets": [{"refId": "A", "expr": "rate(x_sum[5m])"}]},
            {"id": 2, "type": "row", "title": "folded", "collapsed": true, "panels": [
                {"id": 3, "type": "heatmap", "title": "raw too", "options": {"calculate": true}},
                {"id": 4, "type": "heatmap", "title": "bucketed", "options": {"calculate": false}}
            ]},
            // Grafana 8 heatmaps: `timeseries` data is bucketed by the panel, `tsbuckets` is not.
            {"id": 5, "type": "heatmap", "title": "old raw", "dataFormat": "timeseries"},
            {"id": 6, "type": "heatmap", "title": "old bucketed", "dataFormat": "tsbuckets"}
        ]
    })
    .to_string();
    let report = import_dashboard(&text, "h.json").unwrap().report;
    assert!(
        report
            .notes
            .contains(&ImportNote::HeatmapCalculateNotSupported { panels: 3 }),
        "{:?}",
        report.notes
    );
    // Still drawn (as the buckets the series already are), so not a placeholder.
    assert_eq!(report.placeholder_panels, 0);
}

#[test]
fn a_panel_can_be_switched_to_heatmap_or_state_timeline_and_given_queries() {
    let text = json!({
        "panels": [{"id": 1, "type": "timeseries", "title": "t", "targets": [{"refId": "A", "expr": "up"}]}]
    })
    .to_string();
    let mut dashboard = import_dashboard(&text, "h.json").unwrap().dashboard;
    for panel_type in ["heatmap", "state-timeline"] {
        apply_panel_edit(
            &mut dashboard,
            1,
            PanelEdit::Type {
                panel_type: panel_type.into(),
            },
        )
        .unwrap();
        apply_panel_edit(&mut dashboard, 1, PanelEdit::AddQuery { expr: "x".into() }).unwrap();
    }
    let panel = dashboard.panel(1).unwrap();
    assert_eq!(panel.kind(), PanelKind::StateTimeline);
    assert_eq!(panel.targets.len(), 3);
}
