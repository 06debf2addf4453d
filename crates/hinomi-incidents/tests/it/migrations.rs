//! Every schema version Hinomi ever shipped must open with its data intact.
//!
//! For each version N there is `fixtures/schema_vN.sql`: the same sample incidents as that
//! version stored them. The harness builds a store at exactly version N, loads the fixture,
//! opens it with today's code (which migrates to the latest version) and checks the samples
//! through the public API. Adding migration N+1 without its fixture fails
//! `every_version_has_a_fixture`.

use crate::common;

use crate::common::at;
use hinomi_core::clock::FakeClock;
use hinomi_incidents::store::migrations::{LATEST_VERSION, current_version, migrate_to};
use hinomi_incidents::{
    ActionStatus, EvidenceData, IncidentError, IncidentStore, ResponseTargets, Severity, Status,
    TimelineEvent, TimelineQuery,
};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const FIXTURES: &[(u32, &str)] = &[(1, include_str!("../fixtures/schema_v1.sql"))];

fn store_at_version(path: &Path, version: u32, fixture: &str) {
    let mut conn = Connection::open(path).unwrap();
    migrate_to(&mut conn, version).unwrap();
    assert_eq!(current_version(&conn).unwrap(), version);
    conn.execute_batch(fixture)
        .unwrap_or_else(|err| panic!("fixture for v{version} does not load: {err}"));
}

#[test]
fn every_version_has_a_fixture() {
    for version in 1..=LATEST_VERSION {
        assert!(
            FIXTURES.iter().any(|(v, _)| *v == version),
            "add tests/fixtures/schema_v{version}.sql and list it in FIXTURES"
        );
    }
}

#[test]
fn every_past_version_migrates_with_its_data() {
    for (version, fixture) in FIXTURES {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("incidents.sqlite");
        store_at_version(&path, *version, fixture);

        let clock = FakeClock::at(at("2026-11-24T12:30:00Z"));
        let store = IncidentStore::open(&path, Arc::new(clock.clone())).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok", "v{version}");
        check_samples(&store, &clock);
        drop(store);
        let conn = Connection::open(&path).unwrap();
        assert_eq!(
            current_version(&conn).unwrap(),
            LATEST_VERSION,
            "v{version}"
        );
        let violations: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(violations, 0, "v{version}");
    }
}

/// What every fixture holds, read through the API the shell uses.
fn check_samples(store: &IncidentStore, clock: &FakeClock) {
    let ids: Vec<String> = store
        .list_incidents(false)
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(
        ids,
        ["INC-20261124-002", "INC-20261124-003", "INC-20261124-001"]
    );

    let first = store.get_incident("INC-20261124-001").unwrap();
    assert_eq!(first.title, "HighErrorRate: 高エラー率を検出");
    assert_eq!(first.severity, Severity::P1);
    assert_eq!(first.status, Status::Investigating);
    assert_eq!(first.commander.as_deref(), Some("佐藤"));
    assert_eq!(first.assignees, ["tanaka", "yamada"]);
    assert_eq!(first.labels["alertname"], "HighErrorRate");
    assert_eq!(first.transitions.len(), 4);
    assert_eq!(first.durations.time_to_acknowledge_seconds, Some(240));
    assert_eq!(first.allowed_next, [Status::Mitigated, Status::Resolved]);

    let timeline = store
        .timeline_page(&TimelineQuery {
            incident_id: first.id.clone(),
            order: Default::default(),
            after: None,
            limit: 100,
        })
        .unwrap();
    let kinds: Vec<&str> = timeline.entries.iter().map(|e| e.event.kind()).collect();
    assert_eq!(
        kinds,
        [
            "alert_fired",
            "created",
            "status_changed",
            "status_changed",
            "status_changed",
            "note"
        ]
    );
    assert_eq!(
        timeline.entries[5].event,
        TimelineEvent::Note {
            markdown: "**api-1** に集中。`pool exhausted` ログあり".into()
        }
    );
    let evidence = store.list_evidence(&first.id).unwrap();
    assert_eq!(evidence.len(), 1);
    let EvidenceData::Alert(alert) = &evidence[0].data else {
        panic!("{:?}", evidence[0])
    };
    assert_eq!(alert.fingerprint.as_deref(), Some("a1b2c3"));
    assert_eq!(alert.starts_at, at("2026-11-24T08:55:00Z"));

    let postmortem = store.get_postmortem(&first.id).unwrap();
    assert_eq!(postmortem.summary, "接続プール枯渇");
    assert_eq!(postmortem.action_items.len(), 1);
    assert_eq!(postmortem.action_items[0].status, ActionStatus::InProgress);
    assert_eq!(
        postmortem.action_items[0].due_date,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
    );
    assert!(
        postmortem.monitoring_improvements[0]
            .rule_yaml
            .contains("DbPoolSaturated")
    );

    let closed = store.get_incident("INC-20261124-002").unwrap();
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(closed.durations.time_to_mitigate_seconds, Some(30 * 60));
    assert_eq!(closed.durations.time_to_resolve_seconds, Some(60 * 60));

    // INC-003's 80% warning was raised before the upgrade and must not be raised again.
    let targets = ResponseTargets::default();
    assert!(store.take_threshold_crossings(&targets).unwrap().is_empty());
    clock.advance(Duration::from_secs(30 * 60)); // 13:00, 4h after detection
    let crossings = store.take_threshold_crossings(&targets).unwrap();
    assert_eq!(crossings.len(), 1);
    assert_eq!(crossings[0].incident_id, "INC-20261124-003");
    assert_eq!(crossings[0].threshold_percent, 100);

    // New incidents continue the day's numbering.
    let next = store
        .create_incident(hinomi_incidents::NewIncident {
            title: "after upgrade".into(),
            description: String::new(),
            severity: Severity::P3,
            commander: None,
            assignees: vec![],
            labels: Default::default(),
            actor: None,
        })
        .unwrap();
    assert_eq!(next.id, "INC-20261124-004");
}

#[test]
fn opening_twice_migrates_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("incidents.sqlite");
    let clock = Arc::new(FakeClock::at(at(common::START)));
    drop(IncidentStore::open(&path, clock.clone()).unwrap());
    let store = IncidentStore::open(&path, clock).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_store_from_a_newer_hinomi_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("incidents.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
        .unwrap();
    drop(conn);
    let err = IncidentStore::open(&path, Arc::new(FakeClock::at(at(common::START)))).unwrap_err();
    assert!(
        matches!(err, IncidentError::SchemaTooNew { found, .. } if found == LATEST_VERSION + 1),
        "{err}"
    );
    assert!(err.to_string().contains("update Hinomi"), "{err}");
}
