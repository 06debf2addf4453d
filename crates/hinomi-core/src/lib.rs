//! Hinomi's GUI-free foundation.
//!
//! Everything here builds and tests without WebKit or Tauri: the one error shape that crosses
//! the IPC boundary, the settings file with its datasources, where files live, the clock that
//! timers read, the HTTP client every datasource shares (so TLS and timeouts behave the same
//! for Prometheus, Alertmanager and Elasticsearch), and the English/Japanese catalogue of the
//! text the desktop shell shows itself (`texts`).

pub mod atomic_file;
pub mod autostart;
pub mod clock;
pub mod connection;
pub mod error;
pub mod health;
pub mod http;
pub mod markup;
pub mod path_policy;
pub mod paths;
pub mod query_step;
pub mod redact;
pub mod secrets;
pub mod settings;
pub mod texts;
pub mod time_zone;
pub mod user;

pub use error::{ErrorCode, HinomiError};
#[cfg(feature = "test-support")]
pub mod test_support;
