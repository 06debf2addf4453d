//! A demo of the dataset-management API described in the seed document, for Hinomi to monitor:
//! it serves the seed's metrics and JSON logs from real HTTP traffic it generates itself, and
//! its faults make the seed's alert rules fire in a real Prometheus. In the demo its datasets
//! live in PostgreSQL (a primary and a streaming replica that `hinomi-demo` runs), so the
//! seed's database metrics come from real queries too.

pub mod cli;
pub mod clock;
pub mod database;
pub mod datasets;
pub mod db_faults;
pub mod error;
pub mod faults;
pub mod http;
pub mod logs;
pub mod metrics;
pub mod server;
pub mod store;
pub mod ticker;
pub mod traffic;

pub use error::Error;
pub use server::{RunningServer, ServeOptions, start};
