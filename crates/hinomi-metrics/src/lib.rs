//! Hinomi's metrics runner, without a GUI: what turns dashboards and ad-hoc PromQL into data.
//!
//! - [`annotations`]: a dashboard's Prometheus annotation queries run, and its panels' scopes
//!   for the alert overlay.
//! - [`run`]: a dashboard panel's queries planned and run concurrently against the configured
//!   Prometheus datasources; variable options loaded.
//! - [`explore`]: one expression as a graph or a table, and what autocomplete offers.
//! - [`frame`]: the binary panel frame (`HNP1`) the UI reads as `Float64Array`s.
//! - [`cache`]: each panel's last good frame on disk, served stale when Prometheus is down.
//! - [`cancel`]: superseded queries dropped, not awaited.

pub mod annotations;
pub mod cache;
pub mod cancel;
mod error;
pub mod explore;
pub mod frame;
pub mod run;

pub use cache::PanelCache;
pub use cancel::Inflight;
pub use error::MetricsError;
pub use explore::{InstantAnswer, MetricName, PromqlCatalog};
pub use run::{
    SelectedVariable, panel_series_limit, pick_datasource, refresh_variable, run_panel, selected,
    with_cache,
};
