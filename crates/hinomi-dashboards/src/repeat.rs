//! Over 400 lines: panel and row repeats share their sections, ids and bindings, kept together.
//! Repeated panels and rows: one copy per selected value of the `repeat` variable, each with
//! that variable bound to its value (Grafana's `scopedVars`), laid out as Grafana's
//! `DashboardModel.repeatPanel` / `repeatRow` lay them out.
//!
//! Expansion is a view of the dashboard, computed from the live variable selection: the saved
//! file keeps the one source panel, and the copies come and go with the selection. The first
//! copy is the source panel itself (its id unchanged, so edits reach it); the others get fresh
//! ids above every saved id and `repeatPanelId` naming their source, as in Grafana.

use crate::model::{ALL_VALUE, Dashboard, Panel, Variable, VariableValue};
use crate::template::{ScopedValue, TemplateScope};
use crate::variable_options;
use serde_json::{Map, Value, json};

/// Where a copy keeps the values it is bound to: `{name: {"text": ..., "value": ...}}`.
pub const SCOPED_VARS: &str = "scopedVars";
/// On a copy: the id of the panel it was copied from.
pub const REPEAT_PANEL_ID: &str = "repeatPanelId";

const GRID_COLUMNS: u32 = 24;
/// Grafana's `panel.maxPerRow || 4`.
const DEFAULT_MAX_PER_ROW: u32 = 4;

/// One value a repeat draws a copy for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatValue {
    pub value: String,
    pub text: String,
}

/// The values a repeat over `variable` draws: every option for "All" (Grafana's
/// `options.slice(1)`, whatever the custom all value), else the selected ones. With nothing
/// selected Grafana draws the first option, as for queries.
pub fn repeat_values(variable: &Variable) -> Vec<RepeatValue> {
    let options = variable_options::effective_options(variable);
    let current = variable.current.as_ref();
    let selected = current
        .and_then(|c| c.value.as_ref())
        .map(VariableValue::values)
        .unwrap_or_default();
    let real_options = || options.iter().filter(|o| o.value != ALL_VALUE);
    if selected.iter().any(|v| v == ALL_VALUE) {
        return real_options()
            .map(|o| RepeatValue {
                value: o.value.clone(),
                text: o.text.clone(),
            })
            .collect();
    }
    if selected.is_empty() {
        return real_options()
            .take(1)
            .map(|o| RepeatValue {
                value: o.value.clone(),
                text: o.text.clone(),
            })
            .collect();
    }
    let saved_texts = current
        .and_then(|c| c.text.as_ref())
        .map(VariableValue::values)
        .filter(|texts| texts.len() == selected.len());
    selected
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let text = saved_texts
                .as_ref()
                .map(|texts| texts[index].clone())
                .or_else(|| {
                    options
                        .iter()
                        .find(|o| &o.value == value)
                        .map(|o| o.text.clone())
                })
                .unwrap_or_else(|| value.clone());
            RepeatValue {
                value: value.clone(),
                text,
            }
        })
        .collect()
}

/// The dashboard's panels with every repeat expanded for the current selection.
pub fn expand_repeats(dashboard: &Dashboard) -> Vec<Panel> {
    let mut ids = IdSource::after(dashboard);
    let mut out = Vec::new();
    // How far everything below has moved down for the copies above it.
    let mut shift = 0;
    for section in sections(&dashboard.panels) {
        let before = section.bottom();
        let copies = match section
            .row
            .as_ref()
            .and_then(|row| repeat_of(dashboard, row))
        {
            Some((variable, values)) => repeat_row(section.clone(), variable, &values, &mut ids),
            None => vec![section.clone()],
        };
        // Each copy starts where the last one ended (after its own panel repeats grew it).
        let mut next_top = section.top() + shift;
        for mut copy in copies {
            copy.panels = expand_panels(dashboard, copy.panels, &mut ids);
            if let Some(row) = &mut copy.row
                && let Some(folded) = row.panels.take()
            {
                row.panels = Some(expand_panels(dashboard, folded, &mut ids));
            }
            copy.shift_down(next_top.saturating_sub(copy.top()));
            next_top = copy.bottom();
            if let Some(row) = copy.row {
                out.push(row);
            }
            out.extend(copy.panels);
        }
        shift = shift.max(next_top.saturating_sub(before));
    }
    out
}

