//! Turning a firing alert group into the first draft of an incident.
//!
//! One action from an Alertmanager notification to an incident: the severity comes from the
//! alerts' `severity` label through a configurable mapping, the title from the alert name and
//! the first `summary` annotation, and the alerts themselves are kept as snapshots.

use crate::model::evidence::AlertSnapshot;
use crate::model::severity::Severity;
pub use crate::policy::SeverityMapping;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;

/// An Alertmanager alert group: the labels it is grouped by and its alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FiringAlertGroup {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub alerts: Vec<AlertSnapshot>,
}

/// The most severe P-level among the group's alerts, each read through `mapping` (an alert
/// without the label takes the group's value).
pub fn severity_of(mapping: &SeverityMapping, group: &FiringAlertGroup) -> Severity {
    let group_value = group.labels.get(&mapping.label).map(String::as_str);
    group
        .alerts
        .iter()
        .map(|alert| {
            mapping.map(
                alert
                    .labels
                    .get(&mapping.label)
                    .map(String::as_str)
                    .or(group_value),
            )
        })
        .min()
        .unwrap_or_else(|| mapping.map(group_value))
}

/// Choices the commander makes in the "create incident" dialog.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct AlertIncidentOptions {
    /// Overrides the mapped severity; the only way the defaults yield P0.
    pub severity: Option<Severity>,
    pub title: Option<String>,
    pub commander: Option<String>,
    /// Who is creating it, for the timeline.
    pub actor: Option<String>,
}

/// "HighErrorRate: 高エラー率を検出". Several alert names become "HighErrorRate +2".
pub fn title_for(group: &FiringAlertGroup) -> String {
    let mut names: Vec<&str> = Vec::new();
    for name in group
        .labels
        .get("alertname")
        .map(String::as_str)
        .into_iter()
        .chain(group.alerts.iter().map(AlertSnapshot::alertname))
        .filter(|name| !name.is_empty())
    {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let name = match names.as_slice() {
        [] => "Alert".to_string(),
        [one] => (*one).to_string(),
        [first, rest @ ..] => format!("{first} +{}", rest.len()),
    };
    let summary = group
        .alerts
        .iter()
        .filter_map(|alert| alert.annotations.get("summary"))
        .map(|summary| summary.trim())
        .find(|summary| !summary.is_empty());
    match summary {
        Some(summary) => format!("{name}: {summary}"),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::evidence::AlertState;
    use chrono::DateTime;

    fn alert(name: &str, severity: Option<&str>, summary: Option<&str>) -> AlertSnapshot {
        let mut labels = BTreeMap::from([("alertname".to_string(), name.to_string())]);
        if let Some(severity) = severity {
            labels.insert("severity".into(), severity.into());
        }
        AlertSnapshot {
            labels,
            annotations: summary
                .map(|s| BTreeMap::from([("summary".to_string(), s.to_string())]))
                .unwrap_or_default(),
            starts_at: DateTime::UNIX_EPOCH,
            ends_at: None,
            state: AlertState::Firing,
            source: "alertmanager".into(),
            generator_url: None,
            fingerprint: None,
        }
    }

    #[test]
    fn the_most_severe_alert_wins() {
        let group = FiringAlertGroup {
            labels: BTreeMap::new(),
            alerts: vec![
                alert("HighLatency", Some("warning"), None),
                alert("HighErrorRate", Some("critical"), None),
            ],
        };
        assert_eq!(
            severity_of(&SeverityMapping::default(), &group),
            Severity::P1
        );
        let custom = SeverityMapping {
            values: BTreeMap::from([("warning".to_string(), Severity::P0)]),
            ..SeverityMapping::default()
        };
        assert_eq!(severity_of(&custom, &group), Severity::P0);
    }

    #[test]
    fn title_is_alertname_and_first_summary() {
        let group = FiringAlertGroup {
            labels: BTreeMap::from([("alertname".to_string(), "HighErrorRate".to_string())]),
            alerts: vec![
                alert("HighErrorRate", Some("critical"), None),
                alert("HighErrorRate", Some("critical"), Some("高エラー率を検出")),
            ],
        };
        assert_eq!(title_for(&group), "HighErrorRate: 高エラー率を検出");
        let mixed = FiringAlertGroup {
            labels: BTreeMap::new(),
            alerts: vec![
                alert("A", None, None),
                alert("B", None, None),
                alert("C", None, None),
            ],
        };
        assert_eq!(title_for(&mixed), "A +2");
    }
}
