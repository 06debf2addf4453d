//! A dashboard's annotations: its Prometheus annotation queries, Hinomi's alert history and the
//! open incidents, for one time range. The shaping and matching are
//! `hinomi_dashboards::annotations`; this only gathers the inputs.

use super::DashboardsState;
use crate::commands::blocking::blocking;
use crate::commands::datasources::Datasources;
use crate::commands::incidents::IncidentsState;
use hinomi_alerts::alert::SourceKind;
use hinomi_alerts::history::{AlertEpisode, AlertHistory};
use hinomi_core::HinomiError;
use hinomi_dashboards::TimeWindow;
use hinomi_dashboards::annotations::overlay::{
    AlertSpan, IncidentMoments, alert_events, incident_events,
};
use hinomi_dashboards::annotations::{
    ALERTS_SOURCE_ID, AnnotationEvent, DashboardAnnotations, INCIDENTS_SOURCE_ID, sources,
};
use hinomi_incidents::{ChartAnnotation, ChartAnnotationKind, Incident};

/// Most alert episodes drawn on one dashboard.
const MAX_EPISODES: u32 = 2_000;

/// Everything drawn on dashboard `uid`'s time series over `window`, by source; a source that
/// failed carries its error and the others are still drawn.
#[tauri::command]
#[specta::specta]
pub async fn dashboard_annotations(
    state: tauri::State<'_, DashboardsState>,
    incidents: tauri::State<'_, IncidentsState>,
    datasources: Datasources<'_>,
    uid: String,
    window: TimeWindow,
) -> Result<DashboardAnnotations, HinomiError> {
    let dashboard = state.open_copy(&uid).await?;
    let configured = datasources.list();
    let (mut listed, queries) = sources(&dashboard);
    let mut events = hinomi_metrics::annotations::run_annotation_queries(
        &dashboard,
        &queries,
        &mut listed,
        &window,
        &configured,
        datasources.clients(),
    )
    .await;
    let now_ms = chrono::Utc::now().timestamp_millis() as f64;
    let mut fail = |id: &str, err: HinomiError| {
        if let Some(source) = listed.iter_mut().find(|s| s.id == id) {
            source.error = Some(err);
        }
    };
    match alert_spans(state.alert_history.clone(), &window).await {
        Ok(spans) => {
            let panels =
                hinomi_metrics::annotations::panel_scopes(&dashboard, &window, &configured);
            events.extend(alert_events(&spans, &panels, &window, now_ms));
        }
        Err(err) => fail(ALERTS_SOURCE_ID, err),
    }
    match incidents.open_incidents().await {
        Ok(open) => {
            let moments: Vec<IncidentMoments> = open.iter().map(moments).collect();
            events.extend(incident_events(&moments, &window));
        }
        Err(err) => fail(INCIDENTS_SOURCE_ID, err),
    }
    Ok(DashboardAnnotations {
        sources: listed,
        events,
    })
}

/// The alert history's episodes active during `window` (read from its file; WAL lets the poll
/// loop keep writing).
async fn alert_spans(
    path: std::path::PathBuf,
    window: &TimeWindow,
) -> Result<Vec<AlertSpan>, HinomiError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let since = ms_to_utc(window.from_ms);
    let episodes = blocking(move || {
        // Read-only: the poller owns the file (creates, migrates and checks it); this runs on
        // every dashboard refresh.
        Ok(AlertHistory::open_read_only(&path)?.since(since, MAX_EPISODES)?)
    })
    .await?;
    Ok(episodes.iter().map(span).collect())
}

fn span(episode: &AlertEpisode) -> AlertSpan {
    let severity = serde_json::to_value(episode.severity)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    AlertSpan {
        alertname: episode.alertname.clone(),
        severity: if severity == "none" {
            String::new()
        } else {
            severity
        },
        labels: episode
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        summary: episode
            .annotations
            .get("summary")
            .or_else(|| episode.annotations.get("description"))
            .cloned(),
        prometheus_ids: episode
            .sources
            .iter()
            .filter(|s| s.kind == SourceKind::Prometheus)
            .map(|s| s.datasource_id.clone())
            .collect(),
        started_ms: episode.started_at.timestamp_millis() as f64,
        resolved_ms: episode.resolved_at.map(|at| at.timestamp_millis() as f64),
    }
}

fn moments(incident: &Incident) -> IncidentMoments {
    let ms = |at: chrono::DateTime<chrono::Utc>| at.timestamp_millis() as f64;
    IncidentMoments {
        id: incident.id.clone(),
        title: incident.title.clone(),
        severity: incident.severity.to_string(),
        detected_ms: ms(incident.detected_at),
        acknowledged_ms: incident.acknowledged_at.map(ms),
        mitigated_ms: incident.mitigated_at().map(ms),
    }
}

fn ms_to_utc(ms: f64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms as i64).unwrap_or_default()
}

/// The events a chart of panel `panel_id` showed over `window`, as evidence keeps them.
pub fn pinned_annotations(
    events: &[AnnotationEvent],
    panel_id: u32,
    window: &TimeWindow,
) -> Vec<ChartAnnotation> {
    hinomi_dashboards::annotations::events_for_panel(events, panel_id, window)
        .into_iter()
        .map(|event| ChartAnnotation {
            kind: match event.source_id.as_str() {
                ALERTS_SOURCE_ID => ChartAnnotationKind::Alert,
                INCIDENTS_SOURCE_ID => ChartAnnotationKind::Incident,
                _ => ChartAnnotationKind::Query,
            },
            start: ms_to_utc(event.time_ms),
            end: event.end_ms.map(ms_to_utc),
            title: event.title,
            text: event.text,
            tags: event.tags,
            color: event.color,
        })
        .collect()
}
