//! Export, import and backup.
//!
//! Import merges by identity: an incident is "the same" when its uid matches, whatever its
//! number; timeline entries, evidence, transitions and postmortem items by their ids. Fields of
//! the incident itself (title, severity, status, people) and each postmortem part take the side
//! with the newer `updated_at`. Deletions are not carried: an action item deleted here comes
//! back if an older export that still has it is imported.

use super::IncidentStore;
use super::create::next_incident_id;
use super::postmortems::load_postmortem;
use super::reading::{load_incident, load_incidents};
use super::tables::{
    action_items, assignees, evidence, improvements, incidents, postmortems, timeline, transitions,
};
use crate::bundle::{IncidentBundle, IncidentImportReport, IncidentRecord, Renumbered};
use crate::error::{BundleProblem, IncidentError, Invalid, Result};
use crate::naming::parse_incident_id;
use hinomi_core::atomic_file;
use rusqlite::Connection;
use std::collections::HashSet;
use std::path::Path;

/// The stem of backup temporaries: `.hinomi-backup.<random>.tmp`.
const BACKUP_TEMP_NAME: &str = "hinomi-backup";

impl IncidentStore {
    /// The given incidents, whole. Unknown ids are an error rather than silently left out.
    pub fn export_incidents(&self, ids: &[String]) -> Result<IncidentBundle> {
        let exported_at = self.now();
        self.read(|tx| {
            let records = ids
                .iter()
                .map(|id| export_record(tx, id))
                .collect::<Result<Vec<_>>>()?;
            Ok(IncidentBundle::new(exported_at, records))
        })
    }

    /// Every incident in the store.
    pub fn export_all(&self) -> Result<IncidentBundle> {
        let exported_at = self.now();
        self.read(|tx| {
            let records = load_incidents(tx, false)?
                .iter()
                .map(|incident| export_record(tx, &incident.id))
                .collect::<Result<Vec<_>>>()?;
            Ok(IncidentBundle::new(exported_at, records))
        })
    }

    /// Merges a bundle in one transaction: all of it or none.
    pub fn import_bundle(&self, bundle: &IncidentBundle) -> Result<IncidentImportReport> {
        for record in &bundle.incidents {
            check_record(record)?;
        }
        self.write(|tx, now| {
            let mut report = IncidentImportReport::default();
            for record in &bundle.incidents {
                import_record(tx, record, now, self.id_offset, &mut report)?;
            }
            Ok(report)
        })
    }

    /// A consistent copy of the whole store as a new SQLite file (`VACUUM INTO`), safe while
    /// the app keeps writing. Refuses to overwrite an existing file.
    pub fn backup_to(&self, destination: &Path) -> Result<()> {
        if destination.exists() {
            return Err(Invalid::BackupExists(destination.to_path_buf()).into());
        }
        // Into a temporary in the same folder, then fsync and a no-clobber rename: a crash or a
        // full disk never leaves half a backup under the chosen name. The temporaries share one
        // name pattern so the next backup into the folder removes any a crash left behind.
        let dir = match destination.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let write_error = |action: &str, path: &Path, err: std::io::Error| {
            IncidentError::Write(atomic_file::io_error(action, path, err))
        };
        atomic_file::remove_stale_temporaries(&dir.join(BACKUP_TEMP_NAME))
            .map_err(IncidentError::Write)?;
        let temp = tempfile::Builder::new()
            .prefix(&atomic_file::temp_prefix(BACKUP_TEMP_NAME))
            .suffix(atomic_file::TEMP_SUFFIX)
            .tempfile_in(dir)
            .map_err(|err| write_error("create a temporary file in", dir, err))?;
        let temp_path = temp
            .path()
            .to_str()
            .ok_or_else(|| IncidentError::from(Invalid::NonUtf8Path(dir.to_path_buf())))?;
        {
            let conn = self.lock();
            // VACUUM INTO accepts an existing empty file.
            conn.execute("VACUUM INTO ?1", [temp_path])?;
        }
        temp.as_file()
            .sync_all()
            .map_err(|err| write_error("write", destination, err))?;
        temp.persist_noclobber(destination)
            .map_err(|err| write_error("save the backup as", destination, err.error))?;
        atomic_file::sync_dir(dir).map_err(IncidentError::Write)
    }
}

fn export_record(conn: &Connection, id: &str) -> Result<IncidentRecord> {
    let incident = load_incident(conn, id)?;
    let postmortem = load_postmortem(conn, id)?;
    let written = postmortem.updated_at.is_some()
        || !postmortem.action_items.is_empty()
        || !postmortem.monitoring_improvements.is_empty();
    Ok(IncidentRecord {
        timeline: timeline::list_all(conn, id)?,
        evidence: evidence::list(conn, id)?,
        postmortem: written.then_some(postmortem),
        incident,
    })
}

