//! The report as Markdown: readable as plain text, pasteable into a wiki or a ticket.

use crate::labels::Labels;
use crate::model::{ReportInput, durations, event_text, or_dash, time_text};
use hinomi_incidents::{EvidenceData, TimelineEvent};
use std::fmt::Write;

pub fn render(input: &ReportInput, l: &Labels) -> String {
    let inc = &input.incident;
    let pm = &input.postmortem;
    let mut md = String::new();
    let _ = writeln!(md, "# {} {}\n", inc.id, inc.title);
    let _ = writeln!(md, "| | |\n| --- | --- |");
    let _ = writeln!(md, "| {} | {} |", l.severity, inc.severity);
    let _ = writeln!(md, "| {} | {} |", l.status, l.status_name(inc.status));
    let _ = writeln!(
        md,
        "| {} | {} |",
        l.commander,
        inc.commander.as_deref().unwrap_or("—")
    );
    let _ = writeln!(
        md,
        "| {} | {} |",
        l.assignees,
        or_dash(&inc.assignees.join(", "))
    );
    let _ = writeln!(md, "| {} | {} |", l.detected, time_text(inc.detected_at));
    for (label, value) in durations(inc, l) {
        let _ = writeln!(md, "| {label} | {value} |");
    }
    if !inc.description.trim().is_empty() {
        let _ = writeln!(md, "\n{}", inc.description.trim());
    }
    for (heading, text) in [
        (l.summary, &pm.summary),
        (l.impact, &pm.impact),
        (l.root_cause, &pm.root_cause),
        (l.timeline_narrative, &pm.timeline_narrative),
    ] {
        let _ = writeln!(md, "\n## {heading}\n\n{}", or_dash(text.trim()));
    }
    let _ = writeln!(md, "\n## {}\n", l.action_items);
    if pm.action_items.is_empty() {
        let _ = writeln!(md, "—");
    } else {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |\n| --- | --- | --- | --- |",
            l.action, l.owner, l.due, l.status
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
    let _ = writeln!(md, "\n## {}\n", l.monitoring_improvements);
    if pm.monitoring_improvements.is_empty() {
        let _ = writeln!(md, "—");
    }
    for improvement in &pm.monitoring_improvements {
        let _ = writeln!(md, "- {}", improvement.description.trim());
        if !improvement.rule_yaml.trim().is_empty() {
            let _ = writeln!(md, "\n```yaml\n{}\n```\n", improvement.rule_yaml.trim_end());
        }
    }
    let _ = writeln!(md, "\n## {}\n", l.timeline);
    for entry in &input.timeline {
        let who = entry
            .author
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        match &entry.event {
            TimelineEvent::Note { markdown } => {
                let _ = writeln!(
                    md,
                    "- **{}**{who} {}:\n",
                    time_text(entry.occurred_at),
                    l.note
                );
                for line in markdown.lines() {
                    let _ = writeln!(md, "  > {line}");
                }
            }
            event => {
                let _ = writeln!(
                    md,
                    "- **{}**{who} {}",
                    time_text(entry.occurred_at),
                    event_text(event, l)
                );
            }
        }
    }
    let _ = writeln!(md, "\n## {}\n", l.evidence);
    if input.evidence.is_empty() {
        let _ = writeln!(md, "—");
    }
    for record in &input.evidence {
        let _ = writeln!(md, "### {}\n", record.data.title());
        match &record.data {
            EvidenceData::Metric(m) => {
                let _ = writeln!(
                    md,
                    "{} `{}` · {} · {} – {} · {} {}\n",
                    l.query,
                    m.query,
                    m.datasource,
                    time_text(m.range.start),
                    time_text(m.range.end),
                    m.series.len(),
                    l.series
                );
                // The chart, drawn from the stored series as text (one line per series).
                let _ = writeln!(md, "```text");
                for (line, series) in crate::chart::sparklines(m, 60).iter().zip(&m.series) {
                    let labels: Vec<String> = series
                        .labels
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    let _ = writeln!(md, "{} {}", line, labels.join(", "));
                }
                let _ = writeln!(md, "```\n");
                if !m.annotations.is_empty() {
                    let _ = writeln!(md, "{}:\n", l.annotations);
                    for mark in &m.annotations {
                        let _ = writeln!(md, "- {}", crate::chart::annotation_text(mark));
                    }
                    let _ = writeln!(md);
                }
            }
            EvidenceData::Logs(logs) => {
                let _ = writeln!(
                    md,
                    "{} `{}` · {}\n\n```text",
                    l.query, logs.query, logs.datasource
                );
                for line in &logs.lines {
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

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
