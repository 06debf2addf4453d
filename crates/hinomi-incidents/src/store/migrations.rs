//! Numbered schema migrations, applied in order and recorded in `PRAGMA user_version`.
//!
//! Migration N lives in `migrations/000N_*.sql` and takes a store from version N-1 to N. Files
//! are only ever added; a shipped file is never edited, because laptops in the field already ran
//! it. Each step runs in its own transaction together with the version bump, so a crash leaves
//! the store at the previous version, never in between.

use crate::error::{IncidentError, Result};
use rusqlite::{Connection, TransactionBehavior};

const MIGRATIONS: &[&str] = &[include_str!("../../migrations/0001_initial.sql")];

/// The schema version this build writes.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

pub fn current_version(conn: &Connection) -> Result<u32> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok(u32::try_from(version).unwrap_or(0))
}

pub fn migrate_to_latest(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, LATEST_VERSION)
}

/// Applies migrations up to `target`. Tests use a `target` below the latest to build stores as
/// older versions of Hinomi left them.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<()> {
    let found = current_version(conn)?;
    if found > LATEST_VERSION {
        return Err(IncidentError::SchemaTooNew {
            found,
            supported: LATEST_VERSION,
        });
    }
    for version in (found + 1)..=target.min(LATEST_VERSION) {
        let step = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Another Hinomi process may have migrated while we waited for the lock.
            let now: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
            if now >= i64::from(version) {
                return Ok(());
            }
            tx.execute_batch(MIGRATIONS[(version - 1) as usize])?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()
        };
        step(conn).map_err(|source| IncidentError::Migration { version, source })?;
        tracing::info!(version, "incident store migrated");
    }
    Ok(())
}
