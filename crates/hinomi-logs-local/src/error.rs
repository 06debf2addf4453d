//! The crate's errors, and how each reaches the Discover view: a query the bar cannot mean is
//! an engine error (`backend`, shown at the query bar, like Elasticsearch's own parse error);
//! index and file trouble is `io`.
//!
//! They reach the UI through [`LogsError`], the error every log source shares; the conversion
//! below is where this crate words its messages in the user's language. The parser's reason and
//! tantivy's text stay as they are, like an engine's.

use hinomi_core::HinomiError;
use hinomi_core::texts::user_lang::say;
use hinomi_logs::{FileAction, LogsError};

#[derive(Debug, thiserror::Error)]
pub enum LocalLogsError {
    #[error("Cannot parse '{query}': {reason}")]
    Query { query: String, reason: String },
    #[error("The local log index at {path}: {message}")]
    Index { path: String, message: String },
    #[error("{}: {source}", .action.english(.path))]
    Io {
        action: FileAction,
        path: String,
        source: std::io::Error,
    },
    /// The datasource's time-zone setting, already worded by hinomi-core.
    #[error("{0}")]
    TimeZone(String),
    /// `name` is not a "Local files" datasource.
    #[error("\"{0}\" is not a local files datasource.")]
    NotLocal(String),
    #[error("{0} is not a local hit id")]
    NotAHitId(String),
    #[error("This line has no {0}.")]
    NoRequestField(String),
    #[error("The line {0} is no longer in the index.")]
    LineGone(String),
    /// The anchor was found but could not be loaded (the index moved on in between).
    #[error("anchor vanished")]
    AnchorVanished,
    #[error("not a live-tail cursor")]
    NotATailCursor,
    #[error("not a cursor: {0}")]
    NotACursor(String),
    #[error("The result set {0} is gone; search again.")]
    ResultGone(String),
}

impl LocalLogsError {
    pub(crate) fn index(path: &std::path::Path, err: impl std::fmt::Display) -> Self {
        Self::Index {
            path: path.display().to_string(),
            message: err.to_string(),
        }
    }

    pub(crate) fn io(action: FileAction, path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }

    /// The Japanese wording of a refusal of ours; `None` for the variants worded elsewhere.
    fn japanese(&self) -> Option<String> {
        Some(match self {
            Self::Query { query, reason } => format!("「{query}」を解析できません: {reason}"),
            Self::Index { path, message } => format!("ローカルのログ索引 {path}: {message}"),
            Self::Io { .. } | Self::TimeZone(_) => return None,
            Self::NotLocal(name) => {
                format!("「{name}」はローカルファイルのデータソースではありません。")
            }
            Self::NotAHitId(id) => format!("{id} はローカルのヒットの ID ではありません"),
            Self::NoRequestField(field) => format!("この行には {field} がありません。"),
            Self::LineGone(id) => format!("行 {id} はもう索引にありません。"),
            Self::AnchorVanished => "基準の行が索引から消えました".to_owned(),
            Self::NotATailCursor => "ライブテールのカーソルではありません".to_owned(),
            Self::NotACursor(cursor) => format!("カーソルではありません: {cursor}"),
            Self::ResultGone(id) => {
                format!("検索結果 {id} はもうありません。もう一度検索してください。")
            }
        })
    }
}

impl From<LocalLogsError> for LogsError {
    fn from(err: LocalLogsError) -> Self {
        let message = match err.japanese() {
            Some(ja) => say(err.to_string(), ja),
            None => err.to_string(),
        };
        match err {
            LocalLogsError::Query { reason, .. } => LogsError::Engine {
                status: 400,
                kind: "query_shard_exception".into(),
                reason: message,
                detail: Some(reason),
            },
            LocalLogsError::Io {
                action,
                path,
                source,
            } => LogsError::Io {
                action,
                path,
                source,
            },
            LocalLogsError::Index { .. } => LogsError::Engine {
                status: 500,
                kind: "local_index_exception".into(),
                reason: message,
                detail: None,
            },
            LocalLogsError::TimeZone(text) => LogsError::InvalidInput(text),
            LocalLogsError::NotLocal(_)
            | LocalLogsError::NotAHitId(_)
            | LocalLogsError::NoRequestField(_)
            | LocalLogsError::LineGone(_)
            | LocalLogsError::AnchorVanished
            | LocalLogsError::NotATailCursor
            | LocalLogsError::NotACursor(_)
            | LocalLogsError::ResultGone(_) => LogsError::InvalidInput(message),
        }
    }
}

impl From<LocalLogsError> for HinomiError {
    fn from(err: LocalLogsError) -> Self {
        LogsError::from(err).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::ErrorCode;
    use hinomi_core::test_support::{assert_worded_in_both_languages, worded_in};
    use hinomi_core::texts::{Lang, user_lang::with};

    /// One of each variant this crate words itself.
    fn ours() -> Vec<LocalLogsError> {
        vec![
            LocalLogsError::Query {
                query: "level:(ERROR".into(),
                reason: "unexpected end".into(),
            },
            LocalLogsError::index(std::path::Path::new("/idx"), "segment missing"),
            LocalLogsError::NotLocal("Prod".into()),
            LocalLogsError::NotAHitId("x".into()),
            LocalLogsError::NoRequestField("context.request_id".into()),
            LocalLogsError::LineGone("1:2".into()),
            LocalLogsError::AnchorVanished,
            LocalLogsError::NotATailCursor,
            LocalLogsError::NotACursor("junk".into()),
            LocalLogsError::ResultGone("r1".into()),
            LocalLogsError::io(
                FileAction::Create,
                std::path::Path::new("/idx"),
                std::io::ErrorKind::PermissionDenied.into(),
            ),
        ]
    }

    #[test]
    fn every_message_of_ours_has_a_japanese_wording_with_the_same_code_and_detail() {
        let worded = assert_worded_in_both_languages(ours);
        for ((en, _), err) in worded.iter().zip(ours()) {
            assert_eq!(en.message, err.to_string(), "English is what logs show");
        }
        let ja = worded_in(Lang::Ja, ours().remove(0));
        assert_eq!(ja.code, ErrorCode::Backend);
        assert_eq!(
            ja.message,
            "「level:(ERROR」を解析できません: unexpected end"
        );
        assert_eq!(
            ja.detail.as_deref(),
            Some("query_shard_exception (HTTP 400): unexpected end")
        );
    }

    #[test]
    fn a_bad_time_zone_keeps_the_cores_wording() {
        let mut config = crate::LocalSourceConfig::new(vec![]);
        config.time_zone = "Mars/Olympus".into();
        let bad = || HinomiError::from(config.zone().unwrap_err());
        let ja = with(Lang::Ja, bad);
        assert_eq!(ja.code, ErrorCode::InvalidInput);
        assert!(
            ja.message.contains("タイムゾーンではありません"),
            "{}",
            ja.message
        );
    }
}
