//! App logging: `tracing` to a daily-rotated file in the OS log directory, a week kept.
//!
//! `RUST_LOG` overrides the default filter. Dropping the returned guard flushes the background
//! writer; the shell drops it on `RunEvent::Exit`, so the last lines before an exit are kept.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    // The appender prunes old files at start and complains if the directory is not there yet.
    if let Err(err) = std::fs::create_dir_all(log_dir) {
        eprintln!("hinomi: cannot create {}: {err}", log_dir.display());
        return None;
    }
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("hinomi")
        .filename_suffix("log")
        .max_log_files(7)
        .build(log_dir);
    let appender = match appender {
        Ok(appender) => appender,
        Err(err) => {
            // Logging must never stop the console from starting.
            eprintln!("hinomi: cannot log to {}: {err}", log_dir.display());
            return None;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,hinomi=debug,hinomi_lib=debug"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    installed.is_ok().then_some(guard)
}
