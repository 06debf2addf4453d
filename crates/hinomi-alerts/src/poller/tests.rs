//! The pure part of polling (`apply`) with made-up answers, a FakeClock and a real history.

use super::*;
use crate::alert::AlertState;
use crate::alert::tests::labels;
use crate::changes::ChangeKind;
use hinomi_core::ErrorCode;
use hinomi_core::clock::FakeClock;
use std::time::Duration;

fn clock() -> FakeClock {
    FakeClock::at(
        DateTime::parse_from_rfc3339("2026-03-21T09:00:00Z")
            .unwrap()
            .to_utc(),
    )
}

fn am(id: &str) -> SourceRef {
    SourceRef::new(id, SourceKind::Alertmanager)
}

fn alert(name: &str, source: &SourceRef) -> Alert {
    Alert::new(
        labels(&[("alertname", name), ("severity", "critical")]),
        AlertState::Firing,
        source.clone(),
    )
}

fn ok(source: &SourceRef, names: &[&str]) -> SourceResult {
    SourceResult {
        source: source.clone(),
        result: Ok(names.iter().map(|name| alert(name, source)).collect()),
    }
}

fn failed(source: &SourceRef) -> SourceResult {
    SourceResult {
        source: source.clone(),
        result: Err(HinomiError::new(
            ErrorCode::Unreachable,
            "Cannot reach am-2.",
        )),
    }
}

fn kinds(outcome: &PollOutcome) -> Vec<(ChangeKind, String)> {
    let mut kinds: Vec<(ChangeKind, String)> = outcome
        .changes
        .iter()
        .map(|c| (c.kind, c.labels["alertname"].clone()))
        .collect();
    kinds.sort_by(|a, b| a.1.cmp(&b.1));
    kinds
}

fn poller(dir: &tempfile::TempDir, clock: &FakeClock) -> AlertPoller {
    let history = AlertHistory::open(&dir.path().join("alerts.sqlite")).unwrap();
    AlertPoller::new(Vec::new(), history, Arc::new(clock.clone())).unwrap()
}

#[test]
fn an_ha_pair_gives_one_alert_and_changes_are_new_then_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut poller = poller(&dir, &clock);
    let (one, two) = (am("am-1"), am("am-2"));

    let first = poller.apply(vec![ok(&one, &["A", "B"]), ok(&two, &["A", "B"])]);
    assert_eq!(
        kinds(&first),
        [(ChangeKind::New, "A".into()), (ChangeKind::New, "B".into())]
    );
    assert_eq!(poller.snapshot().len(), 2);
    assert_eq!(
        poller.snapshot().alerts()[0].sources,
        [one.clone(), two.clone()]
    );
    assert!(first.history_error.is_none());

    clock.advance(Duration::from_secs(5));
    let second = poller.apply(vec![ok(&one, &["A"]), ok(&two, &["A"])]);
    assert_eq!(kinds(&second), [(ChangeKind::Resolved, "B".into())]);
    let b = alert("B", &one).fingerprint;
    assert_eq!(
        poller.history().of_alert(&b).unwrap()[0].resolved_at,
        Some(clock.now())
    );
}

#[test]
fn a_failing_source_keeps_its_alerts_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut poller = poller(&dir, &clock);
    let (one, two) = (am("am-1"), am("am-2"));
    poller.apply(vec![ok(&one, &["A"]), ok(&two, &["B"])]);
    clock.advance(Duration::from_secs(5));
    let outcome = poller.apply(vec![ok(&one, &["A"]), failed(&two)]);
    assert!(
        outcome.changes.is_empty(),
        "B is not resolved by a failed poll"
    );
    assert_eq!(poller.snapshot().len(), 2);
    let health = &outcome.sources[1];
    assert_eq!(health.source, two);
    assert_eq!(health.consecutive_failures, 1);
    assert_eq!(
        health.last_success,
        Some(clock.now() - chrono::Duration::seconds(5))
    );
    assert_eq!(
        health.last_error.as_ref().unwrap().code,
        ErrorCode::Unreachable
    );
    clock.advance(Duration::from_secs(5));
    let outcome = poller.apply(vec![ok(&one, &["A"]), ok(&two, &[])]);
    assert_eq!(kinds(&outcome), [(ChangeKind::Resolved, "B".into())]);
    assert_eq!(outcome.sources[1].consecutive_failures, 0);
    assert!(outcome.sources[1].last_error.is_none());
}

#[test]
fn after_a_restart_still_firing_is_not_new_and_gone_is_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let one = am("am-1");
    let mut before = poller(&dir, &clock);
    before.apply(vec![ok(&one, &["A", "B"])]);
    drop(before);

    clock.advance(Duration::from_secs(3600));
    let mut after = poller(&dir, &clock);
    assert_eq!(after.snapshot().len(), 2, "restored from the history");
    // am-1 is down at first: nothing resolves because of that.
    let outcome = after.apply(vec![failed(&one)]);
    assert!(outcome.changes.is_empty());
    let outcome = after.apply(vec![ok(&one, &["A"])]);
    assert_eq!(kinds(&outcome), [(ChangeKind::Resolved, "B".into())]);
}

#[test]
fn a_source_no_longer_polled_has_its_alerts_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut poller = poller(&dir, &clock);
    let (one, two) = (am("am-1"), am("am-2"));
    poller.apply(vec![ok(&one, &["A"]), ok(&two, &["B"])]);
    let outcome = poller.apply(vec![ok(&one, &["A"])]);
    assert_eq!(kinds(&outcome), [(ChangeKind::Resolved, "B".into())]);
    assert_eq!(outcome.sources.len(), 1);
}

#[test]
fn elasticsearch_is_not_an_alert_source() {
    let ds = Datasource {
        id: "es".into(),
        name: "Logs".into(),
        kind: DatasourceKind::Elasticsearch,
        url: "http://127.0.0.1:9200".into(),
        timeout_ms: 1000,
        tls: Default::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    };
    let endpoints = Arc::new(hinomi_core::http::EndpointCache::new());
    let err = HinomiError::from(AlertSource::for_datasource(&ds, endpoints).unwrap_err());
    assert_eq!(err.code, ErrorCode::InvalidInput);
}
