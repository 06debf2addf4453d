//! Staleness through the real poller and history, with a FakeClock: a source fails, the app
//! restarts with every source down, a source comes back.

use super::*;
use crate::alert::tests::labels;
use crate::alert::{AlertState, SourceKind, SourceRef};
use crate::board::{BoardOptions, Filter, Grouping, build_board_with_staleness};
use crate::history::AlertHistory;
use crate::poller::{AlertPoller, PollOutcome, SourceResult, local_rules_source};
use hinomi_core::clock::FakeClock;
use hinomi_core::{ErrorCode, HinomiError};
use std::sync::Arc;
use std::time::Duration;

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-21T09:00:00Z")
        .unwrap()
        .to_utc()
}

fn minutes(n: u64) -> DateTime<Utc> {
    start() + Duration::from_secs(60 * n)
}

fn am(id: &str) -> SourceRef {
    SourceRef::new(id, SourceKind::Alertmanager)
}

fn ok(source: &SourceRef, names: &[&str]) -> SourceResult {
    SourceResult {
        source: source.clone(),
        result: Ok(names
            .iter()
            .map(|name| {
                Alert::new(
                    labels(&[("alertname", name), ("severity", "critical")]),
                    AlertState::Firing,
                    source.clone(),
                )
            })
            .collect()),
    }
}

fn refused(source: &SourceRef) -> SourceResult {
    SourceResult {
        source: source.clone(),
        result: Err(HinomiError::new(
            ErrorCode::Unreachable,
            "Connection refused.",
        )),
    }
}

fn open(dir: &tempfile::TempDir, clock: &FakeClock) -> AlertPoller {
    let history = AlertHistory::open(&dir.path().join("alerts.sqlite")).unwrap();
    AlertPoller::new(Vec::new(), history, Arc::new(clock.clone())).unwrap()
}

/// The board's groups as (alertname, stale mark), in board order.
fn marks(poller: &AlertPoller, outcome: &PollOutcome) -> Vec<(String, Option<StaleMark>)> {
    let staleness = Staleness::from_health(&outcome.sources);
    let board = build_board_with_staleness(
        poller.snapshot().alerts(),
        &Grouping::default(),
        &Filter::all(),
        BoardOptions::default(),
        &staleness,
    );
    let mut marks: Vec<(String, Option<StaleMark>)> = board
        .groups
        .iter()
        .map(|group| (group.labels["alertname"].clone(), group.stale))
        .collect();
    marks.sort_by(|a, b| a.0.cmp(&b.0));
    marks
}

fn stale_since(alerts: u32, at: DateTime<Utc>) -> Option<StaleMark> {
    Some(StaleMark {
        alerts,
        last_known_at: Some(at),
    })
}

#[test]
fn an_unreachable_sources_alerts_are_last_known_at_its_last_success_not_now() {
    let dir = tempfile::tempdir().unwrap();
    let clock = FakeClock::at(start());
    let mut poller = open(&dir, &clock);
    let (one, two) = (am("am-1"), am("am-2"));

    let first = poller.apply(vec![ok(&one, &["A"]), ok(&two, &["B"])]);
    assert_eq!(
        marks(&poller, &first),
        [("A".into(), None), ("B".into(), None)]
    );
    assert!(Staleness::from_health(&first.sources).is_empty());

    clock.advance(Duration::from_secs(5 * 60));
    let failed = poller.apply(vec![refused(&one), ok(&two, &["B"])]);
    // Its alert stays on the board (no false "resolved"), marked with the time it was last
    // confirmed — 09:00 — although this poll ran at 09:05.
    assert_eq!(failed.at, minutes(5));
    assert_eq!(
        marks(&poller, &failed),
        [("A".into(), stale_since(1, start())), ("B".into(), None)]
    );
    let health = &failed.sources[0];
    assert_eq!(health.unreachable_since, Some(minutes(5)));
    assert_eq!(health.last_known_at, Some(start()));

    // Still down later: "stale since" stays at the first failure.
    clock.advance(Duration::from_secs(5 * 60));
    let still = poller.apply(vec![refused(&one), ok(&two, &["B"])]);
    assert_eq!(still.sources[0].unreachable_since, Some(minutes(5)));
    let summary = Staleness::from_health(&still.sources).summary(poller.snapshot().alerts());
    assert_eq!(
        summary,
        StaleSummary {
            unreachable_sources: 1,
            stale_alerts: 1,
            stale_firing: 1,
            last_known_at: Some(start()),
        }
    );

    // Back: fresh again.
    clock.advance(Duration::from_secs(60));
    let back = poller.apply(vec![ok(&one, &["A"]), ok(&two, &["B"])]);
    assert_eq!(
        marks(&poller, &back),
        [("A".into(), None), ("B".into(), None)]
    );
    assert_eq!(back.sources[0].unreachable_since, None);
    assert_eq!(back.sources[0].last_known_at, Some(minutes(11)));
}

