//! The local history of every alert Hinomi has seen: when it started and when it resolved.
//!
//! Alertmanager forgets an alert shortly after it resolves; Hinomi keeps it, in a small SQLite
//! file at a path the shell chooses. WAL mode, numbered migrations, and one transaction per
//! poll, so a crash never leaves half a poll behind. Only changes are written, so a quiet poll
//! of 10,000 alerts costs one small upsert per source that answered (when it last answered,
//! for "last known at" after a restart; see [`AlertHistory::record_contacts`]).

mod episodes;
mod recovery;

pub use recovery::Recovered;

use crate::alert::{Alert, AlertState, LabelSet, Severity, SourceRef};
use crate::changes::AlertChange;
use crate::error::AlertsError;
use crate::ingest::Snapshot;
use crate::notify::PlannerMemory;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Numbered migrations; `PRAGMA user_version` records how many have run.
const MIGRATIONS: [&str; 3] = [
    include_str!("../../migrations/0001_alert_episodes.sql"),
    include_str!("../../migrations/0002_notification_memory.sql"),
    include_str!("../../migrations/0003_source_contact.sql"),
];

/// One stretch of time an alert was active.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AlertEpisode {
    pub fingerprint: String,
    pub alertname: String,
    pub severity: Severity,
    pub labels: LabelSet,
    pub annotations: LabelSet,
    /// The last state seen while active.
    pub state: AlertState,
    pub sources: Vec<SourceRef>,
    /// When the alert became active, as its source said (or when Hinomi first saw it).
    pub started_at: DateTime<Utc>,
    pub first_seen_at: DateTime<Utc>,
    /// When Hinomi saw it gone from every source; `None` while active.
    pub resolved_at: Option<DateTime<Utc>>,
}

impl AlertEpisode {
    /// The alert as it was last seen, to compare the first poll after a restart with.
    pub fn to_alert(&self) -> Alert {
        let mut alert = Alert::new(
            self.labels.clone(),
            self.state,
            self.sources
                .first()
                .cloned()
                .unwrap_or_else(|| SourceRef::new("", crate::alert::SourceKind::Alertmanager)),
        );
        alert.sources.clone_from(&self.sources);
        alert.annotations.clone_from(&self.annotations);
        alert.active_since = Some(self.started_at);
        alert
    }
}

pub struct AlertHistory {
    conn: Connection,
    path: PathBuf,
}

