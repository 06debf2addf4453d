//! Saving postmortems: items get ids, removed items go, proposed rules must be rule files.

use crate::common::Fixture;
use hinomi_incidents::{
    ActionItem, ActionStatus, IncidentError, MonitoringImprovement, NewIncident, Postmortem,
    Severity,
};

fn create(f: &Fixture) -> String {
    f.store
        .create_incident(NewIncident {
            title: "pm".into(),
            description: String::new(),
            severity: Severity::P1,
            commander: None,
            assignees: vec![],
            labels: Default::default(),
            actor: None,
        })
        .unwrap()
        .id
}

fn item(description: &str) -> ActionItem {
    ActionItem {
        id: None,
        description: description.into(),
        owner: "sato".into(),
        due_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 24),
        status: ActionStatus::Open,
        updated_at: None,
    }
}

const GOOD_RULE: &str = "groups:\n- name: dataset-management\n  rules:\n  - alert: DbPoolSaturated\n    expr: db_pool_in_use / db_pool_size > 0.9\n    for: 5m\n    labels:\n      severity: warning\n    annotations:\n      summary: \"DB接続プールが逼迫\"\n";

#[test]
fn a_postmortem_round_trips() {
    let f = Fixture::new();
    let id = create(&f);
    assert_eq!(f.store.get_postmortem(&id).unwrap(), Postmortem::empty(&id));

    let saved = f
        .store
        .save_postmortem(&Postmortem {
            summary: "## 概要\n接続プール枯渇".into(),
            impact: "30% of uploads failed for 40 minutes".into(),
            root_cause: "pool size 10".into(),
            timeline_narrative: "09:00 alert fired…".into(),
            action_items: vec![item("Raise pool size"), item("Load test")],
            monitoring_improvements: vec![
                MonitoringImprovement {
                    id: None,
                    description: "Alert before the pool is exhausted".into(),
                    rule_yaml: GOOD_RULE.into(),
                    updated_at: None,
                },
                MonitoringImprovement {
                    id: None,
                    description: "Add a pool panel to the system dashboard".into(),
                    rule_yaml: String::new(),
                    updated_at: None,
                },
            ],
            ..Postmortem::empty(&id)
        })
        .unwrap();
    assert!(
        saved
            .action_items
            .iter()
            .all(|i| i.id.is_some() && i.updated_at.is_some())
    );
    assert_eq!(saved.monitoring_improvements.len(), 2);
    assert_eq!(f.reopen().get_postmortem(&id).unwrap(), saved);

    // Drop the first item, edit the second: the kept item keeps its id.
    let mut edited = saved.clone();
    edited.action_items.remove(0);
    edited.action_items[0].status = ActionStatus::Done;
    f.minutes(5);
    let resaved = f.store.save_postmortem(&edited).unwrap();
    assert_eq!(resaved.action_items.len(), 1);
    assert_eq!(resaved.action_items[0].id, saved.action_items[1].id);
    assert_eq!(resaved.action_items[0].status, ActionStatus::Done);
    assert!(resaved.action_items[0].updated_at > saved.action_items[1].updated_at);
    // Unchanged parts keep their time, so imports can tell what really changed.
    assert_eq!(resaved.updated_at, saved.updated_at);
    assert_eq!(
        resaved.monitoring_improvements[0].updated_at,
        saved.monitoring_improvements[0].updated_at
    );
}

#[test]
fn invalid_rules_are_refused_with_line_and_field() {
    let f = Fixture::new();
    let id = create(&f);
    let bad = Postmortem {
        monitoring_improvements: vec![
            MonitoringImprovement {
                id: None,
                description: "ok".into(),
                rule_yaml: GOOD_RULE.into(),
                updated_at: None,
            },
            MonitoringImprovement {
                id: None,
                description: "typo".into(),
                rule_yaml: "groups:\n- name: g\n  rules:\n  - alert: A\n    exp: up\n".into(),
                updated_at: None,
            },
        ],
        ..Postmortem::empty(&id)
    };
    let err = f.store.save_postmortem(&bad).unwrap_err();
    let IncidentError::InvalidRuleFile { index, problem } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*index, 1);
    assert_eq!(problem.line, Some(5));
    assert_eq!(problem.field.as_deref(), Some("groups[0].rules[0]"));
    assert!(
        err.to_string().starts_with("Monitoring improvement 2: "),
        "{err}"
    );
    let ipc: hinomi_core::HinomiError = err.into();
    assert_eq!(ipc.detail.as_deref(), Some("groups[0].rules[0]"));
    assert_eq!(f.store.get_postmortem(&id).unwrap(), Postmortem::empty(&id));
}

#[test]
fn action_items_need_a_description_and_the_incident_must_exist() {
    let f = Fixture::new();
    let id = create(&f);
    let blank = Postmortem {
        action_items: vec![item("  ")],
        ..Postmortem::empty(&id)
    };
    assert!(matches!(
        f.store.save_postmortem(&blank),
        Err(IncidentError::InvalidInput(_))
    ));
    assert!(matches!(
        f.store
            .save_postmortem(&Postmortem::empty("INC-19990101-001")),
        Err(IncidentError::NotFound { .. })
    ));
}
