//! Old `rows` dashboards with repeats keep repeating after the upgrade to grid panels.

use hinomi_dashboards::repeat::{REPEAT_PANEL_ID, SCOPED_VARS, expand_repeats};
use hinomi_dashboards::time_range::TimeWindow;
use hinomi_dashboards::{import_dashboard, view_panels};
use serde_json::json;

#[test]
fn a_repeated_old_row_and_a_repeated_old_panel_expand() {
    let json = json!({
        "title": "Old",
        "templating": {"list": [
            {"type": "custom", "name": "host", "query": "a,b", "multi": true,
             "current": {"text": ["a", "b"], "value": ["a", "b"]}}
        ]},
        "rows": [
            {"title": "Host $host", "showTitle": true, "repeat": "host", "height": 250,
             "panels": [{"id": 1, "type": "graph", "title": "CPU on $host", "span": 6,
                         "targets": [{"refId": "A", "expr": "cpu{host=\"$host\"}"}]}]},
            // A clone Grafana 4 saved for the second value: made again, not doubled.
            {"title": "Host $host", "showTitle": true, "repeatIteration": 1_500_000_000_000_i64, "repeatRowId": 1,
             "panels": [{"id": 2, "type": "graph", "title": "CPU on $host", "span": 6}]},
            {"title": "Disks", "showTitle": true,
             "panels": [{"id": 3, "type": "graph", "title": "Disk $host", "span": 12, "repeat": "host",
                         "repeatDirection": "h", "minSpan": 6}]}
        ]
    });
    let d = import_dashboard(&json.to_string(), "old.json")
        .unwrap()
        .dashboard;
    let window = TimeWindow {
        from_ms: 0.0,
        to_ms: 3_600_000.0,
    };
    let titles: Vec<String> = view_panels(&d, &window)
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(
        titles,
        [
            "Host a", "CPU on a", "Host b", "CPU on b", "Disks", "Disk a", "Disk b"
        ]
    );
    let expanded = expand_repeats(&d);
    let cpu_b = &expanded[3];
    assert_eq!(cpu_b.extra.get(REPEAT_PANEL_ID), Some(&json!(1)));
    assert_eq!(cpu_b.extra[SCOPED_VARS]["host"]["value"], json!("b"));
}
