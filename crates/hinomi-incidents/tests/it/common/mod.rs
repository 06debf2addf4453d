//! Shared test setup: a store in a temporary directory driven by a fake clock, and the seed's
//! alerts (§4.1) as an Alertmanager group.

use chrono::{DateTime, Utc};
use hinomi_core::clock::FakeClock;
use hinomi_incidents::{AlertSnapshot, AlertState, FiringAlertGroup, IncidentStore};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub const START: &str = "2026-11-24T09:00:00Z";

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub clock: FakeClock,
    pub store: IncidentStore,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = FakeClock::at(at(START));
        let store = IncidentStore::open(
            &dir.path().join("incidents.sqlite"),
            Arc::new(clock.clone()),
        )
        .unwrap();
        Self { dir, clock, store }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("incidents.sqlite")
    }

    pub fn reopen(&self) -> IncidentStore {
        IncidentStore::open(&self.path(), Arc::new(self.clock.clone())).unwrap()
    }

    pub fn now(&self) -> DateTime<Utc> {
        use hinomi_core::clock::Clock;
        self.clock.now()
    }

    pub fn minutes(&self, minutes: u64) {
        self.clock.advance(Duration::from_secs(minutes * 60));
    }

    /// Brings this laptop's clock to `other`'s time (clocks only move forward).
    pub fn catch_up_with(&self, other: &Fixture) {
        if let Ok(gap) = (other.now() - self.now()).to_std() {
            self.clock.advance(gap);
        }
    }

    pub fn seconds(&self, seconds: u64) {
        self.clock.advance(Duration::from_secs(seconds));
    }
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The seed's HighErrorRate alert, firing on two instances.
pub fn high_error_rate_group() -> FiringAlertGroup {
    let alert = |instance: &str, fingerprint: &str| AlertSnapshot {
        labels: labels(&[
            ("alertname", "HighErrorRate"),
            ("severity", "critical"),
            ("instance", instance),
            ("job", "dataset-api"),
        ]),
        annotations: labels(&[
            ("summary", "高エラー率を検出"),
            ("description", "5xxエラーが10%を超えています"),
        ]),
        starts_at: at("2026-11-24T08:55:00Z"),
        ends_at: None,
        state: AlertState::Firing,
        source: "alertmanager-demo".to_string(),
        generator_url: Some("http://127.0.0.1:9090/graph?g0.expr=...".to_string()),
        fingerprint: Some(fingerprint.to_string()),
    };
    FiringAlertGroup {
        labels: labels(&[("alertname", "HighErrorRate"), ("severity", "critical")]),
        alerts: vec![alert("api-1:8080", "a1b2c3"), alert("api-2:8080", "d4e5f6")],
    }
}
