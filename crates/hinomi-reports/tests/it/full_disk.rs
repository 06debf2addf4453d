//! A full disk: every kind of write fails with a plain "The disk is full", loses nothing saved
//! before, leaves no temporary file and works again once space is freed.
//!
//! The disk is a real 2 MiB tmpfs, so the errors are the kernel's own ENOSPC, not a simulation.
//! Mounting needs a private mount namespace: `unshare --mount` as root, or
//! `unshare --user --map-root-user --mount` as an ordinary user where user namespaces are
//! allowed. The test binary re-runs itself as the child inside it (`full_disk_child`). Where
//! neither works the test says so on stderr and skips; it never passes without running.
//! (RLIMIT_FSIZE would give EFBIG, not ENOSPC, and a loop file system needs root outright.)

use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use hinomi_core::atomic_file::TEMP_SUFFIX;
use hinomi_core::clock::FakeClock;
use hinomi_incidents::*;
use hinomi_reports::{ReportFormat, ReportInput, ReportLanguage, write_report};
use hinomi_settings::{Settings, SettingsFile};
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

const CHILD_DIR: &str = "HINOMI_FULL_DISK_CHILD_DIR";
const TMPFS_SIZE: &str = "2m";

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .to_utc()
}

fn assert_disk_full(err: &HinomiError, what: &str) {
    assert!(
        err.message.starts_with("The disk is full"),
        "{what}: expected a plain disk-full error, got {err:?}"
    );
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(TEMP_SUFFIX) || n.ends_with(".partial"))
        .collect()
}

fn report_input(store: &IncidentStore, incident: &str) -> ReportInput {
    ReportInput {
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
    }
}

/// Runs inside the namespace, on the tmpfs at `$HINOMI_FULL_DISK_CHILD_DIR`.
#[test]
fn full_disk_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return; // Not the child: nothing to do.
    };
    let dir = Path::new(&dir);
    let reports = dir.join("reports");
    let backups = dir.join("backups");
    std::fs::create_dir_all(&backups).unwrap();

    // Before the disk fills: a store, settings and a report.
    let store = IncidentStore::open(
        &dir.join("incidents.sqlite"),
        Arc::new(FakeClock::at(start())),
    )
    .unwrap();
    let incident = store
        .create_incident(NewIncident {
            title: "Disk full".into(),
            description: String::new(),
            severity: Severity::P2,
            commander: None,
            assignees: vec![],
            labels: Default::default(),
            actor: None,
        })
        .unwrap()
        .id;
    let mut saved_notes = vec![];
    for n in 0..5 {
        saved_notes.push(
            store
                .add_note(&incident, &format!("before {n}"), None, None)
                .unwrap()
                .id,
        );
    }
    let settings_file = SettingsFile::new(dir.join("config").join("settings.toml"));
    settings_file
        .save(&Settings {
            refresh_interval_secs: 7,
            ..Settings::default()
        })
        .unwrap();
    let report = write_report(
        &report_input(&store, &incident),
        ReportFormat::Markdown,
        ReportLanguage::En,
        &reports,
    )
    .unwrap();
    let report_before = std::fs::read(&report.path).unwrap();

    // Fill the disk to the last block.
    let filler_path = dir.join("filler");
    let mut filler = std::fs::File::create(&filler_path).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    let full = loop {
        if let Err(err) = filler.write_all(&chunk) {
            break err;
        }
    };
    assert_eq!(full.kind(), std::io::ErrorKind::StorageFull, "{full}");
    drop(filler);

    // Incident writes fail, plainly, after at most a few that still fit in a last page.
    let note = "x".repeat(4 * 1024);
    let store_error = (0..200)
        .find_map(|_| match store.add_note(&incident, &note, None, None) {
            Ok(entry) => {
                saved_notes.push(entry.id);
                None
            }
            Err(err) => Some(HinomiError::from(err)),
        })
        .expect("incident writes kept succeeding on a full disk");
    assert_disk_full(&store_error, "incident write");

    let settings_error = HinomiError::from(
        settings_file
            .save(&Settings {
                refresh_interval_secs: 8,
                ..Settings::default()
            })
            .unwrap_err(),
    );
    assert_disk_full(&settings_error, "settings save");
    let loaded = settings_file.load();
    assert!(loaded.load_error.is_none(), "{:?}", loaded.load_error);
    assert_eq!(
        loaded.settings.refresh_interval_secs, 7,
        "the saved settings changed"
    );

    let report_error = HinomiError::from(
        write_report(
            &report_input(&store, &incident),
            ReportFormat::Html,
            ReportLanguage::En,
            &reports,
        )
        .unwrap_err(),
    );
    assert_disk_full(&report_error, "report export");
    assert_eq!(std::fs::read(&report.path).unwrap(), report_before);

    let backup = backups.join("backup.sqlite");
    let backup_error = HinomiError::from(store.backup_to(&backup).unwrap_err());
    assert_disk_full(&backup_error, "backup");
    assert!(!backup.exists(), "half a backup under its name");

    assert_eq!(store.integrity_check().unwrap(), "ok");
    for dir in [dir, &reports, &backups, &dir.join("config")] {
        assert_eq!(leftovers(dir), Vec::<String>::new(), "{dir:?}");
    }
    eprintln!(
        "disk full: incident write, settings save, report export and backup all refused with \
         \"{}\"",
        store_error.message
    );

    // Space freed: everything works again and nothing saved was lost.
    std::fs::remove_file(&filler_path).unwrap();
    saved_notes.push(store.add_note(&incident, "after", None, None).unwrap().id);
    settings_file
        .save(&Settings {
            refresh_interval_secs: 8,
            ..Settings::default()
        })
        .unwrap();
    assert_eq!(settings_file.load().settings.refresh_interval_secs, 8);
    write_report(
        &report_input(&store, &incident),
        ReportFormat::Html,
        ReportLanguage::En,
        &reports,
    )
    .unwrap();
    store.backup_to(&backup).unwrap();
    drop(store);
    let store = IncidentStore::open(
        &dir.join("incidents.sqlite"),
        Arc::new(FakeClock::at(start())),
    )
    .unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let stored: Vec<String> = report_input(&store, &incident)
        .timeline
        .into_iter()
        .map(|e| e.id)
        .collect();
    for id in &saved_notes {
        assert!(stored.contains(id), "saved note {id} lost");
    }
    for dir in [dir, &reports, &backups, &dir.join("config")] {
        assert_eq!(leftovers(dir), Vec::<String>::new(), "{dir:?}");
    }
    println!("FULL DISK CHILD OK");
}

