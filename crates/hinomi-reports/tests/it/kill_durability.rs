//! Over 400 lines: one test and the child process it kills, sharing paths and phases.
//! SIGKILL at random points, over a hundred times, through every kind of write Hinomi makes to
//! disk: incident writes, a schema migration, an import, a backup, a settings save and a report
//! export. Nothing acknowledged may be lost, no SQLite file may be unsound, no file may be left
//! half-written under its name, and temporaries left by a kill are removed by the next write.
//!
//! The test binary re-runs itself as the child (`kill_child`, which does nothing unless the
//! environment says so). The child loops one kind of write and prints `acked <what>` after each
//! call returned. The parent waits for a random number of acks plus a random delay (seeded;
//! the seed is printed and `HINOMI_KILL_SEED=<seed>` replays it), SIGKILLs the child, and
//! checks the files like a restarted Hinomi would see them.
//!
//! A SIGKILL loses nothing the kernel already has, so this proves atomicity and ordering, not
//! fsync: the power-loss test (hinomi-incidents `power_loss.rs`) covers that.

use chrono::{DateTime, Utc};
use hinomi_core::atomic_file::TEMP_SUFFIX;
use hinomi_core::clock::FakeClock;
use hinomi_incidents::store::migrations::LATEST_VERSION;
use hinomi_incidents::test_support::timeline_ids;
use hinomi_incidents::*;
use hinomi_reports::{ReportFormat, ReportInput, ReportLanguage, render, write_report};
use hinomi_settings::{Settings, SettingsFile};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const CHILD_PHASE: &str = "HINOMI_KILL_CHILD_PHASE";
const CHILD_DIR: &str = "HINOMI_KILL_CHILD_DIR";
const CHILD_RUN: &str = "HINOMI_KILL_CHILD_RUN";
const SEED: &str = "HINOMI_KILL_SEED";

const PHASES: [Phase; 6] = [
    Phase::IncidentWrites,
    Phase::Migration,
    Phase::Import,
    Phase::Backup,
    Phase::Settings,
    Phase::Report,
];
/// 6 phases x 17 = 102 kills.
const KILLS_PER_PHASE: u64 = 17;
/// The child is killed after 0..MAX_ACKS acks plus 0..MAX_EXTRA_DELAY: enough to land inside
/// every step of a write, few enough to keep the whole test well under a minute.
const MAX_ACKS: u64 = 8;
const MAX_EXTRA_DELAY: Duration = Duration::from_millis(15);
const ACK_TIMEOUT: Duration = Duration::from_secs(30);
/// Timeline entries in the imported incident: an import is one transaction of this many rows.
const IMPORTED_NOTES: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    IncidentWrites,
    Migration,
    Import,
    Backup,
    Settings,
    Report,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::IncidentWrites => "incident-writes",
            Phase::Migration => "migration",
            Phase::Import => "import",
            Phase::Backup => "backup",
            Phase::Settings => "settings",
            Phase::Report => "report",
        }
    }

    fn from_name(name: &str) -> Self {
        *PHASES.iter().find(|p| p.name() == name).unwrap()
    }
}

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .to_utc()
}

/// The files of one test run.
struct Paths {
    dir: PathBuf,
}

impl Paths {
    fn store(&self) -> PathBuf {
        self.dir.join("incidents.sqlite")
    }
    fn incident_id(&self) -> PathBuf {
        self.dir.join("incident-id")
    }
    /// A small incident of its own, so rendering its report stays quick.
    fn report_incident_id(&self) -> PathBuf {
        self.dir.join("report-incident-id")
    }
    fn bundle(&self) -> PathBuf {
        self.dir.join("bundle.json")
    }
    fn migrations(&self) -> PathBuf {
        self.dir.join("migrations")
    }
    fn backups(&self) -> PathBuf {
        self.dir.join("backups")
    }
    fn settings(&self) -> PathBuf {
        self.dir.join("config").join("settings.toml")
    }
    fn reports(&self) -> PathBuf {
        self.dir.join("reports")
    }
}

fn open_store(path: &Path) -> IncidentStore {
    IncidentStore::open(path, Arc::new(FakeClock::at(start()))).unwrap()
}

