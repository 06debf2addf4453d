//! A demo of the dataset-management API described in the seed document, for Hinomi to monitor:
//! it serves the seed's metrics and JSON logs from real HTTP traffic it generates itself, and
//! its faults make the seed's alert rules fire in a real Prometheus.

pub mod cli;
pub mod clock;
pub mod datasets;
pub mod error;
pub mod faults;
pub mod http;
pub mod logs;
pub mod metrics;
pub mod server;
pub mod ticker;
pub mod traffic;

pub use error::Error;
pub use server::{RunningServer, ServeOptions, start};
