//! Loading and saving settings.toml: a file that does not parse is reported, the app runs on
//! defaults, and the file is kept aside (never overwritten) on the next save.

use crate::Settings;
use crate::error::{ParseProblem, SettingsError};
use hinomi_core::HinomiError;
use hinomi_core::atomic_file::Access;
use hinomi_core::settings::SETTINGS_VERSION;
use serde::Serialize;
use specta::Type;
use std::path::{Path, PathBuf};

/// Parses a settings file, refusing one written by a newer Hinomi rather than dropping what
/// it does not understand.
fn parse(text: &str) -> Result<Settings, ParseProblem> {
    // Position and message only: the parser's own rendering quotes the offending line, which
    // may hold a URL with credentials, and this text is logged and shown.
    let settings: Settings = toml::from_str(text).map_err(|err| match err.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
            ParseProblem::At {
                line,
                column,
                message: err.message().to_owned(),
            }
        }
        None => ParseProblem::Unplaced {
            message: err.message().to_owned(),
        },
    })?;
    if settings.version > SETTINGS_VERSION {
        return Err(ParseProblem::TooNew {
            found: settings.version,
        });
    }
    Ok(settings)
}

/// What loading found: the settings to run on, and why they may not be the file's.
#[derive(Debug, Clone, Serialize, Type)]
pub struct LoadedSettings {
    pub settings: Settings,
    /// Set when the file exists but could not be used; the app runs on defaults meanwhile.
    pub load_error: Option<HinomiError>,
    pub path: PathBuf,
    /// No settings file yet: nothing was ever saved on this machine. The UI opens its welcome
    /// while this holds and there are no datasources; the first save clears it.
    pub first_run: bool,
}

/// What Hinomi runs on while there is no settings file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WhenMissing {
    /// No datasources: a fresh install asks what to watch instead of querying the demo
    /// stack's ports, which are closed on the user's machine.
    #[default]
    NoDatasources,
    /// The embedded default, the bundled demo stack (`hinomi --demo`, used by scripts/demo).
    Demo,
}

/// Reads and writes the settings file.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: PathBuf,
    when_missing: WhenMissing,
}

impl SettingsFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            when_missing: WhenMissing::default(),
        }
    }

    /// Chooses what [`SettingsFile::load`] gives when there is no file yet.
    pub fn when_missing(mut self, when_missing: WhenMissing) -> Self {
        self.when_missing = when_missing;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn load(&self) -> LoadedSettings {
        // A crash mid-save can leave a temporary next to the file; the file itself is whole.
        if let Err(err) = hinomi_core::atomic_file::remove_stale_temporaries(&self.path) {
            tracing::warn!(error = %err.message, "cannot remove a stale settings temporary");
        }
        let loaded = |settings, load_error| LoadedSettings {
            settings,
            load_error,
            path: self.path.clone(),
            first_run: false,
        };
        match std::fs::read(&self.path).and_then(|bytes| {
            String::from_utf8(bytes)
                .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))
        }) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let settings = match self.when_missing {
                    WhenMissing::NoDatasources => Settings::without_datasources(),
                    WhenMissing::Demo => Settings::default(),
                };
                LoadedSettings {
                    first_run: true,
                    ..loaded(settings, None)
                }
            }
            Err(source) => loaded(
                Settings::default(),
                Some(
                    SettingsError::Unreadable {
                        path: self.path.clone(),
                        source,
                    }
                    .into(),
                ),
            ),
            Ok(text) => match parse(&text) {
                Ok(settings) => loaded(settings, None),
                Err(problem) => loaded(
                    Settings::default(),
                    Some(
                        SettingsError::Unparseable {
                            path: self.path.clone(),
                            problem,
                        }
                        .into(),
                    ),
                ),
            },
        }
    }

    /// Writes atomically. If the current file does not parse, it is kept as
    /// `settings.toml.broken-<timestamp>` rather than overwritten.
    pub fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        let dir = self.path.parent().ok_or_else(|| SettingsError::NoFolder {
            path: self.path.clone(),
        })?;
        std::fs::create_dir_all(dir).map_err(|source| SettingsError::CreateFolder {
            path: dir.to_owned(),
            source,
        })?;
        self.keep_unparseable_file()?;

        let text = toml::to_string_pretty(settings).map_err(|err| SettingsError::Serialise {
            cause: err.to_string(),
        })?;
        // Only the user may read it: URLs can carry credentials.
        hinomi_core::atomic_file::write_atomically(&self.path, text.as_bytes(), Access::Private)?;
        Ok(())
    }

    /// Anything at the path that is not a clean parse (not UTF-8, unknown keys, a newer
    /// version) is moved aside before a save, never overwritten.
    fn keep_unparseable_file(&self) -> Result<(), SettingsError> {
        let keep_aside = |source| SettingsError::KeepAside {
            path: self.path.clone(),
            source,
        };
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(err) => return Err(keep_aside(err)),
        };
        if std::str::from_utf8(&bytes).is_ok_and(|text| parse(text).is_ok()) {
            return Ok(());
        }
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let aside = self.path.with_extension(format!("toml.broken-{stamp}"));
        std::fs::rename(&self.path, &aside).map_err(keep_aside)?;
        tracing::warn!(path = %aside.display(), "kept an unparseable settings file aside");
        Ok(())
    }
}
