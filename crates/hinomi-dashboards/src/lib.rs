//! Hinomi's dashboards, without a GUI.
//!
//! - [`model`]: Grafana's classic dashboard JSON, typed where Hinomi uses it, lossless elsewhere.
//! - [`import`] / [`export`]: Grafana JSON in (old layouts upgraded, every panel accounted for
//!   in an [`ImportReport`]) and out.
//! - [`store`]: the local library of dashboard files, with atomic saves and stars.
//! - [`edit`]: the edits the UI can make to panels and variable selections.
//! - [`template`], [`query_plan`], [`time_range`]: variables, built-ins and steps resolved into
//!   the PromQL to run for a panel.
//! - [`variable_options`]: options of each variable kind; for query variables, the Prometheus
//!   request to make and how to read its answer (the caller does the HTTP).
//! - [`repeat`], [`view`]: repeated panels and rows expanded for the live selection, and the
//!   titles as drawn.
//! - [`annotations`]: what the dashboard's annotation list and Hinomi's alerts and incidents
//!   draw on its time series.
//! - [`builtin`]: the dashboards Hinomi ships.

pub mod annotations;
pub mod builtin;
pub mod duration;
pub mod edit;
mod error;
pub mod export;
pub mod import;
pub mod js_regex;
pub mod model;
pub mod query_plan;
pub mod repeat;
pub mod store;
pub mod template;
pub mod time_range;
pub mod variable_options;
pub mod view;

pub use builtin::{builtin_dashboards, install_builtins};
pub use edit::{PanelEdit, apply_panel_edit, select_variable};
pub use error::{DashboardError, Result};
pub use export::{export_json, export_value};
pub use import::{ImportReport, Imported, import_dashboard, import_value};
pub use model::{Dashboard, Panel, PanelKind, Target, Variable};
pub use query_plan::{PlannedQuery, QueryContext, plan_panel, plan_queries};
pub use store::{DashboardSearch, DashboardStore, DashboardSummary};
pub use template::TemplateScope;
pub use time_range::TimeWindow;
pub use variable_options::{VariableRequest, apply_options, options_from_answer, variable_request};
pub use view::view_panels;
