//! The lifecycle through the store: allowed moves, refused moves, timestamps and durations,
//! people, and day-numbered ids.

use crate::common::{Fixture, at};
use chrono::FixedOffset;
use hinomi_incidents::{
    IncidentError, NewIncident, Severity, Status, TimelineEvent, TimelineQuery,
};

fn new_incident(title: &str, severity: Severity) -> NewIncident {
    NewIncident {
        title: title.to_string(),
        description: String::new(),
        severity,
        commander: Some("佐藤".to_string()),
        assignees: vec![],
        labels: Default::default(),
        actor: Some("sato".to_string()),
    }
}

#[test]
fn the_whole_path_is_timestamped_and_measured() {
    let f = Fixture::new();
    let incident = f
        .store
        .create_incident(new_incident("API 5xx", Severity::P1))
        .unwrap();
    assert_eq!(incident.id, "INC-20261124-001");
    assert_eq!(incident.status, Status::Detected);
    assert_eq!(incident.detected_at, at("2026-11-24T09:00:00Z"));
    assert_eq!(incident.allowed_next, vec![Status::Assessed]);
    assert_eq!(incident.durations.time_to_acknowledge_seconds, None);

    let steps = [
        (4, Status::Assessed),
        (2, Status::Assigned),
        (1, Status::Investigating),
        (23, Status::Mitigated),
        (30, Status::Resolved),
        (60, Status::Reported),
        (5, Status::Closed),
    ];
    let mut last = incident;
    for (minutes, to) in steps {
        f.minutes(minutes);
        last = f.store.transition(&last.id, to, Some("sato")).unwrap();
        assert_eq!(last.status, to);
        assert_eq!(last.transitions.last().unwrap().at, f.now());
    }
    assert_eq!(last.acknowledged_at, Some(at("2026-11-24T09:04:00Z")));
    assert_eq!(last.durations.time_to_acknowledge_seconds, Some(4 * 60));
    assert_eq!(last.durations.time_to_mitigate_seconds, Some(30 * 60));
    assert_eq!(last.durations.time_to_resolve_seconds, Some(60 * 60));
    assert!(last.allowed_next.is_empty());
    // detected + seven moves, each with its actor.
    assert_eq!(last.transitions.len(), 8);
    assert!(
        last.transitions
            .iter()
            .all(|t| t.actor.as_deref() == Some("sato"))
    );

    // The reloaded incident says the same.
    assert_eq!(f.reopen().get_incident(&last.id).unwrap(), last);
}

