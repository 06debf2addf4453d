//! `monitoring_improvements`: proposed rules and other monitoring changes from a postmortem.

use super::{from_millis, to_millis};
use crate::model::postmortem::MonitoringImprovement;
use rusqlite::{Connection, params};

pub fn list(conn: &Connection, incident_id: &str) -> rusqlite::Result<Vec<MonitoringImprovement>> {
    conn.prepare_cached(
        "SELECT id, description, rule_yaml, updated_at_ms FROM monitoring_improvements \
         WHERE incident_id = ?1 ORDER BY position, id",
    )?
    .query_map([incident_id], |row| {
        Ok(MonitoringImprovement {
            id: Some(row.get(0)?),
            description: row.get(1)?,
            rule_yaml: row.get(2)?,
            updated_at: Some(from_millis(3, row.get(3)?)?),
        })
    })?
    .collect()
}

pub fn upsert(
    conn: &Connection,
    incident_id: &str,
    id: &str,
    position: usize,
    item: &MonitoringImprovement,
    updated_at: chrono::DateTime<chrono::Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO monitoring_improvements (id, incident_id, position, description, rule_yaml, updated_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, description = excluded.description, \
         rule_yaml = excluded.rule_yaml, updated_at_ms = excluded.updated_at_ms",
    )?
    .execute(params![
        id,
        incident_id,
        position as i64,
        item.description,
        item.rule_yaml,
        to_millis(updated_at),
    ])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM monitoring_improvements WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}
