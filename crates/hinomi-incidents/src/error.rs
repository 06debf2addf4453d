//! Over 400 lines: every error of the crate with both wordings side by side; a third is tests.
//! What can go wrong with incidents, and how each case reaches the UI.

use crate::bundle::{BUNDLE_FORMAT, BUNDLE_VERSION};
use crate::model::evidence::EvidenceProblem;
use crate::model::lifecycle::TransitionRefused;
use crate::rule_file::RuleFileProblem;
use hinomi_core::texts::user_lang::say;
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
    NotFound { what: Missing, id: String },
    #[error(transparent)]
    Transition(#[from] TransitionRefused),
    #[error("{0}")]
    InvalidInput(#[from] Invalid),
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
    Bundle(BundleProblem),
    /// A file write that already carries its user-facing message (e.g. "The disk is full").
    #[error("{}", .0.message)]
    Write(HinomiError),
}

/// What was looked for and is not there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Incident,
    Evidence,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Incident => "Incident",
            Self::Evidence => "Evidence",
        })
    }
}

/// Input refused before anything is written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Invalid {
    #[error("An assignee needs a name.")]
    AssigneeWithoutName,
    #[error("An incident needs a title.")]
    Untitled,
    #[error("The note is empty.")]
    EmptyNote,
    #[error("The alert group has no alerts to open an incident for.")]
    EmptyAlertGroup,
    /// 1-based.
    #[error("Action item {0} has no description.")]
    ActionItemWithoutDescription(usize),
    #[error("{0:?} is not a timeline cursor this store handed out")]
    TimelineCursor(String),
    #[error("{} already exists; choose a new file for the backup.", .0.display())]
    BackupExists(PathBuf),
    #[error("{} is not a UTF-8 path SQLite can write to.", .0.display())]
    NonUtf8Path(PathBuf),
    #[error(transparent)]
    Evidence(#[from] EvidenceProblem),
}

/// Why a file is not an incident export this Hinomi can import.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleProblem {
    /// serde_json's reason.
    #[error("not JSON ({0})")]
    NotJson(String),
    #[error("expected \"format\": \"{BUNDLE_FORMAT}\"")]
    WrongFormat,
    #[error("version {0:?} is newer than this Hinomi reads ({BUNDLE_VERSION}); update Hinomi")]
    TooNew(Option<u32>),
    /// serde_json's reason for a file of the right format and version.
    #[error("{0}")]
    Unreadable(String),
    #[error("incident {0} has no uid or title")]
    NoUidOrTitle(String),
    #[error(
        "incident {incident}: timeline entry {entry} refers to evidence {evidence} that the file \
         does not contain"
    )]
    MissingEvidence {
        incident: String,
        entry: String,
        evidence: String,
    },
}

pub type Result<T, E = IncidentError> = std::result::Result<T, E>;

impl IncidentError {
    pub(crate) fn not_found(what: Missing, id: &str) -> Self {
        Self::NotFound {
            what,
            id: id.to_string(),
        }
    }

    pub(crate) fn corrupt(what: impl Into<String>) -> impl FnOnce(serde_json::Error) -> Self {
        let what = what.into();
        move |source| Self::Corrupt { what, source }
    }

