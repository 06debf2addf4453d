//! The local dashboard library on a real temporary directory.

use hinomi_dashboards::{
    DashboardError, DashboardSearch, DashboardStore, PanelEdit, apply_panel_edit, import_dashboard,
    install_builtins,
};
use std::fs;

const NODE_EXPORTER_FULL: &str = include_str!("../fixtures/node-exporter-full.json");

fn store() -> (tempfile::TempDir, DashboardStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = DashboardStore::open(dir.path().join("dashboards")).unwrap();
    (dir, store)
}

fn files(store: &DashboardStore) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(store.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn import_list_load_and_search() {
    let (_dir, store) = store();
    let imported = store
        .import(NODE_EXPORTER_FULL, "node-exporter-full.json", false)
        .unwrap();
    let uid = imported.dashboard.uid.clone().unwrap();
    assert_eq!(uid, "rYdddlPWk", "Grafana's uid is kept");
    install_builtins(&store).unwrap();
    let list = store.list().unwrap();
    assert_eq!(list.len(), 4);
    let node = list.iter().find(|s| s.uid == uid).unwrap();
    assert_eq!(node.title, "Node Exporter Full");
    assert_eq!(node.panel_count, imported.report.total_panels);
    assert_eq!(store.load(&uid).unwrap(), imported.dashboard);

    let by_title = store
        .search(&DashboardSearch {
            text: "node EXPORTER".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        by_title.iter().map(|s| s.uid.as_str()).collect::<Vec<_>>(),
        [uid.as_str()]
    );
    let japanese = store
        .search(&DashboardSearch {
            text: "ビジネス".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(japanese[0].uid, "hinomi-business-metrics");
    let by_tag = store
        .search(&DashboardSearch {
            tags: vec!["HINOMI".into(), "api".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        by_tag.iter().map(|s| s.uid.as_str()).collect::<Vec<_>>(),
        ["hinomi-system-overview"]
    );
}

#[test]
fn stars_sort_first_and_filter() {
    let (_dir, store) = store();
    install_builtins(&store).unwrap();
    store.set_starred("hinomi-infrastructure", true).unwrap();
    let list = store.list().unwrap();
    assert_eq!(list[0].uid, "hinomi-infrastructure");
    assert!(list[0].starred);
    let starred = store
        .search(&DashboardSearch {
            starred_only: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(starred.len(), 1);
    store.set_starred("hinomi-infrastructure", false).unwrap();
    assert!(store.list().unwrap().iter().all(|s| !s.starred));
    assert!(matches!(
        store.set_starred("missing", true),
        Err(DashboardError::NotFound { .. })
    ));
    // The stars file is not listed as a dashboard.
    assert_eq!(store.list().unwrap().len(), 3);
}

#[test]
fn duplicate_and_delete() {
    let (_dir, store) = store();
    install_builtins(&store).unwrap();
    store.set_starred("hinomi-system-overview", true).unwrap();
    let copy = store.duplicate("hinomi-system-overview", None).unwrap();
    assert_eq!(copy.title, "System overview / システム概要 (copy)");
    assert_eq!(copy.uid, "system-overview-copy");
    assert!(!copy.starred);
    let again = store
        .duplicate("hinomi-system-overview", Some("Mine"))
        .unwrap();
    assert_eq!((again.uid.as_str(), again.title.as_str()), ("mine", "Mine"));
    let original = store.load("hinomi-system-overview").unwrap();
    let copied = store.load(&copy.uid).unwrap();
    assert_eq!(copied.panels, original.panels);

    store.delete("hinomi-system-overview").unwrap();
    assert!(!store.exists("hinomi-system-overview"));
    assert!(matches!(
        store.load("hinomi-system-overview"),
        Err(DashboardError::NotFound { .. })
    ));
    assert!(matches!(
        store.delete("hinomi-system-overview"),
        Err(DashboardError::NotFound { .. })
    ));
    assert!(
        store.list().unwrap().iter().all(|s| !s.starred),
        "deleting unstars"
    );
}

#[test]
fn save_edits_atomically() {
    let (_dir, store) = store();
    install_builtins(&store).unwrap();
    let mut d = store.load("hinomi-business-metrics").unwrap();
    apply_panel_edit(
        &mut d,
        1,
        PanelEdit::Title {
            title: "データセット総数".into(),
        },
    )
    .unwrap();
    apply_panel_edit(
        &mut d,
        4,
        PanelEdit::Unit {
            unit: Some("decbytes".into()),
        },
    )
    .unwrap();
    store.save(&mut d).unwrap();
    let reloaded = store.load("hinomi-business-metrics").unwrap();
    assert_eq!(reloaded, d);
    assert_eq!(reloaded.panel(1).unwrap().title, "データセット総数");
    // Only finished files in the directory: no temporary file left behind.
    assert_eq!(
        files(&store),
        [
            "hinomi-business-metrics.json",
            "hinomi-infrastructure.json",
            "hinomi-system-overview.json"
        ]
    );
    // Installing built-ins again does not overwrite the user's edit.
    assert!(install_builtins(&store).unwrap().is_empty());
    assert_eq!(
        store
            .load("hinomi-business-metrics")
            .unwrap()
            .panel(1)
            .unwrap()
            .title,
        "データセット総数"
    );
}

#[test]
fn failed_save_leaves_the_old_file_and_no_temporary_file() {
    let (_dir, store) = store();
    let mut d = import_dashboard(r#"{"uid":"blocked","title":"t","panels":[]}"#, "t.json")
        .unwrap()
        .dashboard;
    // A directory where the file should go makes the final rename fail.
    fs::create_dir(store.dir().join("blocked.json")).unwrap();
    fs::write(store.dir().join("blocked.json").join("keep"), "x").unwrap();
    assert!(matches!(store.save(&mut d), Err(DashboardError::Io { .. })));
    assert_eq!(files(&store), ["blocked.json"]);
    assert!(store.dir().join("blocked.json").join("keep").exists());
}

#[test]
fn malformed_import_writes_nothing() {
    let (_dir, store) = store();
    let err = store
        .import(
            r#"{"uid":"x","panels":[{"type":"stat","gridPos":{"w":"x"}}]}"#,
            "bad.json",
            false,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"bad.json: panels[0].gridPos.w: invalid type: string "x", expected u32"#
    );
    assert!(files(&store).is_empty());
}

#[test]
fn uid_clashes_and_missing_uids() {
    let (_dir, store) = store();
    let text = r#"{"uid":"same","title":"Same title","panels":[]}"#;
    store.import(text, "a.json", false).unwrap();
    let second = store.import(text, "b.json", false).unwrap();
    assert_eq!(
        second.dashboard.uid.as_deref(),
        Some("same-title"),
        "kept both"
    );
    let replaced = store
        .import(
            r#"{"uid":"same","title":"New","panels":[]}"#,
            "c.json",
            true,
        )
        .unwrap();
    assert_eq!(replaced.dashboard.uid.as_deref(), Some("same"));
    assert_eq!(store.load("same").unwrap().title, "New");
    let no_uid = store
        .import(r#"{"title":"システム","panels":[]}"#, "d.json", false)
        .unwrap();
    assert_eq!(no_uid.dashboard.uid.as_deref(), Some("dashboard"));
    // Path tricks are not uids.
    let mut evil = import_dashboard(r#"{"uid":"../evil","panels":[]}"#, "e.json")
        .unwrap()
        .dashboard;
    assert!(store.save(&mut evil).is_err());
    assert!(store.load("../evil").is_err());
}

#[test]
fn broken_files_are_listed_with_their_problem() {
    let (_dir, store) = store();
    fs::write(
        store.dir().join("hand-made.json"),
        r#"{"title":"x","panels":[{"type":7}]}"#,
    )
    .unwrap();
    fs::write(store.dir().join("notes.txt"), "not a dashboard").unwrap();
    let list = store.list().unwrap();
    assert_eq!(list.len(), 1);
    let problem = list[0].problem.as_deref().unwrap();
    assert!(
        problem.starts_with("hand-made.json: panels[0].type"),
        "{problem}"
    );
}

#[test]
fn a_file_copied_in_under_another_name_keeps_that_name() {
    let (_dir, store) = store();
    fs::write(store.dir().join("node.json"), NODE_EXPORTER_FULL).unwrap();
    let mut d = store.load("node").unwrap();
    assert_eq!(d.uid.as_deref(), Some("node"));
    store.save(&mut d).unwrap();
    assert_eq!(files(&store), ["node.json"]);
}

#[test]
fn panel_edits_are_saved_together_or_not_at_all() {
    let (_dir, store) = store();
    install_builtins(&store).unwrap();
    let uid = "hinomi-system-overview";
    let before = fs::read_to_string(store.dir().join(format!("{uid}.json"))).unwrap();
    // The second edit names a query the panel does not have: the first is not saved either.
    let err = store
        .edit_panel(
            uid,
            1,
            vec![
                PanelEdit::Title {
                    title: "Changed".into(),
                },
                PanelEdit::Query {
                    ref_id: "Z".into(),
                    expr: "up".into(),
                },
            ],
        )
        .unwrap_err();
    assert!(
        matches!(err, DashboardError::TargetNotFound { .. }),
        "{err:?}"
    );
    let after_refusal = fs::read_to_string(store.dir().join(format!("{uid}.json"))).unwrap();
    assert_eq!(before, after_refusal);

    let saved = store
        .edit_panel(
            uid,
            1,
            vec![
                PanelEdit::Title {
                    title: "Requests per second".into(),
                },
                PanelEdit::Query {
                    ref_id: "A".into(),
                    expr: "sum(rate(api_requests_total[5m]))".into(),
                },
                PanelEdit::Unit {
                    unit: Some("reqps".into()),
                },
                PanelEdit::Type {
                    panel_type: "stat".into(),
                },
            ],
        )
        .unwrap();
    let reloaded = store.load(uid).unwrap();
    assert_eq!(saved, reloaded);
    let panel = reloaded.panel(1).unwrap();
    assert_eq!(panel.title, "Requests per second");
    assert_eq!(panel.panel_type, "stat");
    assert_eq!(
        panel.targets[0].expr.as_deref(),
        Some("sum(rate(api_requests_total[5m]))")
    );
    // The exported JSON is Grafana's and imports back to the same dashboard.
    let exported = hinomi_dashboards::export_json(&reloaded).unwrap();
    let again = import_dashboard(&exported, "exported.json")
        .unwrap()
        .dashboard;
    assert_eq!(again, reloaded);
}
