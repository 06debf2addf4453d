//! What a report is made of, and small text helpers shared by every format.

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
pub(crate) fn event_text(event: &TimelineEvent) -> String {
    match event {
        TimelineEvent::Created { title, severity } => {
            format!("Incident created ({severity}): {title}")
        }
        TimelineEvent::AlertFired {
            alertname, summary, ..
        } => match summary {
            Some(summary) => format!("Alert fired: {alertname} — {summary}"),
            None => format!("Alert fired: {alertname}"),
        },
        TimelineEvent::AlertResolved { alertname, .. } => format!("Alert resolved: {alertname}"),
        TimelineEvent::StatusChanged { from, to } => format!("Status: {from} → {to}"),
        TimelineEvent::SeverityChanged { from, to } => format!("Severity: {from} → {to}"),
        TimelineEvent::Acknowledged => "Acknowledged".to_string(),
        TimelineEvent::CommanderChanged { to, .. } => {
            format!("Commander: {}", to.as_deref().unwrap_or("—"))
        }
        TimelineEvent::AssigneeAdded { name } => format!("Assignee added: {name}"),
        TimelineEvent::AssigneeRemoved { name } => format!("Assignee removed: {name}"),
        TimelineEvent::Note { markdown } => markdown.clone(),
        TimelineEvent::EvidencePinned {
            evidence_kind,
            title,
            ..
        } => {
            format!("Evidence pinned ({}): {title}", evidence_kind.as_str())
        }
    }
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
