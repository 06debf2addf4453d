//! Dashboards Hinomi ships, written as ordinary Grafana JSON in `builtin/` (so they can be
//! opened in Grafana too) and compiled into the binary.

use crate::error::Result;
use crate::import::import_dashboard;
use crate::model::Dashboard;
use crate::store::DashboardStore;

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

/// Copies each built-in dashboard into the store unless a dashboard with its uid is already
/// there, so the user's edits to a built-in one are never overwritten. Returns the uids added.
pub fn install_builtins(store: &DashboardStore) -> Result<Vec<String>> {
    let mut added = Vec::new();
    for mut dashboard in builtin_dashboards()? {
        let uid = dashboard.uid.clone().unwrap_or_default();
        if store.exists(&uid) {
            continue;
        }
        store.save(&mut dashboard)?;
        added.push(uid);
    }
    Ok(added)
}
