//! Where the API keeps its datasets: in PostgreSQL for the demo ([`Database`]), or in memory
//! ([`DatasetStore`]) when no database is given, which the HTTP-level tests use. Both update the
//! business metrics the same way; only the database can be unavailable.

use crate::database::Database;
use crate::datasets::{Dataset, DatasetError, DatasetStore};

pub enum Store {
    Memory(DatasetStore),
    /// Boxed: the pool and connection settings are large next to the in-memory store.
    Postgres(Box<Database>),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Invalid(#[from] DatasetError),
    /// The database did not answer (down, restarting, out of connections, too slow); the
    /// request gets a 503 and the next one tries again.
    #[error("the dataset database is unavailable: {0}")]
    Unavailable(String),
}

impl Store {
    pub async fn list(&self) -> Result<Vec<Dataset>, StoreError> {
        match self {
            Store::Memory(store) => Ok(store.list()),
            Store::Postgres(database) => database.list().await,
        }
    }

    pub async fn get(&self, id: &str) -> Result<Option<Dataset>, StoreError> {
        match self {
            Store::Memory(store) => Ok(store.get(id)),
            Store::Postgres(database) => database.get(id).await,
        }
    }

    pub async fn create(&self, name: &str, size_bytes: u64) -> Result<Dataset, StoreError> {
        match self {
            Store::Memory(store) => Ok(store.create(name, size_bytes)?),
            Store::Postgres(database) => database.create(name, size_bytes).await,
        }
    }

    pub async fn delete(&self, id: &str) -> Result<Option<Dataset>, StoreError> {
        match self {
            Store::Memory(store) => Ok(store.delete(id)),
            Store::Postgres(database) => database.delete(id).await,
        }
    }

    /// One second of a growth spurt (see [`DatasetStore::grow_active`]).
    pub async fn grow_active(&self) -> Result<(), StoreError> {
        match self {
            Store::Memory(store) => {
                store.grow_active();
                Ok(())
            }
            Store::Postgres(database) => database.grow_active().await,
        }
    }

    pub fn database(&self) -> Option<&Database> {
        match self {
            Store::Memory(_) => None,
            Store::Postgres(database) => Some(database),
        }
    }
}