fn evidence(n: u64) -> EvidenceData {
    let samples: Vec<(f64, f64)> = (0..2_000)
        .map(|i| (f64::from(i) * 15.0, f64::from(i)))
        .collect();
    EvidenceData::Metric(MetricSnapshot {
        annotations: Vec::new(),
        title: format!("snapshot {n}"),
        query: "up".into(),
        datasource: "prometheus".into(),
        range: TimeRange {
            start: start(),
            end: start() + chrono::Duration::hours(1),
            step_seconds: Some(15.0),
        },
        unit: None,
        series: vec![MetricSeries::from_samples(BTreeMap::new(), &samples)],
    })
}

/// The report of revision `rev`: the same incident, its description naming the revision.
fn report_input(store: &IncidentStore, incident: &str, rev: u64) -> ReportInput {
    let mut input = ReportInput {
        incident: store.get_incident(incident).unwrap(),
        timeline: store
            .timeline_page(&TimelineQuery {
                incident_id: incident.to_string(),
                order: TimelineOrder::OldestFirst,
                after: None,
                limit: 1000,
            })
            .unwrap()
            .entries,
        evidence: store.list_evidence(incident).unwrap(),
        postmortem: store.get_postmortem(incident).unwrap(),
    };
    input.incident.description = format!("Report revision {rev}.");
    input
}

const REPORT_FORMATS: [ReportFormat; 2] = [ReportFormat::Markdown, ReportFormat::Html];

/// The child: one kind of write in a loop, `acked <what>` after each.
#[test]
fn kill_child() {
    let (Some(phase), Some(dir), Some(run)) = (
        std::env::var(CHILD_PHASE).ok(),
        std::env::var_os(CHILD_DIR),
        std::env::var(CHILD_RUN).ok(),
    ) else {
        return; // Not the child: nothing to do.
    };
    let paths = Paths { dir: dir.into() };
    let run: u64 = run.parse().unwrap();
    let mut out = std::io::stdout().lock();
    let mut ack = |what: String| {
        writeln!(out, "acked {what}").unwrap();
        out.flush().unwrap();
    };
    let incident = std::fs::read_to_string(paths.incident_id()).unwrap();
    match Phase::from_name(&phase) {
        Phase::IncidentWrites => {
            let store = open_store(&paths.store());
            for n in 0u64.. {
                let entry = if n % 2 == 0 {
                    store
                        .add_note(&incident, &format!("run {run} write {n}"), None, None)
                        .unwrap()
                } else {
                    store.pin_evidence(&incident, evidence(n), None).unwrap()
                };
                ack(entry.id);
            }
        }
        Phase::Migration => {
            for n in 0u64.. {
                // An empty file is schema version 0: opening it runs every migration.
                let name = format!("m-{run}-{n}.sqlite");
                drop(open_store(&paths.migrations().join(&name)));
                ack(name);
            }
        }
        Phase::Import => {
            let store = open_store(&paths.store());
            let exported = IncidentBundle::read_file(&paths.bundle()).unwrap();
            for n in 0u64.. {
                // A new identity each time, so every import creates a whole incident.
                let mut bundle = exported.clone();
                let record = &mut bundle.incidents[0];
                record.incident.uid = format!("uid-{run}-{n}");
                for entry in &mut record.timeline {
                    entry.id = format!("{}-{run}-{n}", entry.id);
                }
                let uid = record.incident.uid.clone();
                store.import_bundle(&bundle).unwrap();
                ack(uid);
            }
        }
        Phase::Backup => {
            let store = open_store(&paths.store());
            for n in 0u64.. {
                let name = format!("b-{run}-{n}.sqlite");
                store.backup_to(&paths.backups().join(&name)).unwrap();
                ack(name);
            }
        }
        Phase::Settings => {
            let file = SettingsFile::new(paths.settings());
            loop {
                let mut settings = file.load().settings;
                settings.refresh_interval_secs += 1;
                file.save(&settings).unwrap();
                ack(settings.refresh_interval_secs.to_string());
            }
        }
        Phase::Report => {
            let incident = std::fs::read_to_string(paths.report_incident_id()).unwrap();
            let store = open_store(&paths.store());
            for n in 0u64.. {
                let rev = run * 1_000 + n;
                let input = report_input(&store, &incident, rev);
                for format in REPORT_FORMATS {
                    write_report(&input, format, ReportLanguage::En, &paths.reports()).unwrap();
                }
                ack(rev.to_string());
            }
        }
    }
}

/// What one child run acknowledged before it was killed.
struct Killed {
    acked: Vec<String>,
}

