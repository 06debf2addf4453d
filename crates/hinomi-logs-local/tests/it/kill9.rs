//! `kill -9` in the middle of indexing, then a restart: every line searchable exactly once.
//!
//! The test binary re-runs itself as the child (`kill9_child`, active only with
//! `HINOMI_KILL9_DIR` set), which ingests with small commits; the parent SIGKILLs it once a
//! commit is on disk but before the end, reopens the index and checks every line of every
//! file against what was generated.

use crate::support::*;
use hinomi_logs_local::{IngestOptions, LocalLogs};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const DIR_ENV: &str = "HINOMI_KILL9_DIR";
const FILES: usize = 4;
const LINES: usize = 6_000;

fn options() -> IngestOptions {
    IngestOptions {
        commit_every_bytes: 128 * 1024,
        ..Fixture::options()
    }
}

fn open(dir: &Path) -> LocalLogs {
    let mut config =
        hinomi_logs_local::LocalSourceConfig::new(vec![dir.join("logs").display().to_string()]);
    config.time_zone = "UTC".into();
    let clock = hinomi_core::clock::FakeClock::at(
        chrono::DateTime::from_timestamp_millis(START_MS).unwrap(),
    );
    LocalLogs::open(&dir.join("index"), config, options(), Arc::new(clock)).unwrap()
}

#[test]
fn kill9_child() {
    let Ok(dir) = std::env::var(DIR_ENV) else {
        return;
    };
    let source = open(Path::new(&dir));
    loop {
        source.refresh().unwrap();
    }
}

/// Lines committed so far, read from the index's meta.json payload.
fn committed_lines(index: &Path) -> u64 {
    let Ok(text) = std::fs::read_to_string(index.join("meta.json")) else {
        return 0;
    };
    let meta: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    meta["payload"]
        .as_str()
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .and_then(|p| p["lines_indexed"].as_u64())
        .unwrap_or(0)
}

#[test]
fn kill_9_mid_ingest_then_restart_indexes_every_line_once() {
    let f = Fixture::new();
    let mut expected: HashMap<(String, u64), String> = HashMap::new();
    for file in 0..FILES {
        let lines = generate(100 + file as u64, LINES);
        let path = f.logs().join(format!("app-{file}.log"));
        write_lines(&path, &lines);
        for (n, line) in lines.iter().enumerate() {
            expected.insert(
                (path.display().to_string(), n as u64 + 1),
                line.context.request_id.clone(),
            );
        }
    }
    let total = FILES * LINES;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "kill9::kill9_child", "--nocapture"])
        .env(DIR_ENV, f.dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let index = f.index_dir();
    let deadline = Instant::now() + Duration::from_secs(120);
    let killed_at = loop {
        let done = committed_lines(&index);
        if done >= 4_000 {
            break done;
        }
        assert!(Instant::now() < deadline, "the child never committed");
        assert!(child.try_wait().unwrap().is_none(), "the child exited");
        std::thread::sleep(Duration::from_millis(5));
    };
    kill(Pid::from_raw(child.id() as i32), Signal::SIGKILL).unwrap();
    child.wait().unwrap();
    assert!(
        (killed_at as usize) < total,
        "killed mid-ingest ({killed_at} of {total} committed)"
    );

    let source = open(f.dir.path());
    source.refresh().unwrap();
    let hits = all_hits(&source, &query(""));
    assert_eq!(hits.len(), total);
    let mut seen = std::collections::HashSet::new();
    for hit in &hits {
        let line: u64 = hit.id.split(':').nth(1).unwrap().parse().unwrap();
        let key = (hit.index.clone(), line);
        assert!(seen.insert(key.clone()), "{key:?} twice");
        assert_eq!(
            expected.get(&key),
            Some(&hit.fields["context.request_id"]),
            "{key:?} holds its own line"
        );
    }
    assert_eq!(source.status().lines_indexed as usize, total);
    eprintln!("killed after {killed_at} committed lines of {total}");
}