/// `unshare` arguments that give a mount namespace where tmpfs can be mounted, if any.
fn namespace_args(probe_dir: &Path) -> Result<Vec<&'static str>, String> {
    let mut reasons = vec![];
    for args in [
        vec!["--mount"],
        vec!["--user", "--map-root-user", "--mount"],
    ] {
        let probe = Command::new("unshare")
            .args(&args)
            .args(["sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$0\""])
            .arg(probe_dir)
            .output();
        match probe {
            Ok(out) if out.status.success() => return Ok(args),
            Ok(out) => reasons.push(format!(
                "unshare {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(err) => reasons.push(format!("unshare: {err}")),
        }
    }
    Err(reasons.join("; "))
}

#[test]
fn a_full_disk_refuses_writes_plainly_and_loses_nothing() {
    let mount_point = tempfile::tempdir().unwrap();
    let args = match namespace_args(mount_point.path()) {
        Ok(args) => args,
        Err(reason) => {
            eprintln!("SKIPPED: cannot mount a private tmpfs here ({reason})");
            return;
        }
    };
    let output = Command::new("unshare")
        .args(&args)
        .args([
            "sh",
            "-c",
            &format!(
                "mount -t tmpfs -o size={TMPFS_SIZE} tmpfs \"$0\" && exec \"$1\" \
                 full_disk::full_disk_child --exact --nocapture --test-threads=1"
            ),
        ])
        .arg(mount_point.path())
        .arg(std::env::current_exe().unwrap())
        .env(CHILD_DIR, mount_point.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("FULL DISK CHILD OK"),
        "the full-disk child failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    eprintln!(
        "{}",
        stderr
            .lines()
            .filter(|l| l.starts_with("disk full"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
