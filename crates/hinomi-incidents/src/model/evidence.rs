//! Evidence pinned to an incident, kept as data rather than links.
//!
//! A link to a Grafana panel or a log query stops working when the laptop is offline, the
//! retention window passes or the incident is handed to someone without access; a copy of the
//! series, lines or alert does not. Each kind carries what is needed to redraw it and to re-run
//! it later (query, range, datasource).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;

/// The time window a snapshot covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TimeRange {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The query resolution, when the source has one (Prometheus range queries).
    pub step_seconds: Option<f64>,
}

/// One series of a metric snapshot. `timestamps` are Unix seconds (what Prometheus and uPlot
/// use); `values` is the same length, `null` where the sample is missing or not finite (JSON has
/// no NaN or Infinity).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct MetricSeries {
    pub labels: BTreeMap<String, String>,
    pub timestamps: Vec<f64>,
    pub values: Vec<Option<f64>>,
}

impl MetricSeries {
    /// Builds a series from raw samples, turning NaN and ±Inf into gaps.
    pub fn from_samples(labels: BTreeMap<String, String>, samples: &[(f64, f64)]) -> Self {
        Self {
            labels,
            timestamps: samples.iter().map(|(t, _)| *t).collect(),
            values: samples
                .iter()
                .map(|(_, v)| v.is_finite().then_some(*v))
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct MetricSnapshot {
    pub title: String,
    pub query: String,
    pub datasource: String,
    pub range: TimeRange,
    pub unit: Option<String>,
    pub series: Vec<MetricSeries>,
    /// The annotations the chart showed (alert regions, incident markers, the dashboard's own
    /// annotation queries), so the report draws them too. Absent in evidence pinned before
    /// annotations existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<ChartAnnotation>,
}

/// What kind of annotation a chart showed, for its colour in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ChartAnnotationKind {
    Alert,
    Incident,
    Query,
}

/// A marker (no `end`, or `end == start`) or a region drawn on a pinned chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ChartAnnotation {
    pub kind: ChartAnnotationKind,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub title: String,
    pub text: String,
    pub tags: Vec<String>,
    /// The colour the dashboard gave it (Grafana's `iconColor`), if any.
    pub color: Option<String>,
}

impl ChartAnnotation {
    /// A region has an end after its start; anything else is a point in time.
    pub fn region_end(&self) -> Option<DateTime<Utc>> {
        self.end.filter(|end| *end > self.start)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LogLine {
    pub timestamp: Option<DateTime<Utc>>,
    pub text: String,
    /// Structured fields or stream labels that came with the line.
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LogExcerpt {
    pub title: String,
    pub query: String,
    pub datasource: String,
    pub range: TimeRange,
    pub lines: Vec<LogLine>,
    /// True when the source had more lines than were kept.
    pub truncated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    Pending,
    Firing,
    Suppressed,
    Resolved,
}

/// An alert as it was when captured, from Alertmanager or Prometheus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AlertSnapshot {
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub state: AlertState,
    /// Which datasource reported it (its id or URL).
    pub source: String,
    pub generator_url: Option<String>,
    pub fingerprint: Option<String>,
}

impl AlertSnapshot {
    pub fn alertname(&self) -> &str {
        self.labels.get("alertname").map_or("", String::as_str)
    }

    /// What identifies "the same alert" across snapshots: Alertmanager's fingerprint when
    /// known, otherwise the label set (which is what the fingerprint hashes).
    pub fn identity(&self) -> String {
        match &self.fingerprint {
            Some(fingerprint) if !fingerprint.is_empty() => fingerprint.clone(),
            _ => self
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EvidenceData {
    Metric(MetricSnapshot),
    Logs(LogExcerpt),
    Alert(AlertSnapshot),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Metric,
    Logs,
    Alert,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Metric => "metric",
            EvidenceKind::Logs => "logs",
            EvidenceKind::Alert => "alert",
        }
    }
}

impl EvidenceData {
    pub fn kind(&self) -> EvidenceKind {
        match self {
            EvidenceData::Metric(_) => EvidenceKind::Metric,
            EvidenceData::Logs(_) => EvidenceKind::Logs,
            EvidenceData::Alert(_) => EvidenceKind::Alert,
        }
    }

    pub fn title(&self) -> String {
        match self {
            EvidenceData::Metric(m) => m.title.clone(),
            EvidenceData::Logs(l) => l.title.clone(),
            EvidenceData::Alert(a) => match a.annotations.get("summary") {
                Some(summary) => format!("{}: {summary}", a.alertname()),
                None => a.alertname().to_string(),
            },
        }
    }

    /// Refuses snapshots that could not be drawn later.
    pub fn check(&self) -> Result<(), EvidenceProblem> {
        match self {
            EvidenceData::Metric(m) => {
                for (index, series) in m.series.iter().enumerate() {
                    if series.timestamps.len() != series.values.len() {
                        return Err(EvidenceProblem::MismatchedSeries {
                            title: m.title.clone(),
                            index,
                            timestamps: series.timestamps.len(),
                            values: series.values.len(),
                        });
                    }
                }
                Ok(())
            }
            EvidenceData::Logs(_) => Ok(()),
            EvidenceData::Alert(a) if a.labels.is_empty() => Err(EvidenceProblem::UnlabelledAlert),
            EvidenceData::Alert(_) => Ok(()),
        }
    }
}

/// Why a snapshot could not be drawn later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceProblem {
    #[error(
        "metric snapshot {title:?}: series {index} has {timestamps} timestamps but {values} values"
    )]
    MismatchedSeries {
        title: String,
        index: usize,
        timestamps: usize,
        values: usize,
    },
    #[error("alert snapshot has no labels")]
    UnlabelledAlert,
}

/// Evidence as stored: the data plus who pinned it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct EvidenceRecord {
    pub id: String,
    pub incident_id: String,
    pub captured_at: DateTime<Utc>,
    pub pinned_by: Option<String>,
    pub data: EvidenceData,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_samples_become_gaps() {
        let series = MetricSeries::from_samples(
            BTreeMap::new(),
            &[(1.0, 0.5), (2.0, f64::NAN), (3.0, f64::INFINITY)],
        );
        assert_eq!(series.values, vec![Some(0.5), None, None]);
        let json = serde_json::to_string(&series).unwrap();
        assert!(json.contains("[0.5,null,null]"), "{json}");
    }

    #[test]
    fn mismatched_series_are_refused() {
        let data = EvidenceData::Metric(MetricSnapshot {
            annotations: Vec::new(),
            title: "errors".into(),
            query: "up".into(),
            datasource: "prom".into(),
            range: TimeRange {
                start: DateTime::UNIX_EPOCH,
                end: DateTime::UNIX_EPOCH,
                step_seconds: None,
            },
            unit: None,
            series: vec![MetricSeries {
                labels: BTreeMap::new(),
                timestamps: vec![1.0, 2.0],
                values: vec![Some(1.0)],
            }],
        });
        assert!(
            data.check()
                .unwrap_err()
                .to_string()
                .contains("2 timestamps but 1 values")
        );
    }
}
