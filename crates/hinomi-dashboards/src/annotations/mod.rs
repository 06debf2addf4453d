//! Annotations drawn on a dashboard's time series: what the dashboard's `annotations.list`
//! asks for ([`sources`]), Prometheus annotation queries shaped into events the way Grafana
//! shapes them ([`prometheus`]), and the incident overlay no dashboard tool draws on its own —
//! alert episodes matched to panels by their labels and incident milestones ([`overlay`]).
//!
//! Nothing here does I/O: the caller runs the queries and reads the alert and incident
//! stores, then hands the answers over.

mod event;
pub mod matchers;
pub mod overlay;
pub mod prometheus;
mod source;

pub use event::{AnnotationEvent, DashboardAnnotations, events_for_panel};
pub use source::{
    ALERTS_SOURCE_ID, AnnotationSource, AnnotationSourceKind, INCIDENTS_SOURCE_ID,
    PrometheusAnnotation, sources,
};

#[cfg(test)]
mod tests;
