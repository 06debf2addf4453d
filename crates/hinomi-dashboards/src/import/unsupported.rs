//! What a dashboard asks for that Hinomi does not draw yet, named for the import report.
//!
//! The one list to update when Hinomi learns something: what the model and the UI read is
//! below as the `*_READ` sets and the checks in [`panel_features`]; anything else a panel sets
//! away from Grafana's default is named. Panel types Hinomi cannot draw at all are reported
//! separately as placeholders, and unsupported variables in `variables`.

use crate::model::{Dashboard, Panel, PanelKind};
use serde::Serialize;
use serde_json::Value;
use specta::Type;
use std::collections::{BTreeMap, BTreeSet};

/// One feature Hinomi ignores, with the values the dashboard gives it and the panels that use
/// it (empty for dashboard-wide ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct UnsupportedFeature {
    /// Grafana's own name for it, e.g. `transformations`, `override property`,
    /// `fieldConfig.custom.fillOpacity`: the same words as in the JSON and Grafana's editor.
    pub feature: String,
    /// What it is set to, e.g. `merge` for a transformation or `20` for a fill opacity; empty
    /// when the name says it all (`panel links`).
    pub values: Vec<String>,
    pub panels: Vec<PanelRef>,
}

/// A feature found: its name and, when it has one, the value it is set to.
type Found = (String, Option<String>);

fn named(name: impl Into<String>) -> Found {
    (name.into(), None)
}

