//! Reshapes old Grafana JSON before it is typed: unwraps the `{"dashboard": {...}}` envelope of
//! Grafana's HTTP API, and turns the pre-5.0 `rows` layout (12-column spans, pixel heights)
//! into today's grid of panels and row panels, as Grafana's own schema-16 migration does.
//!
//! It also remembers where each moved panel came from, so an error is reported at the path the
//! user sees in their file (`rows[1].panels[2].span`), not at where we moved it.

use super::ImportNote;
use serde_json::{Value, json};

const GRID_COLUMNS: u32 = 24;
const DEFAULT_ROW_HEIGHT_PX: f64 = 250.0;
const DEFAULT_SPAN: f64 = 4.0;
/// Grafana's grid cell is 30 px high plus an 8 px margin; panels are at least 3 cells high.
const CELL_PX: f64 = 38.0;
const MIN_PANEL_PX: f64 = 90.0;

/// Where the dashboard's values came from in the file.
#[derive(Debug, Default)]
pub(crate) struct SourcePaths {
    /// Set when the dashboard sat inside `{"dashboard": ...}`.
    envelope: Option<&'static str>,
    /// (path after migration, path in the file), for panels moved out of `rows`.
    moved: Vec<(String, String)>,
}

impl SourcePaths {
    /// Maps a path in the migrated JSON back to the file.
    pub(crate) fn original(&self, path: &str) -> String {
        let best = self
            .moved
            .iter()
            .filter(|(new, _)| {
                path.strip_prefix(new.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
            })
            .max_by_key(|(new, _)| new.len());
        let inner = match best {
            Some((new, old)) => format!("{old}{}", &path[new.len()..]),
            None => path.to_owned(),
        };
        match self.envelope {
            Some(key) if inner == "." => key.to_owned(),
            Some(key) => format!("{key}.{inner}"),
            None => inner,
        }
    }
}

pub(crate) fn reshape(mut value: Value, notes: &mut Vec<ImportNote>) -> (Value, SourcePaths) {
    let mut paths = SourcePaths::default();
    if let Some(inner) = envelope_content(&mut value) {
        value = inner;
        paths.envelope = Some("dashboard");
        notes.push(ImportNote::UnwrappedApiEnvelope);
    }
    if let Value::Object(dashboard) = &mut value
        && let Some(Value::Array(rows)) = dashboard.remove("rows")
    {
        let mut panels = match dashboard.remove("panels") {
            Some(Value::Array(existing)) => existing,
            _ => Vec::new(),
        };
        let row_count = rows.len();
        upgrade_rows(rows, &mut panels, &mut paths.moved);
        dashboard.insert("panels".into(), Value::Array(panels));
        notes.push(ImportNote::UpgradedRowsLayout {
            rows: u32::try_from(row_count).unwrap_or(u32::MAX),
        });
    }
    (value, paths)
}

/// `{"dashboard": {...}, "meta": {...}}` from Grafana's API, or the seed documents' form.
fn envelope_content(value: &mut Value) -> Option<Value> {
    let object = value.as_object_mut()?;
    let looks_like_dashboard = ["panels", "rows", "title", "templating"]
        .iter()
        .any(|key| object.contains_key(*key));
    if looks_like_dashboard || !object.get("dashboard").is_some_and(Value::is_object) {
        return None;
    }
    object.remove("dashboard")
}

fn upgrade_rows(rows: Vec<Value>, panels: &mut Vec<Value>, moved: &mut Vec<(String, String)>) {
    let max_id = rows
        .iter()
        .filter_map(|row| row.get("panels")?.as_array())
        .flatten()
        .chain(panels.iter())
        .filter_map(|p| p.get("id")?.as_u64())
        .max()
        .unwrap_or(0);
    let mut next_row_id = max_id + 1;
    // Row panels only when some row was visible as a row; otherwise rows were just layout.
    let show_rows = rows.iter().any(|row| {
        ["collapse", "showTitle"]
            .iter()
            .any(|key| row.get(*key).and_then(Value::as_bool) == Some(true))
            || row
                .get("repeat")
                .is_some_and(|r| r.as_str().is_some_and(|s| !s.is_empty()))
    });
    let mut y = 0;
    for (row_index, row) in rows.into_iter().enumerate() {
        let Value::Object(mut row) = row else {
            continue;
        };
        // Repeated copies are regenerated from the original row at view time. Grafana 4
        // writes `"repeatIteration": null` on ordinary rows, so only a real value counts.
        if row
            .get("repeatIteration")
            .is_some_and(|v| !v.is_null() && v != &json!(false))
        {
            continue;
        }
        let row_height = grid_height(row.get("height"), DEFAULT_ROW_HEIGHT_PX);
        let collapsed = row.get("collapse").and_then(Value::as_bool) == Some(true);
        let row_panels = match row.remove("panels") {
            Some(Value::Array(p)) => p,
            _ => Vec::new(),
        };
        let row_slot = if show_rows {
            let mut row_panel = json!({
                "id": next_row_id,
                "type": "row",
                "title": row.get("title").cloned().unwrap_or(Value::String(String::new())),
                "collapsed": collapsed,
                "panels": [],
                "gridPos": {"x": 0, "y": y, "w": GRID_COLUMNS, "h": 1},
            });
            if let Some(repeat) = row.get("repeat").filter(|r| r.is_string()) {
                row_panel["repeat"] = repeat.clone();
            }
            next_row_id += 1;
            y += 1;
            panels.push(row_panel);
            moved.push((
                format!("panels[{}]", panels.len() - 1),
                format!("rows[{row_index}]"),
            ));
            Some(panels.len() - 1)
        } else {
            None
        };
        let mut flow = RowFlow::new(y);
        for (panel_index, panel) in row_panels.into_iter().enumerate() {
            let Value::Object(mut panel) = panel else {
                continue;
            };
            let span = panel
                .remove("span")
                .and_then(|s| s.as_f64())
                .unwrap_or(DEFAULT_SPAN);
            let width = ((span.floor().max(1.0) as u32) * 2).min(GRID_COLUMNS);
            let height = match panel.get("height") {
                Some(h) if !h.is_null() => grid_height(Some(h), DEFAULT_ROW_HEIGHT_PX),
                _ => row_height,
            };
            let (px, py) = flow.place(width, height);
            panel.insert(
                "gridPos".into(),
                json!({"x": px, "y": py, "w": width, "h": height}),
            );
            let original = format!("rows[{row_index}].panels[{panel_index}]");
            match row_slot {
                Some(slot) if collapsed => {
                    if let Some(Value::Array(nested)) = panels[slot].get_mut("panels") {
                        nested.push(Value::Object(panel));
                        moved.push((
                            format!("panels[{slot}].panels[{}]", nested.len() - 1),
                            original,
                        ));
                    }
                }
                _ => {
                    panels.push(Value::Object(panel));
                    moved.push((format!("panels[{}]", panels.len() - 1), original));
                }
            }
        }
        // A folded row's panels take no room; an open row takes at least its own height.
        if !collapsed {
            y = flow.bottom().max(y + row_height);
        }
    }
}

/// Left-to-right placement inside one old row, wrapping at the grid width.
struct RowFlow {
    top: u32,
    x: u32,
    line_y: u32,
    line_height: u32,
    placed: bool,
}

impl RowFlow {
    fn new(top: u32) -> Self {
        Self {
            top,
            x: 0,
            line_y: top,
            line_height: 0,
            placed: false,
        }
    }

    fn place(&mut self, width: u32, height: u32) -> (u32, u32) {
        if self.x + width > GRID_COLUMNS && self.x > 0 {
            self.line_y += self.line_height;
            self.x = 0;
            self.line_height = 0;
        }
        let at = (self.x, self.line_y);
        self.x += width;
        self.line_height = self.line_height.max(height);
        self.placed = true;
        at
    }

    fn bottom(&self) -> u32 {
        if self.placed {
            self.line_y + self.line_height
        } else {
            self.top
        }
    }
}

/// Old heights are pixels, as a number or a string like `"250px"`.
fn grid_height(height: Option<&Value>, default_px: f64) -> u32 {
    let px = match height {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(default_px),
        Some(Value::String(s)) => s
            .trim()
            .trim_end_matches("px")
            .trim()
            .parse()
            .unwrap_or(default_px),
        _ => default_px,
    };
    (px.max(MIN_PANEL_PX) / CELL_PX).ceil() as u32
}
