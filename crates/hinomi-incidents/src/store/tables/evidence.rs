//! `evidence`: pinned snapshots, stored whole as JSON so they render offline.

use super::{from_millis, json_column, to_json, to_millis};
use crate::model::evidence::EvidenceRecord;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLUMNS: &str = "id, incident_id, captured_at_ms, pinned_by, data_json";

fn from_row(row: &Row<'_>) -> rusqlite::Result<EvidenceRecord> {
    Ok(EvidenceRecord {
        id: row.get(0)?,
        incident_id: row.get(1)?,
        captured_at: from_millis(2, row.get(2)?)?,
        pinned_by: row.get(3)?,
        data: json_column(4, &row.get::<_, String>(4)?)?,
    })
}

/// `incident_id` is passed separately because an import may file the evidence under a
/// renumbered incident. Returns false when this id was already stored.
pub fn insert(
    conn: &Connection,
    incident_id: &str,
    record: &EvidenceRecord,
) -> rusqlite::Result<bool> {
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO evidence (id, incident_id, kind, title, captured_at_ms, pinned_by, data_json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            record.id,
            incident_id,
            record.data.kind().as_str(),
            record.data.title(),
            to_millis(record.captured_at),
            record.pinned_by,
            to_json(&record.data)?,
        ])?;
    Ok(added == 1)
}

pub fn get(conn: &Connection, id: &str) -> rusqlite::Result<Option<EvidenceRecord>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM evidence WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

/// Oldest first.
pub fn list(conn: &Connection, incident_id: &str) -> rusqlite::Result<Vec<EvidenceRecord>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM evidence WHERE incident_id = ?1 ORDER BY captured_at_ms, rowid"
    ))?
    .query_map([incident_id], from_row)?
    .collect()
}
