//! The database faults that are states rather than per-query delays: a connection storm (idle
//! connections held open on the primary) and replica lag (WAL replay paused on the replica).
//! The ticker brings the database in line with the fault board once a second, so a fault that
//! runs out or is cleared is undone within a second, and one that is still on is re-applied
//! after the replica or the primary restarts.

use tokio::task::JoinSet;
use tokio_postgres::{Client, NoTls};

use crate::database::Database;

/// Idle connections a storm holds on the primary. The demo primary allows 50
/// (`max_connections`), so with the API's own pool and the exporter this takes it past the 80%
/// that the connection alert watches, while the API still gets its few connections.
pub const STORM_CONNECTIONS: usize = 40;

#[derive(Default)]
pub struct DatabaseFaultEffects {
    storm: Vec<Client>,
    replica: Option<Client>,
    /// Whether we paused replay and have not resumed it yet.
    replay_paused: bool,
}

/// What changed in one reconciliation, for the log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub storm_opened: usize,
    pub storm_closed: usize,
    pub replay_paused: bool,
    pub replay_resumed: bool,
}

impl DatabaseFaultEffects {
    /// Connections the storm holds right now.
    pub fn storm_size(&self) -> usize {
        self.storm.len()
    }

    pub async fn reconcile(
        &mut self,
        database: &Database,
        storm_wanted: bool,
        lag_wanted: bool,
    ) -> Changes {
        let mut changes = Changes::default();
        self.storm.retain(|client| !client.is_closed());
        if storm_wanted {
            changes.storm_opened = self.open_storm(database).await;
        } else if !self.storm.is_empty() {
            changes.storm_closed = self.storm.len();
            // Dropping a client ends its connection task, which closes the socket.
            self.storm.clear();
        }
        if lag_wanted {
            // Repeated every second: idempotent, and pauses a replica that restarted.
            if self
                .replica_query(database, "SELECT pg_wal_replay_pause()")
                .await
            {
                changes.replay_paused = !self.replay_paused;
                self.replay_paused = true;
            }
        } else if self.replay_paused
            && self
                .replica_query(database, "SELECT pg_wal_replay_resume()")
                .await
        {
            self.replay_paused = false;
            changes.replay_resumed = true;
        }
        changes
    }

    /// Undoes everything (on shutdown), so the replica does not stay paused after the API.
    pub async fn release(&mut self, database: &Database) {
        self.reconcile(database, false, false).await;
    }

    async fn open_storm(&mut self, database: &Database) -> usize {
        let missing = STORM_CONNECTIONS.saturating_sub(self.storm.len());
        let mut opening = JoinSet::new();
        for _ in 0..missing {
            let config = database.primary_config().clone();
            opening.spawn(async move { connect(&config).await });
        }
        let mut opened = 0;
        while let Some(result) = opening.join_next().await {
            if let Ok(Some(client)) = result {
                self.storm.push(client);
                opened += 1;
            }
        }
        opened
    }

    /// Runs `sql` on the replica, connecting first if needed; false if that did not work.
    async fn replica_query(&mut self, database: &Database, sql: &str) -> bool {
        let Some(config) = database.replica_config() else {
            return false;
        };
        if self.replica.as_ref().is_none_or(Client::is_closed) {
            self.replica = connect(config).await;
        }
        let Some(client) = self.replica.as_ref() else {
            return false;
        };
        match client.simple_query(sql).await {
            Ok(_) => true,
            Err(_) => {
                self.replica = None;
                false
            }
        }
    }
}

async fn connect(config: &tokio_postgres::Config) -> Option<Client> {
    let (client, connection) = config.connect(NoTls).await.ok()?;
    tokio::spawn(async move {
        // Ends when the client is dropped or the server goes away; either is expected.
        let _ = connection.await;
    });
    Some(client)
}
