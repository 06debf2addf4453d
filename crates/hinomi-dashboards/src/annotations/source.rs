//! The annotation sources of a dashboard: its `annotations.list` read, with Grafana's built-in
//! "Annotations & Alerts" entry standing for Hinomi's own alert history, and the incident
//! markers every dashboard gets.

use crate::Dashboard;
use crate::model::DatasourceRef;
use hinomi_core::HinomiError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;

/// Id of the source drawing Hinomi's alert history (fired → resolved regions).
pub const ALERTS_SOURCE_ID: &str = "hinomi:alerts";
/// Id of the source drawing open incidents' milestones.
pub const INCIDENTS_SOURCE_ID: &str = "hinomi:incidents";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum AnnotationSourceKind {
    /// A Prometheus annotation query of the dashboard.
    Prometheus,
    /// Hinomi's alert history (also what Grafana's built-in "Annotations & Alerts" means here).
    Alerts,
    /// Open incidents: detected, acknowledged, mitigated.
    Incidents,
}

/// One toggle in the dashboard bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AnnotationSource {
    pub id: String,
    pub name: String,
    pub kind: AnnotationSourceKind,
    /// Grafana's `iconColor`; `None` leaves the UI's colour for the kind.
    pub color: Option<String>,
    /// Grafana's `enable`: drawn until the user switches it off.
    pub enabled_by_default: bool,
    /// Grafana's `hide`: no toggle in the bar (still drawn when enabled).
    pub hidden: bool,
    /// Why this source gave no events this time (a PromQL error, an unreadable store).
    pub error: Option<HinomiError>,
}

/// A Prometheus annotation query as Grafana stores it (old top-level `expr`/`step`, or the
/// `target` Grafana 10 moves them into).
#[derive(Debug, Clone, PartialEq)]
pub struct PrometheusAnnotation {
    pub source_id: String,
    pub datasource: Option<DatasourceRef>,
    pub expr: String,
    /// Grafana's default is 60 s.
    pub step_seconds: f64,
    pub title_format: String,
    pub text_format: String,
    pub tag_keys: Vec<String>,
    pub use_value_for_time: bool,
    pub color: Option<String>,
}

/// Grafana's `ANNOTATION_QUERY_STEP_DEFAULT`.
pub const DEFAULT_STEP_SECONDS: f64 = 60.0;

/// The dashboard's annotation sources in order, plus the Prometheus queries to run.
/// The alert and incident sources are always there (a dashboard without Grafana's built-in
/// entry still shows the incident); entries of other datasources are left out.
pub fn sources(dashboard: &Dashboard) -> (Vec<AnnotationSource>, Vec<PrometheusAnnotation>) {
    let mut listed = Vec::new();
    let mut queries = Vec::new();
    let mut alerts = None;
    for (index, entry) in annotation_list(dashboard).iter().enumerate() {
        let Some(entry) = entry.as_object() else {
            continue;
        };
        let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_owned);
        let flag = |key: &str, default: bool| match entry.get(key) {
            Some(Value::Bool(on)) => *on,
            Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
            Some(Value::String(s)) => s == "true",
            _ => default,
        };
        let name = text("name").unwrap_or_default();
        let color = text("iconColor");
        let datasource: Option<DatasourceRef> = entry
            .get("datasource")
            .and_then(|value| serde_json::from_value(value.clone()).ok());
        if is_builtin(entry, datasource.as_ref()) {
            alerts.get_or_insert(AnnotationSource {
                id: ALERTS_SOURCE_ID.into(),
                name: if name.is_empty() {
                    "Annotations & Alerts".into()
                } else {
                    name
                },
                kind: AnnotationSourceKind::Alerts,
                color,
                enabled_by_default: flag("enable", true),
                // Grafana exports its built-in entry with `hide: true` (no toggle for an
                // always-on layer); here it is the incident itself, which a person must be able
                // to switch off, so its toggle is always shown.
                hidden: false,
                error: None,
            });
            continue;
        }
        let target = entry.get("target").and_then(Value::as_object);
        let in_target = |key: &str| {
            target
                .and_then(|t| t.get(key))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let expr = in_target("expr")
            .or_else(|| text("expr"))
            .unwrap_or_default();
        if expr.trim().is_empty() || !is_prometheus(datasource.as_ref()) {
            continue;
        }
        let id = format!("query:{index}");
        let step = in_target("interval")
            .or_else(|| text("step"))
            .and_then(|step| crate::duration::parse_seconds(&step))
            .filter(|step| *step > 0.0)
            .unwrap_or(DEFAULT_STEP_SECONDS);
        queries.push(PrometheusAnnotation {
            source_id: id.clone(),
            datasource: datasource.clone(),
            expr,
            step_seconds: step,
            title_format: text("titleFormat").unwrap_or_default(),
            text_format: text("textFormat").unwrap_or_default(),
            tag_keys: text("tagKeys")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|key| !key.is_empty())
                .map(str::to_owned)
                .collect(),
            use_value_for_time: flag("useValueForTime", false),
            color: color.clone(),
        });
        listed.push(AnnotationSource {
            id,
            name: if name.is_empty() {
                format!("Annotation {}", index + 1)
            } else {
                name
            },
            kind: AnnotationSourceKind::Prometheus,
            color,
            enabled_by_default: flag("enable", true),
            hidden: flag("hide", false),
            error: None,
        });
    }
    let mut all = vec![alerts.unwrap_or_else(|| AnnotationSource {
        id: ALERTS_SOURCE_ID.into(),
        name: "Alerts".into(),
        kind: AnnotationSourceKind::Alerts,
        color: None,
        enabled_by_default: true,
        hidden: false,
        error: None,
    })];
    all.push(AnnotationSource {
        id: INCIDENTS_SOURCE_ID.into(),
        name: "Incidents".into(),
        kind: AnnotationSourceKind::Incidents,
        color: None,
        enabled_by_default: true,
        hidden: false,
        error: None,
    });
    all.extend(listed);
    (all, queries)
}

fn annotation_list(dashboard: &Dashboard) -> &[Value] {
    dashboard
        .extra
        .get("annotations")
        .and_then(|a| a.get("list"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Grafana's own "Annotations & Alerts": `builtIn: 1`, datasource `-- Grafana --` or
/// `{type: "grafana"}`.
fn is_builtin(entry: &serde_json::Map<String, Value>, datasource: Option<&DatasourceRef>) -> bool {
    let built_in = entry
        .get("builtIn")
        .is_some_and(|v| v.as_f64().is_some_and(|n| n != 0.0) || v.as_bool() == Some(true));
    let grafana = match datasource {
        Some(DatasourceRef::Name(name)) => name.contains("Grafana"),
        Some(DatasourceRef::Ref(r)) => {
            r.kind.as_deref() == Some("grafana") || r.uid.as_deref() == Some("-- Grafana --")
        }
        None => false,
    };
    built_in || grafana
}

/// A Prometheus query: a `prometheus` datasource, a name or `${var}` (Hinomi reads only
/// Prometheus), or none (the default datasource).
fn is_prometheus(datasource: Option<&DatasourceRef>) -> bool {
    match datasource {
        Some(DatasourceRef::Ref(r)) => r.kind.as_deref().is_none_or(|kind| kind == "prometheus"),
        Some(DatasourceRef::Name(_)) | None => true,
    }
}
