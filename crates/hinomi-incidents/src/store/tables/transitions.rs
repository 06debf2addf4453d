//! `status_transitions`: the timestamped history the durations are computed from.

use super::{from_millis, parse_column, to_millis};
use crate::model::incident::StatusTransition;
use rusqlite::{Connection, params};

/// Returns false when a transition with this id was already stored (a re-import).
pub fn insert(
    conn: &Connection,
    incident_id: &str,
    t: &StatusTransition,
) -> rusqlite::Result<bool> {
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO status_transitions (id, incident_id, from_status, to_status, at_ms, actor) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            t.id,
            incident_id,
            t.from.map(|s| s.as_str()),
            t.to.as_str(),
            to_millis(t.at),
            t.actor
        ])?;
    Ok(added == 1)
}

/// Oldest first.
pub fn list(conn: &Connection, incident_id: &str) -> rusqlite::Result<Vec<StatusTransition>> {
    conn.prepare_cached(
        "SELECT id, from_status, to_status, at_ms, actor FROM status_transitions \
         WHERE incident_id = ?1 ORDER BY at_ms, rowid",
    )?
    .query_map([incident_id], |row| {
        let from: Option<String> = row.get(1)?;
        Ok(StatusTransition {
            id: row.get(0)?,
            from: from.map(|text| parse_column(1, &text)).transpose()?,
            to: parse_column(2, &row.get::<_, String>(2)?)?,
            at: from_millis(3, row.get(3)?)?,
            actor: row.get(4)?,
        })
    })?
    .collect()
}
