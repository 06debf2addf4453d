//! Over 400 lines: one PDF renderer; layout, charts and sections share the page writer.
//! The report as PDF, with Japanese text in a font that ships inside Hinomi.
//!
//! The font is a subset of Noto Sans CJK JP (ASCII, Latin-1, kana, every JIS X 0208 kanji,
//! punctuation; `fonts/subset.sh` makes it, `fonts/OFL.txt` is its licence) compiled into the
//! binary, so a report renders the same on a laptop without Japanese fonts and offline. krilla
//! subsets it again into each PDF, so a report carries only the glyphs it uses.
//!
//! Layout is deliberately simple: one column on A4, text wrapped by an estimated width (CJK is
//! one em, everything else a little over half), a page break whenever the next line does not fit.

use crate::chart::series_colour;
use crate::error::ReportError;
use crate::labels::Labels;
use crate::model::{ReportInput, durations, event_text, or_dash, time_text};
use hinomi_incidents::{EvidenceData, MetricSnapshot};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

const FONT: &[u8] = include_bytes!("../fonts/NotoSansJP-Subset.otf");
const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;
const BODY: f32 = 10.0;

/// Roughly how wide `c` is, in ems.
fn char_em(c: char) -> f32 {
    match c as u32 {
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F => {
            1.0
        }
        0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 => 1.0,
        _ => 0.6,
    }
}

/// Splits `text` into lines no wider than `width` points at `size`; breaks at spaces when it can,
/// anywhere between CJK characters.
pub(crate) fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let max = width / size;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0.0;
        let mut last_space: Option<usize> = None;
        for c in paragraph.chars() {
            let w = char_em(c);
            if used + w > max && !line.is_empty() {
                match last_space {
                    Some(at) if at > 0 => {
                        let rest = line.split_off(at);
                        lines.push(line.trim_end().to_string());
                        line = rest.trim_start().to_string();
                    }
                    _ => lines.push(std::mem::take(&mut line)),
                }
                used = line.chars().map(char_em).sum();
                last_space = None;
            }
            if c == ' ' {
                last_space = Some(line.len());
            }
            line.push(c);
            used += w;
        }
        lines.push(line);
    }
    lines
}

struct Writer {
    document: Document,
    font: Font,
    pages: Vec<Vec<Op>>,
    y: f32,
}

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        grey: bool,
    },
    Rule {
        y: f32,
    },
    Chart {
        y: f32,
        snapshot: Box<MetricSnapshot>,
    },
}

const CHART_H: f32 = 140.0;

impl Writer {
    fn new() -> Result<Self, ReportError> {
        let font = Font::new(FONT.into(), 0).ok_or(ReportError::Font)?;
        Ok(Self {
            document: Document::new(),
            font,
            pages: vec![Vec::new()],
            y: MARGIN,
        })
    }

