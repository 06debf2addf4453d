//! Instant queries against a Prometheus-compatible datasource, for evaluating watch rules.

use super::eval::{InstantQuery, QuerySample};
use crate::sources::response::{PROMETHEUS_JSON, prometheus_data, send};
use chrono::{DateTime, SecondsFormat, Utc};
use hinomi_core::ErrorCode;
use hinomi_core::HinomiError;
use hinomi_core::http::Endpoint;
use hinomi_core::http::Retry;
use hinomi_core::settings::Datasource;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct PrometheusInstantQuery {
    endpoint: Endpoint,
}

impl PrometheusInstantQuery {
    pub fn new(ds: &Datasource) -> Result<Self, HinomiError> {
        Ok(Self {
            endpoint: Endpoint::new(ds)?,
        })
    }
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum QueryData {
    Vector(Vec<VectorSample>),
    Scalar((f64, String)),
    Matrix(serde::de::IgnoredAny),
    String(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
struct VectorSample {
    metric: BTreeMap<String, String>,
    value: (f64, String),
}

/// Prometheus sends sample values as strings (`"NaN"`, `"+Inf"` included).
fn sample_value(text: &str) -> f64 {
    match text {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().unwrap_or(f64::NAN),
    }
}

impl InstantQuery for PrometheusInstantQuery {
    async fn query(&self, expr: &str, at: DateTime<Utc>) -> Result<Vec<QuerySample>, HinomiError> {
        let path = "/api/v1/query";
        let time = at.to_rfc3339_opts(SecondsFormat::Millis, true);
        let request = self
            .endpoint
            .client()
            .post(self.endpoint.url(path))
            .form(&[("query", expr), ("time", time.as_str())]);
        let (status, body) =
            send(&self.endpoint, request, Retry::Idempotent, PROMETHEUS_JSON).await?;
        match prometheus_data::<QueryData>(status, &body)? {
            QueryData::Vector(samples) => Ok(samples
                .into_iter()
                .map(|sample| QuerySample {
                    labels: sample.metric,
                    value: sample_value(&sample.value.1),
                })
                .collect()),
            QueryData::Scalar((_, value)) => Ok(vec![QuerySample {
                labels: BTreeMap::new(),
                value: sample_value(&value),
            }]),
            QueryData::Matrix(_) | QueryData::String(_) => Err(HinomiError::new(
                ErrorCode::InvalidInput,
                "An alerting rule's expression must return an instant vector or a scalar.",
            )
            .with_detail(expr.to_owned())),
        }
    }
}
