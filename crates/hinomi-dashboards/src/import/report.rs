//! The import report: every panel accounted for, by type, with the ones Hinomi shows as
//! placeholders named, and what was upgraded on the way in.

use super::unsupported::{UnsupportedFeature, unsupported_features};
use crate::model::{Dashboard, Panel, PanelKind, VariableKind};
use crate::variable_options::VariableQuery;
use serde::Serialize;
use specta::Type;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ImportReport {
    pub title: String,
    /// All panels including rows and panels folded inside collapsed rows.
    pub total_panels: u32,
    pub supported_panels: u32,
    pub placeholder_panels: u32,
    pub by_type: Vec<PanelTypeCount>,
    /// Panels Hinomi keeps but cannot draw.
    pub placeholders: Vec<PlaceholderPanel>,
    pub variables: Vec<VariableSummary>,
    /// Options and features of the drawn panels (and the dashboard) Hinomi ignores for now.
    pub unsupported: Vec<UnsupportedFeature>,
    pub notes: Vec<ImportNote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct PanelTypeCount {
    pub panel_type: String,
    pub count: u32,
    pub supported: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct PlaceholderPanel {
    pub id: Option<u32>,
    pub title: String,
    pub panel_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct VariableSummary {
    pub name: String,
    pub kind: String,
    /// False for kinds Hinomi keeps but does not resolve (ad hoc filters, plugins) and for
    /// query variables whose query is not a Prometheus helper Hinomi knows.
    pub supported: bool,
}

/// Something the importer changed or noticed; the UI words it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportNote {
    /// The file was Grafana's API form `{"dashboard": {...}}`.
    UnwrappedApiEnvelope,
    /// Pre-Grafana-5 `rows` were turned into grid panels.
    UpgradedRowsLayout {
        rows: u32,
    },
    /// Old `graph` panels' y-axis unit/min/max became field defaults.
    GraphAxesAsFieldConfig {
        panels: u32,
    },
    /// Old text panels' top-level `content` became `options.content`.
    TextContentAsOptions {
        panels: u32,
    },
    AssignedPanelIds {
        panels: u32,
    },
    /// Datasources are referred to by name (pre-8.3); Hinomi resolves them to its own.
    DatasourceByName,
    /// Heatmap panels asking Grafana to bucket raw values itself (`options.calculate: true`);
    /// Hinomi draws only already-bucketed data (Prometheus `le` histograms), so these panels
    /// show their series as buckets as they come.
    HeatmapCalculateNotSupported {
        panels: u32,
    },
}

/// Heatmaps that ask the panel to bucket raw values, which Hinomi does not implement:
/// `options.calculate: true`, or (a pre-Grafana-9 heatmap, which Grafana migrates on load)
/// `dataFormat: "timeseries"`, the old panel's default, where `tsbuckets` meant bucketed.
fn calculating_heatmaps(panels: &[&Panel]) -> usize {
    panels
        .iter()
        .filter(|p| p.kind() == PanelKind::Heatmap)
        .filter(
            |p| match p.options.as_ref().and_then(|o| o.get("calculate")) {
                Some(calculate) => calculate.as_bool() == Some(true),
                None => p
                    .extra
                    .get("dataFormat")
                    .is_some_and(|f| f.as_str() != Some("tsbuckets")),
            },
        )
        .count()
}

pub(crate) fn build(dashboard: &Dashboard, mut notes: Vec<ImportNote>) -> ImportReport {
    let mut by_type: BTreeMap<&str, u32> = BTreeMap::new();
    let mut placeholders = Vec::new();
    let panels = dashboard.all_panels();
    let calculating = calculating_heatmaps(&panels);
    if calculating > 0 {
        notes.push(ImportNote::HeatmapCalculateNotSupported {
            panels: u32::try_from(calculating).unwrap_or(u32::MAX),
        });
    }
    for panel in &panels {
        *by_type.entry(panel.panel_type.as_str()).or_default() += 1;
        if panel.kind() == PanelKind::Placeholder {
            placeholders.push(PlaceholderPanel {
                id: panel.id,
                title: panel.title.clone(),
                panel_type: panel.panel_type.clone(),
            });
        }
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let variables = dashboard
        .variables()
        .iter()
        .map(|v| VariableSummary {
            name: v.name.clone(),
            kind: v.kind.as_str().to_owned(),
            supported: match &v.kind {
                VariableKind::Other(_) => false,
                VariableKind::Query => VariableQuery::parse(v.query_text()).is_ok(),
                _ => true,
            },
        })
        .collect();
    ImportReport {
        title: dashboard.title.clone(),
        total_panels: count(panels.len()),
        supported_panels: count(panels.len() - placeholders.len()),
        placeholder_panels: count(placeholders.len()),
        by_type: by_type
            .into_iter()
            .map(|(panel_type, count)| PanelTypeCount {
                panel_type: panel_type.to_owned(),
                count,
                supported: PanelKind::of(panel_type) != PanelKind::Placeholder,
            })
            .collect(),
        placeholders,
        variables,
        unsupported: unsupported_features(dashboard),
        notes,
    }
}
