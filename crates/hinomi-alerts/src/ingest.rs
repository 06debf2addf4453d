//! Folding what every source reported into one list, each alert once.
//!
//! Alertmanagers of an HA pair both hold every alert, and Prometheus reports the same alerts
//! again; alerts with the same label set (the same fingerprint) are one alert, tagged with every
//! source that reported it. Linear in the number of reported alerts.

use crate::alert::{Alert, FingerprintMap, SourceRef, fingerprint_key};

/// One poll's alerts, deduplicated, indexed by fingerprint. In the order the sources reported
/// them (the board sorts for display), so the same answers always give the same snapshot.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    alerts: Vec<Alert>,
    index: FingerprintMap<usize>,
}

impl Snapshot {
    /// Merges the alerts of any number of sources.
    pub fn merge(reports: impl IntoIterator<Item = Vec<Alert>>) -> Self {
        let mut alerts: Vec<Alert> = Vec::new();
        let mut index = FingerprintMap::default();
        for report in reports {
            // Later reports are mostly duplicates (an HA pair): growing for them would only
            // move the alerts already here.
            if alerts.is_empty() {
                alerts.reserve(report.len());
            }
            for alert in report {
                let key = fingerprint_key(&alert.fingerprint);
                match index.get(&key) {
                    Some(&at) => absorb(&mut alerts[at], alert),
                    None => {
                        index.insert(key, alerts.len());
                        alerts.push(alert);
                    }
                }
            }
        }
        Self::from_alerts(alerts)
    }

    /// Takes alerts that are already one per fingerprint.
    pub fn from_alerts(mut alerts: Vec<Alert>) -> Self {
        let mut index = FingerprintMap::default();
        index.reserve(alerts.len());
        for (at, alert) in alerts.iter_mut().enumerate() {
            if alert.sources.len() > 1 {
                alert.sources.sort();
                alert.sources.dedup();
            }
            index.insert(fingerprint_key(&alert.fingerprint), at);
        }
        Self { alerts, index }
    }

    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }

    pub fn into_alerts(self) -> Vec<Alert> {
        self.alerts
    }

    pub fn get(&self, fingerprint: &str) -> Option<&Alert> {
        self.index
            .get(&fingerprint_key(fingerprint))
            .map(|&at| &self.alerts[at])
    }

    pub fn len(&self) -> usize {
        self.alerts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
    }

    /// Alerts reported by this datasource.
    pub fn from_source<'s>(&'s self, datasource_id: &'s str) -> impl Iterator<Item = &'s Alert> {
        self.alerts.iter().filter(move |alert| {
            alert
                .sources
                .iter()
                .any(|source| source.datasource_id == datasource_id)
        })
    }
}

/// Adds a second report of the same alert to the first.
fn absorb(into: &mut Alert, other: Alert) {
    if other.state.precedence() > into.state.precedence() {
        into.state = other.state;
    }
    into.active_since = match (into.active_since, other.active_since) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    for (name, value) in other.annotations {
        into.annotations.entry(name).or_insert(value);
    }
    if into.value.is_none() {
        into.value = other.value;
    }
    if into.generator_url.is_none() {
        into.generator_url = other.generator_url;
    }
    union(&mut into.silenced_by, other.silenced_by);
    union(&mut into.inhibited_by, other.inhibited_by);
    union(&mut into.receivers, other.receivers);
    union_sources(&mut into.sources, other.sources);
}

fn union(into: &mut Vec<String>, other: Vec<String>) {
    for item in other {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

fn union_sources(into: &mut Vec<SourceRef>, other: Vec<SourceRef>) {
    for source in other {
        if !into.contains(&source) {
            into.push(source);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::tests::labels;
    use crate::alert::{AlertState, SourceKind};
    use chrono::{TimeZone, Utc};

    fn reported(by: &str, kind: SourceKind, state: AlertState) -> Alert {
        Alert::new(
            labels(&[("alertname", "HighErrorRate"), ("severity", "critical")]),
            state,
            SourceRef::new(by, kind),
        )
    }

    #[test]
    fn an_ha_pair_reports_one_alert_with_both_sources() {
        let mut a = reported("am-1", SourceKind::Alertmanager, AlertState::Firing);
        a.active_since = Some(Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 0).unwrap());
        a.receivers = vec!["team-dataset".into()];
        let mut b = reported("am-2", SourceKind::Alertmanager, AlertState::Silenced);
        b.active_since = Some(Utc.with_ymd_and_hms(2026, 1, 1, 9, 59, 0).unwrap());
        b.silenced_by = vec!["s1".into()];
        b.receivers = vec!["team-dataset".into()];
        let other = Alert::new(
            labels(&[("alertname", "HighLatency")]),
            AlertState::Firing,
            SourceRef::new("am-2", SourceKind::Alertmanager),
        );
        let snapshot = Snapshot::merge([vec![a.clone()], vec![b, other]]);
        assert_eq!(snapshot.len(), 2);
        let merged = snapshot.get(&a.fingerprint).unwrap();
        assert_eq!(
            merged.sources,
            [
                SourceRef::new("am-1", SourceKind::Alertmanager),
                SourceRef::new("am-2", SourceKind::Alertmanager)
            ]
        );
        // One of the pair already applies the silence: the alert is silenced.
        assert_eq!(merged.state, AlertState::Silenced);
        assert_eq!(merged.silenced_by, ["s1"]);
        assert_eq!(merged.receivers, ["team-dataset"]);
        assert_eq!(
            merged.active_since,
            Some(Utc.with_ymd_and_hms(2026, 1, 1, 9, 59, 0).unwrap())
        );
    }

    #[test]
    fn prometheus_and_alertmanager_fill_in_each_other() {
        let mut from_prometheus = reported("prom", SourceKind::Prometheus, AlertState::Firing);
        from_prometheus.value = Some("0.25".into());
        let mut from_alertmanager = reported("am", SourceKind::Alertmanager, AlertState::Firing);
        from_alertmanager
            .annotations
            .insert("summary".into(), "高エラー率を検出".into());
        let snapshot = Snapshot::merge([vec![from_alertmanager], vec![from_prometheus]]);
        let alert = &snapshot.alerts()[0];
        assert_eq!(alert.value.as_deref(), Some("0.25"));
        assert_eq!(alert.annotations["summary"], "高エラー率を検出");
        assert_eq!(alert.sources.len(), 2);
        assert_eq!(
            alert.sources[0].datasource_id, "am",
            "sorted by datasource id"
        );
        // Pending from one Prometheus, firing from another: firing.
        let pending = reported("p1", SourceKind::Prometheus, AlertState::Pending);
        let firing = reported("p2", SourceKind::Prometheus, AlertState::Firing);
        let snapshot = Snapshot::merge([vec![pending], vec![firing]]);
        assert_eq!(snapshot.alerts()[0].state, AlertState::Firing);
    }
}
