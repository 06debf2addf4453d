//! Why the stack could not start, or a component could not be stopped or started.
//!
//! Every variant about a component names it, and the ones about a component that died or never
//! became healthy carry the end of its log: that is usually the line that explains it (a port
//! already in use, a config error).

use crate::component::Component;
use crate::search::SearchEngine;
use crate::templates::TemplateError;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error(
        "no component is called {0:?} (expected demo-api, prometheus, alertmanager, \
         node-exporter, postgres, postgres-replica, postgres-exporter or \
         postgres-replica-exporter)"
    )]
    UnknownComponent(String),

    #[error(
        "the demo API binary is not at {}: run `cargo build -p hinomi-demo-api`, or set \
         HINOMI_DEMO_API_BIN to its path",
        path.display()
    )]
    DemoApiMissing { path: PathBuf },

    #[error(transparent)]
    Template(#[from] TemplateError),

    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },

    #[error("the control server cannot listen on 127.0.0.1:{port}: {source}")]
    ControlBind { port: u16, source: std::io::Error },

    #[error("{name}: cannot run {}: {source}", program.display())]
    Spawn {
        name: String,
        program: PathBuf,
        source: std::io::Error,
    },

    #[error("{component} exited ({status}) before it became healthy; end of its log:\n{log_tail}")]
    Exited {
        component: Component,
        status: String,
        log_tail: String,
    },

    #[error(
        "{component} did not become healthy at {url} within {timeout:?} (last answer: \
         {last_error}); end of its log:\n{log_tail}"
    )]
    Unhealthy {
        component: Component,
        url: String,
        timeout: Duration,
        last_error: String,
        log_tail: String,
    },

    #[error("Prometheus was not ready to scrape and alert within {timeout:?}: {detail}")]
    TargetsNotUp { timeout: Duration, detail: String },

    #[error("backfilled Prometheus: {0}")]
    Backfill(String),

    #[error("{engine} cannot run here: {reason}")]
    SearchServerUnavailable {
        engine: SearchEngine,
        reason: String,
    },

    #[error(
        "{engine} runs as the user {user}, who cannot reach {} because {} is closed to them; \
         use a state directory outside it (e.g. under /tmp)",
        state_dir.display(),
        blocked.display()
    )]
    SearchStateUnreachable {
        engine: SearchEngine,
        state_dir: PathBuf,
        user: String,
        blocked: PathBuf,
    },

    #[error("{engine} exited ({status}) before it became healthy; end of its log:\n{log_tail}")]
    SearchServerExited {
        engine: SearchEngine,
        status: String,
        log_tail: String,
    },

    #[error(
        "{engine} did not become healthy at {url} within {timeout:?} (last answer: \
         {last_error}); end of its log:\n{log_tail}"
    )]
    SearchServerUnhealthy {
        engine: SearchEngine,
        url: String,
        timeout: Duration,
        last_error: String,
        log_tail: String,
    },

    #[error("installing the index template at {url}: {detail}")]
    IndexTemplate { url: String, detail: String },

    #[error("log shipper: {0}")]
    LogShipper(String),

    #[error("{component}: {step} failed: {detail}")]
    DatabaseSetup {
        component: Component,
        step: String,
        detail: String,
    },

    #[error("stack is shutting down")]
    ShuttingDown,

    #[error("control server at {url}: {source}")]
    Control { url: String, source: reqwest::Error },

    #[error("control server at {url} answered {status}: {body}")]
    ControlRefused {
        url: String,
        status: u16,
        body: String,
    },
}

impl StackError {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}
