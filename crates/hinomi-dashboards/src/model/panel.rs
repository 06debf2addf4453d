//! Panels, their grid position and their Prometheus targets.

use super::DatasourceRef;
use super::field_config::FieldConfig;
use super::json_type::JsonObject;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use specta::Type;

/// One panel. `type` stays the string Grafana wrote, so a panel Hinomi cannot draw survives
/// import and export untouched; [`Panel::kind`] says how Hinomi treats it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Panel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    #[serde(rename = "type")]
    pub panel_type: String,
    #[serde(default)]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub grid_pos: GridPos,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DatasourceRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_config: Option<FieldConfig>,
    /// Panel-type specific options (legend, reduce calculation, text content...), read by the
    /// UI's renderer for that type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(type = Option<JsonObject>)]
    pub options: Option<Map<String, Value>>,
    /// Minimum query step for this panel (Grafana's "Min interval").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_data_points: Option<u32>,
    /// Rows only: whether the row is folded, in which case its panels live in `panels`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collapsed: Option<bool>,
    /// Rows only: the panels of a collapsed row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panels: Option<Vec<Panel>>,
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

/// Position on Grafana's 24-column grid; heights are in grid rows of 30 px.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct GridPos {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Default for GridPos {
    /// Grafana's default size for a panel that has no position.
    fn default() -> Self {
        Self {
            x: 0,
            y: 0,
            w: 12,
            h: 8,
        }
    }
}

/// One query of a panel. Prometheus fields are typed; anything else (`step`, `exemplar`,
/// `editorMode`, another datasource's fields) stays in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legend_format: Option<String>,
    /// Minimum step for this target; may be a `$variable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instant: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<bool>,
    /// A hidden target is kept but not queried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DatasourceRef>,
    /// `time_series`, `table` or `heatmap`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

impl Target {
    pub fn is_hidden(&self) -> bool {
        self.hide == Some(true)
    }

    /// Grafana runs an instant query when `instant` is set and `range` is not.
    pub fn is_instant(&self) -> bool {
        self.instant == Some(true) && self.range != Some(true)
    }
}

/// How Hinomi draws a panel type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PanelKind {
    /// Line/area chart: Grafana's `timeseries` and the old `graph` it replaced.
    TimeSeries,
    Stat,
    Gauge,
    BarGauge,
    Table,
    Text,
    /// Grafana's `heatmap`: Prometheus histogram buckets as cells per time step × bucket.
    Heatmap,
    /// Grafana's `state-timeline`: one lane per series, coloured by value mappings/thresholds.
    StateTimeline,
    Row,
    /// A type Hinomi does not draw: shown as a box naming the type, kept for export.
    Placeholder,
}

impl PanelKind {
    pub fn of(panel_type: &str) -> Self {
        match panel_type {
            "timeseries" | "graph" => Self::TimeSeries,
            "stat" => Self::Stat,
            "gauge" => Self::Gauge,
            "bargauge" => Self::BarGauge,
            "table" => Self::Table,
            "text" => Self::Text,
            "heatmap" => Self::Heatmap,
            "state-timeline" => Self::StateTimeline,
            "row" => Self::Row,
            _ => Self::Placeholder,
        }
    }

    /// Panel types a user may switch a panel to when editing.
    pub const DRAWABLE_TYPES: [&'static str; 8] = [
        "timeseries",
        "stat",
        "gauge",
        "bargauge",
        "table",
        "text",
        "heatmap",
        "state-timeline",
    ];
}

/// The Hinomi-only key of a panel's `options` that holds its series limit (a positive integer).
/// Grafana keeps option keys it does not know, so the limit survives export and re-import.
pub const SERIES_LIMIT_OPTION: &str = "hinomiSeriesLimit";

impl Panel {
    /// The panel's own series limit, when its options set a usable one.
    pub fn series_limit(&self) -> Option<u32> {
        let value = self.options.as_ref()?.get(SERIES_LIMIT_OPTION)?.as_u64()?;
        u32::try_from(value).ok().filter(|&n| n > 0)
    }

    /// Sets (or, with `None`, removes) the panel's own series limit.
    pub fn set_series_limit(&mut self, limit: Option<u32>) {
        match limit {
            Some(n) => {
                self.options
                    .get_or_insert_with(Map::new)
                    .insert(SERIES_LIMIT_OPTION.to_owned(), Value::from(n));
            }
            None => {
                if let Some(options) = &mut self.options {
                    options.remove(SERIES_LIMIT_OPTION);
                }
            }
        }
    }

    pub fn kind(&self) -> PanelKind {
        PanelKind::of(&self.panel_type)
    }

    pub fn is_row(&self) -> bool {
        self.kind() == PanelKind::Row
    }

    /// This panel and, for a row, the panels folded inside it.
    pub fn nested(&self) -> &[Panel] {
        self.panels.as_deref().unwrap_or(&[])
    }

    pub(crate) fn collect_into<'a>(&'a self, out: &mut Vec<&'a Panel>) {
        out.push(self);
        for child in self.nested() {
            child.collect_into(out);
        }
    }

    pub fn field_config_mut(&mut self) -> &mut FieldConfig {
        self.field_config.get_or_insert_with(FieldConfig::default)
    }

    /// The datasource a target reads: its own, else the panel's.
    pub fn datasource_for<'a>(&'a self, target: &'a Target) -> Option<&'a DatasourceRef> {
        match &target.datasource {
            // Grafana 8.3+ writes `{"type":"datasource","uid":"-- Mixed --"}` on the panel and
            // real references on targets; a target's own reference always wins.
            Some(ds) => Some(ds),
            None => self.datasource.as_ref(),
        }
    }
}
