//! Incident levels P0–P3 (seed §7.1) and how long each may wait for a response.
//!
//! The types live in `hinomi_core::incident_policy` because they are part of the settings file;
//! they are re-exported here so the incident model reads as one place.

pub use hinomi_core::incident_policy::{ResponseTargets, Severity, TargetStop};
