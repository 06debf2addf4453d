//! The demo stack's log search: OpenSearch on `ports.opensearch` and the log shipper feeding it
//! the demo API's logs, both optional.
//!
//! They need Java, the OpenSearch distribution and rsyslog, which a machine set up only for the
//! metrics side may lack; the stack then starts without them and its status says what is
//! missing instead of failing the whole demo. A start that fails (the port is taken) is
//! reported the same way.

use crate::config::StackConfig;
use crate::search::install::{blocked_ancestor, server_user};
use crate::search::{SearchEngine, SearchServer, SearchServerOptions, search_server_available};
use crate::shipper::{LogShipper, log_shipper_available};
use crate::status::{LogSearchStatus, ProcessStatus};
use std::path::PathBuf;

/// The engine of the demo (the spec's Elasticsearch, played by OpenSearch: what the Debian
/// demo machine and the tests share).
pub const DEMO_SEARCH_ENGINE: SearchEngine = SearchEngine::OpenSearch2;

/// What the supervisor holds for log search.
#[derive(Default)]
pub(crate) struct LogSearch {
    pub missing: Option<String>,
    pub server: Option<SearchServer>,
    pub shipper: Option<LogShipper>,
}

impl LogSearch {
    /// Starts OpenSearch and then the shipper; never fails, but says why in `missing`.
    pub async fn start(config: &StackConfig) -> Self {
        let engine = DEMO_SEARCH_ENGINE;
        if let Err(reason) = search_server_available(engine).and(log_shipper_available()) {
            return Self::missing(reason);
        }
        let options = SearchServerOptions {
            http_port: Some(config.ports.opensearch),
            ..SearchServerOptions::default()
        };
        let server = match SearchServer::start_with(engine, &opensearch_dir(config), options).await
        {
            Ok(server) => server,
            Err(error) => return Self::missing(error.to_string()),
        };
        let shipper = LogShipper::start(
            &server.url(),
            &config.demo_api_log_dir(),
            &config.log_shipper_dir(),
        )
        .await;
        match shipper {
            Ok(shipper) => Self {
                missing: None,
                server: Some(server),
                shipper: Some(shipper),
            },
            Err(error) => Self {
                missing: Some(error.to_string()),
                server: Some(server),
                shipper: None,
            },
        }
    }

    fn missing(reason: String) -> Self {
        tracing::warn!(%reason, "starting without log search");
        Self {
            missing: Some(reason),
            ..Self::default()
        }
    }

    pub fn status(&mut self) -> LogSearchStatus {
        let mut processes = Vec::new();
        if let Some(server) = self.server.as_mut() {
            processes.push(ProcessStatus {
                name: "opensearch".to_owned(),
                url: Some(server.url()),
                pid: server.pid(),
                running: server.is_running(),
                log_file: server.log_file(),
            });
        }
        if let Some(shipper) = self.shipper.as_mut() {
            processes.push(ProcessStatus {
                name: "log-shipper".to_owned(),
                url: None,
                pid: shipper.pid(),
                running: shipper.is_running(),
                log_file: shipper.internal_log(),
            });
        }
        LogSearchStatus {
            missing: self.missing.clone(),
            processes,
        }
    }

    /// The shipper first, so it can send what it has read while OpenSearch is still there.
    pub async fn shutdown(self) {
        if let Some(shipper) = self.shipper {
            shipper.shutdown().await;
        }
        if let Some(server) = self.server {
            server.shutdown().await;
        }
    }
}

/// `<state>/data/opensearch`, unless the user OpenSearch runs as (when we are root) cannot
/// reach it: the default state directory is under `/root`, mode 700. Then a directory of its
/// own under `/var/tmp`, one per port since two stacks cannot share a port anyway.
fn opensearch_dir(config: &StackConfig) -> PathBuf {
    let preferred = config.opensearch_dir();
    let reachable = match server_user() {
        Ok(Some(user)) => blocked_ancestor(&preferred, &user).is_none(),
        _ => true,
    };
    if reachable {
        preferred
    } else {
        PathBuf::from(format!(
            "/var/tmp/hinomi-demo/opensearch-{}",
            config.ports.opensearch
        ))
    }
}
