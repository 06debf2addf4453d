//! The JSON file a commander hands to another laptop: whole incidents with their history,
//! timeline, evidence and postmortem.
//!
//! Everything in it has a stable id, so importing the same file twice, or a file that went to
//! another laptop and came back with additions, merges instead of duplicating.

use crate::error::{BundleProblem, IncidentError, Result};
use crate::model::evidence::EvidenceRecord;
use crate::model::incident::Incident;
use crate::model::postmortem::Postmortem;
use crate::model::timeline::TimelineEntry;
use chrono::{DateTime, Utc};
use hinomi_core::atomic_file::{Access, write_atomically};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::Path;

pub const BUNDLE_FORMAT: &str = "hinomi-incidents";
/// Bumped when a field changes meaning; readers refuse newer versions instead of guessing.
pub const BUNDLE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IncidentBundle {
    pub format: String,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub incidents: Vec<IncidentRecord>,
}

/// One incident and everything attached to it. `incident.transitions` is the status history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IncidentRecord {
    pub incident: Incident,
    pub timeline: Vec<TimelineEntry>,
    pub evidence: Vec<EvidenceRecord>,
    pub postmortem: Option<Postmortem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Renumbered {
    /// The id on the laptop that exported it.
    pub exported_as: String,
    /// The id here: the exported one was already taken by a different incident.
    pub imported_as: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
pub struct IncidentImportReport {
    /// Incidents that did not exist here (by their ids here).
    pub created: Vec<String>,
    /// Incidents that existed here and were merged.
    pub merged: Vec<String>,
    pub renumbered: Vec<Renumbered>,
    pub timeline_entries_added: u32,
    pub evidence_added: u32,
}

impl IncidentBundle {
    pub fn new(exported_at: DateTime<Utc>, incidents: Vec<IncidentRecord>) -> Self {
        Self {
            format: BUNDLE_FORMAT.to_string(),
            version: BUNDLE_VERSION,
            exported_at,
            incidents,
        }
    }

    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(IncidentError::corrupt("incident export"))
    }

    pub fn from_json(text: &str) -> Result<Self> {
        // Check the envelope first, so a wrong file gets "not an export" rather than a
        // complaint about some field deep inside.
        #[derive(Deserialize)]
        struct Envelope {
            format: Option<String>,
            version: Option<u32>,
        }
        let envelope: Envelope = serde_json::from_str(text)
            .map_err(|err| IncidentError::Bundle(BundleProblem::NotJson(err.to_string())))?;
        if envelope.format.as_deref() != Some(BUNDLE_FORMAT) {
            return Err(IncidentError::Bundle(BundleProblem::WrongFormat));
        }
        match envelope.version {
            Some(version) if version <= BUNDLE_VERSION => {}
            other => {
                return Err(IncidentError::Bundle(BundleProblem::TooNew(other)));
            }
        }
        serde_json::from_str(text)
            .map_err(|err| IncidentError::Bundle(BundleProblem::Unreadable(err.to_string())))
    }

    /// Writes next to `path`, fsyncs, renames and fsyncs the folder
    /// ([`hinomi_core::atomic_file`]), so a crash never leaves half a file under the name.
    pub fn write_file(&self, path: &Path) -> Result<()> {
        let json = self.to_json()?;
        write_atomically(path, json.as_bytes(), Access::Private).map_err(IncidentError::Write)
    }

    pub fn read_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| IncidentError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_and_future_files_are_refused_by_name() {
        let err = IncidentBundle::from_json(r#"{"groups": []}"#).unwrap_err();
        assert!(err.to_string().contains("hinomi-incidents"), "{err}");
        let err = IncidentBundle::from_json(r#"{"format": "hinomi-incidents", "version": 99}"#)
            .unwrap_err();
        assert!(err.to_string().contains("update Hinomi"), "{err}");
        assert!(IncidentBundle::from_json("not json").is_err());
    }
}
