//! Export gives Grafana back what it gave us: import → export → import is the same model, and
//! the exported JSON carries every field of the original.

use hinomi_dashboards::{builtin::BUILTIN_FILES, export_json, export_value, import_dashboard};
use serde_json::Value;

const NODE_EXPORTER_FULL: &str = include_str!("../fixtures/node-exporter-full.json");
const GRAFANA_4: &str = include_str!("../fixtures/grafana4-rows.json");

fn assert_stable(file: &str, text: &str) {
    let first = import_dashboard(text, file).unwrap();
    let exported = export_json(&first.dashboard).unwrap();
    let second = import_dashboard(&exported, file).unwrap();
    assert_eq!(
        first.dashboard, second.dashboard,
        "{file}: model changed on round trip"
    );
    assert_eq!(first.report.total_panels, second.report.total_panels);
    // And a second export is byte-for-byte the first.
    assert_eq!(exported, export_json(&second.dashboard).unwrap(), "{file}");
}

#[test]
fn node_exporter_full_round_trips() {
    assert_stable("node-exporter-full.json", NODE_EXPORTER_FULL);
}

#[test]
fn grafana_4_dashboard_round_trips_after_upgrade() {
    assert_stable("grafana4-rows.json", GRAFANA_4);
}

#[test]
fn builtin_dashboards_round_trip() {
    for (file, text) in BUILTIN_FILES {
        assert_stable(file, text);
    }
}

/// Same JSON up to number representation (`1` vs `1.0`) and absent-vs-null fields.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
            let left = x.get(k).unwrap_or(&Value::Null);
            let right = y.get(k).unwrap_or(&Value::Null);
            first_difference(left, right, &format!("{path}.{k}"))
        }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (l, r))| first_difference(l, r, &format!("{path}[{i}]"))),
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => None,
        _ if a == b => None,
        _ => Some(format!("{path}: {a} != {b}")),
    }
}

#[test]
fn export_loses_nothing_from_a_current_dashboard() {
    let original: Value = serde_json::from_str(NODE_EXPORTER_FULL).unwrap();
    let exported = export_value(
        &import_dashboard(NODE_EXPORTER_FULL, "n.json")
            .unwrap()
            .dashboard,
    )
    .unwrap();
    assert_eq!(first_difference(&original, &exported, ""), None);
}

#[test]
fn export_of_an_old_dashboard_keeps_its_fields_beside_the_upgrades() {
    let original: Value = serde_json::from_str(GRAFANA_4).unwrap();
    let exported =
        export_value(&import_dashboard(GRAFANA_4, "old.json").unwrap().dashboard).unwrap();
    for key in [
        "__inputs",
        "__requires",
        "timepicker",
        "style",
        "annotations",
        "version",
        "tags",
    ] {
        assert_eq!(first_difference(&original[key], &exported[key], key), None);
    }
    assert!(exported.get("rows").is_none(), "rows became panels");
    let cpu = &exported["panels"][1];
    assert_eq!(cpu["title"], "CPU");
    // Old graph fields Grafana still migrates from are kept.
    for key in [
        "yaxes",
        "legend",
        "seriesOverrides",
        "nullPointMode",
        "thresholds",
    ] {
        assert_eq!(cpu[key], original["rows"][0]["panels"][0][key], "{key}");
    }
    assert_eq!(cpu["fieldConfig"]["defaults"]["unit"], "percentunit");
    let singlestat = &exported["panels"][2];
    assert_eq!(
        singlestat["colors"],
        original["rows"][0]["panels"][1]["colors"]
    );
}
