//! Once-a-second work that belongs to no request: the effects of a growth spurt, the database
//! heartbeat and database faults, and a log line when a fault runs out, so the logs show when an
//! incident's cause went away.

use std::collections::BTreeSet;
use std::time::Duration;

use tokio::sync::watch;

use crate::datasets::DatasetError;
use crate::db_faults::DatabaseFaultEffects;
use crate::faults::FaultKind;
use crate::http::AppState;
use crate::logs::Level;
use crate::store::StoreError;

pub const TICK: Duration = Duration::from_secs(1);
/// Size a dataset imported during a growth spurt starts at.
const IMPORT_SIZE_BYTES: u64 = 64 * 1024 * 1024;
/// The `user_id` of log lines written by the background work.
const INGEST_USER: &str = "ingest-bot";
const SYSTEM_USER: &str = "system";

#[derive(Default)]
pub struct Ticker {
    previously_active: BTreeSet<FaultKind>,
    imports: u64,
    database_faults: DatabaseFaultEffects,
}

impl Ticker {
    pub async fn run(mut self, app: AppState, mut shutdown: watch::Receiver<bool>) {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = interval.tick() => self.tick(&app).await,
                _ = shutdown.changed() => break,
            }
        }
        if let Some(database) = app.store.database() {
            self.database_faults.release(database).await;
        }
    }

    pub async fn tick(&mut self, app: &AppState) {
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
            self.grow(app).await;
        }
        if let Some(database) = app.store.database() {
            // A failed heartbeat is the database being away, which the requests already show.
            let _ = database.heartbeat().await;
            let storm = active.contains(&FaultKind::ConnectionStorm);
            let lag = active.contains(&FaultKind::ReplicaLag);
            let changes = self.database_faults.reconcile(database, storm, lag).await;
            self.log_database_changes(app, &changes);
        }
        self.previously_active = active;
    }

    fn log_database_changes(&self, app: &AppState, changes: &crate::db_faults::Changes) {
        if changes.storm_opened > 0 {
            app.log_event(
                Level::Warn,
                SYSTEM_USER,
                "connection_storm",
                format!(
                    "接続ストーム: {} idle connections opened, {} held",
                    changes.storm_opened,
                    self.database_faults.storm_size()
                ),
            );
        }
        if changes.storm_closed > 0 {
            app.log_event(
                Level::Info,
                SYSTEM_USER,
                "connection_storm",
                format!(
                    "接続ストーム終了: closed {} idle connections",
                    changes.storm_closed
                ),
            );
        }
        if changes.replay_paused {
            app.log_event(
                Level::Warn,
                SYSTEM_USER,
                "replica_lag",
                "レプリカのWAL再生を一時停止しました (pg_wal_replay_pause)".to_owned(),
            );
        }
        if changes.replay_resumed {
            app.log_event(
                Level::Info,
                SYSTEM_USER,
                "replica_lag",
                "レプリカのWAL再生を再開しました (pg_wal_replay_resume)".to_owned(),
            );
        }
    }

    async fn grow(&mut self, app: &AppState) {
        // The database may be away; the next tick grows again.
        let _ = app.store.grow_active().await;
        self.imports += 1;
        let name = if self.imports.is_multiple_of(2) {
            format!("bulk-import-{:04}", self.imports)
        } else {
            format!("自動取り込み-{:04}", self.imports)
        };
        match app.store.create(&name, IMPORT_SIZE_BYTES).await {
            Ok(dataset) => app.log_event(
                Level::Info,
                INGEST_USER,
                "import_dataset",
                format!("Imported dataset {} ({})", dataset.id, dataset.name),
            ),
            // Reported once, when the store fills up, rather than every second after that.
            Err(StoreError::Invalid(DatasetError::StoreFull)) if self.imports % 60 == 1 => app
                .log_event(
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

    #[tokio::test]
    async fn growth_spurt_grows_and_imports_until_it_expires() {
        let dir = tempfile::tempdir().unwrap();
        let writer = LogWriter::start(dir.path()).unwrap();
        let clock = ManualClock::new();
        let app = AppState::new(Arc::new(clock.clone()), 3, writer.sink());
        let mut ticker = Ticker::default();
        let size_of = async |id: &str| app.store.get(id).await.unwrap().unwrap().size_bytes;
        let count = async || app.store.list().await.unwrap().len();
        let size_before = size_of("ds-001").await;

        app.faults
            .activate(FaultKind::GrowthSpurt, Duration::from_secs(2));
        ticker.tick(&app).await;
        clock.advance(TICK);
        ticker.tick(&app).await;
        assert_eq!(count().await, 10);
        let grown = size_of("ds-001").await;
        assert_eq!(
            grown,
            size_before + size_before / 20 + (size_before * 21 / 20) / 20
        );

        clock.advance(TICK);
        ticker.tick(&app).await;
        ticker.tick(&app).await;
        assert_eq!(count().await, 10, "no imports after expiry");
        assert_eq!(size_of("ds-001").await, grown);

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
