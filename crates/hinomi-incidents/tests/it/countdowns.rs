//! Response-target countdowns through the store: each 80% / 100% warning exactly once, across
//! restarts, and never after acknowledgement.

use crate::common::Fixture;
use hinomi_incidents::{
    NewIncident, ResponseTargets, Severity, Status, TargetStop, ThresholdCrossing,
};

fn create(f: &Fixture, severity: Severity) -> String {
    f.store
        .create_incident(NewIncident {
            title: format!("{severity} incident"),
            description: String::new(),
            severity,
            commander: None,
            assignees: vec![],
            labels: Default::default(),
            actor: None,
        })
        .unwrap()
        .id
}

fn percents(crossings: &[ThresholdCrossing]) -> Vec<(String, u32)> {
    crossings
        .iter()
        .map(|c| (c.incident_id.clone(), c.threshold_percent))
        .collect()
}

#[test]
fn each_threshold_is_crossed_exactly_once() {
    let f = Fixture::new();
    let targets = ResponseTargets::default();
    let id = create(&f, Severity::P1); // 60 minutes

    f.minutes(47);
    assert!(
        f.store
            .take_threshold_crossings(&targets)
            .unwrap()
            .is_empty()
    );
    f.seconds(59); // 47:59, still under 48:00
    assert!(
        f.store
            .take_threshold_crossings(&targets)
            .unwrap()
            .is_empty()
    );
    f.seconds(1); // exactly 80%
    let crossed = f.store.take_threshold_crossings(&targets).unwrap();
    assert_eq!(percents(&crossed), vec![(id.clone(), 80)]);
    assert_eq!(crossed[0].remaining_seconds, 12 * 60);
    assert!(
        f.store
            .take_threshold_crossings(&targets)
            .unwrap()
            .is_empty()
    );

    f.minutes(11);
    assert!(
        f.store
            .take_threshold_crossings(&targets)
            .unwrap()
            .is_empty()
    );
    f.minutes(1); // exactly 100%
    let crossed = f.store.take_threshold_crossings(&targets).unwrap();
    assert_eq!(percents(&crossed), vec![(id.clone(), 100)]);

    // A restart does not raise them again: what was notified is in the store.
    f.minutes(30);
    let reopened = f.reopen();
    assert!(
        reopened
            .take_threshold_crossings(&targets)
            .unwrap()
            .is_empty()
    );
    let countdown = &reopened.countdowns(&targets).unwrap()[0];
    assert!(countdown.overdue);
    assert_eq!(countdown.remaining_seconds, -30 * 60);
    assert!((countdown.fraction_used - 1.5).abs() < 1e-9);
}

#[test]
fn a_long_sleep_raises_only_the_highest_threshold() {
    let f = Fixture::new();
    let targets = ResponseTargets::default();
    let id = create(&f, Severity::P0); // 15 minutes by default
    f.minutes(90);
    let crossed = f.store.take_threshold_crossings(&targets).unwrap();
    assert_eq!(percents(&crossed), vec![(id, 100)]);
    assert!(
        f.store
            .take_threshold_crossings(&targets)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn acknowledged_incidents_stop_warning() {
    let f = Fixture::new();
    let targets = ResponseTargets::default();
    let quiet = create(&f, Severity::P2); // 4 hours
    let loud = create(&f, Severity::P2);
    f.minutes(100);
    f.store
        .transition(&quiet, Status::Assessed, Some("sato"))
        .unwrap();
    f.minutes(140); // 240 minutes: both would be at 100%
    let crossed = f.store.take_threshold_crossings(&targets).unwrap();
    assert_eq!(percents(&crossed), vec![(loud, 100)]);
    let countdowns = f.store.countdowns(&targets).unwrap();
    let quiet_clock = countdowns.iter().find(|c| c.incident_id == quiet).unwrap();
    assert!(!quiet_clock.overdue);
    assert_eq!(quiet_clock.elapsed_seconds, 100 * 60);
    assert!(quiet_clock.stopped_at.is_some());
}

#[test]
fn raising_severity_warns_again_against_the_new_target() {
    let f = Fixture::new();
    let targets = ResponseTargets::default();
    let id = create(&f, Severity::P3); // 24 hours
    f.minutes(20 * 60); // 83% of 24h
    assert_eq!(
        percents(&f.store.take_threshold_crossings(&targets).unwrap()),
        vec![(id.clone(), 80)]
    );
    f.store.set_severity(&id, Severity::P2, None).unwrap(); // 4h target, long past
    assert_eq!(
        percents(&f.store.take_threshold_crossings(&targets).unwrap()),
        vec![(id, 100)]
    );
}

#[test]
fn targets_and_stop_point_are_configurable() {
    let f = Fixture::new();
    let targets = ResponseTargets {
        p1_minutes: 10,
        stop_at: TargetStop::Resolved,
        ..ResponseTargets::default()
    };
    let id = create(&f, Severity::P1);
    f.store.transition(&id, Status::Assessed, None).unwrap(); // acknowledged, clock still runs
    f.minutes(8);
    assert_eq!(
        percents(&f.store.take_threshold_crossings(&targets).unwrap()),
        vec![(id.clone(), 80)]
    );
    for to in [Status::Assigned, Status::Investigating, Status::Resolved] {
        f.store.transition(&id, to, None).unwrap();
    }
    f.minutes(60);
    assert!(
        f.store
            .take_threshold_crossings(&targets)
            .unwrap()
            .is_empty()
    );
    let clock = &f.store.countdowns(&targets).unwrap()[0];
    assert_eq!(clock.elapsed_seconds, 8 * 60);
    assert!(!clock.overdue);
}

#[test]
fn closed_incidents_have_no_countdown() {
    let f = Fixture::new();
    let id = create(&f, Severity::P1);
    for to in [
        Status::Assessed,
        Status::Assigned,
        Status::Investigating,
        Status::Resolved,
        Status::Reported,
        Status::Closed,
    ] {
        f.store.transition(&id, to, None).unwrap();
    }
    assert!(
        f.store
            .countdowns(&ResponseTargets::default())
            .unwrap()
            .is_empty()
    );
}
