//! `incidents`: the scalar facts of each incident. People and history live in their own
//! tables; [`crate::store`] assembles the full [`Incident`].

use super::{from_millis, json_column, parse_column, to_json, to_millis};
use crate::model::incident::Incident;
use crate::model::lifecycle::Status;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLUMNS: &str = "id, uid, title, description, severity, status, commander, labels_json, \
     detected_at_ms, acknowledged_at_ms, created_at_ms, updated_at_ms";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Incident> {
    let acknowledged: Option<i64> = row.get(9)?;
    let mut incident = Incident {
        id: row.get(0)?,
        uid: row.get(1)?,
        title: row.get(2)?,
        description: row.get(3)?,
        severity: parse_column(4, &row.get::<_, String>(4)?)?,
        status: parse_column(5, &row.get::<_, String>(5)?)?,
        commander: row.get(6)?,
        assignees: Vec::new(),
        labels: json_column(7, &row.get::<_, String>(7)?)?,
        detected_at: from_millis(8, row.get(8)?)?,
        acknowledged_at: acknowledged.map(|ms| from_millis(9, ms)).transpose()?,
        created_at: from_millis(10, row.get(10)?)?,
        updated_at: from_millis(11, row.get(11)?)?,
        transitions: Vec::new(),
        durations: Default::default(),
        allowed_next: Vec::new(),
    };
    incident.refresh_derived();
    Ok(incident)
}

pub fn insert(conn: &Connection, incident: &Incident) -> rusqlite::Result<()> {
    execute_with_columns(
        conn,
        &format!(
            "INSERT INTO incidents ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        incident,
    )
}

/// Rewrites everything but the identity and creation time (`uid` ?2 and `created_at_ms` ?11
/// are bound but not read).
pub fn update(conn: &Connection, incident: &Incident) -> rusqlite::Result<()> {
    execute_with_columns(
        conn,
        "UPDATE incidents SET title = ?3, description = ?4, severity = ?5, status = ?6, \
         commander = ?7, labels_json = ?8, detected_at_ms = ?9, acknowledged_at_ms = ?10, \
         updated_at_ms = ?12 WHERE id = ?1",
        incident,
    )
}

/// Runs `sql` with the incident's values bound as ?1..?12, in [`COLUMNS`] order.
fn execute_with_columns(conn: &Connection, sql: &str, incident: &Incident) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute(params![
        incident.id,
        incident.uid,
        incident.title,
        incident.description,
        incident.severity.as_str(),
        incident.status.as_str(),
        incident.commander,
        to_json(&incident.labels)?,
        to_millis(incident.detected_at),
        incident.acknowledged_at.map(to_millis),
        to_millis(incident.created_at),
        to_millis(incident.updated_at),
    ])?;
    Ok(())
}

pub fn get(conn: &Connection, id: &str) -> rusqlite::Result<Option<Incident>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM incidents WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

pub fn find_by_uid(conn: &Connection, uid: &str) -> rusqlite::Result<Option<Incident>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM incidents WHERE uid = ?1"))?
        .query_row([uid], from_row)
        .optional()
}

/// Newest detection first.
pub fn list(conn: &Connection, open_only: bool) -> rusqlite::Result<Vec<Incident>> {
    let sql = if open_only {
        format!(
            "SELECT {COLUMNS} FROM incidents WHERE status <> '{}' ORDER BY detected_at_ms DESC, id DESC",
            Status::Closed.as_str()
        )
    } else {
        format!("SELECT {COLUMNS} FROM incidents ORDER BY detected_at_ms DESC, id DESC")
    };
    conn.prepare_cached(&sql)?
        .query_map([], from_row)?
        .collect()
}

pub fn exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM incidents WHERE id = ?1")?
        .exists([id])
}

/// Every id starting with `prefix` (one day's `INC-YYYYMMDD-`), to find the next number.
pub fn ids_with_prefix(conn: &Connection, prefix: &str) -> rusqlite::Result<Vec<String>> {
    // substr instead of LIKE: ids never contain wildcards today, but nothing forbids them.
    conn.prepare_cached("SELECT id FROM incidents WHERE substr(id, 1, length(?1)) = ?1")?
        .query_map([prefix], |row| row.get(0))?
        .collect()
}
