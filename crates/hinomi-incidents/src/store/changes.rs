//! Changing an incident as the response goes on: status, acknowledgement, severity, people,
//! notes and pinned evidence. Each change and its timeline entry commit together.

use super::IncidentStore;
use super::reading::{append_entry, load_incident, new_id, person};
use super::tables::{assignees, evidence, incidents, transitions};
use crate::error::{Invalid, Result};
use crate::model::evidence::{EvidenceData, EvidenceRecord};
use crate::model::incident::{Incident, StatusTransition};
use crate::model::lifecycle::{Status, check_transition};
use crate::model::severity::Severity;
use crate::model::timeline::{TimelineEntry, TimelineEvent};
use chrono::{DateTime, Utc};
use rusqlite::Transaction;

impl IncidentStore {
    /// The shape of every recorded change, in one transaction: load the incident, let `change`
    /// edit it and name the timeline event (`None`: nothing changed, nothing is written), then
    /// save it and append the event in the actor's name.
    fn change_incident(
        &self,
        incident_id: &str,
        actor: Option<String>,
        change: impl FnOnce(
            &Transaction<'_>,
            &mut Incident,
            DateTime<Utc>,
        ) -> Result<Option<TimelineEvent>>,
    ) -> Result<Incident> {
        self.write(|tx, now| {
            let mut incident = load_incident(tx, incident_id)?;
            let Some(event) = change(tx, &mut incident, now)? else {
                return Ok(incident);
            };
            incident.updated_at = now;
            incidents::update(tx, &incident)?;
            append_entry(tx, incident_id, now, now, actor, event)?;
            load_incident(tx, incident_id)
        })
    }

    /// Moves an incident along its lifecycle; refused moves name the allowed ones. Leaving
    /// `detected` also counts as the first acknowledgement.
    pub fn transition(
        &self,
        incident_id: &str,
        to: Status,
        actor: Option<&str>,
    ) -> Result<Incident> {
        let actor = person(actor);
        let recorded_actor = actor.clone();
        self.change_incident(incident_id, actor, |tx, incident, now| {
            let from = incident.status;
            check_transition(incident_id, from, to)?;
            transitions::insert(
                tx,
                incident_id,
                &StatusTransition {
                    id: new_id(),
                    from: Some(from),
                    to,
                    at: now,
                    actor: recorded_actor,
                },
            )?;
            incident.status = to;
            incident.acknowledged_at.get_or_insert(now);
            Ok(Some(TimelineEvent::StatusChanged { from, to }))
        })
    }

    /// "I'm on it": stops the response-target clock (by default) without changing status.
    /// Acknowledging twice keeps the first time.
    pub fn acknowledge(&self, incident_id: &str, actor: Option<&str>) -> Result<Incident> {
        self.change_incident(incident_id, person(actor), |_, incident, now| {
            if incident.acknowledged_at.is_some() {
                return Ok(None);
            }
            incident.acknowledged_at = Some(now);
            Ok(Some(TimelineEvent::Acknowledged))
        })
    }

    pub fn set_severity(
        &self,
        incident_id: &str,
        to: Severity,
        actor: Option<&str>,
    ) -> Result<Incident> {
        self.change_incident(incident_id, person(actor), |_, incident, _| {
            let from = std::mem::replace(&mut incident.severity, to);
            Ok((from != to).then_some(TimelineEvent::SeverityChanged { from, to }))
        })
    }

    /// `None` (or an empty name) leaves the incident without a commander.
    pub fn set_commander(
        &self,
        incident_id: &str,
        commander: Option<&str>,
        actor: Option<&str>,
    ) -> Result<Incident> {
        let to = person(commander);
        self.change_incident(incident_id, person(actor), |_, incident, _| {
            if incident.commander == to {
                return Ok(None);
            }
            let from = std::mem::replace(&mut incident.commander, to.clone());
            Ok(Some(TimelineEvent::CommanderChanged { from, to }))
        })
    }

