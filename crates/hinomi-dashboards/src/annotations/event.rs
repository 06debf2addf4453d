//! One annotation as a chart draws it, and the answer for a whole dashboard.

use super::AnnotationSource;
use crate::TimeWindow;
use serde::{Deserialize, Serialize};
use specta::Type;

/// A marker (`end_ms` is `None` or equal to `time_ms`) or a region on a time series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AnnotationEvent {
    /// The [`AnnotationSource::id`] it came from, so a toggle can hide it.
    pub source_id: String,
    /// Epoch milliseconds.
    pub time_ms: f64,
    pub end_ms: Option<f64>,
    pub title: String,
    pub text: String,
    pub tags: Vec<String>,
    /// A CSS colour; `None` uses the source's.
    pub color: Option<String>,
    /// The panels it belongs on; `None` for every time series of the dashboard.
    pub panel_ids: Option<Vec<u32>>,
}

impl AnnotationEvent {
    pub fn is_region(&self) -> bool {
        self.end_ms.is_some_and(|end| end > self.time_ms)
    }

    fn belongs_to(&self, panel_id: u32) -> bool {
        self.panel_ids
            .as_ref()
            .is_none_or(|ids| ids.contains(&panel_id))
    }
}

/// Every annotation source of a dashboard with the events each gave for one time range.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DashboardAnnotations {
    pub sources: Vec<AnnotationSource>,
    pub events: Vec<AnnotationEvent>,
}

/// The events drawn on panel `panel_id` over `window`: those of the panel (or of every panel)
/// that touch the window, cut to it, so a pinned chart keeps exactly what it showed.
pub fn events_for_panel(
    events: &[AnnotationEvent],
    panel_id: u32,
    window: &TimeWindow,
) -> Vec<AnnotationEvent> {
    events
        .iter()
        .filter(|event| event.belongs_to(panel_id))
        .filter(|event| {
            let end = event.end_ms.unwrap_or(event.time_ms).max(event.time_ms);
            end >= window.from_ms && event.time_ms <= window.to_ms
        })
        .map(|event| {
            let mut cut = event.clone();
            if event.is_region() {
                cut.time_ms = event.time_ms.max(window.from_ms);
                cut.end_ms = event.end_ms.map(|end| end.min(window.to_ms));
            }
            cut
        })
        .collect()
}