/// Refuses records that would import half-broken, before anything is written.
fn check_record(record: &IncidentRecord) -> Result<()> {
    let id = &record.incident.id;
    if record.incident.uid.trim().is_empty() || record.incident.title.trim().is_empty() {
        return Err(IncidentError::Bundle(BundleProblem::NoUidOrTitle(
            id.clone(),
        )));
    }
    let evidence: HashSet<&str> = record.evidence.iter().map(|e| e.id.as_str()).collect();
    for entry in &record.timeline {
        if let Some(missing) = entry.event.evidence_id().filter(|e| !evidence.contains(e)) {
            return Err(IncidentError::Bundle(BundleProblem::MissingEvidence {
                incident: id.clone(),
                entry: entry.id.to_string(),
                evidence: missing.to_owned(),
            }));
        }
    }
    Ok(())
}

fn import_record(
    tx: &Connection,
    record: &IncidentRecord,
    now: chrono::DateTime<chrono::Utc>,
    offset: chrono::FixedOffset,
    report: &mut IncidentImportReport,
) -> Result<()> {
    let theirs = &record.incident;
    let target_id = match incidents::find_by_uid(tx, &theirs.uid)? {
        Some(mut ours) => {
            let acknowledged_at = match (ours.acknowledged_at, theirs.acknowledged_at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if theirs.updated_at > ours.updated_at {
                ours.title.clone_from(&theirs.title);
                ours.description.clone_from(&theirs.description);
                ours.severity = theirs.severity;
                ours.status = theirs.status;
                ours.commander.clone_from(&theirs.commander);
                ours.labels.clone_from(&theirs.labels);
                ours.detected_at = theirs.detected_at;
                ours.updated_at = theirs.updated_at;
                assignees::replace(tx, &ours.id, &theirs.assignees)?;
            }
            ours.acknowledged_at = acknowledged_at;
            incidents::update(tx, &ours)?;
            report.merged.push(ours.id.clone());
            ours.id
        }
        None => {
            let mut fresh = theirs.clone();
            if incidents::exists(tx, &theirs.id)? {
                let date = parse_incident_id(&theirs.id)
                    .map(|(date, _)| date)
                    .unwrap_or_else(|| theirs.detected_at.with_timezone(&offset).date_naive());
                fresh.id = next_incident_id(tx, date)?;
                report.renumbered.push(Renumbered {
                    exported_as: theirs.id.clone(),
                    imported_as: fresh.id.clone(),
                });
            }
            incidents::insert(tx, &fresh)?;
            assignees::replace(tx, &fresh.id, &fresh.assignees)?;
            report.created.push(fresh.id.clone());
            fresh.id
        }
    };

    for transition in &theirs.transitions {
        transitions::insert(tx, &target_id, transition)?;
    }
    for item in &record.evidence {
        if evidence::insert(tx, &target_id, item)? {
            report.evidence_added += 1;
        }
    }
    // Oldest first, so local paging order (which breaks ties by insertion) follows the story.
    let mut entries: Vec<_> = record.timeline.iter().collect();
    entries.sort_by_key(|e| (e.occurred_at, e.recorded_at));
    for entry in entries {
        if timeline::insert(tx, &target_id, entry)? {
            report.timeline_entries_added += 1;
        }
    }
    if let Some(postmortem) = &record.postmortem {
        merge_postmortem(tx, &target_id, postmortem, now)?;
    }
    Ok(())
}

fn merge_postmortem(
    tx: &Connection,
    incident_id: &str,
    theirs: &crate::model::postmortem::Postmortem,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let ours = load_postmortem(tx, incident_id)?;
    let their_prose_at = theirs.updated_at.unwrap_or(now);
    if ours.updated_at.is_none_or(|at| their_prose_at > at) {
        postmortems::upsert(tx, incident_id, theirs, their_prose_at)?;
    }
    for (position, item) in theirs.action_items.iter().enumerate() {
        let Some(id) = &item.id else { continue };
        let mine = ours.action_items.iter().find(|o| o.id.as_ref() == Some(id));
        let at = item.updated_at.unwrap_or(now);
        if mine.is_none_or(|m| m.updated_at.is_none_or(|mine_at| at > mine_at)) {
            action_items::upsert(tx, incident_id, id, position, item, at)?;
        }
    }
    for (position, item) in theirs.monitoring_improvements.iter().enumerate() {
        let Some(id) = &item.id else { continue };
        let mine = ours
            .monitoring_improvements
            .iter()
            .find(|o| o.id.as_ref() == Some(id));
        let at = item.updated_at.unwrap_or(now);
        if mine.is_none_or(|m| m.updated_at.is_none_or(|mine_at| at > mine_at)) {
            improvements::upsert(tx, incident_id, id, position, item, at)?;
        }
    }
    Ok(())
}