/// `scope` with the values `panel` is bound to (its `scopedVars`) in place of the dashboard's
/// selection. A bound value keeps its variable's multi/All flag, so PromQL still regex-escapes
/// it as Grafana's Prometheus datasource does for a multi-value variable.
pub fn bind_scope(scope: &TemplateScope, dashboard: &Dashboard, panel: &Panel) -> TemplateScope {
    let mut bound = scope.clone();
    let Some(Value::Object(vars)) = panel.extra.get(SCOPED_VARS) else {
        return bound;
    };
    for (name, entry) in vars {
        let value = entry.get("value").map(plain_text).unwrap_or_default();
        let text = entry.get("text").map(plain_text).unwrap_or(value.clone());
        let multi_or_all = dashboard
            .variable(name)
            .is_some_and(|v| v.is_multi() || v.includes_all());
        bound.set(
            name.clone(),
            ScopedValue {
                values: vec![value],
                texts: vec![text],
                multi_or_all,
                ..ScopedValue::default()
            },
        );
    }
    bound
}

/// Panel `id` among the expanded panels (a copy's fresh id included), rows' folded panels too.
pub fn find_expanded(panels: &[Panel], id: u32) -> Option<&Panel> {
    panels.iter().find_map(|panel| {
        if panel.id == Some(id) {
            Some(panel)
        } else {
            find_expanded(panel.nested(), id)
        }
    })
}

fn plain_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain_text).collect::<Vec<_>>().join(" + "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The variable a panel or row repeats over and its values; `None` when it does not repeat,
/// names no variable of the dashboard, or nothing is selected (drawn once, unbound).
fn repeat_of<'a>(
    dashboard: &'a Dashboard,
    panel: &Panel,
) -> Option<(&'a Variable, Vec<RepeatValue>)> {
    let name = panel.extra.get("repeat")?.as_str()?.trim();
    let variable = dashboard.variable(name)?;
    let values = repeat_values(variable);
    (!values.is_empty()).then_some((variable, values))
}

/// A row and the panels under it, or the panels above the first row.
#[derive(Debug, Clone)]
struct Section {
    row: Option<Panel>,
    /// An open row's panels (a folded row keeps its own in `row.panels`).
    panels: Vec<Panel>,
}

impl Section {
    fn top(&self) -> u32 {
        match &self.row {
            Some(row) => row.grid_pos.y,
            None => self.panels.iter().map(|p| p.grid_pos.y).min().unwrap_or(0),
        }
    }

    fn bottom(&self) -> u32 {
        let row_bottom = self.row.as_ref().map_or(0, |r| r.grid_pos.y + r.grid_pos.h);
        self.panels
            .iter()
            .map(|p| p.grid_pos.y + p.grid_pos.h)
            .max()
            .unwrap_or(0)
            .max(row_bottom)
    }

    fn shift_down(&mut self, by: u32) {
        if by == 0 {
            return;
        }
        if let Some(row) = &mut self.row {
            row.grid_pos.y += by;
        }
        for panel in &mut self.panels {
            panel.grid_pos.y += by;
        }
    }
}

/// Splits the saved panels at the rows, in grid order, dropping copies an old Grafana saved
/// (they are made again from their source, as Grafana's `cleanUpRepeats` does).
fn sections(panels: &[Panel]) -> Vec<Section> {
    let mut sorted: Vec<&Panel> = panels.iter().filter(|p| !is_saved_copy(p)).collect();
    sorted.sort_by_key(|p| (p.grid_pos.y, p.grid_pos.x));
    let mut out = vec![Section {
        row: None,
        panels: Vec::new(),
    }];
    for panel in sorted {
        if panel.is_row() {
            let mut row = panel.clone();
            if let Some(folded) = &mut row.panels {
                folded.retain(|p| !is_saved_copy(p));
            }
            out.push(Section {
                row: Some(row),
                panels: Vec::new(),
            });
        } else if let Some(last) = out.last_mut() {
            last.panels.push(panel.clone());
        }
    }
    out
}

fn is_saved_copy(panel: &Panel) -> bool {
    panel
        .extra
        .get(REPEAT_PANEL_ID)
        .is_some_and(|id| !id.is_null())
        && (panel
            .extra
            .get("repeat")
            .is_none_or(|r| r.as_str().is_none_or(str::is_empty))
            || panel.extra.get("repeatedByRow") == Some(&Value::Bool(true)))
}

/// Grafana's `repeatRow`: the row and all its panels once per value; the caller stacks the
/// copies (a folded row's copies take one grid line each).
fn repeat_row(
    section: Section,
    variable: &Variable,
    values: &[RepeatValue],
    ids: &mut IdSource,
) -> Vec<Section> {
    let Some(row) = section.row.clone() else {
        return vec![section];
    };
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let first = index == 0;
            let mut copy = section.clone();
            let mut row = row.clone();
            bind(&mut row, variable, value);
            if !first {
                row.extra.remove("repeat");
                ids.assign_copy(&mut row);
            }
            if let Some(folded_panels) = &mut row.panels {
                for panel in folded_panels {
                    bind(panel, variable, value);
                    if !first {
                        ids.assign_copy(panel);
                    }
                }
            }
            for panel in &mut copy.panels {
                bind(panel, variable, value);
                if !first {
                    ids.assign_copy(panel);
                }
            }
            copy.row = Some(row);
            copy
        })
        .collect()
}