    fn ensure(&mut self, height: f32) {
        if self.y + height > PAGE_H - MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn op(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn text_at(&mut self, indent: f32, size: f32, text: &str, grey: bool) {
        for line in wrap(text, size, PAGE_W - 2.0 * MARGIN - indent) {
            self.ensure(size * 1.5);
            self.y += size * 1.5;
            let y = self.y;
            self.op(Op::Text {
                x: MARGIN + indent,
                y,
                size,
                text: line,
                grey,
            });
        }
    }

    fn heading(&mut self, size: f32, text: &str) {
        self.ensure(size * 3.0);
        self.y += size * 0.8;
        self.text_at(0.0, size, text, false);
        let y = self.y + 4.0;
        self.op(Op::Rule { y });
        self.y += 6.0;
    }

    fn para(&mut self, text: &str) {
        self.text_at(0.0, BODY, or_dash(text.trim()), false);
    }

    fn chart(&mut self, snapshot: &MetricSnapshot) {
        self.ensure(CHART_H + 10.0);
        let y = self.y + 6.0;
        self.op(Op::Chart {
            y,
            snapshot: Box::new(snapshot.clone()),
        });
        self.y += CHART_H + 10.0;
    }

    fn finish(mut self) -> Result<Vec<u8>, ReportError> {
        let pages = std::mem::take(&mut self.pages);
        let total = pages.len();
        for (index, ops) in pages.into_iter().enumerate() {
            let settings =
                PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| ReportError::Pdf {
                    cause: "bad page size".into(),
                })?;
            let mut page = self.document.start_page_with(settings);
            let mut surface = page.surface();
            for op in ops {
                match op {
                    Op::Text {
                        x,
                        y,
                        size,
                        text,
                        grey,
                    } => {
                        surface.set_fill(Some(fill(if grey {
                            (90, 90, 90)
                        } else {
                            (17, 17, 17)
                        })));
                        surface.draw_text(
                            Point::from_xy(x, y),
                            self.font.clone(),
                            size,
                            &text,
                            false,
                            TextDirection::Auto,
                        );
                    }
                    Op::Rule { y } => {
                        line(
                            &mut surface,
                            MARGIN,
                            y,
                            PAGE_W - MARGIN,
                            y,
                            (200, 200, 200),
                            0.7,
                        );
                    }
                    Op::Chart { y, snapshot } => draw_chart(&mut surface, &self.font, y, &snapshot),
                }
            }
            surface.set_fill(Some(fill((120, 120, 120))));
            surface.draw_text(
                Point::from_xy(PAGE_W - MARGIN - 30.0, PAGE_H - MARGIN / 2.0),
                self.font.clone(),
                8.0,
                &format!("{} / {total}", index + 1),
                false,
                TextDirection::Auto,
            );
            surface.finish();
            page.finish();
        }
        self.document.finish().map_err(|err| ReportError::Pdf {
            cause: format!("{err:?}"),
        })
    }
}

fn fill((r, g, b): (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::ONE,
        ..Fill::default()
    }
}

fn line(
    surface: &mut krilla::surface::Surface<'_>,
    x1: f32,
    y1: f32,
    x2: f32,
    y2: f32,
    (r, g, b): (u8, u8, u8),
    width: f32,
) {
    let mut builder = PathBuilder::new();
    builder.move_to(x1, y1);
    builder.line_to(x2, y2);
    if let Some(path) = builder.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(r, g, b).into(),
            width,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

fn hex(colour: &str) -> (u8, u8, u8) {
    let byte = |i: usize| u8::from_str_radix(colour.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    (byte(1), byte(3), byte(5))
}

fn draw_chart(
    surface: &mut krilla::surface::Surface<'_>,
    font: &Font,
    top: f32,
    m: &MetricSnapshot,
) {
    let (left, right, bottom) = (MARGIN + 40.0, PAGE_W - MARGIN, top + CHART_H);
    let grey = (170, 170, 170);
    line(surface, left, top, left, bottom, grey, 0.7);
    line(surface, left, bottom, right, bottom, grey, 0.7);
    let points: Vec<(f64, f64)> = m
        .series
        .iter()
        .flat_map(|s| {
            s.timestamps
                .iter()
                .zip(&s.values)
                .filter_map(|(t, v)| v.map(|v| (*t, v)))
        })
        .collect();
    if points.is_empty() {
        return;
    }
    let (t0, t1) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), (t, _)| {
        (a.min(*t), b.max(*t))
    });
    let (v0, mut v1) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), (_, v)| {
        (a.min(*v), b.max(*v))
    });
    if v1 <= v0 {
        v1 = v0 + 1.0;
    }
    let span = if t1 > t0 { t1 - t0 } else { 1.0 };
    let x = |t: f64| left + ((t - t0) / span) as f32 * (right - left);
    let y = |v: f64| bottom - ((v - v0) / (v1 - v0)) as f32 * CHART_H;
    for (value, at) in [(v1, top + 4.0), (v0, bottom)] {
        surface.set_fill(Some(fill((90, 90, 90))));
        surface.draw_text(
            Point::from_xy(MARGIN, at),
            font.clone(),
            7.0,
            &format!("{value:.3}"),
            false,
            TextDirection::Auto,
        );
    }
    draw_annotations(surface, m, (t0, t1), &x, (top, bottom));
    for (index, series) in m.series.iter().enumerate() {
        let mut builder = PathBuilder::new();
        let mut down = false;
        for (t, v) in series.timestamps.iter().zip(&series.values) {
            match v {
                Some(v) if v.is_finite() => {
                    if down {
                        builder.line_to(x(*t), y(*v));
                    } else {
                        builder.move_to(x(*t), y(*v));
                    }
                    down = true;
                }
                _ => down = false,
            }
        }
        if let Some(path) = builder.finish() {
            let (r, g, b) = hex(series_colour(index));
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: rgb::Color::new(r, g, b).into(),
                width: 1.2,
                ..Stroke::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
        }
    }
}

/// The pinned chart's annotations under its lines: regions shaded, points as thin lines.
fn draw_annotations(
    surface: &mut krilla::surface::Surface<'_>,
    m: &MetricSnapshot,
    (t0, t1): (f64, f64),
    x: &dyn Fn(f64) -> f32,
    (top, bottom): (f32, f32),
) {
    let at = |time: chrono::DateTime<chrono::Utc>| {
        x((time.timestamp_millis() as f64 / 1000.0).clamp(t0, t1))
    };
    for mark in &m.annotations {
        let colour = hex(&crate::chart::annotation_colour(mark));
        match mark.region_end() {
            Some(end) => {
                let (from, to) = (at(mark.start), at(end));
                let mut builder = PathBuilder::new();
                builder.move_to(from, top);
                builder.line_to(to.max(from + 1.0), top);
                builder.line_to(to.max(from + 1.0), bottom);
                builder.line_to(from, bottom);
                builder.close();
                if let Some(path) = builder.finish() {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill {
                        opacity: NormalizedF32::new(0.18).unwrap_or(NormalizedF32::ONE),
                        ..fill(colour)
                    }));
                    surface.draw_path(&path);
                }
            }
            None => {
                let x = at(mark.start);
                line(surface, x, top, x, bottom, colour, 0.9);
            }
        }
    }
}