fn valued(name: impl Into<String>, value: impl Into<String>) -> Found {
    (name.into(), Some(value.into()))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct PanelRef {
    pub id: Option<u32>,
    pub title: String,
}

/// Field override matchers the UI applies (ui/src/views/dashboards/display.ts).
const OVERRIDE_MATCHERS_READ: [&str; 4] = ["byName", "byRegexp", "byNames", "byFrameRefID"];
/// Field override properties the UI applies (display.ts `displayFor`).
const OVERRIDE_PROPERTIES_READ: [&str; 7] = [
    "unit",
    "decimals",
    "min",
    "max",
    "displayName",
    "color",
    "thresholds",
];
/// Value mapping kinds the UI applies (display.ts `mapValue`).
const MAPPING_TYPES_READ: [&str; 3] = ["value", "range", "special"];
/// Datasource types whose queries Hinomi runs.
const DATASOURCES_READ: [&str; 1] = ["prometheus"];
/// Grafana's `fieldConfig.defaults.custom` draw settings with their defaults: a value other
/// than the default changes the drawing, and Hinomi draws every series as a plain line.
/// (`custom` keys not listed here are named whatever their value.)
const CUSTOM_DEFAULTS: [(&str, &str); 22] = [
    ("drawStyle", "\"line\""),
    ("lineInterpolation", "\"linear\""),
    ("lineWidth", "1"),
    ("fillOpacity", "0"),
    ("gradientMode", "\"none\""),
    ("showPoints", "\"auto\""),
    ("pointSize", "5"),
    ("spanNulls", "false"),
    ("insertNulls", "false"),
    ("stacking", "{\"group\":\"A\",\"mode\":\"none\"}"),
    ("axisPlacement", "\"auto\""),
    ("axisLabel", "\"\""),
    ("axisCenteredZero", "false"),
    ("axisColorMode", "\"text\""),
    ("axisBorderShow", "false"),
    ("barAlignment", "0"),
    ("barWidthFactor", "0.6"),
    ("scaleDistribution", "{\"type\":\"linear\"}"),
    (
        "hideFrom",
        "{\"legend\":false,\"tooltip\":false,\"viz\":false}",
    ),
    ("lineStyle", "{\"fill\":\"solid\"}"),
    ("thresholdsStyle", "{\"mode\":\"off\"}"),
    ("transform", "\"constant\""),
];
/// `custom` keys of table panels and their defaults (Hinomi's table shows plain cells).
const TABLE_CUSTOM_DEFAULTS: [(&str, &str); 5] = [
    ("align", "\"auto\""),
    ("cellOptions", "{\"type\":\"auto\"}"),
    ("displayMode", "\"auto\""),
    ("inspect", "false"),
    ("filterable", "false"),
];
/// Panel options the UI reads: `legend.showLegend` and `legend.calcs` (timeseries),
/// `reduceOptions.calcs` (stat, gauge, bar gauge), `content`/`mode` (text). Grafana's defaults
/// for the rest are listed so that a panel left at them is not reported.
const OPTION_DEFAULTS: [(&str, &str); 19] = [
    ("exemplars.color", "\"rgba(255,0,255,0.7)\""),
    ("tooltip.show", "true"),
    ("tooltip.yHistogram", "false"),
    ("rowsFrame.layout", "\"auto\""),
    ("yAxis.axisPlacement", "\"left\""),
    ("legend.displayMode", "\"list\""),
    ("legend.placement", "\"bottom\""),
    ("tooltip.mode", "\"single\""),
    ("tooltip.sort", "\"none\""),
    ("reduceOptions.values", "false"),
    ("reduceOptions.fields", "\"\""),
    ("orientation", "\"auto\""),
    ("textMode", "\"auto\""),
    ("colorMode", "\"value\""),
    ("graphMode", "\"none\""),
    ("justifyMode", "\"auto\""),
    ("showThresholdLabels", "false"),
    ("showThresholdMarkers", "true"),
    ("displayMode", "\"basic\""),
];
/// Heatmap options the heatmap panel reads (`calculate: true` has its own note in the report).
const HEATMAP_OPTIONS_READ: [&str; 19] = [
    "calculate",
    "color.mode",
    "color.scheme",
    "color.scale",
    "color.exponent",
    "color.steps",
    "color.reverse",
    "color.min",
    "color.max",
    "color.fill",
    "cellGap",
    "cellValues.unit",
    "cellValues.decimals",
    "filterValues.le",
    "filterValues.ge",
    "legend.show",
    "yAxis.unit",
    "yAxis.decimals",
    "yAxis.reverse",
];
/// State timeline options the state-timeline panel reads.
const STATE_TIMELINE_OPTIONS_READ: [&str; 5] = [
    "mergeValues",
    "showValue",
    "rowHeight",
    "alignValue",
    "legend.show",
];
/// Option paths read, or only about Grafana's own editor and never drawn differently.
/// `hinomiSeriesLimit` is Hinomi's own per-panel series limit.
const OPTIONS_READ: [&str; 12] = [
    "hinomiSeriesLimit",
    "legend.showLegend",
    "legend.calcs",
    "legend.isVisible",
    "legend.asTable",
    "reduceOptions.calcs",
    "content",
    "mode",
    "code",
    "tooltip.maxHeight",
    "legend.width",
    "showHeader",
];

/// Every feature the dashboard uses that Hinomi does not draw, in name order.
pub(crate) fn unsupported_features(dashboard: &Dashboard) -> Vec<UnsupportedFeature> {
    let mut found: BTreeMap<String, (BTreeSet<String>, Vec<PanelRef>)> = BTreeMap::new();
    for (name, value) in dashboard_features(dashboard) {
        found.entry(name).or_default().0.extend(value);
    }
    for panel in dashboard.all_panels() {
        let mut names_seen = BTreeSet::new();
        for (name, value) in panel_features(panel) {
            let entry = found.entry(name.clone()).or_default();
            entry.0.extend(value);
            // One mention of the panel per feature, whatever values it sets.
            if names_seen.insert(name) {
                entry.1.push(PanelRef {
                    id: panel.id,
                    title: panel.title.clone(),
                });
            }
        }
    }
    found
        .into_iter()
        .map(|(feature, (values, panels))| UnsupportedFeature {
            feature,
            values: values.into_iter().collect(),
            panels,
        })
        .collect()
}

fn dashboard_features(dashboard: &Dashboard) -> Vec<Found> {
    let mut out = Vec::new();
    if non_empty_array(dashboard.extra.get("links")) {
        out.push(named("dashboard links"));
    }
    // `graphTooltip` is not named: Hinomi's charts always share the crosshair and tooltip.
    // Grafana's built-in "Annotations & Alerts" and Prometheus annotation queries are drawn;
    // other datasources' are not.
    let annotations = dashboard
        .extra
        .get("annotations")
        .and_then(|a| a.get("list"))
        .and_then(Value::as_array);
    for annotation in annotations.into_iter().flatten() {
        if annotation.get("builtIn").and_then(Value::as_u64) == Some(1)
            || annotation.get("enable") == Some(&Value::Bool(false))
        {
            continue;
        }
        let kind = datasource_type(annotation.get("datasource"));
        if !kind.as_deref().is_some_and(is_read_datasource) {
            out.push(valued(
                "annotations",
                kind.unwrap_or_else(|| "unknown datasource".into()),
            ));
        }
    }
    out
}

fn panel_features(panel: &Panel) -> Vec<Found> {
    let mut out = Vec::new();
    // Placeholder types are in the report's own list; their options mean nothing here.
    if panel.kind() == PanelKind::Placeholder {
        return out;
    }
    for transformation in array(panel.extra.get("transformations")) {
        let id = transformation
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("?");
        if transformation.get("disabled") != Some(&Value::Bool(true)) {
            out.push(valued("transformations", id));
        }
    }
    if non_empty_array(panel.extra.get("links")) {
        out.push(named("panel links"));
    }
    for key in ["timeFrom", "timeShift"] {
        if let Some(value) = panel
            .extra
            .get(key)
            .and_then(Value::as_str)
            .filter(|v| !v.trim().is_empty())
        {
            out.push(valued(format!("{key} (panel time override)"), value));
        }
    }
    if panel.extra.get("libraryPanel").is_some() {
        out.push(named("libraryPanel"));
    }
    if panel.extra.get("alert").is_some() {
        out.push(named("alert (legacy panel alert)"));
    }
    for target in &panel.targets {
        let kind = datasource_type(target.datasource.as_ref().map(to_value).as_ref())
            .or_else(|| datasource_type(panel.datasource.as_ref().map(to_value).as_ref()));
        let foreign = kind
            .as_deref()
            .is_some_and(|k| !is_read_datasource(k) && k != "datasource");
        if foreign || (target.expr.is_none() && !target.extra.is_empty() && !target.is_hidden()) {
            out.push(valued(
                "queries of other datasources",
                kind.unwrap_or_else(|| "not PromQL".into()),
            ));
        }
    }
    if let Some(config) = &panel.field_config {
        let defaults = &config.defaults;
        if non_empty_array(defaults.extra.get("links")) {
            out.push(named("data links"));
        }
        for mapping in array(defaults.extra.get("mappings")) {
            let kind = mapping.get("type").and_then(Value::as_str).unwrap_or("?");
            if !MAPPING_TYPES_READ.contains(&kind) {
                out.push(valued("value mappings", kind));
            }
        }
        if let Some(Value::Object(custom)) = defaults.extra.get("custom") {
            let table = panel.kind() == PanelKind::Table;
            for (key, value) in custom {
                let default = CUSTOM_DEFAULTS
                    .iter()
                    .chain(if table {
                        TABLE_CUSTOM_DEFAULTS.iter()
                    } else {
                        [].iter()
                    })
                    .find(|(k, _)| k == key)
                    .map(|(_, d)| *d);
                // The state timeline draws its bars with the panel's fill opacity.
                let read = panel.kind() == PanelKind::StateTimeline && key == "fillOpacity";
                if !read && !is_default(value, default) {
                    out.push(valued(format!("fieldConfig.custom.{key}"), short(value)));
                }
            }
        }
        for rule in &config.overrides {
            if !OVERRIDE_MATCHERS_READ.contains(&rule.matcher.id.as_str()) {
                out.push(valued("override matcher", rule.matcher.id.clone()));
            }
            for property in &rule.properties {
                if !OVERRIDE_PROPERTIES_READ.contains(&property.id.as_str()) {
                    out.push(valued("override property", property.id.clone()));
                }
            }
        }
    }
    if let Some(options) = &panel.options {
        let mut leaves = Vec::new();
        for (key, value) in options {
            option_leaves(key.clone(), value, &mut leaves);
        }
        for (path, value) in leaves {
            let read_by_kind: &[&str] = match panel.kind() {
                PanelKind::Heatmap => &HEATMAP_OPTIONS_READ,
                PanelKind::StateTimeline => &STATE_TIMELINE_OPTIONS_READ,
                _ => &[],
            };
            if OPTIONS_READ
                .iter()
                .chain(read_by_kind)
                .any(|read| path == *read)
            {
                continue;
            }
            let default = OPTION_DEFAULTS
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, d)| *d);
            if !is_default(&value, default) {
                out.push(valued(format!("options.{path}"), short(&value)));
            }
        }
    }
    out
}

