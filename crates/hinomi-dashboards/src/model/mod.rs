//! The dashboard as Hinomi holds it: Grafana's classic JSON model, typed where Hinomi reads or
//! edits it, and everything else kept verbatim in `extra` maps so an export gives Grafana back
//! what it wrote.
//!
//! Field names on the wire are Grafana's own (`gridPos`, `fieldConfig`, `legendFormat`), so the
//! same serde shape reads a Grafana file, writes one, and crosses IPC to the UI.

mod field_config;
pub mod json_type;
mod panel;
mod variable;

pub use field_config::{
    FieldColor, FieldConfig, FieldDefaults, FieldDisplay, FieldMatcher, FieldOverride,
    OverrideProperty, ThresholdStep, Thresholds, ThresholdsMode,
};
pub use panel::{GridPos, Panel, PanelKind, Target};
pub use variable::{
    ALL_VALUE, Variable, VariableCurrent, VariableKind, VariableOption, VariableQueryField,
    VariableQueryObject, VariableValue,
};

use json_type::JsonObject;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use specta::Type;

/// One Grafana dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Grafana's stable identifier; also the file name in the local store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub panels: Vec<Panel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templating: Option<Templating>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeRangeSpec>,
    /// Auto-refresh interval such as `1m`; `None` when Grafana wrote `false` or `""`.
    #[serde(
        default,
        deserialize_with = "refresh_from_grafana",
        skip_serializing_if = "Option::is_none"
    )]
    #[specta(type = Option<String>)]
    pub refresh: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<u32>,
    /// Every other field Grafana wrote (annotations, links, timepicker, `__inputs`...).
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

/// The `templating` block: the variable list plus anything else Grafana put beside it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct Templating {
    #[serde(default)]
    pub list: Vec<Variable>,
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

/// The dashboard's default time range as Grafana writes it: `now-6h`, `now/d`, or an absolute
/// timestamp. [`crate::time_range`] turns it into milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct TimeRangeSpec {
    pub from: String,
    pub to: String,
}

impl Default for TimeRangeSpec {
    fn default() -> Self {
        // Grafana's default for a new dashboard.
        Self {
            from: "now-6h".into(),
            to: "now".into(),
        }
    }
}

/// Which datasource a panel, target or variable reads: a bare name in dashboards older than
/// Grafana 8.3, a `{type, uid}` reference since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(untagged)]
pub enum DatasourceRef {
    Name(String),
    Ref(DatasourceUid),
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct DatasourceUid {
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

impl DatasourceRef {
    /// The uid, or the name for old dashboards; possibly a `${variable}` the caller resolves.
    pub fn key(&self) -> Option<&str> {
        match self {
            DatasourceRef::Name(name) => Some(name),
            DatasourceRef::Ref(reference) => reference.uid.as_deref(),
        }
    }
}

impl Dashboard {
    /// The variables, in the order Grafana resolves them.
    pub fn variables(&self) -> &[Variable] {
        self.templating.as_ref().map_or(&[], |t| &t.list)
    }

    pub fn variables_mut(&mut self) -> &mut Vec<Variable> {
        &mut self.templating.get_or_insert_with(Templating::default).list
    }

    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables().iter().find(|v| v.name == name)
    }

    /// Every panel, depth first, including those folded inside collapsed rows.
    pub fn all_panels(&self) -> Vec<&Panel> {
        let mut out = Vec::new();
        for panel in &self.panels {
            panel.collect_into(&mut out);
        }
        out
    }

    pub fn panel(&self, id: u32) -> Option<&Panel> {
        self.all_panels().into_iter().find(|p| p.id == Some(id))
    }

    pub fn panel_mut(&mut self, id: u32) -> Option<&mut Panel> {
        fn find(panels: &mut [Panel], id: u32) -> Option<&mut Panel> {
            for panel in panels {
                if panel.id == Some(id) {
                    return Some(panel);
                }
                if let Some(found) = panel.panels.as_deref_mut().and_then(|p| find(p, id)) {
                    return Some(found);
                }
            }
            None
        }
        find(&mut self.panels, id)
    }

    pub fn time_range(&self) -> TimeRangeSpec {
        self.time.clone().unwrap_or_default()
    }
}

fn refresh_from_grafana<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::String(text) if !text.is_empty() => Ok(Some(text)),
        // `false` and `""` both mean "no auto-refresh".
        Value::String(_) | Value::Bool(_) | Value::Null => Ok(None),
        other => Err(serde::de::Error::invalid_type(
            serde::de::Unexpected::Other(&other.to_string()),
            &"an interval such as \"1m\", or false",
        )),
    }
}
