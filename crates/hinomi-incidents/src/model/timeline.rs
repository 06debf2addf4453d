//! What happened during an incident, in order.
//!
//! Automatic entries (alerts, status, severity and people changes) and the humans' notes and
//! pinned evidence share one timeline, because the postmortem narrative is written from it.
//! Every entry has a globally unique id so an incident handed to another laptop and back merges
//! instead of duplicating.

use crate::model::evidence::EvidenceKind;
use crate::model::lifecycle::Status;
use crate::model::severity::Severity;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineEvent {
    Created {
        title: String,
        severity: Severity,
    },
    AlertFired {
        alertname: String,
        labels: BTreeMap<String, String>,
        summary: Option<String>,
        /// The alert snapshot pinned with this entry.
        evidence_id: Option<String>,
    },
    AlertResolved {
        alertname: String,
        labels: BTreeMap<String, String>,
        summary: Option<String>,
        evidence_id: Option<String>,
    },
    StatusChanged {
        from: Status,
        to: Status,
    },
    SeverityChanged {
        from: Severity,
        to: Severity,
    },
    Acknowledged,
    CommanderChanged {
        from: Option<String>,
        to: Option<String>,
    },
    AssigneeAdded {
        name: String,
    },
    AssigneeRemoved {
        name: String,
    },
    /// Markdown, stored exactly as typed; rendering and sanitising are the UI's job.
    Note {
        markdown: String,
    },
    EvidencePinned {
        evidence_id: String,
        evidence_kind: EvidenceKind,
        title: String,
    },
}

impl TimelineEvent {
    /// The tag stored in its own column so entries can be filtered without parsing JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            TimelineEvent::Created { .. } => "created",
            TimelineEvent::AlertFired { .. } => "alert_fired",
            TimelineEvent::AlertResolved { .. } => "alert_resolved",
            TimelineEvent::StatusChanged { .. } => "status_changed",
            TimelineEvent::SeverityChanged { .. } => "severity_changed",
            TimelineEvent::Acknowledged => "acknowledged",
            TimelineEvent::CommanderChanged { .. } => "commander_changed",
            TimelineEvent::AssigneeAdded { .. } => "assignee_added",
            TimelineEvent::AssigneeRemoved { .. } => "assignee_removed",
            TimelineEvent::Note { .. } => "note",
            TimelineEvent::EvidencePinned { .. } => "evidence_pinned",
        }
    }

    pub fn evidence_id(&self) -> Option<&str> {
        match self {
            TimelineEvent::AlertFired { evidence_id, .. }
            | TimelineEvent::AlertResolved { evidence_id, .. } => evidence_id.as_deref(),
            TimelineEvent::EvidencePinned { evidence_id, .. } => Some(evidence_id),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TimelineEntry {
    pub id: String,
    pub incident_id: String,
    /// When it happened (an alert's startsAt may be earlier than when we heard of it).
    pub occurred_at: DateTime<Utc>,
    /// When it was written down.
    pub recorded_at: DateTime<Utc>,
    pub author: Option<String>,
    pub event: TimelineEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TimelineOrder {
    #[default]
    OldestFirst,
    NewestFirst,
}

/// One page of a timeline request. Keyset paging: pass the previous page's `next_cursor` as
/// `after`; an incident with 10,000 entries is never loaded at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TimelineQuery {
    pub incident_id: String,
    #[serde(default)]
    pub order: TimelineOrder,
    #[serde(default)]
    pub after: Option<String>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TimelinePage {
    pub entries: Vec<TimelineEntry>,
    /// Opaque; `None` on the last page.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialise_with_their_kind_tag() {
        let json = serde_json::to_value(TimelineEvent::StatusChanged {
            from: Status::Detected,
            to: Status::Assessed,
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "status_changed", "from": "detected", "to": "assessed"})
        );
        let ack = serde_json::to_value(TimelineEvent::Acknowledged).unwrap();
        assert_eq!(ack["kind"], TimelineEvent::Acknowledged.kind());
    }
}