    /// The message in Japanese; the English one is the `Display` text.
    fn japanese(&self) -> String {
        match self {
            Self::Open { path, source } => format!(
                "{} のインシデントストアを開けません: {source}",
                path.display()
            ),
            Self::SchemaTooNew { found, supported } => format!(
                "インシデントストアのスキーマバージョン {found} は、この Hinomi が扱えるバージョン\
                 （{supported}）より新しいです。Hinomi を更新してください。"
            ),
            Self::Migration { version, source } => format!(
                "インシデントストアをスキーマバージョン {version} に更新できませんでした: {source}"
            ),
            Self::NotFound { what, id } => {
                let what = match what {
                    Missing::Incident => "インシデント",
                    Missing::Evidence => "エビデンス",
                };
                format!("{what} {id} は存在しません。")
            }
            Self::Transition(refused) => {
                let next = if refused.allowed.is_empty() {
                    format!("{} は最終ステータスです。", refused.from)
                } else {
                    let names: Vec<&str> = refused.allowed.iter().map(|s| s.as_str()).collect();
                    format!("次に変更できるのは {} です。", names.join(", "))
                };
                format!(
                    "{} は {} から {} に変更できません。{next}",
                    refused.incident_id, refused.from, refused.to
                )
            }
            Self::InvalidInput(invalid) => invalid.japanese(),
            Self::InvalidRuleFile { index, problem } => {
                let mut place = String::new();
                if let Some(line) = problem.line {
                    place.push_str(&format!("{line} 行目"));
                    if let Some(column) = problem.column {
                        place.push_str(&format!(" {column} 列目"));
                    }
                    place.push_str(": ");
                }
                if let Some(field) = &problem.field {
                    place.push_str(&format!("{field}: "));
                }
                format!(
                    "監視の改善 {}: 提案されたルールファイルが正しくありません: {place}{}",
                    index + 1,
                    problem.message
                )
            }
            Self::Database(source) => format!("インシデントストアのエラー: {source}"),
            Self::Corrupt { what, source } => {
                format!("保存されたデータ（{what}）を読み戻せませんでした: {source}")
            }
            Self::Io { path, source } => format!("{} を読み込めません: {source}", path.display()),
            Self::Bundle(problem) => format!(
                "Hinomi のインシデントのエクスポートファイルではありません: {}",
                problem.japanese()
            ),
            Self::Write(err) => err.message.clone(),
        }
    }
}

impl Invalid {
    fn japanese(&self) -> String {
        match self {
            Self::AssigneeWithoutName => "担当者には名前が必要です。".to_owned(),
            Self::Untitled => "インシデントにはタイトルが必要です。".to_owned(),
            Self::EmptyNote => "メモが空です。".to_owned(),
            Self::EmptyAlertGroup => {
                "このアラートグループには、インシデントを作成する対象のアラートがありません。"
                    .to_owned()
            }
            Self::ActionItemWithoutDescription(n) => {
                format!("アクションアイテム {n} に実施することが書かれていません。")
            }
            Self::TimelineCursor(cursor) => {
                format!("{cursor:?} は、このストアが発行したタイムラインのカーソルではありません")
            }
            Self::BackupExists(path) => format!(
                "{} はすでに存在します。バックアップには新しいファイルを選んでください。",
                path.display()
            ),
            Self::NonUtf8Path(path) => format!(
                "{} は SQLite が書き込める UTF-8 のパスではありません。",
                path.display()
            ),
            Self::Evidence(EvidenceProblem::MismatchedSeries {
                title,
                index,
                timestamps,
                values,
            }) => format!(
                "メトリクスのスナップショット {title:?}: 系列 {index} のタイムスタンプ {timestamps} 個に対して値が {values} 個です"
            ),
            Self::Evidence(EvidenceProblem::UnlabelledAlert) => {
                "アラートのスナップショットにラベルがありません".to_owned()
            }
        }
    }
}

impl BundleProblem {
    fn japanese(&self) -> String {
        match self {
            Self::NotJson(err) => format!("JSON ではありません（{err}）"),
            Self::WrongFormat => format!("\"format\": \"{BUNDLE_FORMAT}\" がありません"),
            Self::TooNew(version) => format!(
                "バージョン {version:?} は、この Hinomi が読めるバージョン（{BUNDLE_VERSION}）より\
                 新しいです。Hinomi を更新してください"
            ),
            Self::Unreadable(err) => err.clone(),
            Self::NoUidOrTitle(id) => format!("インシデント {id} に uid かタイトルがありません"),
            Self::MissingEvidence {
                incident,
                entry,
                evidence,
            } => format!(
                "インシデント {incident}: タイムラインの項目 {entry} が、ファイルに含まれないエビデンス {evidence} を参照しています"
            ),
        }
    }
}

impl From<IncidentError> for HinomiError {
    fn from(err: IncidentError) -> Self {
        let message = say(err.to_string(), err.japanese());
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
                    say(
                        "The disk is full: the incident store cannot save. Free some space and \
                         try again; nothing already saved was changed.",
                        "ディスクがいっぱいのため、インシデントストアに保存できません。空き容量を\
                         増やしてから、もう一度お試しください。保存済みの内容は変更されていません。",
                    ),
                )
                // The store's own error, as logs show it.
                .with_detail(IncidentError::Database(source).to_string())
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