#[test]
fn an_alert_one_reachable_source_still_reports_is_not_stale() {
    let dir = tempfile::tempdir().unwrap();
    let clock = FakeClock::at(start());
    let mut poller = open(&dir, &clock);
    let (one, two) = (am("am-1"), am("am-2"));
    poller.apply(vec![ok(&one, &["A"]), ok(&two, &["A"])]);
    clock.advance(Duration::from_secs(60));
    let outcome = poller.apply(vec![refused(&one), ok(&two, &["A"])]);
    assert_eq!(marks(&poller, &outcome), [("A".into(), None)]);

    // Both down: last known when the later of them last answered.
    clock.advance(Duration::from_secs(60));
    let outcome = poller.apply(vec![refused(&one), refused(&two)]);
    assert_eq!(
        marks(&poller, &outcome),
        [("A".into(), stale_since(1, minutes(1)))]
    );
}

#[test]
fn after_a_restart_with_every_source_down_the_restored_alerts_keep_their_last_known_time() {
    let dir = tempfile::tempdir().unwrap();
    let clock = FakeClock::at(start());
    let (one, two) = (am("am-1"), am("am-2"));
    {
        let mut poller = open(&dir, &clock);
        poller.apply(vec![ok(&one, &["A"]), ok(&two, &["B", "C"])]);
        clock.advance(Duration::from_secs(5 * 60));
        poller.apply(vec![refused(&one), ok(&two, &["B", "C"])]);
    }
    // Hinomi is closed for two hours; then starts with the whole stack down.
    clock.advance(Duration::from_secs(2 * 3600));
    let mut poller = open(&dir, &clock);
    assert_eq!(poller.snapshot().len(), 3, "the open episodes are restored");
    let outcome = poller.apply(vec![refused(&one), refused(&two)]);
    assert!(
        outcome.changes.is_empty(),
        "nothing resolves for being unreachable"
    );
    assert_eq!(
        marks(&poller, &outcome),
        [
            ("A".into(), stale_since(1, start())),
            ("B".into(), stale_since(1, minutes(5))),
            ("C".into(), stale_since(1, minutes(5))),
        ]
    );
    let summary = Staleness::from_health(&outcome.sources).summary(poller.snapshot().alerts());
    assert_eq!(summary.unreachable_sources, 2);
    assert_eq!(summary.stale_firing, 3);
    assert_eq!(summary.last_known_at, Some(start()));
}

#[test]
fn a_source_never_reached_gives_an_unknown_time_and_local_rules_are_not_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let clock = FakeClock::at(start());
    let mut poller = open(&dir, &clock);
    let local = local_rules_source();
    poller.apply(vec![ok(&local, &["Watch"])]);
    assert!(poller.history().source_contacts().unwrap().is_empty());

    let one = am("am-1");
    let outcome = poller.apply(vec![refused(&one), ok(&local, &["Watch"])]);
    let staleness = Staleness::from_health(&outcome.sources);
    assert_eq!(staleness.summary(&[]).last_known_at, None);
    assert_eq!(staleness.summary(&[]).unreachable_sources, 1);
    let orphan = Alert::new(labels(&[("alertname", "X")]), AlertState::Pending, one);
    assert_eq!(staleness.of_alert(&orphan), Some(None));
    assert_eq!(staleness.summary(&[orphan]).stale_firing, 0);
}
