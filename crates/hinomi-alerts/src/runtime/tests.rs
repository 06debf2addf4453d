//! The runtime's user actions on a fake clock: the board, snooze, pause and notices.

use super::view::BoardQuery;
use super::*;
use crate::notify::{NotificationPlanner, NotificationSettings};
use crate::{AlertState, SourceKind, SourceRef};
use hinomi_core::clock::FakeClock;
use hinomi_core::http::EndpointCache;
use std::time::Duration;

fn runtime() -> (AlertsRuntime, FakeClock) {
    let clock = FakeClock::at(
        chrono::DateTime::parse_from_rfc3339("2026-12-04T06:00:00Z")
            .unwrap()
            .to_utc(),
    );
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    let planner =
        NotificationPlanner::new(&NotificationSettings::default(), shared.clone()).unwrap();
    let runtime = AlertsRuntime::new(planner, shared, Arc::new(EndpointCache::new()));
    let alerts: Vec<Alert> = ["a:1", "a:2"]
        .iter()
        .map(|instance| {
            Alert::new(
                [
                    ("alertname".to_owned(), "DiskFull".to_owned()),
                    ("severity".to_owned(), "warning".to_owned()),
                    ("instance".to_owned(), (*instance).to_owned()),
                ]
                .into(),
                AlertState::Firing,
                SourceRef::new("prom", SourceKind::Prometheus),
            )
        })
        .collect();
    let _first_tick = lock(&runtime.planner).tick(&alerts, &[]);
    lock(&runtime.latest).alerts = Arc::new(alerts);
    (runtime, clock)
}

fn query(filter: &str) -> BoardQuery {
    BoardQuery {
        filter: filter.into(),
        states: vec![AlertState::Firing],
    }
}

#[test]
fn the_board_shows_the_snoozed_group_until_its_snooze_ends() {
    let (runtime, clock) = runtime();
    let group: LabelSet = [
        ("alertname".to_owned(), "DiskFull".to_owned()),
        ("severity".to_owned(), "warning".to_owned()),
    ]
    .into();
    let until = clock.now() + chrono::Duration::minutes(30);
    runtime.snooze(&group, Some(until));
    let board = runtime.board(&query(""));
    assert_eq!(board.board.shown_alerts, 2);
    let key = board.board.groups[0].key.clone();
    assert_eq!(board.snoozed_until.get(&key), Some(&until));
    clock.advance(Duration::from_secs(31 * 60));
    assert!(runtime.board(&query("")).snoozed_until.is_empty());
    runtime.snooze(&group, None);
    assert!(lock(&runtime.planner).snoozes().is_empty());
}

#[test]
fn a_bad_filter_empties_the_board_and_says_where() {
    let (runtime, _) = runtime();
    let board = runtime.board(&query("{alertname=\"DiskFull\""));
    assert!(board.filter_error.is_some());
    assert_eq!((board.board.total_alerts, board.board.shown_alerts), (2, 0));
}

#[test]
fn pausing_counts_from_the_injected_clock() {
    let (runtime, clock) = runtime();
    let until = runtime.pause(60).expect("paused");
    assert_eq!(until, clock.now() + chrono::Duration::minutes(60));
    assert_eq!(
        runtime.board(&query("")).notifications_paused_until,
        Some(until)
    );
    assert_eq!(runtime.pause(0), None);
    assert_eq!(*lock(&runtime.paused_until), None);
}

#[test]
fn only_the_newest_notices_are_kept() {
    let (runtime, _) = runtime();
    for n in 0..7 {
        runtime.raise_notice(HinomiError::internal(format!("notice {n}")));
    }
    let kept: Vec<String> = runtime
        .board(&query(""))
        .monitoring_notices
        .into_iter()
        .map(|notice| notice.message)
        .collect();
    assert_eq!(
        kept,
        ["notice 2", "notice 3", "notice 4", "notice 5", "notice 6"]
    );
}
