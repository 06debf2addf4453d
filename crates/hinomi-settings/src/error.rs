//! The crate's errors, and how each reaches the UI.
//!
//! What this crate says itself (the file cannot be read, does not parse, cannot be kept aside)
//! is worded here, in the user's language. The parser's own message, OS error texts and paths
//! stay verbatim; a failed atomic write arrives worded by `hinomi_core::atomic_file` ("The disk
//! is full…") and passes through unchanged.

use hinomi_core::settings::SETTINGS_VERSION;
use hinomi_core::texts::user_lang::say;
use hinomi_core::{ErrorCode, HinomiError};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file exists but could not be read (permissions, not UTF-8).
    #[error("cannot read the settings file {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file was read but cannot be used; the app runs on defaults.
    #[error("settings file {}: {problem}", path.display())]
    Unparseable {
        path: PathBuf,
        problem: ParseProblem,
    },
    /// The settings path is a root; only possible through a bug.
    #[error("{} has no parent directory", path.display())]
    NoFolder { path: PathBuf },
    #[error("cannot create the settings folder {}: {source}", path.display())]
    CreateFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An unusable file could not be moved aside before a save, so the save did not happen.
    #[error("cannot keep the settings file {} aside: {source}", path.display())]
    KeepAside {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// TOML could not represent the settings; only possible through a bug.
    #[error("cannot serialise settings: {cause}")]
    Serialise { cause: String },
    /// Writing the file failed (a full disk, a read-only folder): already in the shared shape.
    #[error(transparent)]
    Write(#[from] HinomiError),
    /// A problem of the `[incidents]` section, worded by `hinomi_incidents::policy`.
    #[error("{message}")]
    IncidentPolicy { message: String },
}

/// Why a settings file that was read cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseProblem {
    /// The TOML parser's message, verbatim, where it found the problem.
    #[error("line {line}, column {column}: {message}")]
    At {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{message}")]
    Unplaced { message: String },
    /// Written by a newer Hinomi: refused rather than dropping what this one does not know.
    #[error(
        "written by a newer Hinomi (settings version {found}, this one reads up to {SETTINGS_VERSION})"
    )]
    TooNew { found: u32 },
}

impl ParseProblem {
    /// Shown as the error's detail, in the user's language; the parser's text stays as it is.
    fn shown(&self) -> String {
        match self {
            ParseProblem::At {
                line,
                column,
                message,
            } => say(
                format!("line {line}, column {column}: {message}"),
                format!("{line} 行 {column} 列: {message}"),
            ),
            ParseProblem::Unplaced { message } => message.clone(),
            ParseProblem::TooNew { found } => say(
                format!(
                    "written by a newer Hinomi (settings version {found}, this one reads up to \
                     {SETTINGS_VERSION})"
                ),
                format!(
                    "新しい Hinomi で書かれています（設定バージョン {found}。この Hinomi が読めるのは \
                     {SETTINGS_VERSION} までです）"
                ),
            ),
        }
    }
}

