//! The in-memory dataset store the API serves. It owns the business metrics so that no change to
//! a dataset can forget to update `datasets_total` or `dataset_size_bytes`.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::metrics::{DatasetLabels, DatasetMetrics, StatusLabels};

/// Keeps a forgotten growth spurt or a runaway client from growing memory and series without end.
pub const MAX_DATASETS: usize = 500;
pub const MAX_NAME_CHARS: usize = 200;
/// Sizes stop growing here so the gauge stays a plausible number however long a spurt runs.
pub const MAX_SIZE_BYTES: u64 = 16 * 1024 * 1024 * 1024 * 1024;
/// The ids `ds-001`…`ds-008` are the seeded datasets; clients treat them as permanent.
pub const SEEDED_COUNT: u64 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetStatus {
    Active,
    Archived,
    Deleted,
}

impl DatasetStatus {
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Active, Self::Archived, Self::Deleted]
            .into_iter()
            .find(|status| status.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Archived => "archived",
            Self::Deleted => "deleted",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    pub id: String,
    pub name: String,
    pub size_bytes: u64,
    pub status: DatasetStatus,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatasetError {
    #[error("dataset name must not be blank")]
    BlankName,
    #[error("dataset name is longer than {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("the store already holds {MAX_DATASETS} datasets")]
    StoreFull,
}

pub struct DatasetStore {
    metrics: DatasetMetrics,
    inner: Mutex<Inner>,
}

struct Inner {
    next_number: u64,
    datasets: BTreeMap<String, Dataset>,
}

impl DatasetStore {
    pub fn new(metrics: DatasetMetrics) -> Self {
        Self {
            metrics,
            inner: Mutex::new(Inner {
                next_number: 1,
                datasets: BTreeMap::new(),
            }),
        }
    }

    /// The demo's eight starting datasets (name, size, status), also what the PostgreSQL store
    /// seeds an empty table with.
    pub fn seeds() -> [(&'static str, u64, DatasetStatus); SEEDED_COUNT as usize] {
        const MIB: u64 = 1024 * 1024;
        [
            ("customer-events-2024", 2_400 * MIB, DatasetStatus::Active),
            ("売上データ_2024Q1", 870 * MIB, DatasetStatus::Active),
            ("sensor-readings-tokyo", 5_100 * MIB, DatasetStatus::Active),
            ("画像アノテーション v2", 12_300 * MIB, DatasetStatus::Active),
            (
                "web-access-logs-2023",
                31_000 * MIB,
                DatasetStatus::Archived,
            ),
            ("model-training-set", 7_650 * MIB, DatasetStatus::Active),
            ("アンケート回答_2022", 45 * MIB, DatasetStatus::Archived),
            ("<script>alert(1)</script>", 3 * MIB, DatasetStatus::Active),
        ]
    }

    /// A store holding the demo's eight starting datasets, two of them archived and one with a
    /// name that would run as script if a viewer rendered it as HTML.
    pub fn seeded(metrics: DatasetMetrics) -> Self {
        let store = Self::new(metrics);
        let seeds = Self::seeds();
        {
            let mut inner = store.lock();
            for (name, size_bytes, status) in seeds {
                store.insert(&mut inner, name.to_owned(), size_bytes, status);
            }
        }
        store
    }

    pub fn list(&self) -> Vec<Dataset> {
        self.lock().datasets.values().cloned().collect()
    }

    pub fn get(&self, id: &str) -> Option<Dataset> {
        self.lock().datasets.get(id).cloned()
    }

    pub fn len(&self) -> usize {
        self.lock().datasets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn create(&self, name: &str, size_bytes: u64) -> Result<Dataset, DatasetError> {
        validate_name(name)?;
        let mut inner = self.lock();
        if inner.datasets.len() >= MAX_DATASETS {
            return Err(DatasetError::StoreFull);
        }
        Ok(self.insert(
            &mut inner,
            name.to_owned(),
            size_bytes,
            DatasetStatus::Active,
        ))
    }

    pub fn delete(&self, id: &str) -> Option<Dataset> {
        let mut removed = self.lock().datasets.remove(id)?;
        forget_size(&self.metrics, &removed.id);
        removed.status = DatasetStatus::Deleted;
        self.count_status(DatasetStatus::Deleted);
        Some(removed)
    }

    /// One second of a growth spurt: every active dataset grows by 5%, small ones by at least
    /// 1 MiB so that empty datasets grow too.
    pub fn grow_active(&self) {
        const MIN_STEP: u64 = 1024 * 1024;
        let mut inner = self.lock();
        for dataset in inner.datasets.values_mut() {
            if dataset.status != DatasetStatus::Active {
                continue;
            }
            let step = (dataset.size_bytes / 20).max(MIN_STEP);
            dataset.size_bytes = dataset.size_bytes.saturating_add(step).min(MAX_SIZE_BYTES);
            self.set_size_gauge(dataset);
        }
    }

    fn insert(
        &self,
        inner: &mut Inner,
        name: String,
        size_bytes: u64,
        status: DatasetStatus,
    ) -> Dataset {
        let id = format!("ds-{:03}", inner.next_number);
        inner.next_number += 1;
        let dataset = Dataset {
            id: id.clone(),
            name,
            size_bytes: size_bytes.min(MAX_SIZE_BYTES),
            status,
            created_at: Utc::now(),
        };
        self.set_size_gauge(&dataset);
        self.count_status(status);
        inner.datasets.insert(id, dataset.clone());
        dataset
    }

    fn set_size_gauge(&self, dataset: &Dataset) {
        record_size(&self.metrics, dataset);
    }

    fn count_status(&self, status: DatasetStatus) {
        record_status(&self.metrics, status);
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Sets `dataset_size_bytes` for one dataset (shared with the PostgreSQL store).
pub(crate) fn record_size(metrics: &DatasetMetrics, dataset: &Dataset) {
    metrics
        .size_bytes
        .get_or_create(&DatasetLabels {
            dataset_id: dataset.id.clone(),
        })
        // MAX_SIZE_BYTES keeps every size inside i64.
        .set(i64::try_from(dataset.size_bytes).unwrap_or(i64::MAX));
}

/// Counts a dataset entering `status` in `datasets_total`.
pub(crate) fn record_status(metrics: &DatasetMetrics, status: DatasetStatus) {
    metrics
        .entered_status
        .get_or_create(&StatusLabels {
            status: status.as_str().to_owned(),
        })
        .inc();
}

/// Drops the size series of a deleted dataset.
pub(crate) fn forget_size(metrics: &DatasetMetrics, id: &str) {
    metrics.size_bytes.remove(&DatasetLabels {
        dataset_id: id.to_owned(),
    });
}

/// Names are free text on purpose — hostile-looking ones included — but not blank or huge.
pub fn validate_name(name: &str) -> Result<(), DatasetError> {
    if name.trim().is_empty() {
        return Err(DatasetError::BlankName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(DatasetError::NameTooLong);
    }
    Ok(())
}

/// The number in an id like `ds-012`, used to tell seeded datasets from later ones.
pub fn id_number(id: &str) -> Option<u64> {
    id.strip_prefix("ds-")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Metrics;

    fn gauge(metrics: &DatasetMetrics, id: &str) -> i64 {
        metrics
            .size_bytes
            .get_or_create(&DatasetLabels {
                dataset_id: id.into(),
            })
            .get()
    }

    fn entered(metrics: &DatasetMetrics, status: &str) -> u64 {
        metrics
            .entered_status
            .get_or_create(&StatusLabels {
                status: status.into(),
            })
            .get()
    }

    #[test]
    fn seeded_store_counts_datasets_by_status() {
        let metrics = Metrics::new().datasets();
        let store = DatasetStore::seeded(metrics.clone());
        assert_eq!(store.len(), 8);
        assert_eq!(store.get("ds-001").unwrap().name, "customer-events-2024");
        assert_eq!(entered(&metrics, "active"), 6);
        assert_eq!(entered(&metrics, "archived"), 2);
        assert_eq!(gauge(&metrics, "ds-002"), 870 * 1024 * 1024);
    }

    #[test]
    fn delete_drops_the_size_series_and_counts_the_deletion() {
        let metrics = Metrics::new().datasets();
        let store = DatasetStore::seeded(metrics.clone());
        let removed = store.delete("ds-003").unwrap();
        assert_eq!(removed.status, DatasetStatus::Deleted);
        assert!(store.get("ds-003").is_none());
        assert!(store.delete("ds-003").is_none());
        assert_eq!(entered(&metrics, "deleted"), 1);
        assert!(!metrics.size_bytes.remove(&DatasetLabels {
            dataset_id: "ds-003".into()
        }));
    }

    #[test]
    fn growth_affects_only_active_datasets_and_saturates() {
        let metrics = Metrics::new().datasets();
        let store = DatasetStore::new(metrics.clone());
        let active = store.create("a", 1_000 * 1024 * 1024).unwrap();
        let empty = store.create("b", 0).unwrap();
        let huge = store.create("c", MAX_SIZE_BYTES - 1).unwrap();
        store.grow_active();
        assert_eq!(
            store.get(&active.id).unwrap().size_bytes,
            1_050 * 1024 * 1024
        );
        assert_eq!(store.get(&empty.id).unwrap().size_bytes, 1024 * 1024);
        assert_eq!(store.get(&huge.id).unwrap().size_bytes, MAX_SIZE_BYTES);
        assert_eq!(gauge(&metrics, &active.id), 1_050 * 1024 * 1024);

        let seeded = DatasetStore::seeded(Metrics::new().datasets());
        let archived_before = seeded.get("ds-005").unwrap().size_bytes;
        seeded.grow_active();
        assert_eq!(seeded.get("ds-005").unwrap().size_bytes, archived_before);
    }

    #[test]
    fn create_rejects_blank_and_overlong_names_but_keeps_hostile_ones() {
        let store = DatasetStore::new(Metrics::new().datasets());
        assert_eq!(store.create("  ", 1), Err(DatasetError::BlankName));
        assert_eq!(
            store.create(&"x".repeat(MAX_NAME_CHARS + 1), 1),
            Err(DatasetError::NameTooLong)
        );
        let hostile = "<img src=x onerror=alert(1)>";
        assert_eq!(store.create(hostile, 1).unwrap().name, hostile);
    }

    #[test]
    fn store_refuses_to_grow_past_its_cap() {
        let store = DatasetStore::new(Metrics::new().datasets());
        for i in 0..MAX_DATASETS {
            store.create(&format!("d{i}"), 1).unwrap();
        }
        assert_eq!(
            store.create("one too many", 1),
            Err(DatasetError::StoreFull)
        );
    }

    #[test]
    fn ids_are_zero_padded_and_parse_back() {
        let store = DatasetStore::new(Metrics::new().datasets());
        let first = store.create("first", 1).unwrap();
        assert_eq!(first.id, "ds-001");
        assert_eq!(id_number(&first.id), Some(1));
        assert_eq!(id_number("dataset-1"), None);
    }
}
