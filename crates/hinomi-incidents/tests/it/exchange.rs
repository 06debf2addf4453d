//! Handing incidents between laptops: export, import, merge, and whole-store backups.

use crate::common::{Fixture, high_error_rate_group};
use hinomi_incidents::{
    ActionItem, ActionStatus, IncidentBundle, IncidentStore, Postmortem, Severity, SeverityMapping,
    Status, TimelineQuery,
};

fn timeline_ids(store: &IncidentStore, id: &str) -> Vec<String> {
    store
        .timeline_page(&TimelineQuery {
            incident_id: id.to_string(),
            order: Default::default(),
            after: None,
            limit: 500,
        })
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.id)
        .collect()
}

/// An incident with alerts, a status change, a note, a metric-free postmortem.
fn worked_incident(f: &Fixture) -> String {
    let id = f
        .store
        .create_from_alert_group(
            &high_error_rate_group(),
            &SeverityMapping::default(),
            Default::default(),
        )
        .unwrap()
        .id;
    f.minutes(5);
    f.store
        .transition(&id, Status::Assessed, Some("sato"))
        .unwrap();
    f.store
        .add_note(&id, "エラーは api-1 に集中", None, Some("sato"))
        .unwrap();
    f.store
        .save_postmortem(&Postmortem {
            summary: "DB connection pool exhausted".into(),
            action_items: vec![ActionItem {
                id: None,
                description: "Raise pool size".into(),
                owner: "tanaka".into(),
                due_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
                status: ActionStatus::Open,
                updated_at: None,
            }],
            ..Postmortem::empty(&id)
        })
        .unwrap();
    id
}

#[test]
fn round_trip_to_another_laptop_and_back() {
    let a = Fixture::new();
    let id = worked_incident(&a);
    let bundle = a.store.export_incidents(std::slice::from_ref(&id)).unwrap();

    // Through a file, as the commander would hand it over.
    let file = a.dir.path().join("handoff.json");
    bundle.write_file(&file).unwrap();
    let read = IncidentBundle::read_file(&file).unwrap();
    assert_eq!(read, bundle);

    let b = Fixture::new();
    b.catch_up_with(&a);
    let report = b.store.import_bundle(&read).unwrap();
    assert_eq!(report.created, vec![id.clone()]);
    assert!(report.renumbered.is_empty());
    assert_eq!(report.evidence_added, 2);
    assert_eq!(
        b.store.get_incident(&id).unwrap(),
        a.store.get_incident(&id).unwrap()
    );
    assert_eq!(timeline_ids(&b.store, &id), timeline_ids(&a.store, &id));
    assert_eq!(
        b.store.list_evidence(&id).unwrap(),
        a.store.list_evidence(&id).unwrap()
    );
    assert_eq!(
        b.store.get_postmortem(&id).unwrap(),
        a.store.get_postmortem(&id).unwrap()
    );

    // Importing the same file again adds nothing.
    let again = b.store.import_bundle(&read).unwrap();
    assert_eq!(again.merged, vec![id.clone()]);
    assert_eq!((again.timeline_entries_added, again.evidence_added), (0, 0));
    assert_eq!(
        timeline_ids(&b.store, &id).len(),
        timeline_ids(&a.store, &id).len()
    );
    assert_eq!(b.store.get_postmortem(&id).unwrap().action_items.len(), 1);

    // B works on it and sends it back; A keeps what it added meanwhile.
    b.minutes(10);
    b.store
        .transition(&id, Status::Assigned, Some("tanaka"))
        .unwrap();
    b.store
        .add_note(&id, "B's note", None, Some("tanaka"))
        .unwrap();
    let local = a
        .store
        .add_note(&id, "A's note after export", None, Some("sato"))
        .unwrap();
    let from_b = b.store.export_all().unwrap();
    let back = a.store.import_bundle(&from_b).unwrap();
    assert_eq!(back.merged, vec![id.clone()]);
    assert_eq!(back.timeline_entries_added, 2); // B's status change and note

    let merged = a.store.get_incident(&id).unwrap();
    assert_eq!(merged.status, Status::Assigned);
    assert_eq!(merged.transitions.len(), 3);
    let ids = timeline_ids(&a.store, &id);
    assert!(ids.contains(&local.id));
    assert_eq!(ids.len(), timeline_ids(&b.store, &id).len() + 1);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
}

