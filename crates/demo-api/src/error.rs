//! The ways starting or running the workload can fail, as one enum the binary can report.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot write logs to {path}: {source}")]
    LogDir { path: PathBuf, source: io::Error },
    #[error("cannot read the listener's address: {0}")]
    ListenerAddress(io::Error),
    #[error("HTTP server stopped with an error: {0}")]
    Serve(io::Error),
    #[error("cannot set up the database connection: {0}")]
    Database(String),
    #[error("a background task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}
