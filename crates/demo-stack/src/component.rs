//! The processes of the demo stack and how each is started and checked.
//!
//! Keeping the names, ports, health paths and command lines in one place means the supervisor,
//! the control server and the `hinomi-demo` command all agree on what "node-exporter" is.

use crate::config::StackConfig;
use crate::duration::prometheus_duration;
use crate::error::StackError;
use crate::ports::Ports;
use serde::{Deserialize, Serialize};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Component {
    DemoApi,
    Prometheus,
    Alertmanager,
    NodeExporter,
    /// The PostgreSQL primary that holds the demo API's datasets.
    Postgres,
    /// Its streaming replica.
    PostgresReplica,
    PostgresExporter,
    PostgresReplicaExporter,
}

/// How the supervisor tells that a component can do its job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Health {
    /// This path answers 2xx.
    Http(&'static str),
    /// `pg_isready` says the server accepts connections.
    PostgresAccepting,
}

/// A program and its arguments, kept apart from `Command` so they can be shown and tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommandLine {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// Set on top of the inherited environment.
    pub env: Vec<(OsString, OsString)>,
}

impl Component {
    /// Start order: the scrape targets first, Prometheus last, so that its first scrapes
    /// already find the others listening. The two database servers start alongside (see
    /// `DemoStack::start`): the replica is copied from the running primary.
    pub const ALL: [Component; 8] = [
        Component::NodeExporter,
        Component::DemoApi,
        Component::PostgresExporter,
        Component::PostgresReplicaExporter,
        Component::Alertmanager,
        Component::Prometheus,
        Component::Postgres,
        Component::PostgresReplica,
    ];

    /// The PostgreSQL servers, which need a cluster before they start.
    pub const fn is_database_server(self) -> bool {
        matches!(self, Component::Postgres | Component::PostgresReplica)
    }

    pub const fn name(self) -> &'static str {
        match self {
            Component::DemoApi => "demo-api",
            Component::Prometheus => "prometheus",
            Component::Alertmanager => "alertmanager",
            Component::NodeExporter => "node-exporter",
            Component::Postgres => "postgres",
            Component::PostgresReplica => "postgres-replica",
            Component::PostgresExporter => "postgres-exporter",
            Component::PostgresReplicaExporter => "postgres-replica-exporter",
        }
    }

    pub fn port(self, ports: &Ports) -> u16 {
        match self {
            Component::DemoApi => ports.demo_api,
            Component::Prometheus => ports.prometheus,
            Component::Alertmanager => ports.alertmanager,
            Component::NodeExporter => ports.node_exporter,
            Component::Postgres => ports.postgres,
            Component::PostgresReplica => ports.postgres_replica,
            Component::PostgresExporter => ports.postgres_exporter,
            Component::PostgresReplicaExporter => ports.postgres_replica_exporter,
        }
    }

    /// The base URL the component serves on, e.g. `http://127.0.0.1:19090`, or
    /// `postgresql://postgres@127.0.0.1:15432/postgres` for a database server.
    pub fn url(self, ports: &Ports) -> String {
        if self.is_database_server() {
            crate::postgres::connection_url(self.port(ports))
        } else {
            format!("http://127.0.0.1:{}", self.port(ports))
        }
    }

    pub(crate) const fn health(self) -> Health {
        match self {
            Component::DemoApi => Health::Http("/healthz"),
            Component::Prometheus | Component::Alertmanager => Health::Http("/-/ready"),
            // The exporters have no health endpoint; serving metrics is what they are for.
            Component::NodeExporter
            | Component::PostgresExporter
            | Component::PostgresReplicaExporter => Health::Http("/metrics"),
            Component::Postgres | Component::PostgresReplica => Health::PostgresAccepting,
        }
    }

    /// What stops the component gracefully. PostgreSQL's SIGTERM is a "smart" shutdown that
    /// waits for every client to go (the demo API's pool never does); SIGINT is its "fast"
    /// one, which ends the sessions and shuts down cleanly.
    pub(crate) const fn stop_signal(self) -> nix::sys::signal::Signal {
        if self.is_database_server() {
            nix::sys::signal::Signal::SIGINT
        } else {
            nix::sys::signal::Signal::SIGTERM
        }
    }

    /// The Prometheus job (in `prometheus.yml`) that scrapes this component, if any.
    pub const fn scrape_job(self) -> Option<&'static str> {
        match self {
            Component::DemoApi => Some("dataset-management-api"),
            Component::Prometheus => Some("prometheus"),
            Component::NodeExporter => Some("node-exporter"),
            // The seed's job name, with one target per server.
            Component::PostgresExporter | Component::PostgresReplicaExporter => {
                Some("postgres-exporter")
            }
            Component::Alertmanager | Component::Postgres | Component::PostgresReplica => None,
        }
    }

    pub(crate) fn command_line(self, config: &StackConfig) -> CommandLine {
        let listen = format!("127.0.0.1:{}", self.port(&config.ports));
        match self {
            Component::DemoApi => CommandLine {
                program: config.demo_api_bin.clone(),
                args: vec![
                    "serve".into(),
                    "--listen".into(),
                    listen.into(),
                    "--log-dir".into(),
                    config.demo_api_log_dir().into(),
                    "--database-url".into(),
                    crate::postgres::connection_url(config.ports.postgres).into(),
                    "--replica-url".into(),
                    crate::postgres::connection_url(config.ports.postgres_replica).into(),
                ],
                env: Vec::new(),
            },
            Component::Postgres | Component::PostgresReplica => {
                crate::postgres::server_command_line(config, self)
            }
            Component::PostgresExporter | Component::PostgresReplicaExporter => {
                crate::postgres::exporter_command_line(config, self)
            }
            Component::Prometheus => CommandLine {
                program: config.programs.prometheus.clone(),
                args: vec![
                    flag("--config.file", config.config_dir().join("prometheus.yml")),
                    flag("--storage.tsdb.path", config.data_dir(self)),
                    flag("--web.listen-address", listen),
                    "--web.enable-lifecycle".into(),
                    "--storage.tsdb.retention.time=15d".into(),
                    flag(
                        "--rules.alert.resend-delay",
                        prometheus_duration(config.alert_resend_delay),
                    ),
                ],
                env: Vec::new(),
            },
            Component::Alertmanager => CommandLine {
                program: config.programs.alertmanager.clone(),
                args: vec![
                    flag(
                        "--config.file",
                        config.config_dir().join("alertmanager.yml"),
                    ),
                    flag("--storage.path", config.data_dir(self)),
                    flag("--web.listen-address", listen),
                    // An empty address turns off clustering: no gossip port to collide with,
                    // and no waiting for peers before the first notification.
                    "--cluster.listen-address=".into(),
                ],
                env: Vec::new(),
            },
            Component::NodeExporter => CommandLine {
                program: config.programs.node_exporter.clone(),
                args: vec![
                    flag("--web.listen-address", listen),
                    // Debian builds it in; without systemd's D-Bus socket (containers, CI)
                    // it logs an error on every scrape.
                    "--no-collector.systemd".into(),
                ],
                env: Vec::new(),
            },
        }
    }
}