impl AlertHistory {
    /// Opens (creating if needed) the history at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, AlertsError> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|err| {
                hinomi_core::HinomiError::from(err).with_detail(dir.display().to_string())
            })?;
        }
        let conn = Connection::open(path).map_err(|source| store_error(path, source))?;
        Self::check_schema_version(&conn, path)?;
        Self::check_integrity(&conn, path)?;
        let mut history = Self {
            conn,
            path: path.to_owned(),
        };
        history
            .configure()
            .map_err(|source| store_error(path, source))?;
        Ok(history)
    }

    /// Opens the history another connection keeps (the poller's) for reading only, as a
    /// dashboard's annotations do on every refresh: no file is created, no migration runs, and
    /// SQLite's integrity check, which reads the whole file, is left to the poller's open. A
    /// schema newer than this build's is refused; an older one (the poller has not migrated it
    /// yet) reads as [`AlertsError::HistoryNotReady`].
    pub fn open_read_only(path: &Path) -> Result<Self, AlertsError> {
        use rusqlite::OpenFlags;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| store_error(path, source))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|source| store_error(path, source))?;
        let found = Self::check_schema_version(&conn, path)?;
        if usize::try_from(found).is_ok_and(|found| found < MIGRATIONS.len()) {
            return Err(AlertsError::HistoryNotReady {
                path: path.display().to_string(),
            });
        }
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// A history kept in memory only, for a session whose file cannot be used (written by a
    /// newer Hinomi, or on a read-only disk): the board and notifications keep working.
    pub fn in_memory() -> Result<Self, AlertsError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| store_error(&path, source))?;
        let mut history = Self { conn, path };
        history
            .configure()
            .map_err(|source| store_error(Path::new(":memory:"), source))?;
        Ok(history)
    }

    /// Refuses a schema newer than this build's, before anything is written; the version found
    /// (how many migrations have run) otherwise.
    fn check_schema_version(conn: &Connection, path: &Path) -> Result<i64, AlertsError> {
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|source| store_error(path, source))?;
        let supported = MIGRATIONS.len();
        if usize::try_from(found).is_ok_and(|found| found > supported) {
            return Err(AlertsError::SchemaTooNew {
                path: path.display().to_string(),
                found: u32::try_from(found).unwrap_or(u32::MAX),
                supported: u32::try_from(supported).unwrap_or(u32::MAX),
            });
        }
        Ok(found)
    }

    /// SQLite's own structural check; a torn or overwritten file fails it.
    fn check_integrity(conn: &Connection, path: &Path) -> Result<(), AlertsError> {
        let verdict: String = conn
            .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
            .map_err(|source| store_error(path, source))?;
        if verdict == "ok" {
            Ok(())
        } else {
            Err(AlertsError::CorruptHistory {
                path: path.display().to_string(),
                message: verdict,
            })
        }
    }

    fn configure(&mut self) -> rusqlite::Result<()> {
        // WAL: the UI can read the history while the poller writes it.
        self.conn
            .pragma_update_and_check(None, "journal_mode", "wal", |_| Ok(()))?;
        self.conn.pragma_update(None, "synchronous", "normal")?;
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let applied: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?;
        let tx = self.conn.transaction()?;
        for (number, migration) in (1_i64..).zip(MIGRATIONS) {
            if number > applied {
                tx.execute_batch(migration)?;
                tx.pragma_update(None, "user_version", number)?;
            }
        }
        tx.commit()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one poll's changes in one transaction: new alerts open an episode, changed ones
    /// update it, resolved ones close it at `at`.
    pub fn record(
        &mut self,
        changes: &[AlertChange],
        current: &Snapshot,
        at: DateTime<Utc>,
    ) -> Result<(), AlertsError> {
        if changes.is_empty() {
            return Ok(());
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|source| store_error(&path, source))?;
        episodes::apply_changes(&tx, changes, current, &timestamp(at))
            .map_err(|source| store_error(&path, source))?;
        tx.commit().map_err(|source| store_error(&path, source))
    }

    /// Episodes still open: what was active when Hinomi last looked.
    pub fn open_episodes(&self) -> Result<Vec<AlertEpisode>, AlertsError> {
        self.read(episodes::open(&self.conn))
    }

    /// Episodes active at any time since `since`, most recent start first.
    pub fn since(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<AlertEpisode>, AlertsError> {
        self.read(episodes::active_since(&self.conn, &timestamp(since), limit))
    }

    /// Every episode of one alert, oldest first.
    pub fn of_alert(&self, fingerprint: &str) -> Result<Vec<AlertEpisode>, AlertsError> {
        self.read(episodes::of_alert(&self.conn, fingerprint))
    }

    /// Deletes episodes that resolved before `before`; returns how many.
    pub fn forget_resolved_before(&mut self, before: DateTime<Utc>) -> Result<u32, AlertsError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|source| store_error(&path, source))?;
        let deleted = episodes::delete_resolved_before(&tx, &timestamp(before))
            .map_err(|source| store_error(&path, source))?;
        tx.commit().map_err(|source| store_error(&path, source))?;
        Ok(u32::try_from(deleted).unwrap_or(u32::MAX))
    }

    /// When each source last answered, as recorded by [`Self::record_contacts`].
    pub fn source_contacts(&self) -> Result<HashMap<String, DateTime<Utc>>, AlertsError> {
        let read = || -> rusqlite::Result<Vec<(String, String)>> {
            let mut statement = self
                .conn
                .prepare("SELECT datasource_id, last_success FROM source_contact")?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect()
        };
        read()
            .map_err(|source| store_error(&self.path, source))?
            .into_iter()
            .map(|(id, at)| {
                DateTime::parse_from_rfc3339(&at)
                    .map(|at| (id, at.to_utc()))
                    .map_err(|err| AlertsError::CorruptHistory {
                        path: self.path.display().to_string(),
                        message: format!("source contact time {at:?}: {err}"),
                    })
            })
            .collect()
    }

    /// Remembers that these sources answered at `at` (one small upsert per source and poll).
    pub fn record_contacts(
        &mut self,
        sources: &[&str],
        at: DateTime<Utc>,
    ) -> Result<(), AlertsError> {
        if sources.is_empty() {
            return Ok(());
        }
        let path = self.path.clone();
        let write = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            {
                let mut upsert = tx.prepare(
                    "INSERT INTO source_contact (datasource_id, last_success) VALUES (?1, ?2) \
                     ON CONFLICT (datasource_id) DO UPDATE SET last_success = excluded.last_success",
                )?;
                let at = timestamp(at);
                for id in sources {
                    upsert.execute((id, &at))?;
                }
            }
            tx.commit()
        };
        write(&mut self.conn).map_err(|source| store_error(&path, source))
    }

    /// The notification planner's memory as last saved; `None` on a first start.
    pub fn notification_memory(&self) -> Result<Option<PlannerMemory>, AlertsError> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT memory FROM notification_memory WHERE id = 1",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(|source| store_error(&self.path, source))?;
        text.map(|text| {
            serde_json::from_str(&text).map_err(|err| AlertsError::CorruptHistory {
                path: self.path.display().to_string(),
                message: format!("notification memory: {err}"),
            })
        })
        .transpose()
    }

    /// Replaces the planner's saved memory.
    pub fn save_notification_memory(
        &mut self,
        memory: &PlannerMemory,
        at: DateTime<Utc>,
    ) -> Result<(), AlertsError> {
        let text = serde_json::to_string(memory).map_err(|err| AlertsError::CorruptHistory {
            path: self.path.display().to_string(),
            message: format!("notification memory: {err}"),
        })?;
        self.conn
            .execute(
                "INSERT INTO notification_memory (id, memory, saved_at) VALUES (1, ?1, ?2) \
                 ON CONFLICT (id) DO UPDATE SET memory = excluded.memory, saved_at = excluded.saved_at",
                (text, timestamp(at)),
            )
            .map_err(|source| store_error(&self.path, source))?;
        Ok(())
    }

    fn read(
        &self,
        rows: rusqlite::Result<Vec<episodes::Row>>,
    ) -> Result<Vec<AlertEpisode>, AlertsError> {
        rows.map_err(|source| store_error(&self.path, source))?
            .into_iter()
            .map(|row| {
                row.into_episode()
                    .map_err(|message| AlertsError::CorruptHistory {
                        path: self.path.display().to_string(),
                        message,
                    })
            })
            .collect()
    }
}

fn store_error(path: &Path, source: rusqlite::Error) -> AlertsError {
    AlertsError::Store {
        path: path.display().to_string(),
        source,
    }
}

/// Fixed width, so text order is time order.
fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests;
