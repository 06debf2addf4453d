//! What can go wrong with incidents, and how each case reaches the UI.

use crate::model::lifecycle::TransitionRefused;
use crate::rule_file::RuleFileProblem;
use hinomi_core::{ErrorCode, HinomiError};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum IncidentError {
    #[error("Cannot open the incident store at {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "The incident store has schema version {found}, newer than this Hinomi understands \
         ({supported}); update Hinomi."
    )]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("Upgrading the incident store to schema version {version} failed: {source}")]
    Migration {
        version: u32,
        source: rusqlite::Error,
    },
    #[error("{what} {id} does not exist.")]
    NotFound { what: &'static str, id: String },
    #[error(transparent)]
    Transition(#[from] TransitionRefused),
    #[error("{0}")]
    InvalidInput(String),
    #[error("Monitoring improvement {}: the proposed rule file is not valid: {problem}", index + 1)]
    InvalidRuleFile {
        index: usize,
        problem: RuleFileProblem,
    },
    #[error("Incident store error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("Stored {what} could not be read back: {source}")]
    Corrupt {
        what: String,
        source: serde_json::Error,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("This is not a Hinomi incident export: {0}")]
    Bundle(String),
    /// A file write that already carries its user-facing message (e.g. "The disk is full").
    #[error("{}", .0.message)]
    Write(HinomiError),
}

pub type Result<T, E = IncidentError> = std::result::Result<T, E>;

impl IncidentError {
    pub(crate) fn not_found(what: &'static str, id: &str) -> Self {
        Self::NotFound {
            what,
            id: id.to_string(),
        }
    }

    pub(crate) fn corrupt(what: impl Into<String>) -> impl FnOnce(serde_json::Error) -> Self {
        let what = what.into();
        move |source| Self::Corrupt { what, source }
    }
}

impl From<IncidentError> for HinomiError {
    fn from(err: IncidentError) -> Self {
        let message = err.to_string();
        match err {
            IncidentError::Write(err) => err,
            IncidentError::Open { path, .. } | IncidentError::Io { path, .. } => {
                HinomiError::new(ErrorCode::Io, message).with_detail(path.display().to_string())
            }
            IncidentError::SchemaTooNew { .. } => {
                HinomiError::new(ErrorCode::InvalidConfig, message)
            }
            IncidentError::Migration { .. } | IncidentError::Corrupt { .. } => {
                HinomiError::new(ErrorCode::Internal, message)
            }
            IncidentError::Database(source)
                if source.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) =>
            {
                HinomiError::new(
                    ErrorCode::Io,
                    "The disk is full: the incident store cannot save. Free some space and try \
                     again; nothing already saved was changed.",
                )
                .with_detail(message)
            }
            IncidentError::Database(source) => {
                let code = match source.sqlite_error_code() {
                    Some(
                        rusqlite::ErrorCode::DiskFull
                        | rusqlite::ErrorCode::ReadOnly
                        | rusqlite::ErrorCode::CannotOpen
                        | rusqlite::ErrorCode::SystemIoFailure
                        | rusqlite::ErrorCode::DatabaseBusy
                        | rusqlite::ErrorCode::DatabaseLocked,
                    ) => ErrorCode::Io,
                    _ => ErrorCode::Internal,
                };
                HinomiError::new(code, message)
            }
            IncidentError::NotFound { .. } => HinomiError::new(ErrorCode::NotFound, message),
            IncidentError::Transition(refused) => {
                let allowed: Vec<&str> = refused.allowed.iter().map(|s| s.as_str()).collect();
                HinomiError::invalid_input(message).with_detail(format!(
                    "from={} to={} allowed={}",
                    refused.from,
                    refused.to,
                    allowed.join(",")
                ))
            }
            IncidentError::InvalidRuleFile { problem, .. } => {
                let mut err = HinomiError::invalid_input(message);
                if let Some(field) = problem.field {
                    err = err.with_detail(field);
                }
                err
            }
            IncidentError::InvalidInput(_) => HinomiError::invalid_input(message),
            IncidentError::Bundle(_) => HinomiError::new(ErrorCode::Decode, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lifecycle::{Status, check_transition};

    #[test]
    fn refused_transitions_become_invalid_input_with_the_states() {
        let refused = check_transition("INC-1", Status::Assessed, Status::Closed).unwrap_err();
        let err = HinomiError::from(IncidentError::from(refused));
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(
            err.message.contains("from assessed to closed"),
            "{}",
            err.message
        );
        assert_eq!(
            err.detail.as_deref(),
            Some("from=assessed to=closed allowed=assigned")
        );
    }
}
