//! The datasets in PostgreSQL: a pool of connections to the primary, the schema and seed rows
//! made on first contact, and the queries behind each request.
//!
//! The database may be down when the API starts or go away later; every call then fails with
//! [`StoreError::Unavailable`] within [`QUERY_TIMEOUT`] (the API answers 503) and works again as
//! soon as the server is back, because the pool drops closed connections and opens new ones.

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::{NoTls, Row};

use crate::datasets::{
    self, Dataset, DatasetError, DatasetStatus, DatasetStore, MAX_DATASETS, MAX_SIZE_BYTES,
    id_number, validate_name,
};
use crate::faults::FaultBoard;
use crate::metrics::DatasetMetrics;
use crate::store::StoreError;

/// Longest a request waits for the database (a pooled connection, a new one, or a query),
/// so a hung server turns into 503s rather than requests that never end.
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long opening one connection may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Connections the API itself keeps; a handful serves the built-in 5 req/s with room to spare.
pub const POOL_SIZE: usize = 8;

/// Where the databases are: `postgresql://user@host:port/dbname` URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseOptions {
    pub primary_url: String,
    /// The streaming replica, which the replica-lag fault pauses; optional.
    pub replica_url: Option<String>,
}

pub struct Database {
    pool: Pool,
    primary: tokio_postgres::Config,
    replica: Option<tokio_postgres::Config>,
    metrics: DatasetMetrics,
    faults: Arc<FaultBoard>,
    /// Whether the schema exists and the gauges hold the stored datasets; set once.
    prepared: tokio::sync::Mutex<bool>,
}

const COLUMNS: &str = "number, name, size_bytes, status, created_at";