    /// One of each variant, for the language checks.
    fn every_kind() -> Vec<IncidentError> {
        let json_error = || serde_json::from_str::<u8>("x").unwrap_err();
        let mut all = vec![
            IncidentError::Open {
                path: "/data/incidents.sqlite".into(),
                source: rusqlite::Error::QueryReturnedNoRows,
            },
            IncidentError::SchemaTooNew {
                found: 9,
                supported: 4,
            },
            IncidentError::Migration {
                version: 3,
                source: rusqlite::Error::QueryReturnedNoRows,
            },
            IncidentError::not_found(Missing::Incident, "INC-1"),
            IncidentError::not_found(Missing::Evidence, "EV-1"),
            check_transition("INC-1", Status::Assessed, Status::Closed)
                .unwrap_err()
                .into(),
            check_transition("INC-1", Status::Closed, Status::Detected)
                .unwrap_err()
                .into(),
            IncidentError::InvalidRuleFile {
                index: 0,
                problem: RuleFileProblem {
                    line: Some(3),
                    column: Some(5),
                    field: Some("groups[0].rules[0].expr".into()),
                    message: "bad expr".into(),
                },
            },
            IncidentError::Database(rusqlite::Error::QueryReturnedNoRows),
            // SQLITE_FULL: the disk is full.
            IncidentError::Database(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(13),
                None,
            )),
            IncidentError::Corrupt {
                what: "incident export".into(),
                source: json_error(),
            },
            IncidentError::Io {
                path: "/tmp/x.json".into(),
                source: std::io::ErrorKind::NotFound.into(),
            },
        ];
        all.extend(
            [
                Invalid::AssigneeWithoutName,
                Invalid::Untitled,
                Invalid::EmptyNote,
                Invalid::EmptyAlertGroup,
                Invalid::ActionItemWithoutDescription(2),
                Invalid::TimelineCursor("junk".into()),
                Invalid::BackupExists("/tmp/b.sqlite".into()),
                Invalid::NonUtf8Path("/tmp".into()),
                Invalid::Evidence(EvidenceProblem::UnlabelledAlert),
                Invalid::Evidence(EvidenceProblem::MismatchedSeries {
                    title: "errors".into(),
                    index: 0,
                    timestamps: 2,
                    values: 1,
                }),
            ]
            .map(IncidentError::from),
        );
        all.extend(
            [
                BundleProblem::NotJson("expected value".into()),
                BundleProblem::WrongFormat,
                BundleProblem::TooNew(Some(7)),
                BundleProblem::Unreadable("missing field `incidents`".into()),
                BundleProblem::NoUidOrTitle("INC-1".into()),
                BundleProblem::MissingEvidence {
                    incident: "INC-1".into(),
                    entry: "5".into(),
                    evidence: "EV-9".into(),
                },
            ]
            .map(IncidentError::Bundle),
        );
        all
    }

    #[test]
    fn every_message_has_a_japanese_wording_with_the_same_code_and_detail() {
        let worded = hinomi_core::test_support::assert_worded_in_both_languages(every_kind);
        for ((en, _), err) in worded.iter().zip(every_kind()) {
            // English is what logs show: the message, or for a full disk the detail.
            let logged = err.to_string();
            assert!(
                en.message == logged || en.detail.as_deref() == Some(logged.as_str()),
                "{en:?}"
            );
        }
    }

    #[test]
    fn a_refused_transition_is_worded_in_japanese_with_the_same_detail() {
        use hinomi_core::texts::{Lang, user_lang::with};
        let refused = || {
            HinomiError::from(IncidentError::from(
                check_transition("INC-1", Status::Assessed, Status::Closed).unwrap_err(),
            ))
        };
        let ja = with(Lang::Ja, refused);
        assert_eq!(ja.code, ErrorCode::InvalidInput);
        assert_eq!(
            ja.message,
            "INC-1 は assessed から closed に変更できません。次に変更できるのは assigned です。"
        );
        assert_eq!(
            ja.detail.as_deref(),
            Some("from=assessed to=closed allowed=assigned")
        );
    }
}
