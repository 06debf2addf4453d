//! `postmortems`: the prose part of a postmortem; its lists have their own tables.

use super::{from_millis, to_millis};
use crate::model::postmortem::Postmortem;
use rusqlite::{Connection, OptionalExtension, params};

/// The prose fields and `updated_at`; `action_items` and `monitoring_improvements` are empty.
pub fn get(conn: &Connection, incident_id: &str) -> rusqlite::Result<Option<Postmortem>> {
    conn.prepare_cached(
        "SELECT summary, impact, root_cause, timeline_narrative, updated_at_ms \
         FROM postmortems WHERE incident_id = ?1",
    )?
    .query_row([incident_id], |row| {
        Ok(Postmortem {
            summary: row.get(0)?,
            impact: row.get(1)?,
            root_cause: row.get(2)?,
            timeline_narrative: row.get(3)?,
            updated_at: Some(from_millis(4, row.get(4)?)?),
            ..Postmortem::empty(incident_id)
        })
    })
    .optional()
}

pub fn upsert(
    conn: &Connection,
    incident_id: &str,
    postmortem: &Postmortem,
    updated_at: chrono::DateTime<chrono::Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO postmortems (incident_id, summary, impact, root_cause, timeline_narrative, updated_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (incident_id) DO UPDATE SET summary = excluded.summary, impact = excluded.impact, \
         root_cause = excluded.root_cause, timeline_narrative = excluded.timeline_narrative, \
         updated_at_ms = excluded.updated_at_ms",
    )?
    .execute(params![
        incident_id,
        postmortem.summary,
        postmortem.impact,
        postmortem.root_cause,
        postmortem.timeline_narrative,
        to_millis(updated_at),
    ])?;
    Ok(())
}
