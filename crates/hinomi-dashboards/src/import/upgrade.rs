//! Fills typed fields from where older Grafana versions kept the same information, without
//! removing the old fields (Grafana still reads them). Each step only fills what is empty, so
//! running it on an exported dashboard changes nothing: import → export → import is stable.

use super::ImportNote;
use crate::model::{Dashboard, Panel};
use serde_json::Value;

pub(crate) fn upgrade(dashboard: &mut Dashboard, notes: &mut Vec<ImportNote>) {
    let mut axes_lifted = 0;
    let mut text_lifted = 0;
    for_each_panel_mut(&mut dashboard.panels, &mut |panel| {
        if panel.panel_type == "graph" && lift_graph_axis(panel) {
            axes_lifted += 1;
        }
        if panel.panel_type == "text" && lift_text_content(panel) {
            text_lifted += 1;
        }
    });
    if axes_lifted > 0 {
        notes.push(ImportNote::GraphAxesAsFieldConfig {
            panels: axes_lifted,
        });
    }
    if text_lifted > 0 {
        notes.push(ImportNote::TextContentAsOptions {
            panels: text_lifted,
        });
    }
    let assigned = assign_missing_ids(dashboard);
    if assigned > 0 {
        notes.push(ImportNote::AssignedPanelIds { panels: assigned });
    }
    if dashboard.all_panels().iter().any(|p| {
        matches!(p.datasource, Some(crate::model::DatasourceRef::Name(_)))
            || p.targets
                .iter()
                .any(|t| matches!(t.datasource, Some(crate::model::DatasourceRef::Name(_))))
    }) {
        notes.push(ImportNote::DatasourceByName);
    }
}

pub(crate) fn for_each_panel_mut(panels: &mut [Panel], f: &mut impl FnMut(&mut Panel)) {
    for panel in panels {
        f(panel);
        if let Some(nested) = panel.panels.as_deref_mut() {
            for_each_panel_mut(nested, f);
        }
    }
}

/// The old `graph` panel kept unit and range on its left y-axis (`yaxes[0]`), and before
/// that in `y_formats`. Values there may be numbers, numeric strings or null.
fn lift_graph_axis(panel: &mut Panel) -> bool {
    let axis = panel
        .extra
        .get("yaxes")
        .and_then(|axes| axes.get(0))
        .cloned()
        .unwrap_or(Value::Null);
    let unit = axis
        .get("format")
        .or_else(|| panel.extra.get("y_formats").and_then(|f| f.get(0)))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let min = axis.get("min").and_then(number);
    let max = axis.get("max").and_then(number);
    let decimals = axis
        .get("decimals")
        .and_then(number)
        .filter(|d| *d >= 0.0)
        .map(|d| d as u32);
    if unit.is_none() && min.is_none() && max.is_none() && decimals.is_none() {
        return false;
    }
    let defaults = &mut panel.field_config_mut().defaults;
    let mut changed = false;
    fill(&mut defaults.unit, unit, &mut changed);
    fill(&mut defaults.min, min, &mut changed);
    fill(&mut defaults.max, max, &mut changed);
    fill(&mut defaults.decimals, decimals, &mut changed);
    changed
}

/// Text panels before Grafana 7 had `content` and `mode` beside the panel's other fields.
fn lift_text_content(panel: &mut Panel) -> bool {
    let Some(content) = panel.extra.get("content").and_then(Value::as_str) else {
        return false;
    };
    let content = content.to_owned();
    let mode = panel
        .extra
        .get("mode")
        .and_then(Value::as_str)
        .unwrap_or("markdown")
        .to_owned();
    let options = panel.options.get_or_insert_with(Default::default);
    if options.contains_key("content") {
        return false;
    }
    options.insert("content".into(), Value::String(content));
    options.entry("mode").or_insert(Value::String(mode));
    true
}

/// Edits address panels by id; Grafana numbers panels that have none the same way.
fn assign_missing_ids(dashboard: &mut Dashboard) -> u32 {
    let mut next = dashboard
        .all_panels()
        .iter()
        .filter_map(|p| p.id)
        .max()
        .unwrap_or(0);
    let mut assigned = 0;
    for_each_panel_mut(&mut dashboard.panels, &mut |panel| {
        if panel.id.is_none() {
            next += 1;
            panel.id = Some(next);
            assigned += 1;
        }
    });
    assigned
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn fill<T>(slot: &mut Option<T>, value: Option<T>, changed: &mut bool) {
    if slot.is_none() && value.is_some() {
        *slot = value;
        *changed = true;
    }
}
