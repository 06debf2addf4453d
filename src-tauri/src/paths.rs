//! Resolves where Hinomi keeps its files.
//!
//! The OS directories come from Tauri's path resolver (XDG on Linux). `HINOMI_HOME` puts
//! everything under one directory instead, for portable use; tests isolate the whole app
//! (WebKit's own storage included) by pointing the `XDG_*` variables at a temporary directory.

use hinomi_core::paths::AppPaths;
use tauri::Manager;

pub fn resolve(app: &tauri::AppHandle) -> Result<AppPaths, Box<dyn std::error::Error>> {
    if let Some(home) = std::env::var_os("HINOMI_HOME") {
        return Ok(AppPaths::under(home));
    }
    let resolver = app.path();
    Ok(AppPaths {
        config_dir: resolver.app_config_dir()?,
        data_dir: resolver.app_data_dir()?,
        cache_dir: resolver.app_cache_dir()?,
        log_dir: resolver.app_log_dir()?,
    })
}
