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

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.sqlite");
    drop(AlertHistory::open(&path).unwrap());
    let newer = i64::try_from(MIGRATIONS.len()).unwrap() + 1;
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE from_the_future (x)")
            .unwrap();
        conn.pragma_update(None, "user_version", newer).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let error = match AlertHistory::open_or_recover(&path, at(0)) {
        Err(error) => error,
        Ok(_) => panic!("a newer schema was opened"),
    };
    assert!(
        matches!(error, AlertsError::SchemaTooNew { found, supported, .. }
            if i64::from(found) == newer && supported as usize == MIGRATIONS.len()),
        "{error:?}"
    );
    let shown = hinomi_core::HinomiError::from(error);
    assert_eq!(shown.code, hinomi_core::ErrorCode::InvalidConfig);
    assert!(shown.message.contains("newer Hinomi"), "{}", shown.message);
    // Not moved aside, not migrated, not rewritten.
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, newer);

    // The session still gets a working history, in memory.
    let mut memory = AlertHistory::in_memory().unwrap();
    poll(
        &mut memory,
        &Snapshot::default(),
        vec![alert("HighErrorRate", AlertState::Firing)],
        at(1),
    );
    assert_eq!(memory.open_episodes().unwrap().len(), 1);
}

#[test]
fn a_corrupt_history_is_moved_aside_and_recreated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.sqlite");
    std::fs::write(
        &path,
        b"this is not a SQLite database, it was overwritten by something",
    )
    .unwrap();
    let (mut history, recovered) = AlertHistory::open_or_recover(&path, at(5)).unwrap();
    let recovered = recovered.expect("the damage is reported");
    assert_eq!(
        recovered.moved_to,
        dir.path().join("alerts.sqlite.corrupt-20260321T090500Z")
    );
    assert_eq!(
        std::fs::read(&recovered.moved_to).unwrap(),
        b"this is not a SQLite database, it was overwritten by something"
    );
    assert!(!recovered.reason.is_empty());
    // The new history works and survives a reopen.
    poll(
        &mut history,
        &Snapshot::default(),
        vec![alert("HighErrorRate", AlertState::Firing)],
        at(6),
    );
    drop(history);
    let (reopened, again) = AlertHistory::open_or_recover(&path, at(7)).unwrap();
    assert_eq!(again, None);
    assert_eq!(reopened.open_episodes().unwrap().len(), 1);
}

#[test]
fn a_damaged_page_is_caught_by_the_integrity_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.sqlite");
    {
        let mut history = AlertHistory::open(&path).unwrap();
        let many: Vec<Alert> = (0..300)
            .map(|n| alert(&format!("Alert{n}"), AlertState::Firing))
            .collect();
        poll(&mut history, &Snapshot::default(), many, at(1));
        history
            .conn
            .pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .ok();
    }
    // Scribble over the middle of the file, keeping its header: SQLite opens it, the check
    // finds the damage.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 3 * 4096, "{} bytes", bytes.len());
    for byte in &mut bytes[4096..3 * 4096] {
        *byte = 0xA5;
    }
    std::fs::write(&path, bytes).unwrap();
    let (history, recovered) = AlertHistory::open_or_recover(&path, at(2)).unwrap();
    assert!(recovered.is_some());
    assert!(history.open_episodes().unwrap().is_empty());
}

/// The main file and its WAL, byte for byte.
fn files_of(path: &Path) -> (Vec<u8>, Option<Vec<u8>>) {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    (std::fs::read(path).unwrap(), std::fs::read(wal).ok())
}

#[test]
fn a_read_only_open_sees_the_writers_episodes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.sqlite");
    let mut writer = AlertHistory::open(&path).unwrap();
    let first = poll(
        &mut writer,
        &Snapshot::default(),
        vec![alert("A", AlertState::Firing)],
        at(1),
    );
    let before = files_of(&path);

    let reader = AlertHistory::open_read_only(&path).unwrap();
    let seen = reader.since(at(0), 100).unwrap();
    assert_eq!(seen, writer.since(at(0), 100).unwrap());
    assert_eq!(
        seen.iter()
            .map(|e| e.alertname.as_str())
            .collect::<Vec<_>>(),
        ["A"]
    );
    assert_eq!(files_of(&path), before, "reading changed the files");

    // The writer goes on beside the open reader, which sees its next poll.
    poll(
        &mut writer,
        &first,
        vec![
            alert("A", AlertState::Firing),
            alert("B", AlertState::Firing),
        ],
        at(2),
    );
    assert_eq!(reader.since(at(0), 100).unwrap().len(), 2);
}

#[test]
fn a_read_only_open_creates_no_file_and_refuses_schemas_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.sqlite");
    assert!(AlertHistory::open_read_only(&missing).is_err());
    assert!(!missing.exists(), "a read-only open created the file");

    // Not migrated yet: the poller has not opened it.
    let blank = dir.path().join("blank.sqlite");
    Connection::open(&blank)
        .unwrap()
        .execute_batch("CREATE TABLE placeholder (x)")
        .unwrap();
    let error = AlertHistory::open_read_only(&blank).err().unwrap();
    assert!(
        matches!(error, AlertsError::HistoryNotReady { .. }),
        "{error:?}"
    );

    // Written by a newer Hinomi.
    let newer = dir.path().join("newer.sqlite");
    drop(AlertHistory::open(&newer).unwrap());
    let version = i64::try_from(MIGRATIONS.len()).unwrap() + 1;
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", version)
        .unwrap();
    let error = AlertHistory::open_read_only(&newer).err().unwrap();
    assert!(
        matches!(error, AlertsError::SchemaTooNew { .. }),
        "{error:?}"
    );
}
