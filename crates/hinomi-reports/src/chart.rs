//! Charts drawn from a stored metric snapshot: a small SVG line chart for the HTML report
//! (inline, so it needs no script, no font and no network) and text sparklines for Markdown. Gaps
//! (`null` samples) break the line instead of being drawn as zero. The annotations the chart
//! showed when it was pinned are drawn too: regions as shaded bands, points as dashed lines.

use hinomi_incidents::{ChartAnnotation, ChartAnnotationKind, MetricSnapshot};
use std::fmt::Write;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 200.0;
const PAD_LEFT: f64 = 56.0;
const PAD_RIGHT: f64 = 8.0;
const PAD_Y: f64 = 12.0;
/// Distinguishable in colour and in grey print.
const COLOURS: [&str; 6] = [
    "#c0392b", "#1f6fb2", "#2e8b57", "#8e44ad", "#b7791f", "#555555",
];

/// The SVG for a snapshot; an empty snapshot gives a frame with "no data".
pub fn metric_svg(snapshot: &MetricSnapshot) -> String {
    let points = snapshot.series.iter().flat_map(|s| {
        s.timestamps
            .iter()
            .zip(&s.values)
            .filter_map(|(t, v)| v.map(|v| (*t, v)))
    });
    let (mut t0, mut t1, mut v0, mut v1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (t, v) in points {
        t0 = t0.min(t);
        t1 = t1.max(t);
        v0 = v0.min(v);
        v1 = v1.max(v);
    }
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\">"
    );
    let _ = write!(
        svg,
        "<rect x=\"{PAD_LEFT}\" y=\"{PAD_Y}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>",
        WIDTH - PAD_LEFT - PAD_RIGHT,
        HEIGHT - 2.0 * PAD_Y
    );
    if t0 > t1 {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">no data</text></svg>",
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
        return svg;
    }
    if v1 <= v0 {
        v1 = v0 + 1.0;
    }
    let t_span = if t1 > t0 { t1 - t0 } else { 1.0 };
    let x = |t: f64| PAD_LEFT + (t - t0) / t_span * (WIDTH - PAD_LEFT - PAD_RIGHT);
    let y = |v: f64| HEIGHT - PAD_Y - (v - v0) / (v1 - v0) * (HEIGHT - 2.0 * PAD_Y);
    for (label, value) in [(v1, y(v1)), (v0, y(v0))] {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"10\" dominant-baseline=\"middle\">{}</text>",
            PAD_LEFT - 4.0,
            value,
            axis_number(label)
        );
    }
    for mark in &snapshot.annotations {
        let at = |time: chrono::DateTime<chrono::Utc>| {
            x((time.timestamp_millis() as f64 / 1000.0).clamp(t0, t1))
        };
        let colour = escape_attr(&annotation_colour(mark));
        let title = escape_attr(&annotation_text(mark));
        let (top, bottom) = (PAD_Y, HEIGHT - PAD_Y);
        match mark.region_end() {
            Some(end) => {
                let (from, to) = (at(mark.start), at(end));
                let _ = write!(
                    svg,
                    "<rect class=\"annotation region\" x=\"{from:.1}\" y=\"{top}\" width=\"{:.1}\" \
                     height=\"{}\" fill=\"{colour}\" fill-opacity=\"0.18\"><title>{title}</title></rect>",
                    (to - from).max(1.0),
                    bottom - top
                );
            }
            None => {
                let x = at(mark.start);
                let _ = write!(
                    svg,
                    "<g class=\"annotation marker\"><title>{title}</title><line x1=\"{x:.1}\" y1=\"{top}\" \
                     x2=\"{x:.1}\" y2=\"{bottom}\" stroke=\"{colour}\" stroke-width=\"1.2\" \
                     stroke-dasharray=\"4 3\"/><path d=\"M{:.1},{bottom} l4,6 h-8 z\" fill=\"{colour}\"/></g>",
                    x
                );
            }
        }
    }
    for (index, series) in snapshot.series.iter().enumerate() {
        let mut path = String::new();
        let mut pen_down = false;
        for (t, v) in series.timestamps.iter().zip(&series.values) {
            match v {
                Some(v) if v.is_finite() => {
                    let _ = write!(
                        path,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        x(*t),
                        y(*v)
                    );
                    pen_down = true;
                }
                _ => pen_down = false,
            }
        }
        if !path.is_empty() {
            let _ = write!(
                svg,
                "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>",
                path.trim_end(),
                COLOURS[index % COLOURS.len()]
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn axis_number(value: f64) -> String {
    if value.abs() >= 1000.0 || value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

/// The colour of an annotation: the dashboard's when it is a plain `#rrggbb`, else the kind's
/// (alerts red-orange, incidents purple, queries blue: apart from the series colours in grey print
/// by their shading and dashes).
pub fn annotation_colour(mark: &ChartAnnotation) -> String {
    match mark.color.as_deref() {
        Some(c)
            if c.len() == 7
                && c.starts_with('#')
                && c[1..].chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            c.to_owned()
        }
        _ => match mark.kind {
            ChartAnnotationKind::Alert => "#e8590c",
            ChartAnnotationKind::Incident => "#7048e8",
            ChartAnnotationKind::Query => "#1c7ed6",
        }
        .to_owned(),
    }
}

/// One line for an annotation: when, title, text and tags.
pub fn annotation_text(mark: &ChartAnnotation) -> String {
    let when = match mark.region_end() {
        Some(end) => format!(
            "{} – {}",
            crate::model::time_text(mark.start),
            crate::model::time_text(end)
        ),
        None => crate::model::time_text(mark.start),
    };
    let mut line = format!("{when} {}", mark.title);
    if !mark.text.is_empty() {
        let _ = write!(line, " — {}", mark.text);
    }
    if !mark.tags.is_empty() {
        let _ = write!(line, " [{}]", mark.tags.join(", "));
    }
    line
}

fn escape_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The colour the chart uses for series `index`, for a legend next to it.
pub fn series_colour(index: usize) -> &'static str {
    COLOURS[index % COLOURS.len()]
}
/// Each series as a line of block characters (▁…█), for the Markdown report: a chart that
/// survives plain text, wikis and tickets. The snapshot's time range is cut into `width` buckets,
/// each drawn at its mean on one scale shared by all series; an empty bucket is a space.
pub fn sparklines(snapshot: &MetricSnapshot, width: usize) -> Vec<String> {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let points = |s: &hinomi_incidents::MetricSeries| {
        s.timestamps
            .iter()
            .zip(&s.values)
            .filter_map(|(t, v)| v.map(|v| (*t, v)))
            .collect::<Vec<_>>()
    };
    let series: Vec<Vec<(f64, f64)>> = snapshot.series.iter().map(points).collect();
    let fold = |(lo, hi): (f64, f64), x: f64| (lo.min(x), hi.max(x));
    let all = || series.iter().flatten();
    let (t0, t1) = all().map(|p| p.0).fold((f64::MAX, f64::MIN), fold);
    let (v0, v1) = all().map(|p| p.1).fold((f64::MAX, f64::MIN), fold);
    if width == 0 || all().next().is_none() {
        return vec![String::new(); series.len()];
    }
    series
        .iter()
        .map(|points| {
            let mut sums = vec![(0.0, 0u32); width];
            for (t, v) in points {
                let at = if t1 > t0 { (t - t0) / (t1 - t0) } else { 0.0 };
                let bucket = ((at * width as f64) as usize).min(width - 1);
                sums[bucket].0 += v;
                sums[bucket].1 += 1;
            }
            sums.iter()
                .map(|&(sum, n)| match n {
                    0 => ' ',
                    _ => {
                        let mean = sum / f64::from(n);
                        let level = if v1 > v0 {
                            (mean - v0) / (v1 - v0)
                        } else {
                            0.5
                        };
                        BLOCKS[((level * 7.0).round() as usize).min(7)]
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use hinomi_incidents::{MetricSeries, TimeRange};
    use std::collections::BTreeMap;

    fn snapshot(series: Vec<Vec<(f64, f64)>>) -> MetricSnapshot {
        MetricSnapshot {
            annotations: Vec::new(),
            title: "t".into(),
            query: "q".into(),
            datasource: "d".into(),
            range: TimeRange {
                start: DateTime::UNIX_EPOCH,
                end: DateTime::UNIX_EPOCH,
                step_seconds: None,
            },
            unit: None,
            series: series
                .iter()
                .map(|s| MetricSeries::from_samples(BTreeMap::new(), s))
                .collect(),
        }
    }

    #[test]
    fn a_sparkline_places_samples_in_time_and_height_with_gaps_as_spaces() {
        let m = snapshot(vec![
            vec![(0.0, 0.0), (1.0, 5.0), (2.0, f64::NAN), (3.0, 10.0)],
            vec![(0.0, 10.0), (3.0, 10.0)],
        ]);
        assert_eq!(
            sparklines(&m, 4),
            vec!["▁▅ █", "█  █"],
            "placed in time, one scale for every series"
        );
        assert_eq!(sparklines(&snapshot(vec![vec![]]), 4), vec![""]);
        assert!(sparklines(&snapshot(vec![]), 4).is_empty());
    }

    #[test]
    fn annotations_are_drawn_as_bands_and_dashed_markers_with_their_text() {
        use hinomi_incidents::{ChartAnnotation, ChartAnnotationKind};
        let at = |seconds: i64| DateTime::from_timestamp(seconds, 0).unwrap();
        let mut m = snapshot(vec![vec![(0.0, 1.0), (100.0, 2.0)]]);
        m.annotations = vec![
            ChartAnnotation {
                kind: ChartAnnotationKind::Alert,
                start: at(20),
                end: Some(at(60)),
                title: "HighErrorRate".into(),
                text: "5xx <above> 5%".into(),
                tags: vec!["critical".into()],
                color: None,
            },
            ChartAnnotation {
                kind: ChartAnnotationKind::Incident,
                start: at(50),
                end: None,
                title: "INC-1".into(),
                text: String::new(),
                tags: vec!["detected".into()],
                color: Some("rgba(1,2,3,1)".into()),
            },
        ];
        let svg = metric_svg(&m);
        // The plot spans x 56..632 for t 0..100 s: 20 s is at 171.2, 60 s at 401.6.
        assert!(
            svg.contains("<rect class=\"annotation region\" x=\"171.2\" y=\"12\" width=\"230.4\""),
            "{svg}"
        );
        assert!(svg.contains("fill=\"#e8590c\""), "alert colour");
        assert!(
            svg.contains("5xx &lt;above&gt; 5% [critical]"),
            "tooltip escaped"
        );
        assert!(
            svg.contains("x1=\"344.0\"") && svg.contains("stroke=\"#7048e8\""),
            "incident marker at 50 s in the kind's colour (rgba is not trusted into print)"
        );
        assert!(
            svg.find("annotation region").unwrap() < svg.find("<path d=\"M56.0").unwrap(),
            "bands under the lines"
        );
    }
}
