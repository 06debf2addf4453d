//! The incident lifecycle and which moves through it are allowed.
//!
//! Kept free of storage so the rules can be read (and tested) in one place. Besides the forward
//! path, two moves go back to `investigating`: a mitigation that did not hold, and a resolved
//! incident that recurs before its report is written.

use serde::{Deserialize, Serialize};
use specta::Type;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Detected,
    Assessed,
    Assigned,
    Investigating,
    Mitigated,
    Resolved,
    Reported,
    Closed,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Detected,
        Status::Assessed,
        Status::Assigned,
        Status::Investigating,
        Status::Mitigated,
        Status::Resolved,
        Status::Reported,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Detected => "detected",
            Status::Assessed => "assessed",
            Status::Assigned => "assigned",
            Status::Investigating => "investigating",
            Status::Mitigated => "mitigated",
            Status::Resolved => "resolved",
            Status::Reported => "reported",
            Status::Closed => "closed",
        }
    }

    /// The states this one may move to, forward path first.
    pub fn allowed_next(self) -> &'static [Status] {
        match self {
            Status::Detected => &[Status::Assessed],
            Status::Assessed => &[Status::Assigned],
            Status::Assigned => &[Status::Investigating],
            Status::Investigating => &[Status::Mitigated, Status::Resolved],
            Status::Mitigated => &[Status::Resolved, Status::Investigating],
            Status::Resolved => &[Status::Reported, Status::Investigating],
            Status::Reported => &[Status::Closed],
            Status::Closed => &[],
        }
    }

    /// Open incidents still need someone's attention; only `closed` ends that.
    pub fn is_open(self) -> bool {
        self != Status::Closed
    }

    /// Service is restored (possibly only temporarily) in these states.
    pub fn is_resolved(self) -> bool {
        matches!(self, Status::Resolved | Status::Reported | Status::Closed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| format!("unknown incident status {text:?}"))
    }
}

/// A move the lifecycle does not allow. The message names both ends and what would be allowed,
/// so the user knows what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{incident_id} cannot go from {from} to {to}; {}", allowed_text(*from))]
pub struct TransitionRefused {
    pub incident_id: String,
    pub from: Status,
    pub to: Status,
    pub allowed: Vec<Status>,
}

fn allowed_text(from: Status) -> String {
    let allowed = from.allowed_next();
    if allowed.is_empty() {
        format!("{from} is final.")
    } else {
        let names: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
        format!("allowed next: {}.", names.join(", "))
    }
}

pub fn check_transition(
    incident_id: &str,
    from: Status,
    to: Status,
) -> Result<(), TransitionRefused> {
    if from.allowed_next().contains(&to) {
        Ok(())
    } else {
        Err(TransitionRefused {
            incident_id: incident_id.to_string(),
            from,
            to,
            allowed: from.allowed_next().to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forward_path_is_allowed_step_by_step() {
        for pair in Status::ALL.windows(2) {
            check_transition("INC-1", pair[0], pair[1]).unwrap();
        }
    }

    #[test]
    fn skipping_ahead_is_refused_with_from_to_and_allowed() {
        let err =
            check_transition("INC-20261124-001", Status::Detected, Status::Resolved).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INC-20261124-001 cannot go from detected to resolved; allowed next: assessed."
        );
        assert_eq!(err.allowed, vec![Status::Assessed]);
    }

    #[test]
    fn closed_is_final() {
        let err = check_transition("INC-1", Status::Closed, Status::Investigating).unwrap_err();
        assert!(err.to_string().ends_with("closed is final."), "{err}");
    }

    #[test]
    fn names_round_trip() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>(), Ok(status));
        }
    }
}
