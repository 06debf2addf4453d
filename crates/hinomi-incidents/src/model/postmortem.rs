//! The postmortem written after an incident (seed §7.2 "報告と改善").

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    #[default]
    Open,
    InProgress,
    Done,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            ActionStatus::Open,
            ActionStatus::InProgress,
            ActionStatus::Done,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ActionItem {
    /// `None` when the UI adds a new item; the store assigns one.
    pub id: Option<String>,
    pub description: String,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub status: ActionStatus,
    /// Set by the store; used to merge imports item by item.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A proposed change to monitoring, usually a new or changed alert rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct MonitoringImprovement {
    pub id: Option<String>,
    pub description: String,
    /// A Prometheus rule file (`groups:` / `rules:`), or empty when the improvement is not a
    /// rule (a dashboard panel, a runbook).
    pub rule_yaml: String,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Postmortem {
    pub incident_id: String,
    pub summary: String,
    pub impact: String,
    pub root_cause: String,
    pub timeline_narrative: String,
    pub action_items: Vec<ActionItem>,
    pub monitoring_improvements: Vec<MonitoringImprovement>,
    /// Set by the store.
    pub updated_at: Option<DateTime<Utc>>,
}

impl Postmortem {
    pub fn empty(incident_id: &str) -> Self {
        Self {
            incident_id: incident_id.to_string(),
            summary: String::new(),
            impact: String::new(),
            root_cause: String::new(),
            timeline_narrative: String::new(),
            action_items: Vec::new(),
            monitoring_improvements: Vec::new(),
            updated_at: None,
        }
    }
}
