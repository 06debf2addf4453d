//! One poll of every alert source: fetch all at once, merge, compare with the last poll, record
//! the history, and say how each source is doing.
//!
//! Each source is fetched on its own task and a round waits for them only up to its budget
//! ([`fetches`]): a hung Prometheus keeps its last alerts while a healthy Alertmanager's new
//! ones reach the board in the same round.
//!
//! A source that fails keeps its last good alerts on the board (marked by its health) rather
//! than having them all "resolve" because of a network hiccup; blindness is reported instead
//! (see [`crate::notify`]). Those alerts are taken from the last snapshot, so answers are not
//! kept twice: with 10,000 alerts, copies and frees are what a poll costs. After a restart the open episodes of the history are the "last
//! poll", so alerts still firing are not new again and alerts that resolved while Hinomi was
//! closed are closed. The shell owns the timer and calls [`AlertPoller::poll`].

use crate::alert::{Alert, SourceKind, SourceRef};
use crate::changes::{AlertChange, detect_changes};
use crate::endpoints::SharedEndpoints;
use crate::error::AlertsError;
use crate::history::AlertHistory;
use crate::ingest::Snapshot;
use crate::sources::{AlertmanagerClient, PrometheusAlertsClient};
use chrono::{DateTime, Utc};
use fetches::{Answer, Fetches};
use hinomi_core::HinomiError;
use hinomi_core::clock::Clock;
use hinomi_core::settings::{Datasource, DatasourceKind};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

mod fetches;

/// A configured source of alerts: a Prometheus or an Alertmanager datasource, asked over its
/// endpoint from the app's cache at each fetch (so a changed secret or CA file is picked up
/// without rebuilding the sources, and an unchanged one costs no keyring read).
#[derive(Clone)]
pub struct AlertSource {
    datasource: Datasource,
    api: AlertsApi,
    endpoints: SharedEndpoints,
}

/// Which API a source's alerts are read with.
#[derive(Debug, Clone, Copy)]
enum AlertsApi {
    Prometheus,
    Alertmanager,
}

impl std::fmt::Debug for AlertSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertSource")
            .field("datasource", &self.datasource.id)
            .field("api", &self.api)
            .finish_non_exhaustive()
    }
}

impl AlertSource {
    pub fn for_datasource(
        ds: &Datasource,
        endpoints: SharedEndpoints,
    ) -> Result<Self, AlertsError> {
        let api = match ds.kind {
            DatasourceKind::Prometheus => AlertsApi::Prometheus,
            DatasourceKind::Alertmanager => AlertsApi::Alertmanager,
            DatasourceKind::Elasticsearch | DatasourceKind::LocalFiles => {
                return Err(AlertsError::NotAnAlertSource {
                    name: ds.name.clone(),
                });
            }
        };
        Ok(Self {
            datasource: ds.clone(),
            api,
            endpoints,
        })
    }

    pub fn source(&self) -> SourceRef {
        let kind = match self.api {
            AlertsApi::Prometheus => SourceKind::Prometheus,
            AlertsApi::Alertmanager => SourceKind::Alertmanager,
        };
        SourceRef::new(self.datasource.id.as_str(), kind)
    }

    pub async fn fetch(&self) -> Result<Vec<Alert>, HinomiError> {
        let endpoint = self
            .endpoints
            .endpoint_cache()
            .endpoint(&self.datasource)
            .await?;
        match self.api {
            AlertsApi::Prometheus => {
                PrometheusAlertsClient::from_endpoint(endpoint)
                    .alerts()
                    .await
            }
            AlertsApi::Alertmanager => AlertmanagerClient::from_endpoint(endpoint).alerts().await,
        }
    }
}

