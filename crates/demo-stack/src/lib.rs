//! The real demo monitoring stack, supervised.
//!
//! Hinomi is a console for a Prometheus/Alertmanager setup (see the monitoring spec). To demo it
//! and to test the other crates against real servers, this crate renders that setup's
//! configuration for loopback ports, runs its components — the demo API, Prometheus,
//! Alertmanager, node-exporter, and the demo API's PostgreSQL (a primary and a streaming
//! replica) with a postgres-exporter for each — as child processes, waits until every one is healthy and
//! scraped, and makes sure none of them outlives the supervisor. A small control server lets the
//! `hinomi-demo` command (and tests) stop and start components and see the notifications that
//! Alertmanager sends.
//!
//! The log view needs real search servers too: [`SearchServer`] runs a single-node OpenSearch or
//! Elasticsearch for tests and the demo, and [`LogShipper`] ships the demo API's JSON logs into
//! it as the spec's Filebeat would.

pub mod backfill;
mod component;
mod config;
mod control;
mod control_auth;
mod control_client;
mod duration;
mod error;
mod launcher;
mod log_search;
mod logs;
mod port_lease;
mod ports;
mod postgres;
mod readiness;
mod runaway;
mod search;
mod shipper;
mod stack;
mod status;
mod supervisor;
pub mod templates;
mod webhook;

pub use component::Component;
pub use config::{DEMO_API_BIN_ENV, Programs, RouteTiming, StackConfig, locate_demo_api_bin};
pub use control_client::ControlClient;
pub use error::StackError;
pub use port_lease::{free_port, lease_free_ports};
pub use ports::Ports;
pub use postgres::{MAX_CONNECTIONS as POSTGRES_MAX_CONNECTIONS, connection_url as postgres_url};
pub use readiness::{TargetHealth, scrape_targets};
pub use runaway::{RUNAWAY_GIVE_UP_BYTES, RunawayServer};
pub use search::{
    SEARCH_SERVERS_DIR_ENV, SearchEngine, SearchServer, SearchServerOptions,
    search_server_available, search_servers_dirs,
};
pub use shipper::{
    INDEX_TEMPLATE, INDEX_TEMPLATE_NAME, LogShipper, daily_index, install_index_template,
    log_shipper_available,
};
pub use stack::DemoStack;
pub use status::{ComponentStatus, LogSearchStatus, ProcessStatus, StackStatus};
pub use webhook::ReceivedWebhook;
