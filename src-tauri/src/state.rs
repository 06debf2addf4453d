//! Small managed state pieces, one purpose each.

use hinomi_core::paths::AppPaths;
use hinomi_core::settings::{LoadedSettings, SettingsFile};
use std::sync::Mutex;

/// Keeps the log writer alive until `RunEvent::Exit`, where it is taken and dropped to flush.
pub struct LogGuard(pub std::sync::Mutex<Option<tracing_appender::non_blocking::WorkerGuard>>);

/// When the process started, for the cold-start benchmark.
pub struct StartedAt(pub std::time::Instant);

/// The settings in force and the file they live in. The lock is never held across an await.
pub struct SettingsState {
    pub file: SettingsFile,
    pub current: Mutex<LoadedSettings>,
}

impl SettingsState {
    pub fn load(paths: &AppPaths) -> Self {
        let file = SettingsFile::new(paths.settings_file());
        let loaded = file.load();
        if let Some(err) = &loaded.load_error {
            tracing::warn!(?err, "settings not loaded; running on defaults");
        }
        Self {
            file,
            current: Mutex::new(loaded),
        }
    }

    pub fn snapshot(&self) -> LoadedSettings {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}