/// Grafana's `repeatPanel` for each repeating panel of one section (in grid order); panels
/// below a repeat move down by the room its copies take.
fn expand_panels(dashboard: &Dashboard, panels: Vec<Panel>, ids: &mut IdSource) -> Vec<Panel> {
    let mut out: Vec<Panel> = Vec::new();
    let mut pending: Vec<Panel> = panels;
    pending.sort_by_key(|p| (p.grid_pos.y, p.grid_pos.x));
    let mut index = 0;
    while index < pending.len() {
        let panel = pending[index].clone();
        index += 1;
        let Some((variable, values)) = repeat_of(dashboard, &panel) else {
            out.push(panel);
            continue;
        };
        let copies = repeat_panel(&panel, variable, &values, ids);
        let old_bottom = panel.grid_pos.y + panel.grid_pos.h;
        let new_bottom = copies
            .iter()
            .map(|c| c.grid_pos.y + c.grid_pos.h)
            .max()
            .unwrap_or(old_bottom);
        let grown = new_bottom.saturating_sub(old_bottom);
        // Panels beside the source on its grid line stay; everything lower makes room.
        for below in &mut pending[index..] {
            if below.grid_pos.y > panel.grid_pos.y {
                below.grid_pos.y += grown;
            }
        }
        out.extend(copies);
    }
    out
}

/// The copies of one repeating panel: horizontal ones share the row width, 24 / min(count,
/// maxPerRow) columns each (Grafana: `max(24 / count, 24 / maxPerRow)`), wrapping onto a new
/// line; vertical ones stack at the source's width.
fn repeat_panel(
    source: &Panel,
    variable: &Variable,
    values: &[RepeatValue],
    ids: &mut IdSource,
) -> Vec<Panel> {
    let vertical = source.extra.get("repeatDirection").and_then(Value::as_str) == Some("v");
    let max_per_row = source
        .extra
        .get("maxPerRow")
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
        .map_or(DEFAULT_MAX_PER_ROW, |n| {
            n.min(u64::from(GRID_COLUMNS)) as u32
        });
    let count = u32::try_from(values.len()).unwrap_or(u32::MAX).max(1);
    let width = (GRID_COLUMNS / count.min(max_per_row)).max(1);
    let (mut x, mut y) = (0, source.grid_pos.y);
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let mut copy = source.clone();
            bind(&mut copy, variable, value);
            if index > 0 {
                copy.extra.remove("repeat");
                ids.assign_copy(&mut copy);
            }
            if vertical {
                if index > 0 {
                    y += copy.grid_pos.h;
                }
                copy.grid_pos.y = y;
            } else {
                if x + width > GRID_COLUMNS {
                    x = 0;
                    y += copy.grid_pos.h;
                }
                copy.grid_pos.x = x;
                copy.grid_pos.y = y;
                copy.grid_pos.w = width;
                x += width;
            }
            copy
        })
        .collect()
}

/// Binds `variable` to `value` in the panel's `scopedVars`, keeping what an outer repeat bound.
fn bind(panel: &mut Panel, variable: &Variable, value: &RepeatValue) {
    let vars = panel
        .extra
        .entry(SCOPED_VARS)
        .or_insert_with(|| Value::Object(Map::new()));
    if !vars.is_object() {
        *vars = Value::Object(Map::new());
    }
    if let Value::Object(vars) = vars {
        vars.insert(
            variable.name.clone(),
            json!({"text": value.text, "value": value.value, "selected": true}),
        );
    }
}

/// Fresh ids for copies, above every id the dashboard saved (Grafana's `getNextPanelId`).
struct IdSource {
    next: u32,
}

impl IdSource {
    fn after(dashboard: &Dashboard) -> Self {
        let max = dashboard
            .all_panels()
            .iter()
            .filter_map(|p| p.id)
            .max()
            .unwrap_or(0);
        Self {
            next: max.saturating_add(1),
        }
    }

    /// A copy's source is the saved panel, also for the copy of a copy (a repeated panel in a
    /// repeated row), so an edit made on any copy reaches the file.
    fn assign_copy(&mut self, panel: &mut Panel) {
        if let Some(source) = panel.id
            && !panel.extra.contains_key(REPEAT_PANEL_ID)
        {
            panel.extra.insert(REPEAT_PANEL_ID.into(), json!(source));
        }
        panel.id = Some(self.next);
        self.next = self.next.saturating_add(1);
    }
}

#[cfg(test)]
mod tests;
