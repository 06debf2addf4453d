//! Shared by the integration tests: a source over a temporary folder, a fake clock, queries.

use hinomi_core::clock::FakeClock;
use hinomi_logs::{LogFilter, LogHit, LogQuery, LogWindow};
use hinomi_logs_local::seedgen::{SeedGenerator, SeedLine};
use hinomi_logs_local::{IngestOptions, LocalLogs, LocalSourceConfig};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// 2024-05-01T10:00:00Z
pub const START_MS: i64 = 1_714_557_600_000;

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub clock: FakeClock,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("logs")).unwrap();
        let clock =
            FakeClock::at(chrono::DateTime::from_timestamp_millis(START_MS + 86_400_000).unwrap());
        Self { dir, clock }
    }

    pub fn logs(&self) -> PathBuf {
        self.dir.path().join("logs")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Wall times read as UTC, as OpenSearch reads the seed's format in the differential test
    /// and as the expected times here are written, whatever zone the machine is in.
    pub fn config(&self) -> LocalSourceConfig {
        utc(LocalSourceConfig::new(vec![
            self.logs().display().to_string(),
        ]))
    }

    pub fn options() -> IngestOptions {
        IngestOptions {
            settle: Duration::from_secs(5),
            writer_memory_bytes: 32 * 1024 * 1024,
            writer_threads: 1,
            ..IngestOptions::default()
        }
    }

    pub fn open(&self) -> LocalLogs {
        LocalLogs::open(
            &self.index_dir(),
            self.config(),
            Self::options(),
            Arc::new(self.clock.clone()),
        )
        .unwrap()
    }
}

pub fn write_lines(path: &Path, lines: &[SeedLine]) {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    let mut text = String::new();
    for line in lines {
        text.push_str(&line.to_json());
        text.push('\n');
    }
    file.write_all(text.as_bytes()).unwrap();
}

pub fn generate(seed: u64, n: usize) -> Vec<SeedLine> {
    SeedGenerator::new(seed, START_MS, 2_000).lines(n)
}

/// The whole generated day.
pub fn day() -> LogWindow {
    LogWindow {
        from_ms: START_MS as f64,
        to_ms: (START_MS + 86_400_000) as f64,
    }
}

pub fn query(text: &str) -> LogQuery {
    LogQuery {
        query: text.into(),
        filters: vec![],
        window: day(),
    }
}

pub fn with_filters(text: &str, filters: Vec<LogFilter>) -> LogQuery {
    LogQuery {
        query: text.into(),
        filters,
        window: day(),
    }
}

pub fn count(source: &LocalLogs, q: &LogQuery) -> usize {
    source.search(q, None, 0).unwrap().total.value as usize
}

/// Every matching hit, through the export pages.
pub fn all_hits(source: &LocalLogs, q: &LogQuery) -> Vec<LogHit> {
    source
        .export_pages(q)
        .unwrap()
        .flat_map(|page| page.unwrap())
        .collect()
}

pub trait ClockMs {
    fn now_ms(&self) -> i64;
}

impl ClockMs for FakeClock {
    fn now_ms(&self) -> i64 {
        use hinomi_core::clock::Clock;
        self.now().timestamp_millis()
    }
}

pub fn utc(mut config: LocalSourceConfig) -> LocalSourceConfig {
    config.time_zone = "UTC".into();
    config
}