#[test]
fn the_newer_side_wins_the_incident_fields() {
    let a = Fixture::new();
    let id = worked_incident(&a);
    let b = Fixture::new();
    b.catch_up_with(&a);
    b.store
        .import_bundle(&a.store.export_all().unwrap())
        .unwrap();

    // A changes severity later than B changes the commander: A's version is newer.
    b.minutes(1);
    b.store.set_commander(&id, Some("鈴木"), None).unwrap();
    a.minutes(2);
    a.store.set_severity(&id, Severity::P0, None).unwrap();
    b.store
        .import_bundle(&a.store.export_all().unwrap())
        .unwrap();
    let on_b = b.store.get_incident(&id).unwrap();
    assert_eq!(on_b.severity, Severity::P0);
    // Whole-record last-writer-wins: B's older commander change loses; its timeline entry stays.
    assert_eq!(on_b.commander, None);

    // An older export does not roll A back.
    let old = b.store.export_all().unwrap();
    a.minutes(1);
    a.store.set_severity(&id, Severity::P2, None).unwrap();
    a.store.import_bundle(&old).unwrap();
    assert_eq!(a.store.get_incident(&id).unwrap().severity, Severity::P2);
}

#[test]
fn a_different_incident_with_the_same_number_is_renumbered() {
    let a = Fixture::new();
    let id = worked_incident(&a);
    let b = Fixture::new();
    let theirs = b
        .store
        .create_from_alert_group(
            &high_error_rate_group(),
            &SeverityMapping::default(),
            Default::default(),
        )
        .unwrap();
    assert_eq!(theirs.id, id); // both laptops numbered their first incident -001

    let bundle = a.store.export_all().unwrap();
    let report = b.store.import_bundle(&bundle).unwrap();
    assert_eq!(report.renumbered.len(), 1);
    assert_eq!(report.renumbered[0].imported_as, "INC-20261124-002");
    let imported = b.store.get_incident("INC-20261124-002").unwrap();
    assert_eq!(imported.uid, a.store.get_incident(&id).unwrap().uid);
    assert_eq!(b.store.get_incident(&id).unwrap().uid, theirs.uid);
    assert_eq!(
        timeline_ids(&b.store, "INC-20261124-002"),
        timeline_ids(&a.store, &id)
    );

    // Re-importing finds it by uid under its new number.
    let again = b.store.import_bundle(&bundle).unwrap();
    assert_eq!(again.merged, vec!["INC-20261124-002".to_string()]);
    assert!(again.renumbered.is_empty());
    assert_eq!(b.store.list_incidents(false).unwrap().len(), 2);
}

#[test]
fn postmortem_items_merge_one_by_one() {
    let a = Fixture::new();
    let id = worked_incident(&a);
    let b = Fixture::new();
    b.catch_up_with(&a);
    b.store
        .import_bundle(&a.store.export_all().unwrap())
        .unwrap();

    b.minutes(3);
    let mut on_b = b.store.get_postmortem(&id).unwrap();
    on_b.action_items[0].status = ActionStatus::Done;
    b.store.save_postmortem(&on_b).unwrap();

    a.minutes(1);
    let mut on_a = a.store.get_postmortem(&id).unwrap();
    on_a.action_items.push(ActionItem {
        id: None,
        description: "Alert on pool saturation".into(),
        owner: "sato".into(),
        due_date: None,
        status: ActionStatus::InProgress,
        updated_at: None,
    });
    a.store.save_postmortem(&on_a).unwrap();

    a.store
        .import_bundle(&b.store.export_all().unwrap())
        .unwrap();
    let merged = a.store.get_postmortem(&id).unwrap();
    let statuses: Vec<ActionStatus> = merged.action_items.iter().map(|i| i.status).collect();
    assert_eq!(statuses, vec![ActionStatus::Done, ActionStatus::InProgress]);
}

#[test]
fn broken_bundles_change_nothing() {
    let a = Fixture::new();
    let id = worked_incident(&a);
    let mut bundle = a.store.export_all().unwrap();
    bundle.incidents[0].evidence.clear(); // timeline still points at the alert snapshots
    let b = Fixture::new();
    let err = b.store.import_bundle(&bundle).unwrap_err();
    assert!(err.to_string().contains("does not contain"), "{err}");
    assert!(b.store.list_incidents(false).unwrap().is_empty());
    assert!(b.store.get_incident(&id).is_err());
}

#[test]
fn backup_is_a_complete_sqlite_copy() {
    let a = Fixture::new();
    let id = worked_incident(&a);
    let copy = a.dir.path().join("backup.sqlite");
    a.store.backup_to(&copy).unwrap();
    assert!(a.store.backup_to(&copy).is_err(), "must not overwrite");

    let restored = IncidentStore::open(&copy, std::sync::Arc::new(a.clock.clone())).unwrap();
    assert_eq!(restored.integrity_check().unwrap(), "ok");
    assert_eq!(
        restored.get_incident(&id).unwrap(),
        a.store.get_incident(&id).unwrap()
    );
    assert_eq!(timeline_ids(&restored, &id), timeline_ids(&a.store, &id));
    assert_eq!(
        restored.export_all().unwrap(),
        a.store.export_all().unwrap()
    );
}