/// Panel option objects whose settings are looked at one by one.
const OPTION_GROUPS: [&str; 9] = [
    "legend",
    "tooltip",
    "reduceOptions",
    "color",
    "cellValues",
    "filterValues",
    "rowsFrame",
    "yAxis",
    "exemplars",
];

fn option_leaves(path: String, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        // Option groups are named by their inner settings.
        Value::Object(map) if OPTION_GROUPS.contains(&path.as_str()) => {
            for (key, inner) in map {
                option_leaves(format!("{path}.{key}"), inner, out);
            }
        }
        other => out.push((path, other.clone())),
    }
}

/// Whether `value` is Grafana's default: equal to it, or empty/null/false when there is none.
fn is_default(value: &Value, default: Option<&str>) -> bool {
    match default.and_then(|d| serde_json::from_str::<Value>(d).ok()) {
        Some(default) => value == &default || object_within(value, &default),
        None => match value {
            Value::Null | Value::Bool(false) => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            Value::Number(_) | Value::Bool(true) => false,
        },
    }
}

/// An object that sets only default keys (Grafana omits or adds some between versions).
fn object_within(value: &Value, default: &Value) -> bool {
    match (value, default) {
        (Value::Object(v), Value::Object(d)) => v
            .iter()
            .all(|(k, inner)| d.get(k).is_some_and(|di| inner == di)),
        _ => false,
    }
}

fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Object(map) => match map.get("mode").or(map.get("type")) {
            Some(Value::String(mode)) => mode.clone(),
            _ => value.to_string(),
        },
        other => other.to_string(),
    };
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

fn is_read_datasource(kind: &str) -> bool {
    DATASOURCES_READ.contains(&kind)
}

/// The `type` of a `{type, uid}` reference; a bare name (pre-8.3) says nothing about it.
fn datasource_type(reference: Option<&Value>) -> Option<String> {
    reference?
        .get("type")?
        .as_str()
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn to_value(reference: &crate::model::DatasourceRef) -> Value {
    serde_json::to_value(reference).unwrap_or(Value::Null)
}

fn array(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

fn non_empty_array(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
}
