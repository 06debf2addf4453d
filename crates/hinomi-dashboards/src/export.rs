//! Grafana JSON out. The model's field names are Grafana's and unknown fields ride along in
//! `extra`, so this is plain serialisation; it exists so callers never pick their own format.

use crate::error::{DashboardError, Result};
use crate::model::Dashboard;

/// Pretty-printed Grafana dashboard JSON, importable by Grafana and by [`crate::import_dashboard`].
pub fn export_json(dashboard: &Dashboard) -> Result<String> {
    let mut text = serde_json::to_string_pretty(dashboard).map_err(DashboardError::Encode)?;
    text.push('\n');
    Ok(text)
}

pub fn export_value(dashboard: &Dashboard) -> Result<serde_json::Value> {
    serde_json::to_value(dashboard).map_err(DashboardError::Encode)
}
