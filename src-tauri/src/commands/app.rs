//! What the UI needs to know about the app itself.

use super::blocking::blocking;
use crate::state::StartedAt;
use hinomi_core::HinomiError;
use hinomi_core::autostart::Autostart;
use hinomi_core::paths::AppPaths;
use hinomi_core::texts::user_lang::say;
use serde::Serialize;
use specta::Type;

#[derive(Debug, Clone, Serialize, Type)]
pub struct AppInfo {
    pub version: String,
    /// BCP 47 tag of the OS locale (e.g. "ja-JP"), for the "System" language setting.
    pub os_locale: String,
    pub paths: AppPaths,
}

#[tauri::command]
#[specta::specta]
pub fn app_info(paths: tauri::State<'_, AppPaths>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        os_locale: sys_locale::get_locale().unwrap_or_else(|| "en-US".into()),
        paths: paths.inner().clone(),
    }
}

/// The UI calls this once a view has painted real data; the start-up benchmark reads the line
/// printed here, so the measurement ends at "user sees targets", not at "window exists".
#[tauri::command]
#[specta::specta]
pub fn report_first_paint(view: String, started: tauri::State<'_, StartedAt>) {
    let ms = started.0.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(view, ms, "first paint");
    // Not println!: it panics when stdout is a closed pipe (`hinomi | head`).
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stdout(),
        "hinomi-bench: first-paint view={view} ms={ms:.1}"
    );
}

/// Whether Hinomi starts in the tray at login (its XDG autostart entry is there and on).
#[tauri::command]
#[specta::specta]
pub async fn autostart_enabled() -> Result<bool, HinomiError> {
    blocking(|| Ok(user_autostart()?.is_enabled())).await
}

/// Writes or removes the autostart entry, which runs this very binary with `--minimized`;
/// answers whether it is now on.
#[tauri::command]
#[specta::specta]
pub async fn set_autostart(enabled: bool) -> Result<bool, HinomiError> {
    blocking(move || {
        let autostart = user_autostart()?;
        if enabled {
            let program = std::env::current_exe()?;
            autostart.enable(&program)?;
            tracing::info!(entry = %autostart.entry_path().display(), "autostart on");
        } else {
            autostart.disable()?;
            tracing::info!("autostart off");
        }
        Ok(autostart.is_enabled())
    })
    .await
}

fn user_autostart() -> Result<Autostart, HinomiError> {
    Autostart::for_user().ok_or_else(|| {
        HinomiError::new(
            hinomi_core::ErrorCode::Io,
            say(
                "Neither XDG_CONFIG_HOME nor HOME is set: there is no autostart folder.",
                "XDG_CONFIG_HOME も HOME も設定されていないため、自動起動フォルダーがありません。",
            ),
        )
    })
}
