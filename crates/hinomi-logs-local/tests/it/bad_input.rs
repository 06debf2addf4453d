//! Hostile and broken input: every line still indexed (as well as it can be), each problem
//! reported in the status, and no other line lost.

use crate::support::*;
use hinomi_logs_local::{IssueKind, LocalLogs, LocalSourceConfig};
use std::sync::Arc;

fn issue(source: &LocalLogs, kind: IssueKind) -> Option<hinomi_logs_local::Issue> {
    source.status().issues.into_iter().find(|i| i.kind == kind)
}

#[test]
fn broken_lines_are_indexed_and_reported() {
    let f = Fixture::new();
    let good = generate(9, 4);
    let mut bytes = Vec::new();
    let mut push = |line: &[u8]| {
        bytes.extend_from_slice(line);
        bytes.push(b'\n');
    };
    push(good[0].to_json().as_bytes()); // 1
    push(b"{\"timestamp\":\"2024-05-01 10:00:01\",\"level\":\"WARN\",\"message\":\"bad \xff\xfe bytes here\"}"); // 2
    push(b"plain text with a NUL \0 inside, marker nulword"); // 3
    let huge = "x".repeat(1024 * 1024);
    push(format!("{{\"timestamp\":\"2024-05-01 10:00:02\",\"level\":\"INFO\",\"message\":\"{huge}\",\"context\":{{\"action\":\"huge_json\"}}}}").as_bytes()); // 4
    push(format!("hugeplain {huge}").as_bytes()); // 5
    push(b"{not json at all, still searchable: brokenjson"); // 6
    push(b""); // 7 (blank)
    push(b"2024-05-01 10:00:03 WARN crlf line\r"); // 8
    push(good[1].to_json().as_bytes()); // 9
    std::fs::write(f.logs().join("bad.log"), &bytes).unwrap();
    write_lines(&f.logs().join("good.log"), &good[2..]);
    let source = f.open();
    source.refresh().unwrap();

    assert_eq!(
        count(&source, &query("")),
        8 + 2,
        "every non-blank line, both files"
    );
    let lossy = source
        .search(&query("message:bad AND message:bytes"), None, 5)
        .unwrap();
    assert_eq!(lossy.hits.len(), 1);
    assert!(lossy.hits[0].fields["message"].contains('\u{fffd}'));
    assert_eq!(
        issue(&source, IssueKind::InvalidUtf8).unwrap().first_line,
        Some(2)
    );

    let nul = source.search(&query("nulword"), None, 5).unwrap();
    assert_eq!(nul.hits.len(), 1);
    assert!(nul.hits[0].fields["message"].contains('\0'));
    assert_eq!(
        issue(&source, IssueKind::NulBytes).unwrap().first_line,
        Some(3)
    );

    let big = source
        .search(&query("context.action:huge_json"), None, 5)
        .unwrap();
    assert_eq!(big.hits.len(), 1);
    let message = &big.hits[0].fields["message"];
    assert!(message.len() < 40 * 1024, "cut in the index");
    assert!(
        message.contains("truncated by Hinomi: 1048576 bytes"),
        "with a marker"
    );
    let plain = source.search(&query("hugeplain"), None, 5).unwrap();
    assert_eq!(plain.hits.len(), 1);
    assert!(plain.hits[0].fields["message"].contains("truncated by Hinomi"));
    let truncated = issue(&source, IssueKind::Truncated).unwrap();
    assert_eq!((truncated.first_line, truncated.count), (Some(4), 2));
    // The file keeps the line whole.
    assert!(std::fs::read(f.logs().join("bad.log")).unwrap().len() > 2 * 1024 * 1024);

    assert_eq!(
        source
            .search(&query("brokenjson"), None, 5)
            .unwrap()
            .hits
            .len(),
        1
    );
    assert_eq!(
        issue(&source, IssueKind::BlankLines).unwrap().first_line,
        Some(7)
    );
    let crlf = source.search(&query("crlf"), None, 5).unwrap();
    assert_eq!(
        crlf.hits[0].fields["message"],
        "2024-05-01 10:00:03 WARN crlf line"
    );
    assert_eq!(crlf.hits[0].level.as_deref(), Some("WARN"));
    // Line numbers stayed in step: the last line is line 9.
    let last = source
        .search(
            &query(&format!("\"{}\"", good[1].context.request_id)),
            None,
            1,
        )
        .unwrap();
    assert!(last.hits[0].id.ends_with(":9"), "{}", last.hits[0].id);
}

#[test]
fn missing_and_unreadable_sources_are_reported_and_the_rest_is_read() {
    let f = Fixture::new();
    write_lines(&f.logs().join("ok.log"), &generate(10, 5));
    let locked_dir = f.dir.path().join("locked");
    std::fs::create_dir(&locked_dir).unwrap();
    write_lines(&locked_dir.join("secret.log"), &generate(11, 3));
    let locked_file = f.logs().join("locked.log");
    write_lines(&locked_file, &generate(12, 3));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked_dir, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&locked_file, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Permissions do not stop root (CAP_DAC_OVERRIDE): as root those files are simply read.
    let root = nix::unistd::geteuid().is_root();
    let config = utc(LocalSourceConfig::new(vec![
        f.logs().display().to_string(),
        locked_dir.display().to_string(),
        f.dir.path().join("missing.log").display().to_string(),
    ]));
    let source = LocalLogs::open(
        &f.index_dir(),
        config,
        Fixture::options(),
        Arc::new(f.clock.clone()),
    )
    .unwrap();
    source.refresh().unwrap();
    let unreadable = source
        .status()
        .issues
        .into_iter()
        .filter(|i| i.kind == IssueKind::Unreadable)
        .count();
    if root {
        assert_eq!(count(&source, &query("")), 11);
        assert_eq!(unreadable, 0);
    } else {
        assert_eq!(count(&source, &query("")), 5);
        assert_eq!(unreadable, 2, "the folder and the file");
    }
    assert!(
        issue(&source, IssueKind::Vanished).is_some()
            || issue(&source, IssueKind::Unreadable).is_some()
    );
    let missing = source
        .status()
        .issues
        .into_iter()
        .any(|i| i.path.ends_with("missing.log"));
    assert!(missing, "the missing file is named");
    std::fs::set_permissions(&locked_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_symlink_into_a_key_store_is_reported_in_the_status_and_never_indexed() {
    let f = Fixture::new();
    let home = f.dir.path().canonicalize().unwrap();
    std::fs::create_dir(home.join(".ssh")).unwrap();
    std::fs::write(home.join(".ssh/id_ed25519"), "sshsecretword\n").unwrap();
    std::os::unix::fs::symlink(home.join(".ssh/id_ed25519"), f.logs().join("keys.log")).unwrap();
    write_lines(&f.logs().join("app.log"), &generate(13, 3));
    let options = hinomi_logs_local::IngestOptions {
        files: hinomi_core::path_policy::LogSourceRule::new([], Some(&home)),
        ..Fixture::options()
    };
    let source = LocalLogs::open(
        &f.index_dir(),
        f.config(),
        options,
        Arc::new(f.clock.clone()),
    )
    .unwrap();
    source.refresh().unwrap();
    assert_eq!(count(&source, &query("")), 3, "app.log only");
    assert_eq!(count(&source, &query("sshsecretword")), 0);
    let refused = issue(&source, IssueKind::Unreadable).expect("the symlink is reported");
    assert!(refused.path.ends_with("keys.log"), "{refused:?}");
    assert!(refused.detail.starts_with("refused:"), "{refused:?}");
    assert!(refused.detail.contains(".ssh"), "{refused:?}");
}
