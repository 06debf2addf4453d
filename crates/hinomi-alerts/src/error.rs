//! This crate's errors, and how each becomes the UI's `{ code, message, detail? }`.

use crate::matcher::ParseError;
use crate::routing::RoutingError;
use crate::rule_file::RuleFileErrors;
use hinomi_core::{ErrorCode, HinomiError};

#[derive(Debug, thiserror::Error)]
pub enum AlertsError {
    /// A source or Alertmanager itself said no; already in the UI's shape.
    #[error(transparent)]
    Source(#[from] HinomiError),
    #[error("alert history {path}: {source}")]
    Store {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    /// Written by a newer Hinomi: left alone rather than migrated backwards or overwritten.
    #[error("alert history {path} has schema version {found}; this Hinomi knows up to {supported}")]
    SchemaTooNew {
        path: String,
        found: u32,
        supported: u32,
    },
    #[error("alert history {path} holds a row Hinomi cannot read: {message}")]
    CorruptHistory { path: String, message: String },
    /// The board's filter text.
    #[error("filter: {0}")]
    Filter(#[from] ParseError),
    #[error("Alertmanager routing: {0}")]
    Routing(#[from] RoutingError),
    #[error("{0}")]
    RuleFile(#[from] RuleFileErrors),
}

impl From<AlertsError> for HinomiError {
    fn from(err: AlertsError) -> Self {
        match err {
            AlertsError::Source(err) => err,
            AlertsError::Store { path, source } => {
                HinomiError::new(ErrorCode::Io, format!("The alert history {path} failed."))
                    .with_detail(source.to_string())
            }
            AlertsError::SchemaTooNew {
                path,
                found,
                supported,
            } => HinomiError::new(
                ErrorCode::InvalidConfig,
                format!(
                    "The alert history {path} was written by a newer Hinomi (schema {found}, this \
                     one knows up to {supported}); it is left untouched and this session keeps \
                     its history in memory. Update Hinomi to use it."
                ),
            ),
            AlertsError::CorruptHistory { path, message } => HinomiError::new(
                ErrorCode::Io,
                format!("The alert history {path} holds a row Hinomi cannot read."),
            )
            .with_detail(message),
            AlertsError::Filter(err) => HinomiError::invalid_input(err.message)
                .with_detail(format!("at character {}", err.position)),
            AlertsError::Routing(err) => {
                HinomiError::new(ErrorCode::InvalidConfig, err.to_string())
            }
            AlertsError::RuleFile(errors) => {
                HinomiError::new(ErrorCode::InvalidConfig, errors.summary())
                    .with_detail(errors.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_errors_reach_the_ui_with_their_position() {
        let err = AlertsError::Filter(ParseError {
            position: 7,
            message: "unknown state \"burning\"".into(),
        });
        let ui: HinomiError = err.into();
        assert_eq!(ui.code, ErrorCode::InvalidInput);
        assert_eq!(ui.detail.as_deref(), Some("at character 7"));
    }
}
