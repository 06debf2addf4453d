//! What a report is made of, and small text helpers shared by every format.

use crate::labels::Labels;
use hinomi_incidents::{EvidenceRecord, Incident, Postmortem, TimelineEntry, TimelineEvent};

/// Everything a report shows, read from the store in one go.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub incident: Incident,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
    pub evidence: Vec<EvidenceRecord>,
    pub postmortem: Postmortem,
}

/// "1 h 05 min 03 s", "4 min 10 s", "12 s".
pub fn duration_text(seconds: i32) -> String {
    let s = i64::from(seconds).abs();
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    let sign = if seconds < 0 { "-" } else { "" };
    if h > 0 {
        format!("{sign}{h} h {m:02} min {sec:02} s")
    } else if m > 0 {
        format!("{sign}{m} min {sec:02} s")
    } else {
        format!("{sign}{sec} s")
    }
}

/// One line of text describing a timeline entry (notes give their Markdown as-is).
pub(crate) fn event_text(event: &TimelineEvent, l: &Labels) -> String {
    match event {
        TimelineEvent::Created { title, severity } => {
            format!("{} ({severity}): {title}", l.incident_created)
        }
        TimelineEvent::AlertFired {
            alertname, summary, ..
        } => match summary {
            Some(summary) => format!("{}: {alertname} — {summary}", l.alert_fired),
            None => format!("{}: {alertname}", l.alert_fired),
        },
        TimelineEvent::AlertResolved { alertname, .. } => {
            format!("{}: {alertname}", l.alert_resolved)
        }
        TimelineEvent::StatusChanged { from, to } => format!(
            "{}: {} → {}",
            l.status,
            l.status_name(*from),
            l.status_name(*to)
        ),
        TimelineEvent::SeverityChanged { from, to } => {
            format!("{}: {from} → {to}", l.severity)
        }
        TimelineEvent::Acknowledged => l.acknowledged.to_string(),
        TimelineEvent::CommanderChanged { to, .. } => {
            format!("{}: {}", l.commander, to.as_deref().unwrap_or("—"))
        }
        TimelineEvent::AssigneeAdded { name } => format!("{}: {name}", l.assignee_added),
        TimelineEvent::AssigneeRemoved { name } => format!("{}: {name}", l.assignee_removed),
        TimelineEvent::Note { markdown } => markdown.clone(),
        TimelineEvent::EvidencePinned {
            evidence_kind,
            title,
            ..
        } => {
            format!(
                "{} ({}): {title}",
                l.evidence_pinned,
                evidence_kind.as_str()
            )
        }
    }
}

/// Time to acknowledge, mitigate and resolve, labelled; "—" for what has not happened.
pub(crate) fn durations(inc: &Incident, l: &Labels) -> Vec<(&'static str, String)> {
    let show = |s: Option<i32>| s.map(duration_text).unwrap_or_else(|| "—".to_string());
    vec![
        (
            l.time_to_acknowledge,
            show(inc.durations.time_to_acknowledge_seconds),
        ),
        (
            l.time_to_mitigate,
            show(inc.durations.time_to_mitigate_seconds),
        ),
        (
            l.time_to_resolve,
            show(inc.durations.time_to_resolve_seconds),
        ),
    ]
}

pub(crate) fn or_dash(text: &str) -> &str {
    if text.trim().is_empty() { "—" } else { text }
}

pub(crate) fn time_text(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(12), "12 s");
        assert_eq!(duration_text(250), "4 min 10 s");
        assert_eq!(duration_text(3903), "1 h 05 min 03 s");
        assert_eq!(duration_text(-60), "-1 min 00 s");
    }
}
