//! The incident drawn on every chart: alert episodes from Hinomi's history as regions from
//! fired to resolved, each on the panels whose queries' label matchers agree with the alert's
//! labels (or, where no matcher shares a label, on the panels of the datasource that raised it);
//! and open incidents' detected / acknowledged / mitigated moments as markers on every panel.
//!
//! The inputs are plain data so this crate needs neither the alert nor the incident store.

use super::matchers::{QueryMatchers, Verdict, judge_panel};
use super::{ALERTS_SOURCE_ID, AnnotationEvent, INCIDENTS_SOURCE_ID};
use crate::TimeWindow;
use crate::model::{ALL_VALUE, Dashboard};
use crate::variable_options::effective_options;
use std::collections::BTreeMap;

/// One stretch of time an alert was active, as the alert history keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertSpan {
    pub alertname: String,
    pub severity: String,
    pub labels: BTreeMap<String, String>,
    /// The `summary` (or `description`) annotation.
    pub summary: Option<String>,
    /// Ids of the Prometheus datasources that reported it; empty when only an Alertmanager
    /// did (which Prometheus fed it cannot be told).
    pub prometheus_ids: Vec<String>,
    pub started_ms: f64,
    /// `None` while it is still firing.
    pub resolved_ms: Option<f64>,
}

/// A time series panel as the matching sees it.
#[derive(Debug, Clone, Default)]
pub struct PanelScope {
    pub panel_id: u32,
    /// The Prometheus datasource id its queries go to.
    pub datasource_ids: Vec<String>,
    /// One entry per query.
    pub matchers: Vec<QueryMatchers>,
}

/// The dashboard as the alert matching reads its queries: a variable set to "All" that has a
/// custom all value (Grafana's `allValue`; `.*` on the seed dashboards) stands for its listed
/// options instead, as "All" does without one. `instance=~".*"` accepts any alert's instance, so
/// with it a node alert was drawn on the PostgreSQL panels; the options are the instances the
/// panel can show. A variable without listed options (not loaded yet, offline) keeps its value.
pub fn all_as_listed_options(dashboard: &Dashboard) -> Dashboard {
    let mut dashboard = dashboard.clone();
    for variable in dashboard.variables_mut() {
        let listed = effective_options(variable)
            .iter()
            .any(|option| option.value != ALL_VALUE);
        if variable.all_selected() && listed && variable.custom_all_value().is_some() {
            variable.all_value = None;
        }
    }
    dashboard
}

/// Whether `alert` belongs on `panel`.
pub fn alert_on_panel(alert: &AlertSpan, panel: &PanelScope) -> bool {
    match judge_panel(&panel.matchers, &alert.labels) {
        Verdict::Matches => true,
        Verdict::Differs => false,
        Verdict::Unrelated => {
            alert.prometheus_ids.is_empty()
                || alert
                    .prometheus_ids
                    .iter()
                    .any(|id| panel.datasource_ids.contains(id))
        }
    }
}

/// Whether `alert` is a heartbeat (`severity="none"`), drawn on no panel.
fn is_heartbeat(alert: &AlertSpan) -> bool {
    alert.severity == "none" || alert.labels.get("severity").map(String::as_str) == Some("none")
}

/// Alert regions over `window` (an alert still firing runs to `now_ms`), each naming its panels;
/// alerts that belong on no panel are left out.
pub fn alert_events(
    alerts: &[AlertSpan],
    panels: &[PanelScope],
    window: &TimeWindow,
    now_ms: f64,
) -> Vec<AnnotationEvent> {
    alerts
        .iter()
        // `severity: none` marks a heartbeat such as the seed's Watchdog (the Prometheus
        // community's convention): it fires all the time by design, so its region would cover
        // every chart and say nothing about the incident. Read from the label: `severity` is
        // the tag text, which the shell leaves empty for "none" and for no label at all.
        .filter(|alert| !is_heartbeat(alert))
        .filter(|alert| {
            alert.started_ms <= window.to_ms
                && alert.resolved_ms.unwrap_or(f64::INFINITY) >= window.from_ms
        })
        .filter_map(|alert| {
            let panel_ids: Vec<u32> = panels
                .iter()
                .filter(|panel| alert_on_panel(alert, panel))
                .map(|panel| panel.panel_id)
                .collect();
            if panel_ids.is_empty() {
                return None;
            }
            let mut tags = vec![alert.severity.clone()];
            tags.extend(
                ["job", "instance", "endpoint"]
                    .iter()
                    .filter_map(|key| alert.labels.get(*key).map(|v| format!("{key}={v}"))),
            );
            tags.push(
                if alert.resolved_ms.is_some() {
                    "resolved"
                } else {
                    "firing"
                }
                .into(),
            );
            Some(AnnotationEvent {
                source_id: ALERTS_SOURCE_ID.into(),
                time_ms: alert.started_ms,
                end_ms: Some(alert.resolved_ms.unwrap_or(now_ms).max(alert.started_ms)),
                title: alert.alertname.clone(),
                text: alert.summary.clone().unwrap_or_default(),
                tags: tags.into_iter().filter(|t| !t.is_empty()).collect(),
                color: None,
                panel_ids: Some(panel_ids),
            })
        })
        .collect()
}

/// What happened to an incident, for a marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    Detected,
    Acknowledged,
    Mitigated,
}

impl Milestone {
    /// Tag words; the UI translates them.
    pub fn tag(self) -> &'static str {
        match self {
            Milestone::Detected => "detected",
            Milestone::Acknowledged => "acknowledged",
            Milestone::Mitigated => "mitigated",
        }
    }
}

/// An open incident's moments.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentMoments {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub detected_ms: f64,
    pub acknowledged_ms: Option<f64>,
    pub mitigated_ms: Option<f64>,
}

/// Markers for each incident's moments inside `window`, on every panel.
pub fn incident_events(incidents: &[IncidentMoments], window: &TimeWindow) -> Vec<AnnotationEvent> {
    let mut events = Vec::new();
    for incident in incidents {
        let moments = [
            (Milestone::Detected, Some(incident.detected_ms)),
            (Milestone::Acknowledged, incident.acknowledged_ms),
            (Milestone::Mitigated, incident.mitigated_ms),
        ];
        for (milestone, at) in moments {
            let Some(at) = at.filter(|at| (window.from_ms..=window.to_ms).contains(at)) else {
                continue;
            };
            events.push(AnnotationEvent {
                source_id: INCIDENTS_SOURCE_ID.into(),
                time_ms: at,
                end_ms: None,
                title: format!("{} {}", incident.id, incident.title),
                text: String::new(),
                tags: vec![milestone.tag().into(), incident.severity.clone()],
                color: None,
                panel_ids: None,
            });
        }
    }
    events
}
