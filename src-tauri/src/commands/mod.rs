//! Tauri commands, one module per domain. Each is a few lines over a core crate.

pub mod app;
pub mod settings;
pub mod targets;