/// Runs a child for `phase` and SIGKILLs it after a random number of acks and a random delay.
fn run_and_kill(paths: &Paths, phase: Phase, run: u64, rng: &mut fastrand::Rng) -> Killed {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "kill_durability::kill_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_PHASE, phase.name())
        .env(CHILD_DIR, &paths.dir)
        .env(CHILD_RUN, run.to_string())
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
    let acks_before_kill = rng.u64(0..=MAX_ACKS);
    let extra_delay = MAX_EXTRA_DELAY.mul_f64(rng.f64());
    // The test harness prints "test kill_child ... " without a newline before the first ack.
    let parse = |line: String| line.split_once("acked ").map(|(_, what)| what.to_string());
    let mut acked = Vec::new();
    let started = Instant::now();
    while (acked.len() as u64) < acks_before_kill {
        let left = ACK_TIMEOUT.saturating_sub(started.elapsed());
        match lines.recv_timeout(left) {
            Ok(line) => acked.extend(parse(line)),
            Err(err) => panic!(
                "{} run {run}: the child acknowledged only {} writes ({err})",
                phase.name(),
                acked.len()
            ),
        }
    }
    std::thread::sleep(extra_delay);
    child.kill().unwrap(); // SIGKILL: no destructors, no rollback, no cleanup.
    let status = child.wait().unwrap();
    reader.join().unwrap();
    // Whatever it printed before dying was acknowledged too.
    acked.extend(lines.try_iter().filter_map(parse));
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "{} run {run}: the child should have been killed, not exited",
            phase.name()
        );
    }
    Killed { acked }
}

fn temporaries(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(TEMP_SUFFIX) || name.ends_with(".partial"))
        .collect()
}

/// A SQLite file opened directly, without the store's migrations.
fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

fn integrity(conn: &rusqlite::Connection) -> String {
    conn.pragma_query_value(None, "integrity_check", |row| row.get(0))
        .unwrap()
}

