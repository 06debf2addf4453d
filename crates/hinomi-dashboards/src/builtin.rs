//! Dashboards Hinomi ships, written as ordinary Grafana JSON in `builtin/` (so they can be
//! opened in Grafana too) and compiled into the binary.

use crate::error::Result;
use crate::import::import_dashboard;
use crate::model::Dashboard;

/// (file name, JSON) of each built-in dashboard.
pub const BUILTIN_FILES: [(&str, &str); 3] = [
    (
        "system-overview.json",
        include_str!("../builtin/system-overview.json"),
    ),
    (
        "business-metrics.json",
        include_str!("../builtin/business-metrics.json"),
    ),
    (
        "infrastructure.json",
        include_str!("../builtin/infrastructure.json"),
    ),
];

/// The built-in dashboards, parsed.
pub fn builtin_dashboards() -> Result<Vec<Dashboard>> {
    BUILTIN_FILES
        .iter()
        .map(|(file, json)| Ok(import_dashboard(json, file)?.dashboard))
        .collect()
}
