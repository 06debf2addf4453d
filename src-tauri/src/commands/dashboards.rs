//! Dashboards over Prometheus: list, open, query panels.

use hinomi_core::paths::AppPaths;

/// Registers this domain's managed state and starts its background tasks.
pub fn setup(_app: &mut tauri::App, _paths: &AppPaths) -> Result<(), Box<dyn std::error::Error>> {
    Ok(())
}
