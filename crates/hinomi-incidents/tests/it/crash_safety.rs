//! A Hinomi killed mid-write must lose nothing it reported as saved, and leave a sound file.
//!
//! The test binary re-runs itself as the child (`write_loop_child`, which does nothing unless
//! the environment says so). The child writes in a loop through the public API and prints the
//! id of each write after it returned (committed). The parent SIGKILLs it mid-loop, reopens the
//! store, runs `PRAGMA integrity_check` and looks for every printed id.

use crate::common;

use crate::common::{Fixture, at};
use hinomi_core::clock::FakeClock;
use hinomi_incidents::test_support::timeline_ids;
use hinomi_incidents::{
    EvidenceData, IncidentStore, MetricSeries, MetricSnapshot, NewIncident, Severity, TimeRange,
};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const CHILD_DB: &str = "HINOMI_INCIDENTS_CRASH_CHILD_DB";
const CHILD_INCIDENT: &str = "HINOMI_INCIDENTS_CRASH_CHILD_INCIDENT";
/// Enough writes that the kill lands while the child is busy, few enough to stay quick.
const WRITES_BEFORE_KILL: usize = 300;
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The child's write loop: small notes and large multi-row evidence pins, alternately.
#[test]
fn write_loop_child() {
    let (Some(db), Some(incident)) = (
        std::env::var_os(CHILD_DB),
        std::env::var(CHILD_INCIDENT).ok(),
    ) else {
        return; // Not the child: nothing to do.
    };
    let clock = FakeClock::at(at(common::START));
    let store = IncidentStore::open(db.as_ref(), Arc::new(clock.clone())).unwrap();
    let samples: Vec<(f64, f64)> = (0..2_000)
        .map(|i| (f64::from(i) * 15.0, f64::from(i)))
        .collect();
    let mut out = std::io::stdout().lock();
    for n in 0u64.. {
        clock.advance(Duration::from_millis(10));
        let entry = if n % 2 == 0 {
            store
                .add_note(&incident, &format!("write {n}"), None, None)
                .unwrap()
        } else {
            let data = EvidenceData::Metric(MetricSnapshot {
                annotations: Vec::new(),
                title: format!("snapshot {n}"),
                query: "up".into(),
                datasource: "prometheus".into(),
                range: TimeRange {
                    start: at("2026-11-24T08:00:00Z"),
                    end: at("2026-11-24T09:00:00Z"),
                    step_seconds: Some(15.0),
                },
                unit: None,
                series: vec![MetricSeries::from_samples(BTreeMap::new(), &samples)],
            });
            store.pin_evidence(&incident, data, None).unwrap()
        };
        // Printed only after the call returned, i.e. after COMMIT.
        writeln!(out, "ACK {}", entry.id).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn sigkill_mid_write_loses_no_acknowledged_write() {
    let f = Fixture::new();
    let incident = f
        .store
        .create_incident(NewIncident {
            title: "crash".into(),
            description: String::new(),
            severity: Severity::P2,
            commander: None,
            assignees: vec![],
            labels: Default::default(),
            actor: None,
        })
        .unwrap()
        .id;

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "crash_safety::write_loop_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, f.path())
        .env(CHILD_INCIDENT, &incident)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });

    let started = Instant::now();
    let mut acknowledged = Vec::new();
    while acknowledged.len() < WRITES_BEFORE_KILL {
        let left = TIME_LIMIT.saturating_sub(started.elapsed());
        match lines.recv_timeout(left) {
            Ok(line) => acknowledged.extend(ack(&line)),
            Err(_) => break,
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix: no destructors, no rollback, no flush.
    let status = child.wait().unwrap();
    // Whatever it printed before dying was acknowledged too.
    reader.join().unwrap();
    acknowledged.extend(lines.try_iter().filter_map(|l| ack(&l)));
    assert!(
        acknowledged.len() >= WRITES_BEFORE_KILL,
        "the child acknowledged only {} writes in {TIME_LIMIT:?} (exit: {status:?})",
        acknowledged.len()
    );
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "the child should have been killed, not exited"
        );
    }

    let store = f.reopen();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let stored = timeline_ids(&store, &incident);
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged writes lost: {lost:?}",
        lost.len()
    );
    // The store is usable after the crash.
    store
        .add_note(&incident, "after the crash", None, None)
        .unwrap();
}

/// The id in an `ACK <id>` line. The test harness prints "test write_loop_child ... " without a
/// newline, so the first ack shares its line.
fn ack(line: &str) -> Option<String> {
    line.split_once("ACK ").map(|(_, id)| id.to_string())
}
