//! The source's zone for wall times written without one: the same file read in Tokyo, in UTC,
//! and after the setting changes (the index is rebuilt, never mixed).

use crate::support::*;
use hinomi_logs_local::{LocalLogs, LocalSourceConfig};
use std::sync::Arc;

/// A plain line's message is the whole line.
const PLAIN: &str = "2024-05-01 19:00:01 WARN c plain line";
const NINE_HOURS_MS: f64 = 9.0 * 3_600_000.0;

fn open_in(fixture: &Fixture, zone: &str) -> Result<LocalLogs, hinomi_logs_local::LocalLogsError> {
    let mut config = LocalSourceConfig::new(vec![fixture.logs().display().to_string()]);
    config.time_zone = zone.into();
    LocalLogs::open(
        &fixture.index_dir(),
        config,
        Fixture::options(),
        Arc::new(fixture.clock.clone()),
    )
}

/// Hit times by line text, in file order.
fn times(source: &LocalLogs) -> Vec<(String, f64)> {
    let window = hinomi_logs::LogWindow {
        from_ms: (START_MS - 86_400_000) as f64,
        to_ms: (START_MS + 86_400_000) as f64,
    };
    let q = hinomi_logs::LogQuery {
        query: String::new(),
        filters: vec![],
        window,
    };
    let mut hits: Vec<(String, f64)> = all_hits(source, &q)
        .into_iter()
        .map(|hit| (hit.fields["message"].clone(), hit.time_ms.unwrap()))
        .collect();
    hits.sort_by(|a, b| a.0.cmp(&b.0));
    hits
}

#[test]
fn wall_times_follow_the_zone_setting_and_a_change_rebuilds_the_index() {
    let fixture = Fixture::new();
    std::fs::write(
        fixture.logs().join("api.log"),
        [
            // The seed's format: local wall time, no zone.
            r#"{"timestamp":"2024-05-01 19:00:00","level":"INFO","message":"a wall time"}"#,
            "\n",
            // A zone written in the line wins over the setting.
            r#"{"timestamp":"2024-05-01T10:00:00Z","level":"INFO","message":"b utc"}"#,
            "\n",
            PLAIN,
            "\n",
        ]
        .concat(),
    )
    .unwrap();

    let tokyo = open_in(&fixture, "Asia/Tokyo").unwrap();
    assert_eq!(tokyo.refresh().unwrap().lines, 3);
    let start = START_MS as f64;
    assert_eq!(
        times(&tokyo),
        [
            (PLAIN.to_string(), start + 1000.0),
            ("a wall time".to_string(), start),
            ("b utc".to_string(), start),
        ]
    );
    drop(tokyo);

    let utc = open_in(&fixture, "UTC").unwrap();
    utc.refresh().unwrap();
    assert_eq!(
        times(&utc),
        [
            (PLAIN.to_string(), start + NINE_HOURS_MS + 1000.0),
            ("a wall time".to_string(), start + NINE_HOURS_MS),
            ("b utc".to_string(), start),
        ],
        "the index was rebuilt for the new zone, each line once"
    );
}

#[test]
fn a_setting_that_names_no_zone_is_refused_before_anything_is_written() {
    let fixture = Fixture::new();
    let err = open_in(&fixture, "Mars/Olympus").err().expect("refused");
    assert!(err.to_string().contains("Mars/Olympus"), "{err}");
    assert!(!fixture.index_dir().exists(), "no index folder made");
}
