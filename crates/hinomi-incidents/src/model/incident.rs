//! The incident record and the durations a postmortem and the UI report for it.

use crate::model::lifecycle::Status;
use crate::model::severity::Severity;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;

/// One recorded status change. `from` is `None` for the initial `detected`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct StatusTransition {
    pub id: String,
    pub from: Option<Status>,
    pub to: Status,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
}

/// Seconds from detection; `None` until the milestone is reached. `i32` because it crosses to
/// TypeScript (68 years of seconds is enough).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
pub struct IncidentDurations {
    pub time_to_acknowledge_seconds: Option<i32>,
    pub time_to_mitigate_seconds: Option<i32>,
    pub time_to_resolve_seconds: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Incident {
    /// Human-friendly, e.g. `INC-20261124-003`.
    pub id: String,
    /// Identity across laptops: two laptops can both number an incident `INC-20261124-003`.
    pub uid: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub status: Status,
    pub commander: Option<String>,
    pub assignees: Vec<String>,
    /// Labels of the alert group the incident was created from.
    pub labels: BTreeMap<String, String>,
    pub detected_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// When the fields above last changed. Timeline additions do not count: an import takes
    /// the incident's fields from whichever side changed them last.
    pub updated_at: DateTime<Utc>,
    /// Oldest first.
    pub transitions: Vec<StatusTransition>,
    /// Derived from the fields above; ignored on import.
    pub durations: IncidentDurations,
    /// Derived from `status`, so the UI offers exactly the allowed moves; ignored on import.
    pub allowed_next: Vec<Status>,
}

impl Incident {
    /// First time service was restored: mitigated, or resolved without a separate mitigation.
    pub fn mitigated_at(&self) -> Option<DateTime<Utc>> {
        self.transitions
            .iter()
            .filter(|t| matches!(t.to, Status::Mitigated | Status::Resolved))
            .map(|t| t.at)
            .min()
    }

    /// The last resolution that still stands (a reopened incident is not resolved).
    pub fn resolved_at(&self) -> Option<DateTime<Utc>> {
        if !self.status.is_resolved() {
            return None;
        }
        self.transitions
            .iter()
            .filter(|t| t.to == Status::Resolved)
            .map(|t| t.at)
            .max()
    }

    pub fn compute_durations(&self) -> IncidentDurations {
        let since_detection = |at: DateTime<Utc>| seconds_i32(at - self.detected_at);
        IncidentDurations {
            time_to_acknowledge_seconds: self.acknowledged_at.map(since_detection),
            time_to_mitigate_seconds: self.mitigated_at().map(since_detection),
            time_to_resolve_seconds: self.resolved_at().map(since_detection),
        }
    }

    /// Fills the derived fields after the stored ones changed.
    pub(crate) fn refresh_derived(&mut self) {
        self.transitions.sort_by_key(|t| t.at);
        self.durations = self.compute_durations();
        self.allowed_next = self.status.allowed_next().to_vec();
    }
}

/// Whole seconds, saturating at the `i32` range.
pub fn seconds_i32(duration: chrono::Duration) -> i32 {
    let seconds = duration.num_seconds();
    i32::try_from(seconds).unwrap_or(if seconds < 0 { i32::MIN } else { i32::MAX })
}

/// A hand-made incident (not from an alert group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct NewIncident {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub severity: Severity,
    #[serde(default)]
    pub commander: Option<String>,
    #[serde(default)]
    pub assignees: Vec<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Who is creating it, for the timeline.
    #[serde(default)]
    pub actor: Option<String>,
}
