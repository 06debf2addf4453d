//! What the supervisor tells the outside world about a running stack.
//!
//! The same shape is served at `GET /status` and written to `stack.json`, so a script or the
//! app can find the stack either way.

use crate::component::Component;
use crate::error::StackError;
use crate::ports::Ports;
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentStatus {
    pub name: Component,
    pub url: String,
    /// The process id while one is running (or has died and not been restarted).
    pub pid: Option<u32>,
    pub running: bool,
    pub log_file: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackStatus {
    pub supervisor_pid: u32,
    pub control_url: String,
    /// The token the control server wants (`Authorization: Bearer`). In `stack.json` only:
    /// `GET /status` leaves it empty.
    #[serde(default)]
    pub control_token: String,
    pub state_dir: PathBuf,
    pub ports: Ports,
    pub components: Vec<ComponentStatus>,
    /// OpenSearch and the log shipper; `None` when the stack was not asked to run them.
    #[serde(default)]
    pub log_search: Option<LogSearchStatus>,
}

/// The log-search part of a stack: OpenSearch and the shipper feeding it, or why they are not
/// running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogSearchStatus {
    /// Why they did not start (Java or the distribution missing, a failed start); `None` when
    /// they did.
    pub missing: Option<String>,
    /// `opensearch` and `log-shipper`, when they started.
    pub processes: Vec<ProcessStatus>,
}

/// A supervised process that is not one of the four [`Component`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessStatus {
    pub name: String,
    /// Where it serves, if it serves anything.
    pub url: Option<String>,
    pub pid: Option<u32>,
    pub running: bool,
    pub log_file: PathBuf,
}

impl StackStatus {
    pub fn component(&self, component: Component) -> Option<&ComponentStatus> {
        self.components
            .iter()
            .find(|status| status.name == component)
    }

    /// Writes the file whole or not at all (via a rename), so readers never see half of it.
    pub fn write_to(&self, path: &Path) -> Result<(), StackError> {
        let json = serde_json::to_vec_pretty(self).map_err(|source| {
            StackError::io(format!("serialising {}", path.display()), source.into())
        })?;
        let partial = path.with_extension("json.partial");
        fs::write(&partial, json)
            .and_then(|()| fs::rename(&partial, path))
            .map_err(|source| StackError::io(format!("writing {}", path.display()), source))
    }

    pub fn read_from(path: &Path) -> Result<Self, StackError> {
        let bytes = fs::read(path)
            .map_err(|source| StackError::io(format!("reading {}", path.display()), source))?;
        serde_json::from_slice(&bytes)
            .map_err(|source| StackError::io(format!("parsing {}", path.display()), source.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_file_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stack.json");
        let status = StackStatus {
            supervisor_pid: 42,
            control_url: "http://127.0.0.1:19099".to_owned(),
            control_token: "secret".to_owned(),
            state_dir: dir.path().to_path_buf(),
            ports: Ports::demo_defaults(),
            components: vec![ComponentStatus {
                name: Component::NodeExporter,
                url: "http://127.0.0.1:19100".to_owned(),
                pid: Some(7),
                running: true,
                log_file: dir.path().join("logs/node-exporter.log"),
            }],
            log_search: Some(LogSearchStatus {
                missing: None,
                processes: vec![ProcessStatus {
                    name: "opensearch".to_owned(),
                    url: Some("http://127.0.0.1:19200".to_owned()),
                    pid: Some(8),
                    running: true,
                    log_file: dir.path().join("data/opensearch/console.log"),
                }],
            }),
        };
        status.write_to(&path).unwrap();
        assert_eq!(StackStatus::read_from(&path).unwrap(), status);
        let json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(json["components"][0]["name"], "node-exporter");
    }
}
