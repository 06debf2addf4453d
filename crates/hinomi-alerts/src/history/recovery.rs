//! A corrupt history file never stops alerting: it is moved aside (kept for a post-mortem, not
//! deleted) and a fresh one is made, and the caller tells the user. A history written by a newer
//! Hinomi is not corrupt and is never moved: the caller gets the refusal and keeps the session's
//! history in memory.

use super::AlertHistory;
use crate::error::AlertsError;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// The history file was unreadable and was replaced by an empty one.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovered {
    /// Where the unreadable file now is.
    pub moved_to: PathBuf,
    /// What SQLite said about it.
    pub reason: String,
}

impl AlertHistory {
    /// Opens the history at `path`; if the file is corrupt, moves it (and its WAL and shared
    /// memory files) aside as `<name>.corrupt-<time>` and starts a new one.
    pub fn open_or_recover(
        path: &Path,
        now: DateTime<Utc>,
    ) -> Result<(Self, Option<Recovered>), AlertsError> {
        let error = match Self::open(path) {
            Ok(history) => return Ok((history, None)),
            Err(error) if is_corrupt(&error) => error,
            Err(error) => return Err(error),
        };
        tracing::error!(%error, path = %path.display(), "alert history unreadable; moving it aside");
        let moved_to = aside_name(path, now);
        for suffix in ["-wal", "-shm"] {
            let companion = with_suffix(path, suffix);
            if companion.exists() {
                std::fs::rename(&companion, with_suffix(&moved_to, suffix))
                    .map_err(|err| io_error(&companion, err))?;
            }
        }
        std::fs::rename(path, &moved_to).map_err(|err| io_error(path, err))?;
        let history = Self::open(path)?;
        Ok((
            history,
            Some(Recovered {
                moved_to,
                reason: error.to_string(),
            }),
        ))
    }
}

/// Damage SQLite reports as such; a locked, read-only or newer file is not damage.
fn is_corrupt(error: &AlertsError) -> bool {
    match error {
        AlertsError::CorruptHistory { .. } => true,
        AlertsError::Store { source, .. } => matches!(
            source.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        ),
        _ => false,
    }
}

fn aside_name(path: &Path, now: DateTime<Utc>) -> PathBuf {
    with_suffix(path, &format!(".corrupt-{}", now.format("%Y%m%dT%H%M%SZ")))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn io_error(path: &Path, err: std::io::Error) -> AlertsError {
    hinomi_core::HinomiError::from(err)
        .with_detail(path.display().to_string())
        .into()
}
