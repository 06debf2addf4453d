//! Reading and saving an incident's postmortem.
//!
//! Each part keeps its own `updated_at`, changed only when its content changes, so an import
//! can take the newer of each part instead of one side's whole postmortem.

use super::IncidentStore;
use super::reading::new_id;
use super::tables::{action_items, improvements, incidents, postmortems};
use crate::error::{IncidentError, Invalid, Missing, Result};
use crate::model::postmortem::Postmortem;
use crate::rule_file::validate_rule_file;
use rusqlite::Connection;

impl IncidentStore {
    /// The postmortem, or an empty one if none was written yet.
    pub fn get_postmortem(&self, incident_id: &str) -> Result<Postmortem> {
        self.read(|tx| load_postmortem(tx, incident_id))
    }

    /// Saves the whole postmortem. Items without an id are new; stored items missing from
    /// `postmortem` are deleted. Proposed rules must parse as a Prometheus rule file (the UI can
    /// check as the user types with [`crate::validate_rule_file`]).
    pub fn save_postmortem(&self, postmortem: &Postmortem) -> Result<Postmortem> {
        for (index, improvement) in postmortem.monitoring_improvements.iter().enumerate() {
            if !improvement.rule_yaml.trim().is_empty() {
                validate_rule_file(&improvement.rule_yaml)
                    .map_err(|problem| IncidentError::InvalidRuleFile { index, problem })?;
            }
        }
        if let Some(blank) = postmortem
            .action_items
            .iter()
            .position(|item| item.description.trim().is_empty())
        {
            return Err(Invalid::ActionItemWithoutDescription(blank + 1).into());
        }
        let incident_id = postmortem.incident_id.as_str();
        self.write(|tx, now| {
            let stored = load_postmortem(tx, incident_id)?;
            let prose_changed = (
                &stored.summary,
                &stored.impact,
                &stored.root_cause,
                &stored.timeline_narrative,
            ) != (
                &postmortem.summary,
                &postmortem.impact,
                &postmortem.root_cause,
                &postmortem.timeline_narrative,
            );
            let prose_updated = match stored.updated_at {
                Some(at) if !prose_changed => at,
                _ => now,
            };
            postmortems::upsert(tx, incident_id, postmortem, prose_updated)?;

            let mut kept = Vec::new();
            for (position, item) in postmortem.action_items.iter().enumerate() {
                let id = item.id.clone().unwrap_or_else(new_id);
                let before = stored
                    .action_items
                    .iter()
                    .find(|s| s.id.as_deref() == Some(&id));
                let unchanged = before.is_some_and(|b| {
                    (&b.description, &b.owner, b.due_date, b.status)
                        == (&item.description, &item.owner, item.due_date, item.status)
                });
                let updated_at = before
                    .and_then(|b| b.updated_at)
                    .filter(|_| unchanged)
                    .unwrap_or(now);
                action_items::upsert(tx, incident_id, &id, position, item, updated_at)?;
                kept.push(id);
            }
            for gone in stored.action_items.iter().filter_map(|s| s.id.as_ref()) {
                if !kept.contains(gone) {
                    action_items::delete(tx, gone)?;
                }
            }

            let mut kept = Vec::new();
            for (position, item) in postmortem.monitoring_improvements.iter().enumerate() {
                let id = item.id.clone().unwrap_or_else(new_id);
                let before = stored
                    .monitoring_improvements
                    .iter()
                    .find(|s| s.id.as_deref() == Some(&id));
                let unchanged = before.is_some_and(|b| {
                    (&b.description, &b.rule_yaml) == (&item.description, &item.rule_yaml)
                });
                let updated_at = before
                    .and_then(|b| b.updated_at)
                    .filter(|_| unchanged)
                    .unwrap_or(now);
                improvements::upsert(tx, incident_id, &id, position, item, updated_at)?;
                kept.push(id);
            }
            for gone in stored
                .monitoring_improvements
                .iter()
                .filter_map(|s| s.id.as_ref())
            {
                if !kept.contains(gone) {
                    improvements::delete(tx, gone)?;
                }
            }
            load_postmortem(tx, incident_id)
        })
    }
}

pub(super) fn load_postmortem(conn: &Connection, incident_id: &str) -> Result<Postmortem> {
    if !incidents::exists(conn, incident_id)? {
        return Err(IncidentError::not_found(Missing::Incident, incident_id));
    }
    let mut postmortem =
        postmortems::get(conn, incident_id)?.unwrap_or_else(|| Postmortem::empty(incident_id));
    postmortem.action_items = action_items::list(conn, incident_id)?;
    postmortem.monitoring_improvements = improvements::list(conn, incident_id)?;
    Ok(postmortem)
}
