//! The crate's errors, and how each reaches the UI.
//!
//! The engine's own refusal (a `query_string` that does not parse, an unknown index) is kept
//! apart from transport trouble: its reason is what the query bar shows, verbatim, under the
//! stable code `backend`. Everything else keeps the codes the other datasources use.

use hinomi_core::http::shown_text;
use hinomi_core::texts::user_lang::say;
use hinomi_core::{ErrorCode, HinomiError};

#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    /// The engine answered with its own error document (`error.root_cause[0]`).
    #[error("{reason}")]
    Engine {
        status: u16,
        /// e.g. `query_shard_exception`, `index_not_found_exception`.
        kind: String,
        reason: String,
        /// The deeper causes (`caused_by`), e.g. the Lucene parser's position.
        detail: Option<String>,
    },
    /// Unreachable, timed out, TLS, refused credentials: already in the shared shape.
    #[error("{0}")]
    Transport(HinomiError),
    /// Over the datasource's `max_response_mib`.
    #[error("{0} The limit is the datasource's max_response_mib.")]
    TooLarge(hinomi_core::http::TooLarge),
    #[error("{url} answered {status}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("{url} sent an answer that could not be read")]
    Decode { url: String, cause: String },
    #[error("This result set is closed or expired; run the search again.")]
    UnknownResult(String),
    #[error("The search's point in time expired on the server; run the search again.")]
    PitExpired,
    #[error("Export cancelled.")]
    Cancelled,
    /// A file could not be read or written; `path` is empty for [`FileAction::WriteExport`].
    #[error("{}: {source}", .action.english(.path))]
    Io {
        action: FileAction,
        path: String,
        source: std::io::Error,
    },
    #[error("Choose at least one column for CSV.")]
    NoCsvColumns,
    #[error("{0} is not a hit id")]
    NotAHitId(String),
    /// "Same request" context for a line without the request-id field.
    #[error("This line has no {0}.")]
    NoRequestField(String),
    #[error("The line {id} is no longer in {index}.")]
    LineGone { id: String, index: String },
    #[error("not a live-tail cursor")]
    NotATailCursor,
    /// A parameterised saved search run without a line that has its field.
    #[error("Select a line that has {0} to use this search.")]
    NeedsField(String),
    #[error("Built-in searches cannot be changed; save a copy under another name.")]
    BuiltinSearch,
    #[error("Give the search a name.")]
    UnnamedSearch,
    #[error("The saved searches could not be encoded: {0}")]
    SavedSearchesUnencodable(String),
    /// A refusal already worded in the user's language by the crate that made it (the local
    /// log source, hinomi-core's setting checks).
    #[error("{0}")]
    InvalidInput(String),
}

/// What was being done with a file when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    Read,
    Write,
    /// Creating a file in a folder (the path is the folder).
    WriteIn,
    Create,
    Remove,
    /// Writing the export being made (no path: it is not in place yet).
    WriteExport,
}

impl FileAction {
    /// "Cannot write {path}": the English wording, as logs show it.
    pub fn english(self, path: &str) -> String {
        match self {
            Self::Read => format!("Cannot read {path}"),
            Self::Write => format!("Cannot write {path}"),
            Self::WriteIn => format!("Cannot write in {path}"),
            Self::Create => format!("Cannot create {path}"),
            Self::Remove => format!("Cannot remove {path}"),
            Self::WriteExport => "Cannot write the export".to_owned(),
        }
    }

    fn japanese(self, path: &str) -> String {
        match self {
            Self::Read => format!("{path} を読み込めません"),
            Self::Write => format!("{path} に書き込めません"),
            Self::WriteIn => format!("{path} の中にファイルを書き込めません"),
            Self::Create => format!("{path} を作成できません"),
            Self::Remove => format!("{path} を削除できません"),
            Self::WriteExport => "エクスポートを書き込めません".to_owned(),
        }
    }
}

impl LogsError {
    pub fn io(action: FileAction, path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }

    /// The message in the user's language: ours in English or Japanese, the engine's verbatim.
    fn user_message(&self) -> String {
        let ja = match self {
            Self::Engine { reason, .. } => return reason.clone(),
            Self::Transport(inner) => return inner.message.clone(),
            Self::InvalidInput(text) => return text.clone(),
            Self::TooLarge(too_large) => {
                // The core's wording of the size, in the language in force, then ours.
                let size = HinomiError::from(too_large.clone()).message;
                return say(
                    format!("{size} The limit is the datasource's max_response_mib."),
                    format!("{size} 上限はデータソースの max_response_mib で設定されています。"),
                );
            }
            Self::Status { url, status, .. } => format!("{url} が {status} を返しました"),
            Self::Decode { url, .. } => format!("{url} から読み取れない応答が返りました"),
            Self::UnknownResult(_) => {
                "この検索結果は閉じられたか、期限切れです。もう一度検索してください。".to_owned()
            }
            Self::PitExpired => "サーバー上で検索の Point in Time が期限切れになりました。\
                                 もう一度検索してください。"
                .to_owned(),
            Self::Cancelled => "エクスポートをキャンセルしました。".to_owned(),
            Self::Io {
                action,
                path,
                source,
            } => format!("{}: {source}", action.japanese(path)),
            Self::NoCsvColumns => "CSV に出力する列を 1 つ以上選んでください。".to_owned(),
            Self::NotAHitId(id) => format!("{id} はヒットの ID ではありません"),
            Self::NoRequestField(field) => format!("この行には {field} がありません。"),
            Self::LineGone { id, index } => format!("行 {id} はもう {index} にありません。"),
            Self::NotATailCursor => "ライブテールのカーソルではありません".to_owned(),
            Self::NeedsField(field) => {
                format!("この検索を使うには、{field} を含む行を選んでください。")
            }
            Self::BuiltinSearch => {
                "組み込みの検索は変更できません。別の名前でコピーを保存してください。".to_owned()
            }
            Self::UnnamedSearch => "検索に名前を付けてください。".to_owned(),
            Self::SavedSearchesUnencodable(cause) => {
                format!("保存済みの検索を書き出せませんでした: {cause}")
            }
        };
        say(self.to_string(), ja)
    }
}

