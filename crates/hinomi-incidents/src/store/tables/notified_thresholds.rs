//! `notified_thresholds`: which response-target warnings this laptop has already raised, so a
//! restart or a second timer tick never raises one twice.

use super::to_millis;
use crate::model::severity::Severity;
use rusqlite::{Connection, params};

pub fn list(
    conn: &Connection,
    incident_id: &str,
    severity: Severity,
) -> rusqlite::Result<Vec<u32>> {
    conn.prepare_cached(
        "SELECT percent FROM notified_thresholds WHERE incident_id = ?1 AND severity = ?2",
    )?
    .query_map(params![incident_id, severity.as_str()], |row| row.get(0))?
    .collect()
}

pub fn insert(
    conn: &Connection,
    incident_id: &str,
    severity: Severity,
    percent: u32,
    at: chrono::DateTime<chrono::Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO notified_thresholds (incident_id, severity, percent, notified_at_ms) \
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![incident_id, severity.as_str(), percent, to_millis(at)])?;
    Ok(())
}
