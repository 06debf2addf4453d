//! A Prometheus annotation query's answer shaped into events as Grafana shapes it
//! (`public/app/plugins/datasource/prometheus/annotations.ts`): per series, the samples whose
//! value is above zero are active; active samples at most one `step` apart join into one
//! region; a lone active sample is a point. With `useValueForTime` the value is the time (epoch
//! milliseconds), every sample is active, and the times are sorted first. Titles and texts are the series' labels put into
//! `titleFormat`/`textFormat` (`{{label}}`); the tags are the values of the `tagKeys` labels.

use super::{AnnotationEvent, PrometheusAnnotation};
use std::collections::BTreeMap;

/// One series of the range query's answer: its labels, times in epoch seconds, values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnswerSeries {
    pub labels: BTreeMap<String, String>,
    pub timestamps_seconds: Vec<f64>,
    pub values: Vec<f64>,
}

/// The events of one annotation query's answer, series by series.
pub fn events_from_series(
    query: &PrometheusAnnotation,
    series: &[AnswerSeries],
) -> Vec<AnnotationEvent> {
    let step_ms = query.step_seconds * 1000.0;
    let mut events = Vec::new();
    for one in series {
        let mut active: Vec<f64> = one
            .timestamps_seconds
            .iter()
            .zip(&one.values)
            .filter_map(|(&time, &value)| {
                if query.use_value_for_time {
                    value.is_finite().then_some(value.floor())
                } else {
                    (value > 0.0).then_some((time * 1000.0).floor())
                }
            })
            .collect();
        if query.use_value_for_time {
            // Values need not come in time order (Grafana does not sort them and can draw a
            // region backwards); the same time repeated, as a `deploy_time * 1000` gives, is one.
            active.sort_by(f64::total_cmp);
            active.dedup();
        }
        let title = render_label_format(&query.title_format, &one.labels);
        let text = render_label_format(&query.text_format, &one.labels);
        let tags: Vec<String> = one
            .labels
            .iter()
            .filter(|(key, _)| query.tag_keys.contains(key))
            .map(|(_, value)| value.clone())
            .collect();
        let mut open: Option<(f64, f64)> = None;
        let close = |(start, end): (f64, f64), events: &mut Vec<AnnotationEvent>| {
            events.push(AnnotationEvent {
                source_id: query.source_id.clone(),
                time_ms: start,
                end_ms: Some(end),
                title: title.clone(),
                text: text.clone(),
                tags: tags.clone(),
                color: query.color.clone(),
                panel_ids: None,
            });
        };
        for time in active {
            match open {
                Some((start, end)) if end + step_ms >= time => open = Some((start, time)),
                Some(region) => {
                    close(region, &mut events);
                    open = Some((time, time));
                }
                None => open = Some((time, time)),
            }
        }
        if let Some(region) = open {
            close(region, &mut events);
        }
    }
    events
}

/// Grafana's `renderLegendFormat`: `{{ name }}` becomes the label's value; a label the series
/// lacks leaves its name, as Grafana does.
pub fn render_label_format(format: &str, labels: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = rest[open + 2..open + 2 + close].trim();
        out.push_str(labels.get(name).map_or(name, String::as_str));
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(rest);
    out
}
