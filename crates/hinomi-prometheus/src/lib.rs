//! Client for the Prometheus HTTP API.
//!
//! A datasource is just an endpoint: Prometheus, Thanos, Mimir and VictoriaMetrics answer the
//! same `/api/v1` API. Prometheus's own errors (`{"status":"error","errorType":..,"error":..}`)
//! reach the caller verbatim as [`PrometheusError::Backend`] (code `backend` in the UI). The envelope is decoded here
//! only: other crates read any endpoint through [`PrometheusClient::get_api`] (the alert board's
//! `/api/v1/alerts` and `/api/v1/rules`) and run instant queries with
//! [`PrometheusClient::query_instant`] (watch rules).

mod api;
pub mod decimal_column;
pub mod downsample;
mod error;
pub mod frame_decode;
pub mod metadata;
#[doc(hidden)]
pub mod pairs;
pub mod query;
#[doc(hidden)]
pub mod range_stream;
pub mod split;
pub mod targets;

pub use api::{PrometheusClient, decode_api_answer};
pub use error::PrometheusError;
pub use query::{InstantResult, QueryPosition, Sample, Series, error_position};
pub use targets::{ScrapeTarget, TargetHealth};
