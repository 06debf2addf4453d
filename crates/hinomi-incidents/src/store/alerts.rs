//! Alerts on an incident's timeline: each alert is kept as a snapshot (evidence) and noted as
//! fired or resolved.
//!
//! Ids are derived from the incident and the alert (UUID v5), so the shell's poller can report
//! the same alert state again and again and it is recorded once.

use super::IncidentStore;
use super::reading::{load_incident, person};
use super::tables::{evidence, timeline};
use crate::error::{Invalid, Result};
use crate::model::evidence::{AlertSnapshot, AlertState, EvidenceData, EvidenceRecord};
use crate::model::incident::Incident;
use crate::model::timeline::{TimelineEntry, TimelineEvent};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use uuid::Uuid;

/// Namespace for Hinomi's derived ids (a fixed random UUID).
const NAMESPACE: Uuid = Uuid::from_u128(0x6d2f_9a41_0c3e_4b8a_9f57_1e2d_3c4b_5a69);

impl IncidentStore {
    /// Records an alert's current state on an incident. Returns `None` when that state of that
    /// alert was already recorded.
    pub fn record_alert(
        &self,
        incident_id: &str,
        alert: &AlertSnapshot,
        actor: Option<&str>,
    ) -> Result<Option<TimelineEntry>> {
        EvidenceData::Alert(alert.clone())
            .check()
            .map_err(Invalid::Evidence)?;
        self.write(|tx, now| {
            let incident = load_incident(tx, incident_id)?;
            attach_alert(tx, &incident, alert, now, person(actor))
        })
    }
}

pub(super) fn attach_alert(
    tx: &Connection,
    incident: &Incident,
    alert: &AlertSnapshot,
    now: DateTime<Utc>,
    actor: Option<String>,
) -> Result<Option<TimelineEntry>> {
    let resolved = alert.state == AlertState::Resolved;
    let key = format!(
        "{}/{}/{:?}/{}",
        incident.uid,
        alert.identity(),
        alert.state,
        alert.starts_at.timestamp_millis()
    );
    let evidence_id = Uuid::new_v5(&NAMESPACE, format!("evidence/{key}").as_bytes()).to_string();
    let entry_id = Uuid::new_v5(&NAMESPACE, format!("entry/{key}").as_bytes()).to_string();
    evidence::insert(
        tx,
        &incident.id,
        &EvidenceRecord {
            id: evidence_id.clone(),
            incident_id: incident.id.clone(),
            captured_at: now,
            pinned_by: actor.clone(),
            data: EvidenceData::Alert(alert.clone()),
        },
    )?;
    let alertname = alert.alertname().to_string();
    let labels = alert.labels.clone();
    let summary = alert.annotations.get("summary").cloned();
    let evidence_id = Some(evidence_id);
    let (event, occurred_at) = if resolved {
        (
            TimelineEvent::AlertResolved {
                alertname,
                labels,
                summary,
                evidence_id,
            },
            alert.ends_at.unwrap_or(now),
        )
    } else {
        (
            TimelineEvent::AlertFired {
                alertname,
                labels,
                summary,
                evidence_id,
            },
            alert.starts_at,
        )
    };
    let entry = TimelineEntry {
        id: entry_id,
        incident_id: incident.id.clone(),
        occurred_at: super::tables::truncate_to_millis(occurred_at),
        recorded_at: now,
        author: actor,
        event,
    };
    Ok(timeline::insert(tx, &incident.id, &entry)?.then_some(entry))
}
