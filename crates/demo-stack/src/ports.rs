//! Where each demo component listens.
//!
//! The demo's ports sit next to the well-known ones (9090 → 19090, ...) because on a real Debian
//! machine the packages' own services may already own 9090, 9093, 9100 (and 9200, 5432, 9187). Tests ask for free
//! ports instead, leased so that several stacks can start side by side.

use crate::port_lease::lease_free_ports;
use serde::{Deserialize, Serialize};
use std::io;

/// The loopback ports of the stack's components, of the supervisor's control server and of the
/// log-search OpenSearch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ports {
    pub demo_api: u16,
    pub prometheus: u16,
    pub alertmanager: u16,
    pub node_exporter: u16,
    /// The supervisor's own HTTP server: status, stop/start, and the Alertmanager webhook.
    pub control: u16,
    /// OpenSearch's HTTP port, when the stack runs log search (9200 → 19200). Missing in a
    /// `stack.json` written before there was log search.
    #[serde(default = "default_opensearch_port")]
    pub opensearch: u16,
    /// The PostgreSQL primary and its streaming replica (5432 → 15432, 15433). Missing in a
    /// `stack.json` written before the demo had a database, like the two below.
    #[serde(default = "default_postgres_port")]
    pub postgres: u16,
    #[serde(default = "default_postgres_replica_port")]
    pub postgres_replica: u16,
    /// One postgres-exporter per server (9187 → 19187, 19188), so each is its own `instance`.
    #[serde(default = "default_postgres_exporter_port")]
    pub postgres_exporter: u16,
    #[serde(default = "default_postgres_replica_exporter_port")]
    pub postgres_replica_exporter: u16,
}

const fn default_opensearch_port() -> u16 {
    19200
}

const fn default_postgres_port() -> u16 {
    15432
}

const fn default_postgres_replica_port() -> u16 {
    15433
}

const fn default_postgres_exporter_port() -> u16 {
    19187
}

const fn default_postgres_replica_exporter_port() -> u16 {
    19188
}

impl Ports {
    /// The fixed ports of `hinomi-demo up`, which the docs and the app's defaults refer to.
    pub const fn demo_defaults() -> Self {
        Self {
            demo_api: 18000,
            prometheus: 19090,
            alertmanager: 19093,
            node_exporter: 19100,
            control: 19099,
            opensearch: default_opensearch_port(),
            postgres: default_postgres_port(),
            postgres_replica: default_postgres_replica_port(),
            postgres_exporter: default_postgres_exporter_port(),
            postgres_replica_exporter: default_postgres_replica_exporter_port(),
        }
    }

    /// Ten distinct ports, free and leased to this stack (see [`crate::port_lease`]).
    pub fn free() -> io::Result<Self> {
        let ports = lease_free_ports(10)?;
        Ok(Self {
            demo_api: ports[0],
            prometheus: ports[1],
            alertmanager: ports[2],
            node_exporter: ports[3],
            control: ports[4],
            opensearch: ports[5],
            postgres: ports[6],
            postgres_replica: ports[7],
            postgres_exporter: ports[8],
            postgres_replica_exporter: ports[9],
        })
    }

    /// Every port, for checks that they differ.
    pub fn all(&self) -> [u16; 10] {
        [
            self.demo_api,
            self.prometheus,
            self.alertmanager,
            self.node_exporter,
            self.control,
            self.opensearch,
            self.postgres,
            self.postgres_replica,
            self.postgres_exporter,
            self.postgres_replica_exporter,
        ]
    }

    /// `http://127.0.0.1:<control>`, where `hinomi-demo status|stop|start|down` talk to.
    pub fn control_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.control)
    }
}

impl Default for Ports {
    fn default() -> Self {
        Self::demo_defaults()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::net::{Ipv4Addr, TcpListener};

    #[test]
    fn demo_defaults_avoid_the_debian_service_ports() {
        let ports = Ports::demo_defaults();
        assert_eq!(
            ports.all(),
            [
                18000, 19090, 19093, 19100, 19099, 19200, 15432, 15433, 19187, 19188
            ]
        );
        for taken in [9090, 9093, 9100, 9200, 5432, 9187] {
            assert!(!ports.all().contains(&taken));
        }
    }

    #[test]
    fn free_ports_are_distinct_and_bindable() {
        let ports = Ports::free().unwrap();
        let distinct: HashSet<u16> = ports.all().into_iter().collect();
        assert_eq!(distinct.len(), 10);
        for port in ports.all() {
            assert_ne!(port, 0);
            // Released again, so the component can take it.
            TcpListener::bind((Ipv4Addr::LOCALHOST, port)).unwrap();
        }
    }
}