#[test]
fn invalid_moves_are_refused_and_change_nothing() {
    let f = Fixture::new();
    let incident = f
        .store
        .create_incident(new_incident("x", Severity::P2))
        .unwrap();
    let err = f
        .store
        .transition(&incident.id, Status::Resolved, None)
        .unwrap_err();
    match &err {
        IncidentError::Transition(refused) => {
            assert_eq!(
                (refused.from, refused.to),
                (Status::Detected, Status::Resolved)
            );
            assert_eq!(refused.allowed, vec![Status::Assessed]);
        }
        other => panic!("expected a refused transition, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "INC-20261124-001 cannot go from detected to resolved; allowed next: assessed."
    );
    let hinomi: hinomi_core::HinomiError = err.into();
    assert_eq!(hinomi.code, hinomi_core::ErrorCode::InvalidInput);

    let unchanged = f.store.get_incident(&incident.id).unwrap();
    assert_eq!(unchanged.status, Status::Detected);
    assert_eq!(unchanged.transitions.len(), 1);
    assert_eq!(unchanged.acknowledged_at, None);

    for to in [
        Status::Assessed,
        Status::Assigned,
        Status::Investigating,
        Status::Mitigated,
    ] {
        f.store.transition(&incident.id, to, None).unwrap();
    }
    let err = f
        .store
        .transition(&incident.id, Status::Closed, None)
        .unwrap_err();
    assert!(
        err.to_string().ends_with(
            "cannot go from mitigated to closed; allowed next: resolved, investigating."
        ),
        "{err}"
    );
    assert!(matches!(
        f.store
            .transition("INC-19990101-001", Status::Assessed, None),
        Err(IncidentError::NotFound { .. })
    ));
}

#[test]
fn reopening_clears_the_resolution_but_not_the_mitigation() {
    let f = Fixture::new();
    let id = f
        .store
        .create_incident(new_incident("x", Severity::P2))
        .unwrap()
        .id;
    for to in [Status::Assessed, Status::Assigned, Status::Investigating] {
        f.store.transition(&id, to, None).unwrap();
    }
    f.minutes(10);
    f.store.transition(&id, Status::Resolved, None).unwrap();
    f.minutes(10);
    let reopened = f
        .store
        .transition(&id, Status::Investigating, None)
        .unwrap();
    assert_eq!(reopened.durations.time_to_mitigate_seconds, Some(600));
    assert_eq!(reopened.durations.time_to_resolve_seconds, None);
    f.minutes(10);
    let resolved = f.store.transition(&id, Status::Resolved, None).unwrap();
    assert_eq!(resolved.durations.time_to_resolve_seconds, Some(1800));
}

#[test]
fn explicit_acknowledgement_counts_once() {
    let f = Fixture::new();
    let id = f
        .store
        .create_incident(new_incident("x", Severity::P0))
        .unwrap()
        .id;
    f.minutes(3);
    let acked = f.store.acknowledge(&id, Some("tanaka")).unwrap();
    assert_eq!(acked.status, Status::Detected);
    assert_eq!(acked.durations.time_to_acknowledge_seconds, Some(180));
    f.minutes(3);
    let again = f.store.acknowledge(&id, Some("tanaka")).unwrap();
    assert_eq!(again.acknowledged_at, acked.acknowledged_at);
    let assessed = f.store.transition(&id, Status::Assessed, None).unwrap();
    assert_eq!(assessed.durations.time_to_acknowledge_seconds, Some(180));
}

#[test]
fn people_and_severity_changes_reach_the_timeline() {
    let f = Fixture::new();
    let id = f
        .store
        .create_incident(new_incident("x", Severity::P3))
        .unwrap()
        .id;
    f.store
        .set_severity(&id, Severity::P1, Some("sato"))
        .unwrap();
    f.store
        .set_severity(&id, Severity::P1, Some("sato"))
        .unwrap(); // no-op, no entry
    f.store
        .set_commander(&id, Some("鈴木"), Some("sato"))
        .unwrap();
    f.store.add_assignee(&id, " tanaka ", None).unwrap();
    f.store.add_assignee(&id, "tanaka", None).unwrap(); // already there
    f.store.add_assignee(&id, "yamada", None).unwrap();
    let incident = f.store.remove_assignee(&id, "tanaka", None).unwrap();
    assert_eq!(incident.severity, Severity::P1);
    assert_eq!(incident.commander.as_deref(), Some("鈴木"));
    assert_eq!(incident.assignees, vec!["yamada"]);
    assert!(matches!(
        f.store.add_assignee(&id, "  ", None),
        Err(IncidentError::InvalidInput(_))
    ));

    let page = f
        .store
        .timeline_page(&TimelineQuery {
            incident_id: id,
            order: Default::default(),
            after: None,
            limit: 50,
        })
        .unwrap();
    let kinds: Vec<&str> = page.entries.iter().map(|e| e.event.kind()).collect();
    assert_eq!(
        kinds,
        vec![
            "created",
            "severity_changed",
            "commander_changed",
            "assignee_added",
            "assignee_added",
            "assignee_removed"
        ]
    );
    assert_eq!(
        page.entries[2].event,
        TimelineEvent::CommanderChanged {
            from: Some("佐藤".into()),
            to: Some("鈴木".into())
        }
    );
}

#[test]
fn ids_count_per_day_in_the_configured_offset() {
    let f = Fixture::new();
    let ids: Vec<String> = (0..3)
        .map(|_| {
            f.store
                .create_incident(new_incident("x", Severity::P3))
                .unwrap()
                .id
        })
        .collect();
    assert_eq!(
        ids,
        ["INC-20261124-001", "INC-20261124-002", "INC-20261124-003"]
    );
    f.minutes(24 * 60);
    assert_eq!(
        f.store
            .create_incident(new_incident("x", Severity::P3))
            .unwrap()
            .id,
        "INC-20261125-001"
    );

    // 2026-11-25T09:00Z is already the 25th in UTC, and 18:00 on the 25th in Tokyo; at 16:00Z
    // Tokyo is on the 26th while UTC is not.
    f.minutes(7 * 60);
    let tokyo = f
        .reopen()
        .with_id_offset(FixedOffset::east_opt(9 * 3600).unwrap());
    assert_eq!(
        tokyo
            .create_incident(new_incident("x", Severity::P3))
            .unwrap()
            .id,
        "INC-20261126-001"
    );
    assert_eq!(
        f.store
            .create_incident(new_incident("x", Severity::P3))
            .unwrap()
            .id,
        "INC-20261125-002"
    );
}

#[test]
fn notes_are_stored_raw_and_can_be_back_dated() {
    let f = Fixture::new();
    let id = f
        .store
        .create_incident(new_incident("x", Severity::P2))
        .unwrap()
        .id;
    let markdown = "**Restarted** `api-1`\n<script>alert(1)</script>";
    f.minutes(10);
    let entry = f
        .store
        .add_note(
            &id,
            markdown,
            Some(at("2026-11-24T09:02:00Z")),
            Some("sato"),
        )
        .unwrap();
    assert_eq!(
        entry.event,
        TimelineEvent::Note {
            markdown: markdown.into()
        }
    );
    assert_eq!(entry.occurred_at, at("2026-11-24T09:02:00Z"));
    assert_eq!(entry.recorded_at, at("2026-11-24T09:10:00Z"));
    assert!(f.store.add_note(&id, "  \n", None, None).is_err());
}
