//! Response-target countdowns and the 80% / 100% warnings.
//!
//! Pure functions of an incident, the targets and "now", so the shell's timer and the tests
//! share one definition of "overdue". The store persists which warnings were already raised.

use crate::model::incident::{Incident, seconds_i32};
use crate::model::severity::{ResponseTargets, Severity, TargetStop};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The fractions of a response target at which the user is warned, as percentages.
pub const THRESHOLDS_PERCENT: [u32; 2] = [80, 100];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ResponseCountdown {
    pub incident_id: String,
    pub severity: Severity,
    pub target_seconds: i32,
    pub deadline: DateTime<Utc>,
    /// Measured to `stopped_at` once the clock has stopped, otherwise to now.
    pub elapsed_seconds: i32,
    /// Negative once overdue.
    pub remaining_seconds: i32,
    /// 0.0 at detection, 1.0 at the deadline; keeps growing past it.
    pub fraction_used: f64,
    pub overdue: bool,
    /// When the target was met (or missed): the acknowledgement, mitigation or resolution,
    /// depending on [`TargetStop`].
    pub stopped_at: Option<DateTime<Utc>>,
}

impl ResponseCountdown {
    pub fn is_running(&self) -> bool {
        self.stopped_at.is_none()
    }
}

/// A warning the shell should raise now (at most once per incident, severity and threshold).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ThresholdCrossing {
    pub incident_id: String,
    pub title: String,
    pub severity: Severity,
    pub threshold_percent: u32,
    pub deadline: DateTime<Utc>,
    pub remaining_seconds: i32,
}

pub fn countdown(
    incident: &Incident,
    targets: &ResponseTargets,
    now: DateTime<Utc>,
) -> ResponseCountdown {
    let target = targets.target_for(incident.severity);
    let stopped_at = match targets.stop_at {
        TargetStop::Acknowledged => incident.acknowledged_at,
        TargetStop::Mitigated => incident.mitigated_at(),
        TargetStop::Resolved => incident.resolved_at(),
    };
    let elapsed = stopped_at.unwrap_or(now) - incident.detected_at;
    let fraction_used = if target.num_milliseconds() > 0 {
        elapsed.num_milliseconds() as f64 / target.num_milliseconds() as f64
    } else {
        // A zero target is overdue the moment the incident exists.
        1.0
    };
    ResponseCountdown {
        incident_id: incident.id.clone(),
        severity: incident.severity,
        target_seconds: seconds_i32(target),
        deadline: incident.detected_at + target,
        elapsed_seconds: seconds_i32(elapsed),
        remaining_seconds: seconds_i32(target - elapsed),
        fraction_used,
        overdue: fraction_used >= 1.0,
        stopped_at,
    }
}

/// Thresholds reached by `fraction_used` that are not in `already_notified`, lowest first.
pub fn thresholds_reached(fraction_used: f64, already_notified: &[u32]) -> Vec<u32> {
    THRESHOLDS_PERCENT
        .into_iter()
        .filter(|percent| fraction_used * 100.0 >= f64::from(*percent))
        .filter(|percent| !already_notified.contains(percent))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lifecycle::Status;
    use std::collections::BTreeMap;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
            .unwrap()
            .to_utc()
            + chrono::Duration::minutes(minute)
    }

    fn incident(severity: Severity) -> Incident {
        let mut incident = Incident {
            id: "INC-20261124-001".into(),
            uid: "u".into(),
            title: "t".into(),
            description: String::new(),
            severity,
            status: Status::Detected,
            commander: None,
            assignees: vec![],
            labels: BTreeMap::new(),
            detected_at: at(0),
            acknowledged_at: None,
            created_at: at(0),
            updated_at: at(0),
            transitions: vec![],
            durations: Default::default(),
            allowed_next: vec![],
        };
        incident.refresh_derived();
        incident
    }

    #[test]
    fn counts_down_to_the_severity_target() {
        let targets = ResponseTargets::default();
        let c = countdown(&incident(Severity::P1), &targets, at(45));
        assert_eq!(c.target_seconds, 3600);
        assert_eq!(c.remaining_seconds, 15 * 60);
        assert!((c.fraction_used - 0.75).abs() < 1e-9);
        assert!(!c.overdue);
        assert_eq!(c.deadline, at(60));
        let late = countdown(&incident(Severity::P1), &targets, at(70));
        assert!(late.overdue);
        assert_eq!(late.remaining_seconds, -600);
    }

    #[test]
    fn acknowledgement_stops_the_clock_by_default() {
        let mut inc = incident(Severity::P0);
        inc.acknowledged_at = Some(at(5));
        let c = countdown(&inc, &ResponseTargets::default(), at(600));
        assert_eq!(c.stopped_at, Some(at(5)));
        assert_eq!(c.elapsed_seconds, 300);
        assert!(!c.overdue);
        let until_resolved = ResponseTargets {
            stop_at: TargetStop::Resolved,
            ..ResponseTargets::default()
        };
        assert!(countdown(&inc, &until_resolved, at(600)).overdue);
    }

    #[test]
    fn thresholds_are_reported_once() {
        assert!(thresholds_reached(0.79, &[]).is_empty());
        assert_eq!(thresholds_reached(0.8, &[]), vec![80]);
        assert!(thresholds_reached(0.9, &[80]).is_empty());
        assert_eq!(thresholds_reached(1.0, &[80]), vec![100]);
        assert_eq!(thresholds_reached(3.0, &[]), vec![80, 100]);
    }
}
