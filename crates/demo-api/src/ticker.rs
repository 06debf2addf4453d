//! Once-a-second work that belongs to no request: the effects of a growth spurt, and a log line
//! when a fault runs out, so the logs show when an incident's cause went away.

use std::collections::BTreeSet;
use std::time::Duration;

use tokio::sync::watch;

use crate::datasets::DatasetError;
use crate::faults::FaultKind;
use crate::http::AppState;
use crate::logs::Level;

pub const TICK: Duration = Duration::from_secs(1);
/// Size a dataset imported during a growth spurt starts at.
const IMPORT_SIZE_BYTES: u64 = 64 * 1024 * 1024;
/// The `user_id` of log lines written by the background work.
const INGEST_USER: &str = "ingest-bot";
const SYSTEM_USER: &str = "system";

#[derive(Debug, Default)]
pub struct Ticker {
    previously_active: BTreeSet<FaultKind>,
    imports: u64,
}

impl Ticker {
    pub async fn run(mut self, app: AppState, mut shutdown: watch::Receiver<bool>) {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = interval.tick() => self.tick(&app),
                _ = shutdown.changed() => return,
            }
        }
    }

    pub fn tick(&mut self, app: &AppState) {
        let active: BTreeSet<FaultKind> = app.faults.active().into_iter().map(|f| f.kind).collect();
        for ended in self.previously_active.difference(&active) {
            app.log_event(
                Level::Info,
                SYSTEM_USER,
                "fault_ended",
                format!("障害注入が終了しました: {ended}"),
            );
        }
        if active.contains(&FaultKind::GrowthSpurt) {
            self.grow(app);
        }
        self.previously_active = active;
    }

    fn grow(&mut self, app: &AppState) {
        app.store.grow_active();
        self.imports += 1;
        let name = if self.imports.is_multiple_of(2) {
            format!("bulk-import-{:04}", self.imports)
        } else {
            format!("自動取り込み-{:04}", self.imports)
        };
        match app.store.create(&name, IMPORT_SIZE_BYTES) {
            Ok(dataset) => app.log_event(
                Level::Info,
                INGEST_USER,
                "import_dataset",
                format!("Imported dataset {} ({})", dataset.id, dataset.name),
            ),
            // Reported once, when the store fills up, rather than every second after that.
            Err(DatasetError::StoreFull) if self.imports % 60 == 1 => app.log_event(
                Level::Warn,
                INGEST_USER,
                "import_dataset",
                "ストレージ上限に達したため取り込みを停止しました (dataset store is full)"
                    .to_owned(),
            ),
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::ManualClock;
    use crate::logs::{LogLine, LogWriter};

    #[test]
    fn growth_spurt_grows_and_imports_until_it_expires() {
        let dir = tempfile::tempdir().unwrap();
        let writer = LogWriter::start(dir.path()).unwrap();
        let clock = ManualClock::new();
        let app = AppState::new(Arc::new(clock.clone()), 3, writer.sink());
        let mut ticker = Ticker::default();
        let size_before = app.store.get("ds-001").unwrap().size_bytes;

        app.faults
            .activate(FaultKind::GrowthSpurt, Duration::from_secs(2));
        ticker.tick(&app);
        clock.advance(TICK);
        ticker.tick(&app);
        assert_eq!(app.store.len(), 10);
        let grown = app.store.get("ds-001").unwrap().size_bytes;
        assert_eq!(
            grown,
            size_before + size_before / 20 + (size_before * 21 / 20) / 20
        );

        clock.advance(TICK);
        ticker.tick(&app);
        ticker.tick(&app);
        assert_eq!(app.store.len(), 10, "no imports after expiry");
        assert_eq!(app.store.get("ds-001").unwrap().size_bytes, grown);

        writer.close();
        // Sorted by name, which is by date, in case the test ran across midnight.
        let mut files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        let logs: String = files
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect();
        let lines: Vec<LogLine> = logs
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let actions: Vec<_> = lines.iter().map(|l| l.context.action.as_str()).collect();
        assert_eq!(actions, ["import_dataset", "import_dataset", "fault_ended"]);
        assert!(lines[2].message.contains("growth_spurt"));
    }
}