pub fn render(input: &ReportInput, l: &Labels) -> Result<Vec<u8>, ReportError> {
    let inc = &input.incident;
    let pm = &input.postmortem;
    let mut w = Writer::new()?;
    w.text_at(0.0, 18.0, &format!("{} {}", inc.id, inc.title), false);
    w.y += 6.0;
    let facts = [
        (l.severity, inc.severity.to_string()),
        (l.status, l.status_name(inc.status).to_string()),
        (
            l.commander,
            inc.commander.clone().unwrap_or_else(|| "—".into()),
        ),
        (l.assignees, or_dash(&inc.assignees.join(", ")).to_string()),
        (l.detected, time_text(inc.detected_at)),
    ];
    for (label, value) in facts.into_iter().chain(durations(inc, l)) {
        w.text_at(0.0, BODY, &format!("{label}: {value}"), false);
    }
    if !inc.description.trim().is_empty() {
        w.para(&inc.description);
    }
    for (heading, text) in [
        (l.summary, &pm.summary),
        (l.impact, &pm.impact),
        (l.root_cause, &pm.root_cause),
        (l.timeline_narrative, &pm.timeline_narrative),
    ] {
        w.heading(13.0, heading);
        w.para(text);
    }
    w.heading(13.0, l.action_items);
    if pm.action_items.is_empty() {
        w.para("");
    }
    for item in &pm.action_items {
        let due = item
            .due_date
            .map(|d| format!(", {} {d}", l.due))
            .unwrap_or_default();
        w.text_at(
            0.0,
            BODY,
            &format!(
                "• {} — {} ({}{due})",
                item.description,
                or_dash(&item.owner),
                item.status.as_str()
            ),
            false,
        );
    }
    w.heading(13.0, l.monitoring_improvements);
    if pm.monitoring_improvements.is_empty() {
        w.para("");
    }
    for improvement in &pm.monitoring_improvements {
        w.text_at(0.0, BODY, &format!("• {}", improvement.description), false);
        if !improvement.rule_yaml.trim().is_empty() {
            w.text_at(12.0, 8.5, improvement.rule_yaml.trim_end(), true);
        }
    }
    w.heading(13.0, l.timeline);
    for entry in &input.timeline {
        let who = entry
            .author
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        w.text_at(
            0.0,
            8.5,
            &format!("{}{who}", time_text(entry.occurred_at)),
            true,
        );
        w.text_at(12.0, BODY, &event_text(&entry.event, l), false);
    }
    w.heading(13.0, l.evidence);
    if input.evidence.is_empty() {
        w.para("");
    }
    for record in &input.evidence {
        if let EvidenceData::Metric(_) = record.data {
            // Keep a chart on the same page as its title.
            w.ensure(CHART_H + 60.0);
        }
        w.text_at(0.0, 11.0, &record.data.title(), false);
        match &record.data {
            EvidenceData::Metric(m) => {
                w.text_at(0.0, 8.5, &format!("{} · {}", m.query, m.datasource), true);
                w.chart(m);
                if !m.annotations.is_empty() {
                    w.text_at(0.0, 8.5, l.annotations, true);
                    for mark in &m.annotations {
                        w.text_at(12.0, 8.5, &crate::chart::annotation_text(mark), false);
                    }
                }
            }
            EvidenceData::Logs(logs) => {
                let source = format!("{} · {}", logs.query, logs.datasource);
                w.text_at(0.0, 8.5, &source, true);
                for line in &logs.lines {
                    let at = line.timestamp.map(time_text).unwrap_or_default();
                    w.text_at(12.0, 8.5, &format!("{at} {}", line.text), false);
                }
            }
            EvidenceData::Alert(a) => {
                for (k, v) in a.labels.iter().chain(a.annotations.iter()) {
                    w.text_at(12.0, 8.5, &format!("{k}: {v}"), false);
                }
            }
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_between_cjk_characters() {
        let lines = wrap("alpha beta gamma delta", 10.0, 70.0);
        assert_eq!(lines, vec!["alpha beta", "gamma delta"]);
        let cjk = wrap("決済APIのエラー率が上昇した", 10.0, 50.0);
        assert!(cjk.len() > 1, "{cjk:?}");
        assert_eq!(cjk.concat(), "決済APIのエラー率が上昇した");
        assert_eq!(wrap("a\nb", 10.0, 100.0), vec!["a", "b"]);
    }
}
