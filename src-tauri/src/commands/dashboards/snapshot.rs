//! A panel's current answer as incident evidence ("Pin to incident").
//!
//! The numbers come from the panel's last good answer kept by [`hinomi_metrics::PanelCache`] —
//! what the panel is drawing now (fresh, or stale while Prometheus is down) — not from a new
//! query, so the pinned chart is the one the commander looked at, and the UI never ships the
//! arrays back over IPC.

use super::DashboardsState;
use crate::commands::blocking::blocking;
use chrono::DateTime;
use hinomi_core::texts::user_lang::say;
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_dashboards::TimeWindow;
use hinomi_incidents::{MetricSeries, MetricSnapshot, TimeRange};
use hinomi_metrics::frame::unpack;

/// The panel `panel_id` of the open dashboard `uid` as it is drawn for `window`.
pub async fn panel_snapshot(
    state: &DashboardsState,
    uid: &str,
    panel_id: u32,
    window: &TimeWindow,
) -> Result<MetricSnapshot, HinomiError> {
    let dashboard = state.open_copy(uid).await?;
    // As drawn: a repeated copy is found by its own id and pinned under its own title.
    let drawn = hinomi_dashboards::view_panels(&dashboard, window);
    let panel = hinomi_dashboards::repeat::find_expanded(&drawn, panel_id).ok_or_else(|| {
        HinomiError::new(
            ErrorCode::NotFound,
            say(
                format!("Panel {panel_id} is not on this dashboard."),
                format!("パネル {panel_id} はこのダッシュボードにありません。"),
            ),
        )
    })?;
    let no_data = || {
        HinomiError::new(
            ErrorCode::NotFound,
            say(
                "This panel has no data to pin yet; wait until it has drawn once.",
                "このパネルにはまだピン留めできるデータがありません。一度描画されるまでお待ちください。",
            ),
        )
    };
    let (cache, cached) = (state.cache.clone(), uid.to_owned());
    let bytes = blocking(move || Ok(cache.last_good(&cached, panel_id)))
        .await?
        .ok_or_else(no_data)?;
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
        annotations: Vec::new(),
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
