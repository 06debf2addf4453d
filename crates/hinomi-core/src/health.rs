//! How each datasource is doing, from what its reads actually met.
//!
//! Every read of every backend goes through [`crate::http::Endpoint::fetch`], which records its
//! outcome here: ok (the server answered, even "bad query"), or failing with the error's code
//! (unreachable, TLS, timeout, a failing proxy, a rate limit, an answer cut short, refused
//! credentials). The book keeps when the current failure began and when the datasource last
//! answered well, so the UI can say "failing since 06:02, last ok 05:58" without polling of
//! its own. One process-wide book, as the secret store is: the datasource id is the key.

use crate::error::{ErrorCode, HinomiError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

/// A datasource's health as last seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DatasourceHealth {
    pub datasource_id: String,
    /// `ok` or `failing`.
    pub state: HealthState,
    /// The latest failure while failing; `None` when ok.
    pub error: Option<HinomiError>,
    /// When the current run of failures began.
    pub failing_since: Option<DateTime<Utc>>,
    /// The last time the datasource answered well, if ever (since Hinomi started).
    pub last_success: Option<DateTime<Utc>>,
    /// The latest read, whatever its outcome.
    pub checked_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    Ok,
    Failing,
}

/// The outcomes recorded so far, per datasource.
#[derive(Debug, Default)]
pub struct HealthBook {
    entries: Mutex<BTreeMap<String, DatasourceHealth>>,
}

impl HealthBook {
    pub fn record_ok(&self, datasource_id: &str, at: DateTime<Utc>) {
        let mut entries = self.lock();
        let entry = entries
            .entry(datasource_id.to_owned())
            .or_insert_with(|| fresh(datasource_id, at));
        entry.state = HealthState::Ok;
        entry.error = None;
        entry.failing_since = None;
        entry.last_success = Some(at);
        entry.checked_at = at;
    }

    pub fn record_failure(&self, datasource_id: &str, error: &HinomiError, at: DateTime<Utc>) {
        let mut entries = self.lock();
        let entry = entries
            .entry(datasource_id.to_owned())
            .or_insert_with(|| fresh(datasource_id, at));
        if entry.state == HealthState::Ok || entry.failing_since.is_none() {
            entry.failing_since = Some(at);
        }
        entry.state = HealthState::Failing;
        entry.error = Some(error.clone());
        entry.checked_at = at;
    }

    /// Writes an outcome that is not a read: a connection test, or a datasource that cannot
    /// even be asked (its secret is missing from the keyring, its CA file is unreadable). Left
    /// unrecorded, such a datasource would keep the grey "not contacted yet" dot forever.
    /// Hinomi's own failures (`internal`) say nothing about the datasource and are not written.
    pub fn record_outcome(
        &self,
        datasource_id: &str,
        outcome: Result<(), &HinomiError>,
        at: DateTime<Utc>,
    ) {
        match outcome {
            Ok(()) => self.record_ok(datasource_id, at),
            Err(error) if error.code == ErrorCode::Internal => {}
            Err(error) => self.record_failure(datasource_id, error, at),
        }
    }

    /// Every datasource read from so far, by id.
    pub fn snapshot(&self) -> Vec<DatasourceHealth> {
        self.lock().values().cloned().collect()
    }

    pub fn get(&self, datasource_id: &str) -> Option<DatasourceHealth> {
        self.lock().get(datasource_id).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, DatasourceHealth>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A first entry, before its outcome is written over it.
fn fresh(datasource_id: &str, at: DateTime<Utc>) -> DatasourceHealth {
    DatasourceHealth {
        datasource_id: datasource_id.to_owned(),
        state: HealthState::Ok,
        error: None,
        failing_since: None,
        last_success: None,
        checked_at: at,
    }
}

/// The process-wide book every endpoint writes to.
pub fn book() -> &'static HealthBook {
    static BOOK: OnceLock<HealthBook> = OnceLock::new();
    BOOK.get_or_init(HealthBook::default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn failing_keeps_its_start_and_the_last_success() {
        let book = HealthBook::default();
        book.record_ok("prom", at("2026-12-04T06:00:00Z"));
        let refused = HinomiError::new(ErrorCode::Unreachable, "Cannot reach x");
        book.record_failure("prom", &refused, at("2026-12-04T06:01:00Z"));
        let proxy = HinomiError::new(ErrorCode::Unavailable, "502");
        book.record_failure("prom", &proxy, at("2026-12-04T06:02:00Z"));
        let health = book.get("prom").unwrap();
        assert_eq!(health.state, HealthState::Failing);
        assert_eq!(health.error.as_ref().unwrap().code, ErrorCode::Unavailable);
        assert_eq!(health.failing_since, Some(at("2026-12-04T06:01:00Z")));
        assert_eq!(health.last_success, Some(at("2026-12-04T06:00:00Z")));
        assert_eq!(health.checked_at, at("2026-12-04T06:02:00Z"));

        book.record_ok("prom", at("2026-12-04T06:03:00Z"));
        let health = book.get("prom").unwrap();
        assert_eq!(health.state, HealthState::Ok);
        assert_eq!((health.error, health.failing_since), (None, None));
        assert_eq!(health.last_success, Some(at("2026-12-04T06:03:00Z")));
    }

    #[test]
    fn a_datasource_that_never_answered_has_no_last_success() {
        let book = HealthBook::default();
        let err = HinomiError::new(ErrorCode::Tls, "unknown CA");
        book.record_failure("es", &err, at("2026-12-04T06:00:00Z"));
        let health = &book.snapshot()[0];
        assert_eq!(health.state, HealthState::Failing);
        assert_eq!(health.last_success, None);
    }

    #[test]
    fn an_outcome_is_written_unless_the_fault_is_hinomis_own() {
        let book = HealthBook::default();
        let missing = HinomiError::new(ErrorCode::Secret, "no token in the keyring");
        book.record_outcome("am", Err(&missing), at("2026-12-04T06:00:00Z"));
        let health = book.get("am").unwrap();
        assert_eq!(health.state, HealthState::Failing);
        assert_eq!(health.error.unwrap().code, ErrorCode::Secret);
        assert_eq!(health.failing_since, Some(at("2026-12-04T06:00:00Z")));

        let ours = HinomiError::internal("cannot build an HTTP client");
        book.record_outcome("am", Err(&ours), at("2026-12-04T06:01:00Z"));
        book.record_outcome("fresh", Err(&ours), at("2026-12-04T06:01:00Z"));
        assert_eq!(
            book.get("am").unwrap().error.unwrap().code,
            ErrorCode::Secret
        );
        assert_eq!(book.get("fresh"), None);

        book.record_outcome("am", Ok(()), at("2026-12-04T06:02:00Z"));
        let health = book.get("am").unwrap();
        assert_eq!(health.state, HealthState::Ok);
        assert_eq!(health.last_success, Some(at("2026-12-04T06:02:00Z")));
    }
}
