//! The servers alerts come from: Prometheus (`/api/v1/alerts`, `/api/v1/rules`) and
//! Alertmanager (API v2). Each client wraps a `hinomi_core` endpoint, so TLS, timeouts and
//! transport errors behave like every other datasource's; the backend's own error text reaches
//! the user verbatim.

pub mod alertmanager;
pub mod prometheus;
pub(crate) mod response;

pub use alertmanager::{
    AlertGroupStatus, AlertmanagerAlert, AlertmanagerClient, AlertmanagerStatus,
};
pub use prometheus::{
    PrometheusAlert, PrometheusAlertsClient, RuleGroupStatus, RuleHealth, RuleKind, RuleStatus,
};
