//! Alerts for Hinomi, without a GUI.
//!
//! Alerts come from several Prometheus servers and Alertmanagers at once ([`sources`]); the same
//! alert from two of them is shown once ([`ingest`]); each poll is compared with the last
//! ([`changes`]) and kept in a local history that outlives Alertmanager's memory ([`history`]),
//! all driven by [`poller`]. The board groups, sorts and filters them ([`board`]), silences are
//! drafted here and kept by Alertmanager ([`silences`]), Alertmanager's routing is replayed to say
//! who gets notified ([`routing`]), desktop notifications are planned with the same grouping and
//! timings plus do-not-disturb and escalation ([`notify`]), and personal watch rules are
//! validated and evaluated locally ([`local_rules`]). Alerts of a source that cannot be reached
//! are marked "last known at" ([`staleness`]). Rule files (watch rules, and the rules a
//! postmortem proposes) are checked like `promtool check rules` by [`rule_file`]. The poll loop
//! runs under [`supervise`], which restarts it after a panic: each [`round`] polls, reads the
//! route trees, ticks the planner and publishes the board; what it shares with the user's actions
//! — the latest poll, the planner, acknowledging a group ([`acknowledge`]) — is the [`runtime`].

pub mod acknowledge;
pub mod alert;
pub mod board;
pub mod changes;
pub mod duration;
pub mod endpoints;
mod error;
pub mod grouping;
pub mod history;
pub mod ingest;
pub mod local_rules;
pub mod matcher;
pub mod notification_prefs;
pub mod notify;
pub mod poller;
pub mod round;
pub mod routing;
pub mod rule_file;
pub mod runtime;
pub mod silences;
pub mod sources;
pub mod staleness;
pub mod supervise;

pub use alert::{Alert, AlertState, LabelSet, Severity, SourceKind, SourceRef};
pub use error::AlertsError;
