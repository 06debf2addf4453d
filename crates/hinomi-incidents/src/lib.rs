//! Incidents for Hinomi, without a GUI.
//!
//! The model follows the seed's incident section (§7): P0–P3 with response targets, a lifecycle
//! from detected to closed, a timeline of automatic entries, notes and pinned evidence (kept as
//! data so it stays viewable offline), and a postmortem whose proposed alert rules are checked
//! as Prometheus rule files. [`IncidentStore`] keeps it all in one SQLite file and hands whole
//! incidents to other laptops as JSON ([`IncidentBundle`]).
//!
//! The store's calls are synchronous and short; the shell runs them on a blocking thread.

pub mod alert_group;
pub mod bundle;
pub mod error;
pub mod model;
pub mod naming;
pub mod policy;
pub mod rule_file;
pub mod store;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod user;

pub use alert_group::{AlertIncidentOptions, FiringAlertGroup, SeverityMapping};
pub use bundle::{IncidentBundle, IncidentImportReport, IncidentRecord, Renumbered};
pub use error::IncidentError;
pub use model::countdown::{ResponseCountdown, THRESHOLDS_PERCENT, ThresholdCrossing, countdown};
pub use model::evidence::{
    AlertSnapshot, AlertState, ChartAnnotation, ChartAnnotationKind, EvidenceData, EvidenceKind,
    EvidenceProblem, EvidenceRecord, LogExcerpt, LogLine, MetricSeries, MetricSnapshot, TimeRange,
};
pub use model::incident::{Incident, IncidentDurations, NewIncident, StatusTransition};
pub use model::lifecycle::{Status, TransitionRefused};
pub use model::postmortem::{ActionItem, ActionStatus, MonitoringImprovement, Postmortem};
pub use model::severity::{ResponseTargets, Severity, TargetStop};
pub use model::timeline::{
    TimelineEntry, TimelineEvent, TimelineOrder, TimelinePage, TimelineQuery,
};
pub use naming::report_file_stem;
pub use rule_file::{RuleFileProblem, RuleFileSummary, validate_rule_file};
pub use store::{AttachedToMine, IncidentStore};
pub use user::{current_user, notice_text};
