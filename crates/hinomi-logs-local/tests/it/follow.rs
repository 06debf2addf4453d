//! Following files: appends, late lines in the live tail, incomplete last lines, rotation,
//! truncation, deletion, restarts and a deleted index — never a line twice, never one lost.

use crate::support::*;
use hinomi_logs_local::{FileState, IssueKind, LocalLogs};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn total(source: &LocalLogs) -> usize {
    count(source, &query(""))
}

#[test]
fn appended_lines_and_the_live_tail_including_late_lines() {
    let f = Fixture::new();
    let lines = generate(1, 200);
    let log = f.logs().join("app.log");
    write_lines(&log, &lines[..100]);
    let source = f.open();
    source.refresh().unwrap();
    assert_eq!(total(&source), 100);
    let first = source.tail(&query(""), None, 10).unwrap();
    assert_eq!(first.hits.len(), 10);
    assert!(
        first.hits.windows(2).all(|w| w[0].time_ms <= w[1].time_ms),
        "oldest first"
    );
    // New lines, and "late" lines whose timestamps are older than everything shown.
    write_lines(&log, &lines[150..160]);
    write_lines(&log, &lines[100..105]);
    assert_eq!(source.refresh().unwrap().lines, 15);
    let next = source.tail(&query(""), first.cursor.as_ref(), 10).unwrap();
    let got: Vec<String> = next
        .hits
        .iter()
        .map(|h| h.fields["context.request_id"].clone())
        .collect();
    let want: Vec<String> = lines[150..160]
        .iter()
        .chain(&lines[100..105])
        .map(|l| l.context.request_id.clone())
        .collect();
    assert_eq!(got, want, "arrival order, late lines included");
    let again = source.tail(&query(""), next.cursor.as_ref(), 10).unwrap();
    assert!(again.hits.is_empty());
    // The tail respects the query.
    write_lines(&log, &lines[160..200]);
    source.refresh().unwrap();
    let errors = source
        .tail(&query("level:ERROR"), again.cursor.as_ref(), 10)
        .unwrap();
    let expected = lines[160..200]
        .iter()
        .filter(|l| l.level == "ERROR")
        .count();
    assert_eq!(errors.hits.len(), expected);
    assert_eq!(total(&source), 155);
}

#[test]
fn an_incomplete_last_line_waits_for_its_newline_or_for_the_file_to_settle() {
    let f = Fixture::new();
    let log = f.logs().join("app.log");
    let lines = generate(2, 3);
    std::fs::write(
        &log,
        format!("{}\n{}", lines[0].to_json(), &lines[1].to_json()[..20]),
    )
    .unwrap();
    // The fake clock is years before the file's mtime: the file is "just written".
    let source = f.open();
    source.refresh().unwrap();
    assert_eq!(total(&source), 1);
    let mut file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    write!(
        file,
        "{}\n{}",
        &lines[1].to_json()[20..],
        lines[2].to_json()
    )
    .unwrap();
    drop(file);
    source.refresh().unwrap();
    assert_eq!(
        total(&source),
        2,
        "the completed line, not the new partial one"
    );
    // Once the file has been quiet for the settle time, the last line counts as complete.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let fake_now = f.clock.now_ms();
    f.clock
        .advance(Duration::from_millis((now - fake_now + 60_000) as u64));
    source.refresh().unwrap();
    assert_eq!(total(&source), 3);
    let hit = &source
        .search(
            &query(&format!("\"{}\"", lines[2].context.request_id)),
            None,
            1,
        )
        .unwrap()
        .hits;
    assert_eq!(hit.len(), 1);
}

#[test]
fn rotation_truncation_and_deletion() {
    let f = Fixture::new();
    let lines = generate(3, 400);
    let log = f.logs().join("app.log");
    write_lines(&log, &lines[..100]);
    let source = f.open();
    source.refresh().unwrap();
    // Rotate: rename, the writer still appends to the old inode, a new file starts.
    std::fs::rename(&log, f.logs().join("app.log.1")).unwrap();
    write_lines(&f.logs().join("app.log.1"), &lines[100..110]);
    write_lines(&log, &lines[110..140]);
    source.refresh().unwrap();
    assert_eq!(total(&source), 140);
    for line in &lines[..140] {
        let q = query(&format!(
            "context.request_id:\"{}\" AND timestamp:\"{}\"",
            line.context.request_id, line.timestamp
        ));
        assert!(count(&source, &q) >= 1, "{line:?}");
    }
    // Truncate app.log and write new content: old lines stay, new ones are read from 0.
    std::fs::write(&log, "").unwrap();
    write_lines(&log, &lines[140..150]);
    source.refresh().unwrap();
    assert_eq!(total(&source), 150);
    let status = source.status();
    assert!(
        status
            .issues
            .iter()
            .any(|i| i.kind == IssueKind::TruncatedFile),
        "{status:?}"
    );
    // Delete the rotated file: its lines stay searchable, the status says it is gone.
    std::fs::remove_file(f.logs().join("app.log.1")).unwrap();
    source.refresh().unwrap();
    assert_eq!(total(&source), 150);
    let status = source.status();
    assert!(
        status
            .files
            .iter()
            .any(|file| file.state == FileState::Gone && file.path.ends_with("app.log.1"))
    );
    assert!(status.issues.iter().any(|i| i.kind == IssueKind::Deleted));
    assert_eq!(status.lines_indexed, 150.0);
}

#[test]
fn a_restart_resumes_and_a_deleted_index_is_rebuilt() {
    let f = Fixture::new();
    let lines = generate(4, 300);
    write_lines(&f.logs().join("a.log"), &lines[..100]);
    write_lines(&f.logs().join("b.log"), &lines[100..200]);
    {
        let source = f.open();
        source.refresh().unwrap();
        assert_eq!(total(&source), 200);
    }
    write_lines(&f.logs().join("a.log"), &lines[200..250]);
    {
        let source = f.open();
        assert_eq!(total(&source), 200, "what was committed, before reading");
        assert_eq!(source.refresh().unwrap().lines, 50);
        assert_eq!(total(&source), 250);
        assert_eq!(source.refresh().unwrap().lines, 0);
    }
    std::fs::remove_dir_all(f.index_dir()).unwrap();
    let source = f.open();
    assert_eq!(total(&source), 0);
    source.refresh().unwrap();
    assert_eq!(total(&source), 250);
    drop(source);
    // Another configuration (a time field) means another index: rebuilt from the files.
    let mut config = f.config();
    config.time_field = Some("timestamp".into());
    let source = LocalLogs::open(
        &f.index_dir(),
        config,
        Fixture::options(),
        Arc::new(f.clock.clone()),
    )
    .unwrap();
    assert_eq!(total(&source), 0);
    source.refresh().unwrap();
    assert_eq!(total(&source), 250);
}

#[test]
fn following_picks_up_appended_lines_within_a_second() {
    let f = Fixture::new();
    let lines = generate(5, 60);
    let log = f.logs().join("app.log");
    write_lines(&log, &lines[..50]);
    let source = Arc::new(f.open());
    let _following = source.follow(Duration::from_millis(200));
    let deadline = Instant::now() + Duration::from_secs(10);
    while total(&source) < 50 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(total(&source), 50);
    write_lines(&log, &lines[50..]);
    let appended = Instant::now();
    while total(&source) < 60 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(total(&source), 60);
    let took = appended.elapsed();
    assert!(took < Duration::from_secs(1), "took {took:?}");
}
