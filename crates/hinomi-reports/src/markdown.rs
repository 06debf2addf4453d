//! The report as Markdown: readable as plain text, pasteable into a wiki or a ticket.

use crate::model::{ReportInput, duration_text, event_text, or_dash, time_text};
use hinomi_incidents::{EvidenceData, TimelineEvent};
use std::fmt::Write;

pub fn render(input: &ReportInput) -> String {
    let inc = &input.incident;
    let pm = &input.postmortem;
    let mut md = String::new();
    let _ = writeln!(md, "# {} {}\n", inc.id, inc.title);
    let _ = writeln!(md, "| | |\n| --- | --- |");
    let _ = writeln!(md, "| Severity | {} |", inc.severity);
    let _ = writeln!(md, "| Status | {} |", inc.status);
    let _ = writeln!(
        md,
        "| Commander | {} |",
        inc.commander.as_deref().unwrap_or("—")
    );
    let _ = writeln!(md, "| Assignees | {} |", or_dash(&inc.assignees.join(", ")));
    let _ = writeln!(md, "| Detected | {} |", time_text(inc.detected_at));
    for (label, value) in durations(inc) {
        let _ = writeln!(md, "| {label} | {value} |");
    }
    if !inc.description.trim().is_empty() {
        let _ = writeln!(md, "\n{}", inc.description.trim());
    }
    for (heading, text) in [
        ("Summary", &pm.summary),
        ("Impact", &pm.impact),
        ("Root cause", &pm.root_cause),
        ("Timeline narrative", &pm.timeline_narrative),
    ] {
        let _ = writeln!(md, "\n## {heading}\n\n{}", or_dash(text.trim()));
    }
    let _ = writeln!(md, "\n## Action items\n");
    if pm.action_items.is_empty() {
        let _ = writeln!(md, "—");
    } else {
        let _ = writeln!(
            md,
            "| Action | Owner | Due | Status |\n| --- | --- | --- | --- |"
        );
        for item in &pm.action_items {
            let due = item.due_date.map(|d| d.to_string()).unwrap_or_default();
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                cell(&item.description),
                cell(&item.owner),
                due,
                item.status.as_str()
            );
        }
    }
    let _ = writeln!(md, "\n## Monitoring improvements\n");
    if pm.monitoring_improvements.is_empty() {
        let _ = writeln!(md, "—");
    }
    for improvement in &pm.monitoring_improvements {
        let _ = writeln!(md, "- {}", improvement.description.trim());
        if !improvement.rule_yaml.trim().is_empty() {
            let _ = writeln!(md, "\n```yaml\n{}\n```\n", improvement.rule_yaml.trim_end());
        }
    }
    let _ = writeln!(md, "\n## Timeline\n");
    for entry in &input.timeline {
        let who = entry
            .author
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        match &entry.event {
            TimelineEvent::Note { markdown } => {
                let _ = writeln!(md, "- **{}**{who} note:\n", time_text(entry.occurred_at));
                for line in markdown.lines() {
                    let _ = writeln!(md, "  > {line}");
                }
            }
            event => {
                let _ = writeln!(
                    md,
                    "- **{}**{who} {}",
                    time_text(entry.occurred_at),
                    event_text(event)
                );
            }
        }
    }
    let _ = writeln!(md, "\n## Evidence\n");
    if input.evidence.is_empty() {
        let _ = writeln!(md, "—");
    }
    for record in &input.evidence {
        let _ = writeln!(md, "### {}\n", record.data.title());
        match &record.data {
            EvidenceData::Metric(m) => {
                let _ = writeln!(
                    md,
                    "Query `{}` on {} from {} to {}, {} series.\n",
                    m.query,
                    m.datasource,
                    time_text(m.range.start),
                    time_text(m.range.end),
                    m.series.len()
                );
            }
            EvidenceData::Logs(l) => {
                let _ = writeln!(md, "Query `{}` on {}.\n\n```text", l.query, l.datasource);
                for line in &l.lines {
                    let at = line.timestamp.map(time_text).unwrap_or_default();
                    let _ = writeln!(md, "{at} {}", line.text);
                }
                let _ = writeln!(md, "```\n");
            }
            EvidenceData::Alert(a) => {
                let labels: Vec<String> =
                    a.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let _ = writeln!(
                    md,
                    "Alert `{}` ({:?}) since {}; labels `{}`.\n",
                    a.alertname(),
                    a.state,
                    time_text(a.starts_at),
                    labels.join(", ")
                );
            }
        }
    }
    md
}

pub(crate) fn durations(inc: &hinomi_incidents::Incident) -> Vec<(&'static str, String)> {
    let show = |s: Option<i32>| s.map(duration_text).unwrap_or_else(|| "—".to_string());
    vec![
        (
            "Time to acknowledge",
            show(inc.durations.time_to_acknowledge_seconds),
        ),
        (
            "Time to mitigate",
            show(inc.durations.time_to_mitigate_seconds),
        ),
        (
            "Time to resolve",
            show(inc.durations.time_to_resolve_seconds),
        ),
    ]
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
