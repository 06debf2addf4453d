//! `action_items`: a postmortem's follow-ups, each with its own id and `updated_at` so an
//! import merges them one by one.

use super::{from_millis, to_millis};
use crate::model::postmortem::{ActionItem, ActionStatus};
use rusqlite::types::Type;
use rusqlite::{Connection, params};

pub fn list(conn: &Connection, incident_id: &str) -> rusqlite::Result<Vec<ActionItem>> {
    conn.prepare_cached(
        "SELECT id, description, owner, due_date, status, updated_at_ms FROM action_items \
         WHERE incident_id = ?1 ORDER BY position, id",
    )?
    .query_map([incident_id], |row| {
        let due: Option<String> = row.get(3)?;
        let status: String = row.get(4)?;
        Ok(ActionItem {
            id: Some(row.get(0)?),
            description: row.get(1)?,
            owner: row.get(2)?,
            due_date: due
                .map(|text| {
                    text.parse().map_err(|err| {
                        rusqlite::Error::FromSqlConversionFailure(3, Type::Text, Box::new(err))
                    })
                })
                .transpose()?,
            status: ActionStatus::parse(&status).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    4,
                    Type::Text,
                    format!("unknown action item status {status:?}").into(),
                )
            })?,
            updated_at: Some(from_millis(5, row.get(5)?)?),
        })
    })?
    .collect()
}

/// Inserts or replaces the item with `id`, at `position`.
pub fn upsert(
    conn: &Connection,
    incident_id: &str,
    id: &str,
    position: usize,
    item: &ActionItem,
    updated_at: chrono::DateTime<chrono::Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO action_items (id, incident_id, position, description, owner, due_date, status, updated_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, description = excluded.description, \
         owner = excluded.owner, due_date = excluded.due_date, status = excluded.status, \
         updated_at_ms = excluded.updated_at_ms",
    )?
    .execute(params![
        id,
        incident_id,
        position as i64,
        item.description,
        item.owner,
        item.due_date.map(|d| d.to_string()),
        item.status.as_str(),
        to_millis(updated_at),
    ])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM action_items WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}
