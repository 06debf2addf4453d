//! The crate's errors, and how each reaches the UI.
//!
//! Reading the store and writing the file are worded by the crates that do them (the incident
//! store, `hinomi_core::atomic_file`: "The disk is full…"); what this crate says itself is worded
//! here, in the user's language. OS error texts and paths stay verbatim.

use hinomi_core::texts::user_lang::say;
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_incidents::error::IncidentError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The incident, its timeline, evidence or postmortem could not be read.
    #[error(transparent)]
    Store(#[from] IncidentError),
    /// Writing the file failed (a full disk, a read-only folder): already in the shared shape.
    #[error(transparent)]
    Write(#[from] HinomiError),
    #[error("no folder to export the report into")]
    NoFolder,
    #[error("cannot create the report folder {}: {source}", path.display())]
    CreateFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The font compiled into the binary does not parse; only possible through a bug.
    #[error("the report font built into Hinomi cannot be read")]
    Font,
    /// The PDF library refused the document; only possible through a bug.
    #[error("the PDF could not be written: {cause}")]
    Pdf { cause: String },
}

impl From<ReportError> for HinomiError {
    fn from(err: ReportError) -> Self {
        match err {
            ReportError::Store(inner) => inner.into(),
            ReportError::Write(inner) => inner,
            ReportError::NoFolder => HinomiError::new(
                ErrorCode::InvalidInput,
                say(
                    "Choose a folder to export the report into.",
                    "レポートのエクスポート先フォルダーを選択してください。",
                ),
            ),
            ReportError::CreateFolder { path, source } => {
                let path = path.display().to_string();
                HinomiError::new(
                    ErrorCode::Io,
                    say(
                        format!("Cannot write the report to {path}: {source}"),
                        format!("レポートを {path} に書き込めません: {source}"),
                    ),
                )
                .with_detail(path)
            }
            ReportError::Font => HinomiError::new(
                ErrorCode::Internal,
                say(
                    "The report font built into Hinomi cannot be read.",
                    "Hinomi に組み込まれたレポート用フォントを読み込めません。",
                ),
            ),
            ReportError::Pdf { cause } => HinomiError::new(
                ErrorCode::Internal,
                say("Cannot write the PDF.", "PDF を書き出せません。"),
            )
            .with_detail(cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::test_support::{assert_worded_in_both_languages, worded_in as in_lang};
    use hinomi_core::texts::Lang;

    /// Every variant this crate words itself.
    fn own_variants() -> Vec<ReportError> {
        vec![
            ReportError::NoFolder,
            ReportError::CreateFolder {
                path: "/mnt/usb/reports".into(),
                source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
            },
            ReportError::Font,
            ReportError::Pdf {
                cause: "bad page size".into(),
            },
        ]
    }

    #[test]
    fn every_message_this_crate_words_has_its_own_japanese_with_the_same_code_and_detail() {
        assert_worded_in_both_languages(own_variants);
        let ja = in_lang(
            Lang::Ja,
            ReportError::CreateFolder {
                path: "/mnt/usb/reports".into(),
                source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
            },
        );
        assert_eq!(ja.code, ErrorCode::Io);
        assert_eq!(
            ja.message,
            "レポートを /mnt/usb/reports に書き込めません: permission denied"
        );
        assert_eq!(ja.detail.as_deref(), Some("/mnt/usb/reports"));
    }

    #[test]
    fn write_errors_worded_elsewhere_pass_through_unchanged() {
        let full = HinomiError::new(ErrorCode::Io, "The disk is full.");
        assert_eq!(in_lang(Lang::Ja, ReportError::Write(full.clone())), full);
    }
}
