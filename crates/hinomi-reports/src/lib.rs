//! Incident reports for Hinomi, without a GUI and without a network.
//!
//! A report is built from what the incident store holds — the incident, its whole timeline, the
//! pinned evidence and the postmortem — so it can be written with every backend down. Charts are
//! drawn from the stored evidence data as inline SVG; nothing in a report points outside itself.

pub mod chart;
mod error;
pub mod html;
pub mod labels;
pub mod load;
pub mod markdown;
mod model;
pub mod pdf;
pub mod write;

pub use error::ReportError;
pub use labels::ReportLanguage;
pub use model::{ReportInput, duration_text};
pub use write::{ExportedReport, ReportFormat, render, write_report};
