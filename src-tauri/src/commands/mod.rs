//! Tauri commands, one module per domain. Each is a few lines over a core crate.

pub mod alerts;
pub mod app;
pub mod blocking;
pub mod dashboards;
pub mod datasources;
pub mod explore;
pub mod files;
pub mod incidents;
pub mod log_path_consent;
pub mod logs;
pub mod settings;
pub mod targets;
