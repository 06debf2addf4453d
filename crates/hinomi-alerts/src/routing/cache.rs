//! Every Alertmanager's route tree, read again every few minutes (a config reload there changes
//! it) and kept when a read fails. The board groups like the first one's; the notification
//! planner groups each Alertmanager's alerts by its own.
//!
//! The trees are read all at once, each within the round's budget, so a hung Alertmanager
//! delays neither the others nor the poll round. Time comes from the injected clock.

use super::RouteTree;
use crate::error::AlertsError;
use crate::sources::AlertmanagerClient;
use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use hinomi_core::clock::Clock;
use hinomi_core::http::EndpointCache;
use hinomi_core::settings::{Datasource, DatasourceKind};
use std::sync::Arc;
use std::time::Duration;

pub struct RouteTreeCache {
    clock: Arc<dyn Clock>,
    /// By datasource id, in the settings' order; only those read at least once.
    trees: Vec<(String, Arc<RouteTree>)>,
    read_at: Option<DateTime<Utc>>,
    /// Some Alertmanager's tree could not be read at the last attempt.
    incomplete: bool,
}

impl RouteTreeCache {
    pub const MAX_AGE: Duration = Duration::from_secs(300);
    /// After a failed read, try again sooner.
    pub const RETRY: Duration = Duration::from_secs(30);

    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            trees: Vec::new(),
            read_at: None,
            incomplete: false,
        }
    }

    /// The trees read so far, by datasource id.
    pub fn trees(&self) -> &[(String, Arc<RouteTree>)] {
        &self.trees
    }

    /// The first Alertmanager's tree (of those read), which the board groups by.
    pub fn first(&self) -> Option<Arc<RouteTree>> {
        self.trees.first().map(|(_, tree)| tree.clone())
    }

    /// Reads the trees again if they are due, each read given at most `budget`.
    pub async fn refresh(
        &mut self,
        endpoints: &EndpointCache,
        datasources: &[Datasource],
        budget: Duration,
    ) {
        let now = self.clock.now();
        let max_age = if self.incomplete {
            Self::RETRY
        } else {
            Self::MAX_AGE
        };
        let due = self
            .read_at
            .is_none_or(|at| (now - at).to_std().unwrap_or(Duration::ZERO) > max_age || now < at);
        if !due {
            return;
        }
        self.read_at = Some(now);
        let alertmanagers: Vec<&Datasource> = datasources
            .iter()
            .filter(|ds| ds.kind == DatasourceKind::Alertmanager)
            .collect();
        let reads = alertmanagers.iter().map(|ds| read(endpoints, ds, budget));
        let answers = futures_util::future::join_all(reads).await;
        self.incomplete = false;
        let mut trees = Vec::with_capacity(alertmanagers.len());
        for (ds, answer) in alertmanagers.into_iter().zip(answers) {
            match answer {
                Ok(tree) => trees.push((ds.id.clone(), Arc::new(tree))),
                Err(error) => {
                    tracing::debug!(%error, datasource = %ds.id, "route tree not read; kept");
                    self.incomplete = true;
                    let known = self.trees.iter().find(|(id, _)| *id == ds.id);
                    trees.extend(known.cloned());
                }
            }
        }
        self.trees = trees;
    }
}

async fn read(
    endpoints: &EndpointCache,
    ds: &Datasource,
    budget: Duration,
) -> Result<RouteTree, HinomiError> {
    let routing = async {
        let endpoint = endpoints.endpoint(ds).await?;
        AlertmanagerClient::from_endpoint(endpoint).routing().await
    };
    tokio::time::timeout(budget, routing)
        .await
        .unwrap_or_else(|_elapsed| {
            Err(AlertsError::RouteTreeTimeout {
                name: ds.name.clone(),
            }
            .into())
        })
}