fn flag(name: &str, value: impl AsRef<OsStr>) -> OsString {
    let mut flag = OsString::from(name);
    flag.push("=");
    flag.push(value);
    flag
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl AsRef<str> for Component {
    fn as_ref(&self) -> &str {
        self.name()
    }
}

impl FromStr for Component {
    type Err = StackError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Component::ALL
            .into_iter()
            .find(|component| component.name() == name)
            .ok_or_else(|| StackError::UnknownComponent(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn names_round_trip() {
        for component in Component::ALL {
            assert_eq!(component.name().parse::<Component>().unwrap(), component);
            assert_eq!(
                serde_json::to_value(component).unwrap(),
                serde_json::json!(component.name())
            );
        }
        // postgres-exporter became a component with the demo's database.
        assert!(matches!(
            "grafana".parse::<Component>(),
            Err(StackError::UnknownComponent(name)) if name == "grafana"
        ));
    }

    #[test]
    fn every_component_binds_loopback_only() {
        let config = StackConfig::new("/state", Ports::demo_defaults());
        for component in Component::ALL {
            let line = component.command_line(&config);
            let args: Vec<String> = line
                .args
                .iter()
                .map(|arg| arg.to_string_lossy().into_owned())
                .collect();
            let port = component.port(&config.ports).to_string();
            let binds_loopback = if component.is_database_server() {
                args.iter().any(|arg| arg == "listen_addresses=127.0.0.1")
                    && args.iter().any(|arg| *arg == format!("port={port}"))
            } else {
                args.iter()
                    .any(|arg| arg.contains(&format!("127.0.0.1:{port}")))
            };
            assert!(binds_loopback, "{component}: {args:?}");
            assert!(
                !args.iter().any(|arg| arg.contains("0.0.0.0")),
                "{component}: {args:?}"
            );
        }
    }

    #[test]
    fn prometheus_keeps_its_data_under_the_state_dir() {
        let config = StackConfig::new("/state", Ports::demo_defaults());
        let line = Component::Prometheus.command_line(&config);
        assert_eq!(line.program, Path::new("prometheus"));
        assert_eq!(
            line.args,
            [
                "--config.file=/state/config/prometheus.yml",
                "--storage.tsdb.path=/state/data/prometheus",
                "--web.listen-address=127.0.0.1:19090",
                "--web.enable-lifecycle",
                "--storage.tsdb.retention.time=15d",
                "--rules.alert.resend-delay=1m",
            ]
        );
    }

    #[test]
    fn demo_api_logs_under_the_state_dir() {
        let config = StackConfig::new("/state", Ports::demo_defaults());
        let line = Component::DemoApi.command_line(&config);
        assert_eq!(
            line.args,
            [
                "serve",
                "--listen",
                "127.0.0.1:18000",
                "--log-dir",
                "/state/logs/demo-api",
                "--database-url",
                "postgresql://postgres@127.0.0.1:15432/postgres",
                "--replica-url",
                "postgresql://postgres@127.0.0.1:15433/postgres",
            ]
        );
    }
}