impl From<SettingsError> for HinomiError {
    fn from(err: SettingsError) -> Self {
        match err {
            SettingsError::Unreadable { path, source } => HinomiError::new(
                ErrorCode::Io,
                say(
                    format!("Cannot read the settings file: {source}"),
                    format!("設定ファイルを読み込めません: {source}"),
                ),
            )
            .with_detail(path.display().to_string()),
            SettingsError::Unparseable { path, problem } => {
                let path = path.display();
                HinomiError::new(
                    ErrorCode::InvalidConfig,
                    say(
                        format!(
                            "The settings file {path} could not be read; running on defaults \
                             until it is fixed or saved again."
                        ),
                        format!(
                            "設定ファイル {path} を読み込めませんでした。修正するか保存し直すまで、\
                             既定の設定で動作します。"
                        ),
                    ),
                )
                .with_detail(problem.shown())
            }
            SettingsError::NoFolder { path } => HinomiError::new(
                ErrorCode::Internal,
                say(
                    "The settings file has no folder to be saved in.",
                    "設定ファイルの保存先フォルダーがありません。",
                ),
            )
            .with_detail(path.display().to_string()),
            SettingsError::CreateFolder { path, source } => HinomiError::new(
                ErrorCode::Io,
                say(
                    format!("Cannot create the settings folder: {source}"),
                    format!("設定フォルダーを作成できません: {source}"),
                ),
            )
            .with_detail(path.display().to_string()),
            SettingsError::KeepAside { path, source } => HinomiError::new(
                ErrorCode::Io,
                say(
                    format!(
                        "The settings were not saved: the unusable settings file could not be \
                         kept aside ({source})."
                    ),
                    format!(
                        "設定は保存されませんでした。使用できない設定ファイルを退避できませんでした\
                         （{source}）。"
                    ),
                ),
            )
            .with_detail(path.display().to_string()),
            SettingsError::Serialise { cause } => HinomiError::new(
                ErrorCode::Internal,
                say(
                    "The settings could not be written as TOML.",
                    "設定を TOML として書き出せませんでした。",
                ),
            )
            .with_detail(cause),
            SettingsError::Write(inner) => inner,
            SettingsError::IncidentPolicy { message } => HinomiError::invalid_input(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::test_support::{assert_worded_in_both_languages, worded_in as in_lang};
    use hinomi_core::texts::Lang;
    use hinomi_core::texts::user_lang;

    fn denied() -> std::io::Error {
        std::io::Error::from(std::io::ErrorKind::PermissionDenied)
    }

    /// Every variant this crate words itself.
    fn own_variants() -> Vec<SettingsError> {
        let path = PathBuf::from("/home/me/.config/hinomi/settings.toml");
        vec![
            SettingsError::Unreadable {
                path: path.clone(),
                source: denied(),
            },
            SettingsError::Unparseable {
                path: path.clone(),
                problem: ParseProblem::Unplaced {
                    message: "invalid table header".into(),
                },
            },
            SettingsError::NoFolder { path: path.clone() },
            SettingsError::CreateFolder {
                path: path.clone(),
                source: denied(),
            },
            SettingsError::KeepAside {
                path,
                source: denied(),
            },
            SettingsError::Serialise {
                cause: "unsupported value".into(),
            },
        ]
    }

    #[test]
    fn every_message_this_crate_words_has_its_own_japanese_with_the_same_code_and_detail() {
        assert_worded_in_both_languages(own_variants);
        let ja = in_lang(
            Lang::Ja,
            SettingsError::Unreadable {
                path: "/etc/hinomi.toml".into(),
                source: denied(),
            },
        );
        assert_eq!(ja.code, ErrorCode::Io);
        assert_eq!(
            ja.message,
            "設定ファイルを読み込めません: permission denied"
        );
        assert_eq!(ja.detail.as_deref(), Some("/etc/hinomi.toml"));
    }

    #[test]
    fn where_the_file_went_wrong_is_worded_too_but_the_parser_text_is_kept() {
        let at = ParseProblem::At {
            line: 3,
            column: 7,
            message: "expected `=`".into(),
        };
        assert_eq!(
            user_lang::with(Lang::Ja, || at.shown()),
            "3 行 7 列: expected `=`"
        );
        assert_eq!(
            user_lang::with(Lang::En, || at.shown()),
            "line 3, column 7: expected `=`"
        );
        let newer = ParseProblem::TooNew { found: 99 };
        let ja = user_lang::with(Lang::Ja, || newer.shown());
        assert!(ja.contains("新しい Hinomi") && ja.contains("99"), "{ja}");
    }

    #[test]
    fn write_errors_and_incident_policy_texts_pass_through() {
        let full = HinomiError::new(ErrorCode::Io, "The disk is full.");
        assert_eq!(in_lang(Lang::Ja, SettingsError::Write(full.clone())), full);
        let policy = in_lang(
            Lang::Ja,
            SettingsError::IncidentPolicy {
                message: "The P1 response target must be at most 30 days".into(),
            },
        );
        assert_eq!(policy.code, ErrorCode::InvalidInput);
        assert_eq!(
            policy.message,
            "The P1 response target must be at most 30 days"
        );
    }
}
