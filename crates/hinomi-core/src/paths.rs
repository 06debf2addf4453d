//! Where Hinomi keeps its files.
//!
//! The shell resolves the OS directories (XDG on Linux) and hands them here, so the core never
//! guesses and tests point everything at a temporary directory.

use serde::Serialize;
use specta::Type;
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Type)]
pub struct AppPaths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub cache_dir: PathBuf,
    pub log_dir: PathBuf,
}

impl AppPaths {
    /// Everything under one root: for tests and for portable installs.
    pub fn under(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Self {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
            cache_dir: root.join("cache"),
            log_dir: root.join("logs"),
        }
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config_dir.join("settings.toml")
    }
}
