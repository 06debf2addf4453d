//! Incident levels P0–P3 (seed §7.1) and how long each may wait for a response.
//!
//! The types live in [`crate::policy`] with the rest of the incident settings; they are
//! re-exported here so the incident model reads as one place.

pub use crate::policy::{ResponseTargets, Severity, TargetStop};
