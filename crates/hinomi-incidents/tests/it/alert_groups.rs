//! One action from a firing alert group to an incident with its alerts attached.

use crate::common::{Fixture, at, high_error_rate_group};
use hinomi_incidents::{
    AlertIncidentOptions, AlertState, EvidenceData, Severity, SeverityMapping, TimelineEvent,
    TimelineQuery, report_file_stem,
};

fn timeline(f: &Fixture, id: &str) -> Vec<hinomi_incidents::TimelineEntry> {
    f.store
        .timeline_page(&TimelineQuery {
            incident_id: id.to_string(),
            order: Default::default(),
            after: None,
            limit: 100,
        })
        .unwrap()
        .entries
}

#[test]
fn seed_alert_group_becomes_a_p1_incident_with_snapshots() {
    let f = Fixture::new();
    let group = high_error_rate_group();
    let incident = f
        .store
        .create_from_alert_group(
            &group,
            &SeverityMapping::default(),
            AlertIncidentOptions {
                actor: Some("sato".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(incident.id, "INC-20261124-001");
    assert_eq!(incident.severity, Severity::P1);
    assert_eq!(incident.title, "HighErrorRate: 高エラー率を検出");
    assert_eq!(
        incident.labels.get("alertname").map(String::as_str),
        Some("HighErrorRate")
    );
    assert_eq!(
        report_file_stem(&incident.id, &incident.title),
        "INC-20261124-001-high-error-rate"
    );
    // Retitled in Japanese only: the stem falls back to the alert name.
    let retitled = f
        .store
        .update_details(&incident.id, "高エラー率を検出", "")
        .unwrap();
    assert_eq!(
        retitled.report_file_stem(),
        "INC-20261124-001-high-error-rate"
    );

    let entries = timeline(&f, &incident.id);
    // The alerts fired at 08:55, before the incident was created at 09:00.
    let kinds: Vec<&str> = entries.iter().map(|e| e.event.kind()).collect();
    assert_eq!(kinds, vec!["alert_fired", "alert_fired", "created"]);
    assert_eq!(entries[0].occurred_at, at("2026-11-24T08:55:00Z"));

    let evidence = f.store.list_evidence(&incident.id).unwrap();
    assert_eq!(evidence.len(), 2);
    for (entry, record) in entries.iter().zip(&evidence) {
        let TimelineEvent::AlertFired {
            evidence_id,
            summary,
            ..
        } = &entry.event
        else {
            panic!("{entry:?}")
        };
        assert_eq!(evidence_id.as_deref(), Some(record.id.as_str()));
        assert_eq!(summary.as_deref(), Some("高エラー率を検出"));
        let EvidenceData::Alert(alert) = &record.data else {
            panic!("{record:?}")
        };
        assert_eq!(
            alert.annotations["description"],
            "5xxエラーが10%を超えています"
        );
        assert_eq!(f.store.get_evidence(&record.id).unwrap(), *record);
    }
}

#[test]
fn p0_only_by_explicit_choice() {
    let f = Fixture::new();
    let mapped = f
        .store
        .create_from_alert_group(
            &high_error_rate_group(),
            &SeverityMapping::default(),
            Default::default(),
        )
        .unwrap();
    assert_eq!(mapped.severity, Severity::P1);
    let chosen = f
        .store
        .create_from_alert_group(
            &high_error_rate_group(),
            &SeverityMapping::default(),
            AlertIncidentOptions {
                severity: Some(Severity::P0),
                title: Some("API down".into()),
                commander: Some("鈴木".into()),
                actor: None,
            },
        )
        .unwrap();
    assert_eq!(chosen.severity, Severity::P0);
    assert_eq!(chosen.title, "API down");
    assert_eq!(chosen.commander.as_deref(), Some("鈴木"));
}

#[test]
fn alert_states_are_recorded_once_each() {
    let f = Fixture::new();
    let group = high_error_rate_group();
    let id = f
        .store
        .create_from_alert_group(&group, &SeverityMapping::default(), Default::default())
        .unwrap()
        .id;
    // The poller reports the same firing alert again: nothing new.
    assert!(
        f.store
            .record_alert(&id, &group.alerts[0], None)
            .unwrap()
            .is_none()
    );

    f.minutes(20);
    let mut resolved = group.alerts[0].clone();
    resolved.state = AlertState::Resolved;
    resolved.ends_at = Some(at("2026-11-24T09:18:00Z"));
    let entry = f.store.record_alert(&id, &resolved, None).unwrap().unwrap();
    assert_eq!(entry.event.kind(), "alert_resolved");
    assert_eq!(entry.occurred_at, at("2026-11-24T09:18:00Z"));
    assert!(
        f.store
            .record_alert(&id, &resolved, None)
            .unwrap()
            .is_none()
    );
    assert_eq!(timeline(&f, &id).len(), 4);
    assert_eq!(f.store.list_evidence(&id).unwrap().len(), 3);
}

#[test]
fn an_empty_group_is_refused() {
    let f = Fixture::new();
    let mut group = high_error_rate_group();
    group.alerts.clear();
    let err = f
        .store
        .create_from_alert_group(&group, &SeverityMapping::default(), Default::default())
        .unwrap_err();
    assert!(err.to_string().contains("no alerts"), "{err}");
    assert!(f.store.list_incidents(false).unwrap().is_empty());
}
