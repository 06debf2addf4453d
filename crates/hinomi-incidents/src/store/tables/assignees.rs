//! `incident_assignees`: who is working on an incident, in the order they were added.

use rusqlite::{Connection, params};

pub fn list(conn: &Connection, incident_id: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT name FROM incident_assignees WHERE incident_id = ?1 ORDER BY position",
    )?
    .query_map([incident_id], |row| row.get(0))?
    .collect()
}

pub fn replace(conn: &Connection, incident_id: &str, names: &[String]) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM incident_assignees WHERE incident_id = ?1")?
        .execute([incident_id])?;
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO incident_assignees (incident_id, name, position) VALUES (?1, ?2, ?3)",
    )?;
    for (position, name) in names.iter().enumerate() {
        insert.execute(params![incident_id, name, position as i64])?;
    }
    Ok(())
}
