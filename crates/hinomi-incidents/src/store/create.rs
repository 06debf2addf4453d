//! Creating incidents: by hand, or in one action from a firing alert group.

use super::IncidentStore;
use super::alerts::attach_alert;
use super::reading::{append_entry, load_incident, new_id, person};
use super::tables::{assignees, incidents, transitions};
use crate::alert_group::{
    AlertIncidentOptions, FiringAlertGroup, SeverityMapping, severity_of, title_for,
};
use crate::error::{Invalid, Result};
use crate::model::incident::{Incident, NewIncident, StatusTransition};
use crate::model::lifecycle::Status;
use crate::model::timeline::TimelineEvent;
use crate::naming::{day_prefix, format_incident_id, parse_incident_id};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;

impl IncidentStore {
    pub fn create_incident(&self, new: NewIncident) -> Result<Incident> {
        self.write(|tx, now| {
            let date = now.with_timezone(&self.id_offset).date_naive();
            insert_new(tx, now, date, new)
        })
    }

    /// An incident from an Alertmanager alert group: severity through `mapping` (unless the
    /// options choose one), title from the alert name and first summary, each alert kept as an
    /// alert snapshot with an "alert fired" timeline entry.
    pub fn create_from_alert_group(
        &self,
        group: &FiringAlertGroup,
        mapping: &SeverityMapping,
        options: AlertIncidentOptions,
    ) -> Result<Incident> {
        if group.alerts.is_empty() {
            return Err(Invalid::EmptyAlertGroup.into());
        }
        let severity = options
            .severity
            .unwrap_or_else(|| severity_of(mapping, group));
        let title = options
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map_or_else(|| title_for(group), str::to_string);
        let actor = person(options.actor.as_deref());
        let new = NewIncident {
            title,
            description: String::new(),
            severity,
            commander: options.commander,
            assignees: Vec::new(),
            labels: group.labels.clone(),
            actor: actor.clone(),
        };
        self.write(|tx, now| {
            let date = now.with_timezone(&self.id_offset).date_naive();
            let incident = insert_new(tx, now, date, new)?;
            for alert in &group.alerts {
                attach_alert(tx, &incident, alert, now, actor.clone())?;
            }
            load_incident(tx, &incident.id)
        })
    }
}

fn insert_new(
    tx: &Connection,
    now: DateTime<Utc>,
    date: NaiveDate,
    new: NewIncident,
) -> Result<Incident> {
    let title = new.title.trim().to_string();
    if title.is_empty() {
        return Err(Invalid::Untitled.into());
    }
    let actor = person(new.actor.as_deref());
    let mut names: Vec<String> = Vec::new();
    for name in new.assignees.iter().filter_map(|n| person(Some(n))) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let incident = Incident {
        id: next_incident_id(tx, date)?,
        uid: new_id(),
        title: title.clone(),
        description: new.description,
        severity: new.severity,
        status: Status::Detected,
        commander: person(new.commander.as_deref()),
        assignees: names,
        labels: new.labels,
        detected_at: now,
        acknowledged_at: None,
        created_at: now,
        updated_at: now,
        transitions: Vec::new(),
        durations: Default::default(),
        allowed_next: Vec::new(),
    };
    incidents::insert(tx, &incident)?;
    assignees::replace(tx, &incident.id, &incident.assignees)?;
    transitions::insert(
        tx,
        &incident.id,
        &StatusTransition {
            id: new_id(),
            from: None,
            to: Status::Detected,
            at: now,
            actor: actor.clone(),
        },
    )?;
    append_entry(
        tx,
        &incident.id,
        now,
        now,
        actor,
        TimelineEvent::Created {
            title,
            severity: incident.severity,
        },
    )?;
    load_incident(tx, &incident.id)
}

/// The next free `INC-YYYYMMDD-NNN` for `date`. Runs inside the write transaction, so two
/// windows creating at once cannot get the same number.
pub(super) fn next_incident_id(conn: &Connection, date: NaiveDate) -> Result<String> {
    let highest = incidents::ids_with_prefix(conn, &day_prefix(date))?
        .iter()
        .filter_map(|id| parse_incident_id(id))
        .map(|(_, sequence)| sequence)
        .max()
        .unwrap_or(0);
    Ok(format_incident_id(date, highest + 1))
}
