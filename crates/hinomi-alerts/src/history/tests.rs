//! The history against a temporary SQLite file: episodes open, change, close, survive reopening.

use super::*;
use crate::alert::SourceKind;
use crate::alert::tests::labels;
use crate::changes::detect_changes;
use chrono::TimeZone;

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 21, 9, minute, 0).unwrap()
}

fn alert(name: &str, state: AlertState) -> Alert {
    let mut alert = Alert::new(
        labels(&[("alertname", name), ("severity", "critical")]),
        state,
        SourceRef::new("am", SourceKind::Alertmanager),
    );
    alert.active_since = Some(at(0));
    alert
        .annotations
        .insert("summary".into(), "高エラー率を検出".into());
    alert
}

/// Applies a poll the way the poller does: diff, then record.
fn poll(
    history: &mut AlertHistory,
    previous: &Snapshot,
    alerts: Vec<Alert>,
    now: DateTime<Utc>,
) -> Snapshot {
    let current = Snapshot::merge([alerts]);
    let changes = detect_changes(previous, &current);
    history.record(&changes, &current, now).unwrap();
    current
}

#[test]
fn episodes_open_change_resolve_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/alerts.sqlite");
    let mut history = AlertHistory::open(&path).unwrap();

    let first = poll(
        &mut history,
        &Snapshot::default(),
        vec![
            alert("A", AlertState::Pending),
            alert("B", AlertState::Firing),
        ],
        at(1),
    );
    let second = poll(
        &mut history,
        &first,
        vec![
            alert("A", AlertState::Firing),
            alert("B", AlertState::Firing),
        ],
        at(2),
    );
    let open = history.open_episodes().unwrap();
    assert_eq!(open.len(), 2);
    let a = open.iter().find(|e| e.alertname == "A").unwrap();
    assert_eq!(a.state, AlertState::Firing);
    assert_eq!(a.started_at, at(0));
    assert_eq!(a.first_seen_at, at(1));
    assert_eq!(a.annotations["summary"], "高エラー率を検出");
    assert_eq!(a.severity, Severity::Critical);

    // B resolves; Alertmanager will forget it, the history does not.
    poll(
        &mut history,
        &second,
        vec![alert("A", AlertState::Firing)],
        at(3),
    );
    drop(history);

    let history = AlertHistory::open(&path).unwrap();
    let open = history.open_episodes().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].alertname, "A");
    let b = history
        .of_alert(&alert("B", AlertState::Firing).fingerprint)
        .unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].resolved_at, Some(at(3)));
    assert_eq!(history.since(at(0), 10).unwrap().len(), 2);
    assert_eq!(
        history.since(at(4), 10).unwrap().len(),
        1,
        "only the open one"
    );
}

#[test]
fn an_alert_that_fires_again_gets_a_second_episode() {
    let dir = tempfile::tempdir().unwrap();
    let mut history = AlertHistory::open(&dir.path().join("h.sqlite")).unwrap();
    let firing = poll(
        &mut history,
        &Snapshot::default(),
        vec![alert("A", AlertState::Firing)],
        at(1),
    );
    let gone = poll(&mut history, &firing, vec![], at(2));
    let mut again = alert("A", AlertState::Firing);
    again.active_since = Some(at(5));
    poll(&mut history, &gone, vec![again.clone()], at(5));
    let episodes = history.of_alert(&again.fingerprint).unwrap();
    assert_eq!(episodes.len(), 2);
    assert_eq!(episodes[0].resolved_at, Some(at(2)));
    assert_eq!(episodes[1].resolved_at, None);
    assert_eq!(episodes[1].started_at, at(5));

    assert_eq!(history.forget_resolved_before(at(3)).unwrap(), 1);
    assert_eq!(history.of_alert(&again.fingerprint).unwrap().len(), 1);
}

#[test]
fn the_file_is_in_wal_mode_and_migrated_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite");
    drop(AlertHistory::open(&path).unwrap());
    let history = AlertHistory::open(&path).unwrap();
    let mode: String = history
        .conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = history
        .conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, MIGRATIONS.len() as i64);
}

#[test]
fn an_unreadable_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("not-sqlite");
    std::fs::write(
        &path,
        "this is not a database, it is text long enough to be a header",
    )
    .unwrap();
    let err = AlertHistory::open(&path).err().unwrap();
    assert!(err.to_string().contains("not-sqlite"), "{err}");
}

#[test]
fn the_notification_memory_survives_reopening_and_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let mut history = AlertHistory::open(&path).unwrap();
    assert_eq!(history.notification_memory().unwrap(), None);
    let mut memory = PlannerMemory {
        key_scheme: crate::notify::KEY_SCHEME,
        group_by: vec!["alertname".into(), "severity".into()],
        groups: Vec::new(),
        snoozed: vec![("seed:root:{alertname=\"HighLatency\"}".into(), at(30))],
    };
    history.save_notification_memory(&memory, at(1)).unwrap();
    memory.snoozed.clear();
    history.save_notification_memory(&memory, at(2)).unwrap();
    drop(history);
    let reopened = AlertHistory::open(&path).unwrap();
    assert_eq!(reopened.notification_memory().unwrap(), Some(memory));
}