impl From<HinomiError> for LogsError {
    fn from(err: HinomiError) -> Self {
        Self::Transport(err)
    }
}

impl From<LogsError> for HinomiError {
    /// The engine's texts (reason, causes, a non-JSON body) are cut to what can be shown.
    fn from(err: LogsError) -> Self {
        let shown = into_shown(err);
        HinomiError {
            message: shown_text(shown.message.as_bytes()),
            detail: shown.detail.map(|detail| shown_text(detail.as_bytes())),
            ..shown
        }
    }
}

fn into_shown(err: LogsError) -> HinomiError {
    let message = err.user_message();
    match err {
        LogsError::Engine {
            status,
            kind,
            detail,
            ..
        } => {
            let detail = match detail {
                Some(more) => format!("{kind} (HTTP {status}): {more}"),
                None => format!("{kind} (HTTP {status})"),
            };
            HinomiError::new(ErrorCode::Backend, message).with_detail(detail)
        }
        LogsError::Transport(inner) => inner,
        LogsError::TooLarge(too_large) => HinomiError {
            message,
            ..HinomiError::from(too_large)
        },
        LogsError::Status { body, .. } => {
            HinomiError::new(ErrorCode::HttpStatus, message).with_detail(body)
        }
        LogsError::Decode { cause, .. } => {
            HinomiError::new(ErrorCode::Decode, message).with_detail(cause)
        }
        LogsError::UnknownResult(id) => {
            HinomiError::new(ErrorCode::NotFound, message).with_detail(id)
        }
        LogsError::PitExpired => HinomiError::new(ErrorCode::Backend, message),
        LogsError::Cancelled => HinomiError::new(ErrorCode::Cancelled, message),
        LogsError::Io { .. } => HinomiError::new(ErrorCode::Io, message),
        LogsError::NoCsvColumns
        | LogsError::NotAHitId(_)
        | LogsError::NoRequestField(_)
        | LogsError::LineGone { .. }
        | LogsError::NotATailCursor
        | LogsError::NeedsField(_)
        | LogsError::BuiltinSearch
        | LogsError::UnnamedSearch
        | LogsError::InvalidInput(_) => HinomiError::invalid_input(message),
        LogsError::SavedSearchesUnencodable(_) => HinomiError::invalid_input(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::test_support::{assert_worded_in_both_languages, worded_in};
    use hinomi_core::texts::Lang;

    /// One of each variant Hinomi words itself.
    fn ours() -> Vec<LogsError> {
        vec![
            LogsError::TooLarge(hinomi_core::http::TooLarge {
                url: "http://es/_search".into(),
                received: 9 * 1024 * 1024,
                limit: 8 * 1024 * 1024,
            }),
            LogsError::Status {
                url: "http://es/_search".into(),
                status: 418,
                body: "teapot".into(),
            },
            LogsError::Decode {
                url: "http://es/_search".into(),
                cause: "expected value at line 1".into(),
            },
            LogsError::UnknownResult("r1".into()),
            LogsError::PitExpired,
            LogsError::Cancelled,
            LogsError::io(
                FileAction::Write,
                std::path::Path::new("/tmp/x.ndjson"),
                std::io::ErrorKind::PermissionDenied.into(),
            ),
            LogsError::io(
                FileAction::WriteExport,
                std::path::Path::new(""),
                std::io::ErrorKind::PermissionDenied.into(),
            ),
            LogsError::NoCsvColumns,
            LogsError::NotAHitId("x".into()),
            LogsError::NoRequestField("context.request_id".into()),
            LogsError::LineGone {
                id: "a".into(),
                index: "logs-1".into(),
            },
            LogsError::NotATailCursor,
            LogsError::NeedsField("context.request_id".into()),
            LogsError::BuiltinSearch,
            LogsError::UnnamedSearch,
            LogsError::SavedSearchesUnencodable("bad".into()),
        ]
    }

    #[test]
    fn every_message_of_ours_has_a_japanese_wording_with_the_same_code_and_detail() {
        let worded = assert_worded_in_both_languages(ours);
        for ((en, _), err) in worded.iter().zip(ours()) {
            assert_eq!(en.message, err.to_string(), "English is what logs show");
        }
        let ja = worded_in(Lang::Ja, LogsError::PitExpired);
        assert_eq!(
            ja.message,
            "サーバー上で検索の Point in Time が期限切れになりました。もう一度検索してください。"
        );
        let ja = worded_in(Lang::Ja, ours().remove(0));
        assert!(
            ja.message.contains("応答が大きすぎます") && ja.message.contains("max_response_mib"),
            "{}",
            ja.message
        );
    }

    #[test]
    fn the_engines_own_reason_stays_verbatim() {
        let engine = || LogsError::Engine {
            status: 400,
            kind: "query_shard_exception".into(),
            reason: "Failed to parse query [level:(ERROR]".into(),
            detail: None,
        };
        let ja = worded_in(Lang::Ja, engine());
        assert_eq!(ja.code, ErrorCode::Backend);
        assert_eq!(ja.message, "Failed to parse query [level:(ERROR]");
    }
}
