//! Watch rules' instant queries, run by `hinomi-prometheus` like every other instant query.

use super::eval::{InstantQuery, QuerySample};
use crate::error::AlertsError;
use chrono::{DateTime, Utc};
use hinomi_core::HinomiError;
use hinomi_core::http::Endpoint;
use hinomi_prometheus::{InstantResult, PrometheusClient};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct PrometheusInstantQuery {
    client: PrometheusClient,
}

impl PrometheusInstantQuery {
    /// Queries over the datasource's endpoint, from the app's
    /// [`hinomi_core::http::EndpointCache`].
    pub fn from_endpoint(endpoint: Endpoint) -> Self {
        Self {
            client: PrometheusClient::from_endpoint(endpoint),
        }
    }
}

impl InstantQuery for PrometheusInstantQuery {
    async fn query(&self, expr: &str, at: DateTime<Utc>) -> Result<Vec<QuerySample>, HinomiError> {
        match self.client.query_instant(expr, Some(at)).await? {
            InstantResult::Vector { samples } => Ok(samples
                .into_iter()
                .map(|sample| QuerySample {
                    labels: sample.labels,
                    value: sample.value,
                })
                .collect()),
            InstantResult::Scalar { value, .. } => Ok(vec![QuerySample {
                labels: BTreeMap::new(),
                value,
            }]),
            // Prometheus refuses these for an alerting rule too.
            InstantResult::Matrix { .. } | InstantResult::String { .. } => {
                Err(AlertsError::RuleNotInstant {
                    expr: expr.to_owned(),
                }
                .into())
            }
        }
    }
}
