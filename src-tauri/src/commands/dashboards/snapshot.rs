//! A panel's current answer as incident evidence ("Pin to incident").
//!
//! The numbers come from the panel's last good answer kept by [`super::cache::PanelCache`] —
//! what the panel is drawing now (fresh, or stale while Prometheus is down) — not from a new
//! query, so the pinned chart is the one the commander looked at, and the UI never ships the
//! arrays back over IPC.

use super::DashboardsState;
use super::frame::PANEL_MAGIC;
use chrono::DateTime;
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_dashboards::TimeWindow;
use hinomi_incidents::{MetricSeries, MetricSnapshot, TimeRange};
use hinomi_prometheus::frame_decode::decode_frame;
use serde::Deserialize;

#[derive(Deserialize)]
struct QueryHead {
    ref_id: String,
    expr: String,
    step_seconds: f64,
    datasource_id: Option<String>,
    offset: usize,
    length: usize,
}

#[derive(Deserialize)]
struct PanelHead {
    queries: Vec<QueryHead>,
}

/// Splits an HNP1 answer into its query headers and their series.
fn unpack(frame: &[u8]) -> Option<Vec<(QueryHead, Vec<hinomi_prometheus::Series>)>> {
    if frame.len() < 8 || &frame[..4] != PANEL_MAGIC {
        return None;
    }
    let len = u32::from_le_bytes(frame[4..8].try_into().ok()?) as usize;
    let head: PanelHead = serde_json::from_slice(frame.get(8..8 + len)?).ok()?;
    head.queries
        .into_iter()
        .filter(|q| q.length > 0)
        .map(|q| {
            let series = decode_frame(frame.get(q.offset..q.offset.checked_add(q.length)?)?)?;
            Some((q, series))
        })
        .collect()
}

/// The panel `panel_id` of the open dashboard `uid` as it is drawn for `window`.
pub fn panel_snapshot(
    state: &DashboardsState,
    uid: &str,
    panel_id: u32,
    window: &TimeWindow,
) -> Result<MetricSnapshot, HinomiError> {
    let dashboard = state.open_copy(uid)?;
    let panel = dashboard.panel(panel_id).ok_or_else(|| {
        HinomiError::new(
            ErrorCode::NotFound,
            format!("Panel {panel_id} is not on this dashboard."),
        )
    })?;
    let no_data = || {
        HinomiError::new(
            ErrorCode::NotFound,
            "This panel has no data to pin yet; wait until it has drawn once.",
        )
    };
    let bytes = state.cache.last_good(uid, panel_id).ok_or_else(no_data)?;
    let queries = unpack(&bytes).ok_or_else(no_data)?;
    let several = queries.len() > 1;
    let query = queries
        .iter()
        .map(|(q, _)| match several {
            true => format!("{}: {}", q.ref_id, q.expr),
            false => q.expr.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let at = |ms: f64| DateTime::from_timestamp_millis(ms as i64).unwrap_or_default();
    Ok(MetricSnapshot {
        title: match panel.title.trim() {
            "" => format!("{} #{panel_id}", dashboard.title),
            title => title.to_string(),
        },
        query,
        datasource: queries
            .iter()
            .find_map(|(q, _)| q.datasource_id.clone())
            .unwrap_or_else(|| "prometheus".into()),
        range: TimeRange {
            start: at(window.from_ms),
            end: at(window.to_ms),
            step_seconds: queries.first().map(|(q, _)| q.step_seconds),
        },
        unit: panel
            .field_config
            .as_ref()
            .and_then(|config| config.defaults.unit.clone()),
        series: queries
            .into_iter()
            .flat_map(|(_, series)| series)
            .map(|s| {
                let samples: Vec<(f64, f64)> = s.timestamps.into_iter().zip(s.values).collect();
                MetricSeries::from_samples(s.labels, &samples)
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::dashboards::frame::{QueryHeader, QueryOutcome, pack};
    use hinomi_prometheus::Series;
    use hinomi_prometheus::downsample::encode_frame;

    fn outcome(ref_id: &str, expr: &str, series: Option<Vec<Series>>) -> QueryOutcome {
        QueryOutcome {
            header: QueryHeader {
                ref_id: ref_id.into(),
                expr: expr.into(),
                legend_format: None,
                instant: false,
                step_seconds: 15.0,
                datasource_id: Some("demo-prometheus".into()),
                error: None,
                error_position: None,
                offset: 0,
                length: 0,
            },
            frame: series.map(|s| encode_frame(&s, 0.0, 100.0, 800, 200)),
        }
    }

    #[test]
    fn a_panel_answer_unpacks_into_each_successful_query_and_its_series() {
        let api = Series {
            labels: [("job".to_owned(), "api".to_owned())].into(),
            timestamps: vec![10.0, 20.0, 30.0],
            values: vec![0.1, 0.2, 0.3],
        };
        let frame = pack(vec![
            outcome(
                "A",
                "rate(errors[5m])",
                Some(vec![api.clone(), api.clone()]),
            ),
            outcome("B", "broken(", None),
            outcome("C", "up", Some(vec![api.clone()])),
        ]);
        let queries = unpack(&frame.0).expect("a whole frame");
        let summary: Vec<(&str, usize)> = queries
            .iter()
            .map(|(q, s)| (q.expr.as_str(), s.len()))
            .collect();
        assert_eq!(summary, vec![("rate(errors[5m])", 2), ("up", 1)]);
        assert_eq!(queries[0].1[0].values, vec![0.1, 0.2, 0.3]);
        assert_eq!(
            queries[0].0.datasource_id.as_deref(),
            Some("demo-prometheus")
        );
        assert!(unpack(&frame.0[..frame.0.len() - 4]).is_none(), "truncated");
    }
}