    pub fn add_assignee(
        &self,
        incident_id: &str,
        name: &str,
        actor: Option<&str>,
    ) -> Result<Incident> {
        let name = person(Some(name)).ok_or(Invalid::AssigneeWithoutName)?;
        self.change_incident(incident_id, person(actor), |tx, incident, _| {
            if incident.assignees.contains(&name) {
                return Ok(None);
            }
            incident.assignees.push(name.clone());
            assignees::replace(tx, incident_id, &incident.assignees)?;
            Ok(Some(TimelineEvent::AssigneeAdded { name }))
        })
    }

    pub fn remove_assignee(
        &self,
        incident_id: &str,
        name: &str,
        actor: Option<&str>,
    ) -> Result<Incident> {
        let name = name.trim().to_string();
        self.change_incident(incident_id, person(actor), |tx, incident, _| {
            if !incident.assignees.contains(&name) {
                return Ok(None);
            }
            incident.assignees.retain(|n| *n != name);
            assignees::replace(tx, incident_id, &incident.assignees)?;
            Ok(Some(TimelineEvent::AssigneeRemoved { name }))
        })
    }

    /// Title and description edits; not worth a timeline entry each.
    pub fn update_details(
        &self,
        incident_id: &str,
        title: &str,
        description: &str,
    ) -> Result<Incident> {
        let title = title.trim().to_string();
        if title.is_empty() {
            return Err(Invalid::Untitled.into());
        }
        self.write(|tx, now| {
            let mut incident = load_incident(tx, incident_id)?;
            if incident.title == title && incident.description == description {
                return Ok(incident);
            }
            incident.title = title;
            incident.description = description.to_string();
            incident.updated_at = now;
            incidents::update(tx, &incident)?;
            load_incident(tx, incident_id)
        })
    }

    /// A Markdown note, stored as typed. `occurred_at` back-dates it ("we restarted the pod at
    /// 10:02"); by default it is now.
    pub fn add_note(
        &self,
        incident_id: &str,
        markdown: &str,
        occurred_at: Option<DateTime<Utc>>,
        actor: Option<&str>,
    ) -> Result<TimelineEntry> {
        if markdown.trim().is_empty() {
            return Err(Invalid::EmptyNote.into());
        }
        let actor = person(actor);
        self.write(|tx, now| {
            load_incident(tx, incident_id)?;
            let occurred_at = occurred_at.map_or(now, super::tables::truncate_to_millis);
            append_entry(
                tx,
                incident_id,
                occurred_at,
                now,
                actor,
                TimelineEvent::Note {
                    markdown: markdown.to_string(),
                },
            )
        })
    }

    /// Keeps a copy of a metric, log or alert snapshot with the incident and notes it on the
    /// timeline; the returned entry carries the evidence id.
    pub fn pin_evidence(
        &self,
        incident_id: &str,
        data: EvidenceData,
        actor: Option<&str>,
    ) -> Result<TimelineEntry> {
        data.check().map_err(Invalid::Evidence)?;
        let actor = person(actor);
        self.write(|tx, now| {
            load_incident(tx, incident_id)?;
            pin(tx, incident_id, data, now, actor)
        })
    }
}

/// Inserts the evidence and its "pinned" entry inside the caller's transaction (`data` already
/// checked, the incident known to exist).
pub(super) fn pin(
    tx: &Transaction<'_>,
    incident_id: &str,
    data: EvidenceData,
    now: DateTime<Utc>,
    actor: Option<String>,
) -> Result<TimelineEntry> {
    let record = EvidenceRecord {
        id: new_id(),
        incident_id: incident_id.to_string(),
        captured_at: now,
        pinned_by: actor.clone(),
        data,
    };
    evidence::insert(tx, incident_id, &record)?;
    append_entry(
        tx,
        incident_id,
        now,
        now,
        actor,
        TimelineEvent::EvidencePinned {
            evidence_id: record.id.clone(),
            evidence_kind: record.data.kind(),
            title: record.data.title(),
        },
    )
}
