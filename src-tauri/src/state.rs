//! Small managed state pieces, one purpose each.

use hinomi_core::paths::AppPaths;
use hinomi_core::texts::Lang;
use hinomi_settings::{LoadedSettings, Settings, SettingsFile, WhenMissing};
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
    /// `when_missing`: what a first run (no file yet) runs on, see `cli::Options::demo`.
    pub fn load(paths: &AppPaths, when_missing: WhenMissing) -> Self {
        let file = SettingsFile::new(paths.settings_file()).when_missing(when_missing);
        // A file that cannot be read says so in the system's language: its own is unknown.
        hinomi_core::texts::user_lang::set(Lang::resolve(
            hinomi_core::settings::Language::System,
            sys_locale::get_locale().as_deref(),
        ));
        let loaded = file.load();
        if let Some(err) = &loaded.load_error {
            tracing::warn!(?err, "settings not loaded; running on defaults");
        }
        publish_language(&loaded.settings);
        Self {
            file,
            current: Mutex::new(loaded),
        }
    }

    /// Changes the settings in force and saves them; nothing changes when the save fails.
    pub fn modify<T>(
        &self,
        change: impl FnOnce(&mut hinomi_settings::Settings) -> T,
    ) -> Result<T, hinomi_core::HinomiError> {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut settings = current.settings.clone();
        let out = change(&mut settings);
        self.file.save(&settings)?;
        publish_language(&settings);
        current.settings = settings;
        current.load_error = None;
        current.first_run = false;
        Ok(out)
    }

    pub fn snapshot(&self) -> LoadedSettings {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// The language of the text Rust shows itself (notifications, tray, native dialogs): the
/// settings' language, or the system's. The words come from `hinomi_core::texts`.
pub fn lang_of(settings: &Settings) -> Lang {
    Lang::resolve(settings.language, sys_locale::get_locale().as_deref())
}

/// Errors are worded in the settings' language from now on (see
/// `hinomi_core::texts::user_lang`). Called wherever the settings in force change.
pub fn publish_language(settings: &Settings) {
    hinomi_core::texts::user_lang::set(lang_of(settings));
}

/// [`lang_of`] the settings in force.
pub fn desktop_lang(app: &tauri::AppHandle) -> Lang {
    use tauri::Manager;
    app.try_state::<SettingsState>()
        .map_or(Lang::En, |settings| lang_of(&settings.snapshot().settings))
}