fn user_version(conn: &rusqlite::Connection) -> u32 {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

fn table_count(conn: &rusqlite::Connection) -> u32 {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
        .unwrap()
}

/// Sets up a store with one incident (and the bundle the import phase imports).
fn prepare(paths: &Paths) -> String {
    let source_dir = paths.dir.join("source");
    std::fs::create_dir_all(&source_dir).unwrap();
    let source = open_store(&source_dir.join("source.sqlite"));
    let incident = source
        .create_incident(NewIncident {
            title: "Imported outage".into(),
            description: String::new(),
            severity: Severity::P2,
            commander: None,
            assignees: vec![],
            labels: Default::default(),
            actor: None,
        })
        .unwrap();
    for n in 0..IMPORTED_NOTES - 1 {
        source
            .add_note(&incident.id, &format!("imported note {n}"), None, None)
            .unwrap();
    }
    source
        .export_incidents(std::slice::from_ref(&incident.id))
        .unwrap()
        .write_file(&paths.bundle())
        .unwrap();
    let store = open_store(&paths.store());
    let incident = store
        .create_incident(NewIncident {
            title: "Crash test".into(),
            description: String::new(),
            severity: Severity::P1,
            commander: None,
            assignees: vec![],
            labels: Default::default(),
            actor: None,
        })
        .unwrap()
        .id;
    std::fs::write(paths.incident_id(), &incident).unwrap();
    let report_incident = store
        .create_incident(NewIncident {
            title: "Reported outage".into(),
            description: String::new(),
            severity: Severity::P2,
            commander: None,
            assignees: vec![],
            labels: Default::default(),
            actor: None,
        })
        .unwrap()
        .id;
    store
        .add_note(&report_incident, "one note to report", None, None)
        .unwrap();
    std::fs::write(paths.report_incident_id(), &report_incident).unwrap();
    for dir in [paths.migrations(), paths.backups(), paths.reports()] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let settings_file = SettingsFile::new(paths.settings());
    settings_file
        .save(&Settings {
            refresh_interval_secs: 5,
            ..Settings::default()
        })
        .unwrap();
    incident
}

#[test]
fn a_hundred_sigkills_lose_no_acknowledged_write_and_leave_no_half_file() {
    let seed = std::env::var(SEED)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    // Shown with the failure (the harness prints a failing test's output): replay with it.
    eprintln!("kill test seed: {seed} (replay: {SEED}={seed})");
    let mut rng = fastrand::Rng::with_seed(seed);
    let temp = tempfile::tempdir().unwrap();
    let paths = Paths {
        dir: temp.path().to_path_buf(),
    };
    let incident = prepare(&paths);
    let report_incident = std::fs::read_to_string(paths.report_incident_id()).unwrap();
    let bundle_entries = IncidentBundle::read_file(&paths.bundle())
        .unwrap()
        .incidents[0]
        .timeline
        .len();
    assert!(bundle_entries >= IMPORTED_NOTES - 1);
    let started = Instant::now();
    let mut kills = 0;
    let mut acked_total = 0;

    let mut acked_entries: Vec<String> = vec![];
    let mut acked_imports: Vec<String> = vec![];
    let mut last_setting = 5u32;
    let mut report_seen: [Option<u64>; REPORT_FORMATS.len()] = [None; REPORT_FORMATS.len()];
    for phase in PHASES {
        let phase_started = Instant::now();
        for _ in 0..KILLS_PER_PHASE {
            let run = kills;
            let killed = run_and_kill(&paths, phase, run, &mut rng);
            kills += 1;
            acked_total += killed.acked.len();
            let context = format!("{} run {run} (seed {seed})", phase.name());
            // What a restarted Hinomi sees.
            let store = open_store(&paths.store());
            assert_eq!(store.integrity_check().unwrap(), "ok", "{context}");
            match phase {
                Phase::IncidentWrites => {
                    acked_entries.extend(killed.acked);
                    let stored = timeline_ids(&store, &incident);
                    let lost: Vec<_> = acked_entries
                        .iter()
                        .filter(|id| !stored.contains(*id))
                        .collect();
                    assert!(
                        lost.is_empty(),
                        "{context}: acknowledged writes lost: {lost:?}"
                    );
                }
                Phase::Migration => {
                    let acked: HashSet<_> = killed.acked.into_iter().collect();
                    for entry in std::fs::read_dir(paths.migrations()).unwrap() {
                        let path = entry.unwrap().path();
                        let name = path.file_name().unwrap().to_string_lossy().into_owned();
                        if !name.ends_with(".sqlite") || !name.starts_with(&format!("m-{run}-")) {
                            continue;
                        }
                        let conn = raw(&path);
                        assert_eq!(integrity(&conn), "ok", "{context}: {name}");
                        let version = user_version(&conn);
                        if acked.contains(&name) {
                            assert_eq!(version, LATEST_VERSION, "{context}: {name}");
                        } else {
                            // Killed mid-migration: all of a step or nothing of it.
                            assert!(
                                version == LATEST_VERSION
                                    || (version == 0 && table_count(&conn) == 0),
                                "{context}: {name} is between versions: user_version \
                                 {version}, {} schema objects",
                                table_count(&conn)
                            );
                        }
                        drop(conn);
                        // And the next start finishes the job.
                        let migrated = open_store(&path);
                        assert_eq!(migrated.integrity_check().unwrap(), "ok", "{context}");
                    }
                }
                Phase::Import => {
                    acked_imports.extend(killed.acked);
                    let imported: BTreeMap<String, String> = store
                        .list_incidents(false)
                        .unwrap()
                        .into_iter()
                        .filter(|i| i.uid.starts_with("uid-"))
                        .map(|i| (i.uid, i.id))
                        .collect();
                    for uid in &acked_imports {
                        assert!(imported.contains_key(uid), "{context}: import {uid} lost");
                    }
                    for (uid, id) in &imported {
                        // One transaction: the whole incident or none of it.
                        let entries = timeline_ids(&store, id).len();
                        assert!(
                            entries >= bundle_entries,
                            "{context}: import {uid} is partial: {entries} timeline entries"
                        );
                    }
                }
                Phase::Backup => {
                    let acked: HashSet<_> = killed.acked.into_iter().collect();
                    let leftovers = temporaries(&paths.backups());
                    assert!(
                        leftovers.len() <= 1,
                        "{context}: temporaries pile up: {leftovers:?}"
                    );
                    let incidents = store.list_incidents(false).unwrap().len();
                    let prefix = format!("b-{run}-");
                    let mut found = HashSet::new();
                    for entry in std::fs::read_dir(paths.backups()).unwrap() {
                        let path = entry.unwrap().path();
                        let name = path.file_name().unwrap().to_string_lossy().into_owned();
                        if !name.starts_with(&prefix) {
                            continue;
                        }
                        // Under its name a backup is whole, acknowledged or not.
                        let conn = raw(&path);
                        assert_eq!(integrity(&conn), "ok", "{context}: {name}");
                        assert_eq!(user_version(&conn), LATEST_VERSION, "{context}: {name}");
                        let count: i64 = conn
                            .query_row("SELECT count(*) FROM incidents", [], |r| r.get(0))
                            .unwrap();
                        assert_eq!(count as usize, incidents, "{context}: {name}");
                        found.insert(name);
                    }
                    for name in &acked {
                        assert!(found.contains(name), "{context}: backup {name} lost");
                    }
                }
                Phase::Settings => {
                    let file = SettingsFile::new(paths.settings());
                    let loaded = file.load();
                    assert!(
                        loaded.load_error.is_none(),
                        "{context}: {:?}",
                        loaded.load_error
                    );
                    let value = loaded.settings.refresh_interval_secs;
                    if let Some(last) = killed.acked.last() {
                        last_setting = last.parse().unwrap();
                    }
                    assert!(
                        value == last_setting || value == last_setting + 1,
                        "{context}: settings hold {value}, last acknowledged {last_setting}"
                    );
                    last_setting = value;
                    // Loading removed whatever temporary the kill left.
                    let leftovers = temporaries(paths.settings().parent().unwrap());
                    assert!(
                        leftovers.is_empty(),
                        "{context}: left behind: {leftovers:?}"
                    );
                }
                Phase::Report => {
                    let leftovers = temporaries(&paths.reports());
                    assert!(
                        leftovers.len() <= REPORT_FORMATS.len(),
                        "{context}: temporaries pile up: {leftovers:?}"
                    );
                    // Not yet acknowledged: the next revision this run was writing.
                    let next = run * 1_000 + killed.acked.len() as u64;
                    let stem = store
                        .get_incident(&report_incident)
                        .unwrap()
                        .report_file_stem();
                    for (format, seen) in REPORT_FORMATS.into_iter().zip(&mut report_seen) {
                        // After an ack the file holds that revision or a newer one; without
                        // one, what it held before or the revision the run was writing.
                        let older = match killed.acked.last() {
                            Some(last) => Some(last.parse::<u64>().unwrap()),
                            None => *seen,
                        };
                        let revisions: Vec<u64> = older.into_iter().chain([next]).collect();
                        let path = paths
                            .reports()
                            .join(format!("{stem}.{}", format.extension()));
                        let Ok(bytes) = std::fs::read(&path) else {
                            assert!(older.is_none(), "{context}: report {path:?} lost");
                            continue;
                        };
                        let revision = revisions
                            .iter()
                            .find(|rev| {
                                let input = report_input(&store, &report_incident, **rev);
                                bytes == render(&input, format, ReportLanguage::En).unwrap()
                            })
                            .unwrap_or_else(|| {
                                panic!(
                                    "{context}: {path:?} ({} bytes) is not one complete \
                                     revision of {revisions:?}",
                                    bytes.len()
                                )
                            });
                        *seen = Some(*revision);
                    }
                }
            }
        }
        eprintln!(
            "{}: {KILLS_PER_PHASE} kills in {:?}",
            phase.name(),
            phase_started.elapsed()
        );
    }

    // The next write of each kind removes what kills left; nothing may stay behind.
    let store = open_store(&paths.store());
    store
        .backup_to(&paths.backups().join("final.sqlite"))
        .unwrap();
    for format in REPORT_FORMATS {
        write_report(
            &report_input(&store, &report_incident, u64::MAX),
            format,
            ReportLanguage::En,
            &paths.reports(),
        )
        .unwrap();
    }
    for dir in [
        paths.backups(),
        paths.reports(),
        paths.settings().parent().unwrap().to_path_buf(),
        paths.dir.clone(),
    ] {
        let leftovers = temporaries(&dir);
        assert!(
            leftovers.is_empty(),
            "{dir:?}: left behind: {leftovers:?} (seed {seed})"
        );
    }
    assert!(kills >= 100, "only {kills} kills");
    eprintln!(
        "{kills} kills across {} phases, {acked_total} acknowledged writes, all kept, in {:?}",
        PHASES.len(),
        started.elapsed()
    );
}
