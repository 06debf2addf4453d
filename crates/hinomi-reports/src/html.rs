//! The report as one self-contained HTML file.
//!
//! Everything is inside the file: the CSS in a `<style>` element, charts as inline SVG drawn from
//! the stored evidence. There is no script, no image, no link, no font and no `url(...)`, so the
//! file opens the same offline, in a mail attachment or years later. All text from the incident
//! is escaped; notes are shown as their Markdown source, not interpreted.

use crate::chart::{annotation_colour, annotation_text, metric_svg, series_colour};
use crate::labels::Labels;
use crate::model::{ReportInput, durations, event_text, or_dash, time_text};
use hinomi_incidents::EvidenceData;
use std::fmt::Write;

const CSS: &str = "\
body{font-family:sans-serif;color:#111;max-width:56rem;margin:2rem auto;padding:0 1rem;line-height:1.5}\
h1{font-size:1.6rem;border-bottom:2px solid #c0392b;padding-bottom:.3rem}\
h2{font-size:1.2rem;margin-top:1.8rem;border-bottom:1px solid #ccc}\
h3{font-size:1rem}\
table{border-collapse:collapse;margin:.5rem 0}\
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}\
pre{background:#f4f4f4;padding:.5rem;white-space:pre-wrap;word-break:break-word}\
.sev{font-weight:bold}\
.time{white-space:nowrap;color:#444}\
.legend span{display:inline-block;margin-right:1rem}\
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem}\
svg.chart{max-width:100%;height:auto}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}figure,tr,pre{break-inside:avoid}}\
";

pub use hinomi_core::markup::escape;

fn paragraph(html: &mut String, heading: &str, text: &str) {
    let _ = write!(
        html,
        "<h2>{}</h2><pre>{}</pre>",
        heading,
        escape(or_dash(text.trim()))
    );
}

pub fn render(input: &ReportInput, l: &Labels) -> String {
    let inc = &input.incident;
    let pm = &input.postmortem;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{} {}</title><style>{CSS}</style></head><body>",
        l.lang,
        escape(&inc.id),
        escape(&inc.title)
    );
    let _ = write!(
        h,
        "<h1>{} {}</h1><table>",
        escape(&inc.id),
        escape(&inc.title)
    );
    let mut row = |label: &str, value: &str| {
        let _ = write!(h, "<tr><th>{label}</th><td>{}</td></tr>", escape(value));
    };
    row(l.severity, inc.severity.as_str());
    row(l.status, l.status_name(inc.status));
    row(l.commander, inc.commander.as_deref().unwrap_or("—"));
    row(l.assignees, or_dash(&inc.assignees.join(", ")));
    row(l.detected, &time_text(inc.detected_at));
    for (label, value) in durations(inc, l) {
        row(label, &value);
    }
    h.push_str("</table>");
    if !inc.description.trim().is_empty() {
        let _ = write!(h, "<pre>{}</pre>", escape(inc.description.trim()));
    }
    paragraph(&mut h, l.summary, &pm.summary);
    paragraph(&mut h, l.impact, &pm.impact);
    paragraph(&mut h, l.root_cause, &pm.root_cause);
    paragraph(&mut h, l.timeline_narrative, &pm.timeline_narrative);

    let _ = write!(h, "<h2>{}</h2>", l.action_items);
    if pm.action_items.is_empty() {
        h.push_str("<p>—</p>");
    } else {
        let _ = write!(
            h,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            l.action, l.owner, l.due, l.status
        );
        for item in &pm.action_items {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&item.description),
                escape(&item.owner),
                item.due_date.map(|d| d.to_string()).unwrap_or_default(),
                item.status.as_str()
            );
        }
        h.push_str("</table>");
    }
    let _ = write!(h, "<h2>{}</h2>", l.monitoring_improvements);
    if pm.monitoring_improvements.is_empty() {
        h.push_str("<p>—</p>");
    }
    for improvement in &pm.monitoring_improvements {
        let _ = write!(h, "<p>{}</p>", escape(improvement.description.trim()));
        if !improvement.rule_yaml.trim().is_empty() {
            let _ = write!(h, "<pre>{}</pre>", escape(improvement.rule_yaml.trim_end()));
        }
    }

    let _ = write!(h, "<h2>{}</h2><table>", l.timeline);
    for entry in &input.timeline {
        let who = entry.author.as_deref().unwrap_or("");
        let text = event_text(&entry.event, l);
        let _ = write!(
            h,
            "<tr><td class=\"time\">{}</td><td>{}</td><td><pre>{}</pre></td></tr>",
            time_text(entry.occurred_at),
            escape(who),
            escape(&text)
        );
    }
    let _ = write!(h, "</table><h2>{}</h2>", l.evidence);
    if input.evidence.is_empty() {
        h.push_str("<p>—</p>");
    }
    for record in &input.evidence {
        let _ = write!(h, "<h3>{}</h3>", escape(&record.data.title()));
        match &record.data {
            EvidenceData::Metric(m) => {
                let _ = write!(
                    h,
                    "<p>{} <code>{}</code> · {} · {} – {}</p><figure>{}<figcaption class=\"legend\">",
                    l.query,
                    escape(&m.query),
                    escape(&m.datasource),
                    time_text(m.range.start),
                    time_text(m.range.end),
                    metric_svg(m)
                );
                for (index, series) in m.series.iter().enumerate() {
                    let labels: Vec<String> = series
                        .labels
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    let _ = write!(
                        h,
                        "<span><svg class=\"swatch\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\" fill=\"{}\"/></svg>{}</span>",
                        series_colour(index),
                        escape(&labels.join(", "))
                    );
                }
                h.push_str("</figcaption></figure>");
                if !m.annotations.is_empty() {
                    let _ = write!(
                        h,
                        "<p class=\"annotations\">{}</p><ul class=\"annotations\">",
                        l.annotations
                    );
                    for mark in &m.annotations {
                        let _ = write!(
                            h,
                            "<li><svg class=\"swatch\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\" fill=\"{}\"/></svg>{}</li>",
                            escape(&annotation_colour(mark)),
                            escape(&annotation_text(mark))
                        );
                    }
                    h.push_str("</ul>");
                }
            }
            EvidenceData::Logs(logs) => {
                let _ = write!(
                    h,
                    "<p>{} <code>{}</code> · {}</p><pre>",
                    l.query,
                    escape(&logs.query),
                    escape(&logs.datasource)
                );
                for line in &logs.lines {
                    let at = line.timestamp.map(time_text).unwrap_or_default();
                    let _ = writeln!(h, "{} {}", at, escape(&line.text));
                }
                h.push_str("</pre>");
            }
            EvidenceData::Alert(a) => {
                h.push_str("<table>");
                let _ = write!(h, "<tr><th>state</th><td>{:?}</td></tr>", a.state);
                let _ = write!(
                    h,
                    "<tr><th>since</th><td>{}</td></tr>",
                    time_text(a.starts_at)
                );
                for (k, v) in a.labels.iter().chain(a.annotations.iter()) {
                    let _ = write!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(v));
                }
                h.push_str("</table>");
            }
        }
    }
    h.push_str("</body></html>\n");
    h
}
