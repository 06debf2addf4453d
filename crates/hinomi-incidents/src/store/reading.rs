//! Reading incidents back, and the small pieces every write shares (loading an incident whole,
//! appending a timeline entry).

use super::IncidentStore;
use super::tables::timeline::Position;
use super::tables::{assignees, evidence, incidents, timeline, transitions};
use crate::error::{IncidentError, Invalid, Missing, Result};
use crate::model::evidence::EvidenceRecord;
use crate::model::incident::Incident;
use crate::model::timeline::{TimelineEntry, TimelineEvent, TimelinePage, TimelineQuery};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

/// The most entries one timeline page may hold.
pub const MAX_TIMELINE_PAGE: u32 = 500;

impl IncidentStore {
    pub fn get_incident(&self, id: &str) -> Result<Incident> {
        self.read(|tx| load_incident(tx, id))
    }

    /// Newest first. `open_only` leaves out closed incidents.
    pub fn list_incidents(&self, open_only: bool) -> Result<Vec<Incident>> {
        self.read(|tx| load_incidents(tx, open_only))
    }

    /// One page of an incident's timeline; see [`TimelineQuery`].
    pub fn timeline_page(&self, query: &TimelineQuery) -> Result<TimelinePage> {
        let after = query.after.as_deref().map(parse_cursor).transpose()?;
        let limit = query.limit.clamp(1, MAX_TIMELINE_PAGE);
        self.read(|tx| {
            if !incidents::exists(tx, &query.incident_id)? {
                return Err(IncidentError::not_found(
                    Missing::Incident,
                    &query.incident_id,
                ));
            }
            let (entries, next) =
                timeline::page(tx, &query.incident_id, query.order, after, limit)?;
            Ok(TimelinePage {
                entries,
                next_cursor: next.map(|p| format!("{}:{}", p.occurred_ms, p.seq)),
            })
        })
    }

    pub fn get_evidence(&self, evidence_id: &str) -> Result<EvidenceRecord> {
        self.read(|tx| {
            evidence::get(tx, evidence_id)?
                .ok_or_else(|| IncidentError::not_found(Missing::Evidence, evidence_id))
        })
    }

    /// All evidence of an incident, oldest first (for the report).
    pub fn list_evidence(&self, incident_id: &str) -> Result<Vec<EvidenceRecord>> {
        self.read(|tx| {
            if !incidents::exists(tx, incident_id)? {
                return Err(IncidentError::not_found(Missing::Incident, incident_id));
            }
            Ok(evidence::list(tx, incident_id)?)
        })
    }
}

fn parse_cursor(cursor: &str) -> Result<Position> {
    let parsed = cursor.split_once(':').and_then(|(occurred, seq)| {
        Some(Position {
            occurred_ms: occurred.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    });
    parsed.ok_or_else(|| IncidentError::from(Invalid::TimelineCursor(cursor.to_owned())))
}

pub(super) fn load_incident(conn: &Connection, id: &str) -> Result<Incident> {
    let mut incident =
        incidents::get(conn, id)?.ok_or_else(|| IncidentError::not_found(Missing::Incident, id))?;
    fill(conn, &mut incident)?;
    Ok(incident)
}

pub(super) fn load_incidents(conn: &Connection, open_only: bool) -> Result<Vec<Incident>> {
    let mut all = incidents::list(conn, open_only)?;
    for incident in &mut all {
        fill(conn, incident)?;
    }
    Ok(all)
}

fn fill(conn: &Connection, incident: &mut Incident) -> Result<()> {
    incident.assignees = assignees::list(conn, &incident.id)?;
    incident.transitions = transitions::list(conn, &incident.id)?;
    incident.refresh_derived();
    Ok(())
}

pub(super) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Trimmed; empty means "nobody in particular".
pub(super) fn person(name: Option<&str>) -> Option<String> {
    name.map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
}

pub(super) fn append_entry(
    conn: &Connection,
    incident_id: &str,
    occurred_at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    author: Option<String>,
    event: TimelineEvent,
) -> Result<TimelineEntry> {
    let entry = TimelineEntry {
        id: new_id(),
        incident_id: incident_id.to_string(),
        occurred_at,
        recorded_at,
        author,
        event,
    };
    timeline::insert(conn, incident_id, &entry)?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_must_be_ours() {
        assert_eq!(
            parse_cursor("1700000000000:42").unwrap(),
            Position {
                occurred_ms: 1_700_000_000_000,
                seq: 42
            }
        );
        assert!(parse_cursor("page-2").is_err());
    }
}
