//! `timeline_entries`: everything that happened, paged by (occurred_at, seq).
//!
//! `seq` is the local insertion order; it only breaks ties between entries of the same
//! millisecond so a page boundary never skips or repeats an entry.

use super::{from_millis, json_column, to_json, to_millis};
use crate::model::timeline::{TimelineEntry, TimelineOrder};
use rusqlite::{Connection, Row, params};

const COLUMNS: &str = "id, incident_id, occurred_at_ms, recorded_at_ms, author, event_json, seq";

fn from_row(row: &Row<'_>) -> rusqlite::Result<(TimelineEntry, i64, i64)> {
    let occurred_ms: i64 = row.get(2)?;
    let entry = TimelineEntry {
        id: row.get(0)?,
        incident_id: row.get(1)?,
        occurred_at: from_millis(2, occurred_ms)?,
        recorded_at: from_millis(3, row.get(3)?)?,
        author: row.get(4)?,
        event: json_column(5, &row.get::<_, String>(5)?)?,
    };
    Ok((entry, occurred_ms, row.get(6)?))
}

/// Returns false when an entry with this id was already stored (a re-import).
pub fn insert(
    conn: &Connection,
    incident_id: &str,
    entry: &TimelineEntry,
) -> rusqlite::Result<bool> {
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO timeline_entries \
             (id, incident_id, occurred_at_ms, recorded_at_ms, author, kind, evidence_id, event_json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            entry.id,
            incident_id,
            to_millis(entry.occurred_at),
            to_millis(entry.recorded_at),
            entry.author,
            entry.event.kind(),
            entry.event.evidence_id(),
            to_json(&entry.event)?,
        ])?;
    Ok(added == 1)
}

/// Where a page ends: the last entry's (occurred_at_ms, seq).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub occurred_ms: i64,
    pub seq: i64,
}

/// Up to `limit` entries strictly after `after` in `order`, plus whether more follow.
pub fn page(
    conn: &Connection,
    incident_id: &str,
    order: TimelineOrder,
    after: Option<Position>,
    limit: u32,
) -> rusqlite::Result<(Vec<TimelineEntry>, Option<Position>)> {
    let (sql, start) = match order {
        TimelineOrder::OldestFirst => (
            format!(
                "SELECT {COLUMNS} FROM timeline_entries WHERE incident_id = ?1 \
                 AND (occurred_at_ms, seq) > (?2, ?3) ORDER BY occurred_at_ms, seq LIMIT ?4"
            ),
            Position {
                occurred_ms: i64::MIN,
                seq: i64::MIN,
            },
        ),
        TimelineOrder::NewestFirst => (
            format!(
                "SELECT {COLUMNS} FROM timeline_entries WHERE incident_id = ?1 \
                 AND (occurred_at_ms, seq) < (?2, ?3) ORDER BY occurred_at_ms DESC, seq DESC LIMIT ?4"
            ),
            Position {
                occurred_ms: i64::MAX,
                seq: i64::MAX,
            },
        ),
    };
    let from = after.unwrap_or(start);
    // One extra row tells whether there is a next page without a COUNT.
    let mut rows: Vec<(TimelineEntry, i64, i64)> = conn
        .prepare_cached(&sql)?
        .query_map(
            params![
                incident_id,
                from.occurred_ms,
                from.seq,
                i64::from(limit) + 1
            ],
            from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = match rows.last() {
        Some((_, occurred_ms, seq)) if more => Some(Position {
            occurred_ms: *occurred_ms,
            seq: *seq,
        }),
        _ => None,
    };
    Ok((rows.into_iter().map(|(entry, _, _)| entry).collect(), next))
}

/// The whole timeline, oldest first, for exports.
pub fn list_all(conn: &Connection, incident_id: &str) -> rusqlite::Result<Vec<TimelineEntry>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM timeline_entries WHERE incident_id = ?1 ORDER BY occurred_at_ms, seq"
    ))?
    .query_map([incident_id], |row| {
        from_row(row).map(|(entry, _, _)| entry)
    })?
    .collect()
}