/// What one source answered in one poll (also how local watch rules join in).
#[derive(Debug, Clone)]
pub struct SourceResult {
    pub source: SourceRef,
    pub result: Result<Vec<Alert>, HinomiError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SourceHealth {
    pub source: SourceRef,
    /// When this poller first asked the source.
    pub watching_since: DateTime<Utc>,
    pub last_success: Option<DateTime<Utc>>,
    /// When the source last answered, remembered over a restart (the history keeps it): the
    /// time its alerts on the board are from while it cannot be reached.
    pub last_known_at: Option<DateTime<Utc>>,
    /// The first failure since its last success; `None` while it answers. Its alerts are then
    /// "last known at" [`Self::last_known_at`], not currently firing (see [`crate::staleness`]).
    pub unreachable_since: Option<DateTime<Utc>>,
    /// The last failure, cleared by a success.
    pub last_error: Option<HinomiError>,
    pub consecutive_failures: u32,
    /// Alerts in its last good answer.
    pub alerts: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PollOutcome {
    pub at: DateTime<Utc>,
    pub changes: Vec<AlertChange>,
    pub sources: Vec<SourceHealth>,
    /// The history could not be written; the board is still right, the history misses this
    /// poll.
    pub history_error: Option<HinomiError>,
}

pub struct AlertPoller {
    sources: Vec<AlertSource>,
    history: AlertHistory,
    clock: Arc<dyn Clock>,
    current: Snapshot,
    health: HashMap<String, SourceHealth>,
    /// When each source last answered before this poller started (from the history).
    known_before: HashMap<String, DateTime<Utc>>,
    fetches: Fetches,
    round_budget: Duration,
}

impl AlertPoller {
    /// How long a round waits for slow sources unless told otherwise.
    pub const DEFAULT_ROUND_BUDGET: Duration = Duration::from_secs(10);
}

impl AlertPoller {
    /// Starts from the history's open episodes.
    pub fn new(
        sources: Vec<AlertSource>,
        history: AlertHistory,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AlertsError> {
        let restored: Vec<Alert> = history
            .open_episodes()?
            .iter()
            .map(|episode| episode.to_alert())
            .collect();
        let known_before = history.source_contacts()?;
        Ok(Self {
            sources,
            history,
            clock,
            current: Snapshot::from_alerts(restored),
            health: HashMap::new(),
            known_before,
            fetches: Fetches::default(),
            round_budget: Self::DEFAULT_ROUND_BUDGET,
        })
    }

    /// How long a round waits for the sources (and the extra results of
    /// [`Self::poll_with_pending`]) before going on with what has arrived. The shell sets it
    /// below the poll interval, so a hung source never stretches a round beyond it.
    pub fn set_round_budget(&mut self, budget: Duration) {
        self.round_budget = budget;
    }

    /// The alerts as of the last poll.
    /// Replaces the sources (the user edited the datasources). Alerts of sources no longer
    /// polled leave the board at the next poll, like resolved ones.
    pub fn set_sources(&mut self, sources: Vec<AlertSource>) {
        self.fetches.cancel_all();
        self.sources = sources;
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.current
    }

    pub fn history(&self) -> &AlertHistory {
        &self.history
    }

    pub fn history_mut(&mut self) -> &mut AlertHistory {
        &mut self.history
    }

    /// Health of every source seen so far, ordered by datasource id.
    pub fn source_health(&self) -> Vec<SourceHealth> {
        let mut health: Vec<SourceHealth> = self.health.values().cloned().collect();
        health.sort_by(|a, b| a.source.datasource_id.cmp(&b.source.datasource_id));
        health
    }

    /// Asks every source at once and applies the answers that arrive within the round budget.
    pub async fn poll(&mut self) -> PollOutcome {
        self.poll_with(Vec::new()).await
    }

    /// Like [`Self::poll`], adding results computed elsewhere (the local watch rules). Pass
    /// them on every poll: a source missing from a poll has its alerts resolved.
    pub async fn poll_with(&mut self, extra: Vec<SourceResult>) -> PollOutcome {
        self.poll_with_pending(async { extra }).await
    }

    /// Like [`Self::poll_with`], computing the extra results while the sources are fetched, so
    /// a slow evaluation and a slow source cost one budget, not two.
    pub async fn poll_with_pending(
        &mut self,
        extra: impl Future<Output = Vec<SourceResult>>,
    ) -> PollOutcome {
        let (answers, extra) =
            futures_util::future::join(self.fetches.round(&self.sources, self.round_budget), extra)
                .await;
        let answers = answers
            .into_iter()
            .chain(
                extra
                    .into_iter()
                    .map(|SourceResult { source, result }| (source, Answer::Fresh(result))),
            )
            .collect();
        self.apply_answers(answers)
    }

    /// The pure part of a poll: merge these answers, diff, record. Tests call it directly.
    pub fn apply(&mut self, results: Vec<SourceResult>) -> PollOutcome {
        self.apply_answers(
            results
                .into_iter()
                .map(|SourceResult { source, result }| (source, Answer::Fresh(result)))
                .collect(),
        )
    }

    fn apply_answers(&mut self, answers: Vec<(SourceRef, Answer)>) -> PollOutcome {
        let now = self.clock.now();
        let mut polled: Vec<String> = Vec::with_capacity(answers.len());
        let mut reports: Vec<Vec<Alert>> = Vec::with_capacity(answers.len());
        let mut answered: Vec<String> = Vec::new();
        for (source, answer) in answers {
            let id = source.datasource_id.clone();
            if polled.contains(&id) {
                continue;
            }
            let health = self
                .health
                .entry(id.clone())
                .or_insert_with(|| SourceHealth {
                    source: source.clone(),
                    watching_since: now,
                    last_success: None,
                    last_known_at: self.known_before.get(&id).copied(),
                    unreachable_since: None,
                    last_error: None,
                    consecutive_failures: 0,
                    alerts: 0,
                });
            match answer {
                // Nothing new: its last answer stands, and so does its health.
                Answer::StillWaiting => reports.push(last_answer(&self.current, &source)),
                Answer::Fresh(Ok(alerts)) => {
                    health.last_success = Some(now);
                    health.last_known_at = Some(now);
                    health.unreachable_since = None;
                    health.last_error = None;
                    health.consecutive_failures = 0;
                    health.alerts = u32::try_from(alerts.len()).unwrap_or(u32::MAX);
                    reports.push(alerts);
                    answered.push(id.clone());
                }
                Answer::Fresh(Err(error)) => {
                    tracing::debug!(source = %id, %error, "alert source failed; keeping its last answer");
                    health.last_error = Some(error);
                    health.unreachable_since.get_or_insert(now);
                    health.consecutive_failures = health.consecutive_failures.saturating_add(1);
                    reports.push(last_answer(&self.current, &source));
                }
            }
            polled.push(id);
        }
        // Sources not polled any more (removed from the settings) drop out.
        self.health.retain(|id, _| polled.contains(id));

        // In polling order, so which source's annotations win a disagreement is stable.
        let next = Snapshot::merge(reports);
        let changes = detect_changes(&self.current, &next);
        self.current = next;
        let history_error = self
            .history
            .record(&changes, &self.current, now)
            .err()
            .map(HinomiError::from);
        // Local watch rules are evaluated here, not reached: nothing to remember for them.
        answered.retain(|id| *id != local_rules_source().datasource_id);
        let answered: Vec<&str> = answered.iter().map(String::as_str).collect();
        let contact_error = self
            .history
            .record_contacts(&answered, now)
            .err()
            .map(HinomiError::from);
        PollOutcome {
            at: now,
            changes,
            sources: self.source_health(),
            history_error: history_error.or(contact_error),
        }
    }
}

/// What `source` reported last time, as far as the last snapshot remembers it.
fn last_answer(snapshot: &Snapshot, source: &SourceRef) -> Vec<Alert> {
    snapshot
        .from_source(&source.datasource_id)
        .map(|alert| {
            let mut alert = alert.clone();
            alert.sources = vec![source.clone()];
            alert
        })
        .collect()
}

/// The source under which local watch-rule alerts are reported.
pub fn local_rules_source() -> SourceRef {
    SourceRef::new("local-rules", SourceKind::LocalRules)
}

#[cfg(test)]
mod tests;