const SCHEMA: &str = "
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
    CREATE TABLE IF NOT EXISTS datasets (
        number bigserial PRIMARY KEY,
        name text NOT NULL,
        size_bytes bigint NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS heartbeat (
        id int PRIMARY KEY,
        beat_at timestamptz NOT NULL
    );
";

impl Database {
    /// Sets up the pool; nothing is connected until the first call.
    pub fn new(
        options: &DatabaseOptions,
        metrics: DatasetMetrics,
        faults: Arc<FaultBoard>,
    ) -> Result<Self, String> {
        let primary = parse_url(&options.primary_url)?;
        let replica = options.replica_url.as_deref().map(parse_url).transpose()?;
        let manager = Manager::from_config(
            primary.clone(),
            NoTls,
            ManagerConfig {
                // Drops connections the server closed (a restart) before handing them out.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(QUERY_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|error| error.to_string())?;
        Ok(Self {
            pool,
            primary,
            replica,
            metrics,
            faults,
            prepared: tokio::sync::Mutex::new(false),
        })
    }

    pub async fn list(&self) -> Result<Vec<Dataset>, StoreError> {
        let sleep = self.faults.query_sleep_seconds();
        self.run(async |client| {
            let sql = format!(
                "SELECT {COLUMNS} FROM datasets, pg_sleep($1::float8) ORDER BY number LIMIT {MAX_DATASETS}"
            );
            let rows = client.query(&sql, &[&sleep]).await?;
            Ok(rows.iter().map(dataset_of).collect())
        })
        .await
    }

    pub async fn get(&self, id: &str) -> Result<Option<Dataset>, StoreError> {
        let Some(number) = id_number(id).and_then(|n| i64::try_from(n).ok()) else {
            return Ok(None);
        };
        let sleep = self.faults.query_sleep_seconds();
        self.run(async |client| {
            let sql =
                format!("SELECT {COLUMNS} FROM datasets, pg_sleep($2::float8) WHERE number = $1");
            let row = client.query_opt(&sql, &[&number, &sleep]).await?;
            Ok(row.as_ref().map(dataset_of))
        })
        .await
    }

    pub async fn create(&self, name: &str, size_bytes: u64) -> Result<Dataset, StoreError> {
        validate_name(name)?;
        let size = to_db_size(size_bytes);
        let sleep = self.faults.query_sleep_seconds();
        let limit = i64::try_from(MAX_DATASETS).unwrap_or(i64::MAX);
        let created = self
            .run(async |client| {
                // One statement, so two creations cannot both pass the cap.
                let sql = format!(
                    "INSERT INTO datasets (name, size_bytes, status)
                     SELECT $1, $2, 'active' FROM pg_sleep($4::float8)
                     WHERE (SELECT count(*) FROM datasets) < $3
                     RETURNING {COLUMNS}"
                );
                let row = client
                    .query_opt(&sql, &[&name, &size, &limit, &sleep])
                    .await?;
                Ok(row.as_ref().map(dataset_of))
            })
            .await?;
        let dataset = created.ok_or(StoreError::Invalid(DatasetError::StoreFull))?;
        datasets::record_size(&self.metrics, &dataset);
        datasets::record_status(&self.metrics, dataset.status);
        Ok(dataset)
    }

    pub async fn delete(&self, id: &str) -> Result<Option<Dataset>, StoreError> {
        let Some(number) = id_number(id).and_then(|n| i64::try_from(n).ok()) else {
            return Ok(None);
        };
        let sleep = self.faults.query_sleep_seconds();
        let removed = self
            .run(async |client| {
                let sql = format!(
                    "DELETE FROM datasets USING pg_sleep($2::float8) WHERE number = $1 RETURNING {}",
                    COLUMNS
                        .split(", ")
                        .map(|column| format!("datasets.{column}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let row = client.query_opt(&sql, &[&number, &sleep]).await?;
                Ok(row.as_ref().map(dataset_of))
            })
            .await?;
        Ok(removed.map(|mut dataset| {
            datasets::forget_size(&self.metrics, &dataset.id);
            dataset.status = DatasetStatus::Deleted;
            datasets::record_status(&self.metrics, DatasetStatus::Deleted);
            dataset
        }))
    }

    /// Every active dataset grows by 5%, at least 1 MiB, capped like the in-memory store.
    pub async fn grow_active(&self) -> Result<(), StoreError> {
        let cap = to_db_size(MAX_SIZE_BYTES);
        let grown = self
            .run(async |client| {
                let sql = format!(
                    "UPDATE datasets
                     SET size_bytes = LEAST(size_bytes + GREATEST(size_bytes / 20, 1048576), $1)
                     WHERE status = 'active' RETURNING {COLUMNS}"
                );
                let rows = client.query(&sql, &[&cap]).await?;
                Ok(rows.iter().map(dataset_of).collect::<Vec<_>>())
            })
            .await?;
        for dataset in &grown {
            datasets::record_size(&self.metrics, dataset);
        }
        Ok(())
    }

    /// Writes the heartbeat row: the primary writes every second, so the replica's replay
    /// timestamp stays fresh and its lag reads true (an idle primary would look like lag).
    pub async fn heartbeat(&self) -> Result<(), StoreError> {
        self.run(async |client| {
            client
                .execute(
                    "INSERT INTO heartbeat (id, beat_at) VALUES (1, now())
                     ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at",
                    &[],
                )
                .await?;
            Ok(())
        })
        .await
    }

    /// Whether a query gets through now.
    pub async fn is_reachable(&self) -> bool {
        self.run(async |client| {
            client.simple_query("SELECT 1").await?;
            Ok(())
        })
        .await
        .is_ok()
    }

    /// The primary's connection settings, for connections outside the pool (a storm).
    pub fn primary_config(&self) -> &tokio_postgres::Config {
        &self.primary
    }

    pub fn replica_config(&self) -> Option<&tokio_postgres::Config> {
        self.replica.as_ref()
    }

    /// Takes a pooled connection, makes the schema if that has not happened yet, and runs
    /// `query` on it, all within [`QUERY_TIMEOUT`].
    async fn run<T>(
        &self,
        query: impl AsyncFnOnce(&tokio_postgres::Client) -> Result<T, tokio_postgres::Error>,
    ) -> Result<T, StoreError> {
        let work = async {
            let client = self.pool.get().await.map_err(unavailable)?;
            self.prepare(&client).await?;
            query(&client).await.map_err(unavailable)
        };
        match tokio::time::timeout(QUERY_TIMEOUT, work).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::Unavailable(format!(
                "no answer within {}s",
                QUERY_TIMEOUT.as_secs()
            ))),
        }
    }

    async fn prepare(&self, client: &tokio_postgres::Client) -> Result<(), StoreError> {
        let mut prepared = self.prepared.lock().await;
        if *prepared {
            return Ok(());
        }
        client.batch_execute(SCHEMA).await.map_err(unavailable)?;
        let empty: bool = client
            .query_one("SELECT NOT EXISTS (SELECT 1 FROM datasets)", &[])
            .await
            .map_err(unavailable)?
            .get(0);
        if empty {
            for (name, size_bytes, status) in DatasetStore::seeds() {
                client
                    .execute(
                        "INSERT INTO datasets (name, size_bytes, status) VALUES ($1, $2, $3)",
                        &[&name, &to_db_size(size_bytes), &status.as_str()],
                    )
                    .await
                    .map_err(unavailable)?;
            }
        }
        // The gauges start from what is stored, as they would after the in-memory seeding.
        let sql = format!("SELECT {COLUMNS} FROM datasets ORDER BY number");
        for row in client.query(&sql, &[]).await.map_err(unavailable)? {
            let dataset = dataset_of(&row);
            datasets::record_size(&self.metrics, &dataset);
            datasets::record_status(&self.metrics, dataset.status);
        }
        *prepared = true;
        Ok(())
    }
}

fn parse_url(url: &str) -> Result<tokio_postgres::Config, String> {
    let mut config: tokio_postgres::Config = url
        .parse()
        .map_err(|error| format!("bad database URL {url:?}: {error}"))?;
    config.connect_timeout(CONNECT_TIMEOUT);
    config.application_name("hinomi-demo-api");
    Ok(config)
}

fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

fn to_db_size(size_bytes: u64) -> i64 {
    i64::try_from(size_bytes.min(MAX_SIZE_BYTES)).unwrap_or(i64::MAX)
}

fn dataset_of(row: &Row) -> Dataset {
    let number: i64 = row.get("number");
    let size: i64 = row.get("size_bytes");
    let status: String = row.get("status");
    Dataset {
        id: format!("ds-{number:03}"),
        name: row.get("name"),
        size_bytes: u64::try_from(size).unwrap_or(0),
        status: DatasetStatus::parse(&status).unwrap_or(DatasetStatus::Active),
        created_at: row.get("created_at"),
    }
}
