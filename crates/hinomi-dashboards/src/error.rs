//! What can go wrong with dashboards, precisely enough to tell the user which file and which
//! JSON path to fix; [`HinomiError`] is the shape it takes at the IPC boundary.

use hinomi_core::{ErrorCode, HinomiError};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// The file is not a dashboard: bad JSON, or a field of the wrong type.
    #[error("{file}: {path}: {message}")]
    Malformed {
        file: String,
        /// JSON path in the file as written, e.g. `panels[3].gridPos.w`.
        path: String,
        message: String,
    },
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no dashboard with uid {uid:?}")]
    NotFound { uid: String },
    #[error("dashboard has no panel with id {id}")]
    PanelNotFound { id: u32 },
    #[error("panel {panel_id} has no query {ref_id:?}")]
    TargetNotFound { panel_id: u32, ref_id: String },
    /// An edit that would produce something Grafana could not read back.
    #[error("{0}")]
    InvalidEdit(String),
    #[error("time {text:?} is not understood: {reason}")]
    InvalidTime { text: String, reason: String },
    #[error("variable {variable:?}: {reason}")]
    InvalidVariable { variable: String, reason: String },
    /// The Prometheus answer to a variable query was not what the request asked for.
    /// Writing JSON failed; only possible through a bug.
    #[error("cannot write dashboard JSON: {0}")]
    Encode(#[source] serde_json::Error),
    #[error("answer to the query of variable {variable:?}: {reason}")]
    UnexpectedAnswer { variable: String, reason: String },
}

pub type Result<T, E = DashboardError> = std::result::Result<T, E>;

impl DashboardError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

impl From<DashboardError> for HinomiError {
    fn from(err: DashboardError) -> Self {
        let message = err.to_string();
        match err {
            DashboardError::Malformed { file, path, .. } => {
                HinomiError::new(ErrorCode::InvalidConfig, message)
                    .with_detail(format!("{file}: {path}"))
            }
            DashboardError::Io { path, .. } => {
                HinomiError::new(ErrorCode::Io, message).with_detail(path.display().to_string())
            }
            DashboardError::NotFound { .. }
            | DashboardError::PanelNotFound { .. }
            | DashboardError::TargetNotFound { .. } => {
                HinomiError::new(ErrorCode::NotFound, message)
            }
            DashboardError::InvalidEdit(_) | DashboardError::InvalidTime { .. } => {
                HinomiError::new(ErrorCode::InvalidInput, message)
            }
            DashboardError::InvalidVariable { .. } => {
                HinomiError::new(ErrorCode::InvalidConfig, message)
            }
            DashboardError::UnexpectedAnswer { .. } => HinomiError::new(ErrorCode::Decode, message),
            DashboardError::Encode(_) => HinomiError::internal(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_becomes_invalid_config_with_file_and_path() {
        let err: HinomiError = DashboardError::Malformed {
            file: "node.json".into(),
            path: "panels[3].gridPos.w".into(),
            message: "invalid type: string \"x\", expected u32".into(),
        }
        .into();
        assert_eq!(err.code, ErrorCode::InvalidConfig);
        assert!(err.message.contains("panels[3].gridPos.w: invalid type"));
        assert_eq!(
            err.detail.as_deref(),
            Some("node.json: panels[3].gridPos.w")
        );
    }
}
