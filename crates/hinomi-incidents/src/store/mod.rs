//! The incident store: one SQLite file, opened once and shared by the shell's commands.
//!
//! Every write is one IMMEDIATE transaction (take the write lock first, so two writers never
//! deadlock upgrading a read lock) that commits before the call returns; reads run in a deferred
//! transaction so they see one consistent snapshot. Time comes from the injected [`Clock`].

mod alerts;
mod changes;
mod countdowns;
mod create;
mod exchange;
pub mod migrations;
mod mine;
mod postmortems;
mod reading;
mod tables;

use crate::error::{IncidentError, Result};
use chrono::{DateTime, FixedOffset, Offset, Utc};
use hinomi_core::clock::Clock;
pub use mine::AttachedToMine;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub struct IncidentStore {
    conn: Mutex<Connection>,
    clock: Arc<dyn Clock>,
    path: PathBuf,
    /// The offset whose calendar day numbers incident ids.
    id_offset: FixedOffset,
}

impl std::fmt::Debug for IncidentStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncidentStore")
            .field("path", &self.path)
            .field("id_offset", &self.id_offset)
            .finish_non_exhaustive()
    }
}

impl IncidentStore {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        let open_error = |source| IncidentError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_error)?;
        configure(&conn).map_err(open_error)?;
        migrations::migrate_to_latest(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            clock,
            path: path.to_path_buf(),
            id_offset: Utc.fix(),
        })
    }

    /// Numbers incidents by the calendar day at `offset` (e.g. +09:00 for a team in Japan)
    /// instead of UTC.
    pub fn with_id_offset(mut self, offset: FixedOffset) -> Self {
        self.id_offset = offset;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA integrity_check`; "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        let conn = self.lock();
        Ok(conn.pragma_query_value(None, "integrity_check", |row| row.get(0))?)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a transaction drops (rolls back) it, so the connection is still sound.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Now, at the millisecond precision the store keeps, so returned values equal stored ones.
    fn now(&self) -> DateTime<Utc> {
        tables::truncate_to_millis(self.clock.now())
    }

    fn write<T>(
        &self,
        body: impl FnOnce(&Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = body(&tx, self.now())?;
        tx.commit()?;
        Ok(value)
    }

    fn read<T>(&self, body: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        body(&tx)
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // Another process (a second window, a backup) may hold the lock briefly.
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "incident store is not in WAL mode");
    }
    // FULL: an incident record must survive a power cut, not just a crash; writes are rare.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::clock::SystemClock;

    /// The shell keeps one store in Tauri's managed state and calls it from any thread.
    #[test]
    fn the_store_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<IncidentStore>();
    }

    #[test]
    fn connection_is_wal_durable_and_checks_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            IncidentStore::open(&dir.path().join("i.sqlite"), Arc::new(SystemClock)).unwrap();
        let conn = store.lock();
        let pragma = |name: &str| -> String {
            conn.pragma_query_value(None, name, |row| row.get::<_, rusqlite::types::Value>(0))
                .map(|value| match value {
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    rusqlite::types::Value::Text(text) => text,
                    other => format!("{other:?}"),
                })
                .unwrap()
        };
        assert_eq!(pragma("journal_mode"), "wal");
        assert_eq!(pragma("foreign_keys"), "1");
        assert_eq!(pragma("synchronous"), "2"); // FULL
        let orphan = conn.execute(
            "INSERT INTO incident_assignees (incident_id, name, position) VALUES ('nope', 'x', 0)",
            [],
        );
        assert!(orphan.is_err(), "foreign keys must be enforced");
    }
}
