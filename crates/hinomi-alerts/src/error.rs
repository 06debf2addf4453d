//! This crate's errors, and how each becomes the UI's `{ code, message, detail? }`.

use crate::matcher::ParseError;
use crate::routing::RoutingError;
use crate::rule_file::RuleFileErrors;
use hinomi_core::texts::user_lang::say;
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
    /// Opened for reading before the poller brought its schema up to date.
    #[error("alert history {path} is not migrated yet")]
    HistoryNotReady { path: String },
    #[error("alert history {path} holds a row Hinomi cannot read: {message}")]
    CorruptHistory { path: String, message: String },
    /// The board's filter text.
    #[error("filter: {0}")]
    Filter(#[from] ParseError),
    #[error("Alertmanager routing: {0}")]
    Routing(#[from] RoutingError),
    #[error("{0}")]
    RuleFile(#[from] RuleFileErrors),
    /// A log datasource offered as an alert source.
    #[error("{name} is a log datasource, not an alert source")]
    NotAnAlertSource { name: String },
    /// A source's fetch task panicked or was cancelled; the next poll tries again.
    #[error("the alert fetch of {datasource_id} crashed: {cause}")]
    FetchCrashed {
        datasource_id: String,
        cause: String,
    },
    #[error("{name} did not send its route tree within the round")]
    RouteTreeTimeout { name: String },
    /// Alertmanager's configuration has no route tree Hinomi can read.
    #[error("the configuration of Alertmanager {datasource_id}: {source}")]
    UnreadableRouting {
        datasource_id: String,
        #[source]
        source: RoutingError,
    },
    /// Alertmanager refused with its own words (a JSON string, a go-swagger object or text).
    #[error("Alertmanager answered {status}: {message}")]
    Alertmanager {
        status: reqwest::StatusCode,
        message: String,
    },
    /// Alertmanager refused without saying why.
    #[error("Alertmanager answered {status}")]
    AlertmanagerStatus {
        status: reqwest::StatusCode,
        body: String,
    },
    #[error("not an Alertmanager v2 API answer: {cause}")]
    NotAlertmanagerApi { cause: String },
    #[error("the silence id is empty")]
    EmptySilenceId,
    /// A watch rule's expression gave a range vector or a string.
    #[error("a watch rule's expression is not an instant vector or scalar: {expr}")]
    RuleNotInstant { expr: String },
    #[error("group_interval is 0s")]
    GroupIntervalZero,
    #[error("the poll interval is 0s")]
    PollIntervalZero,
    #[error("UTC offset of {minutes} minutes is out of range")]
    UtcOffsetOutOfRange { minutes: i32 },
    /// A quiet-hours start or end; `in_quiet_hours`: said as part of the notification settings
    /// (the preferences name the field beside it instead).
    #[error("{text:?} is not a time like 22:00")]
    NotATime { text: String, in_quiet_hours: bool },
    #[error("escalation after {minutes} min is beyond 24 h")]
    EscalationTooLate { minutes: u32 },
    /// The notification settings could not be used; the planner runs on the defaults.
    #[error("notification settings not used, defaults apply: {0}")]
    NotificationDefaultsApply(Box<AlertsError>),
}

impl From<AlertsError> for HinomiError {
    fn from(err: AlertsError) -> Self {
        match err {
            AlertsError::Source(err) => err,
            AlertsError::Store { path, source } => HinomiError::new(
                ErrorCode::Io,
                say(
                    format!("The alert history {path} failed."),
                    format!("アラート履歴 {path} の読み書きに失敗しました。"),
                ),
            )
            .with_detail(source.to_string()),
            AlertsError::SchemaTooNew {
                path,
                found,
                supported,
            } => HinomiError::new(
                ErrorCode::InvalidConfig,
                say(
                    format!(
                        "The alert history {path} was written by a newer Hinomi (schema {found}, \
                         this one knows up to {supported}); it is left untouched and this session \
                         keeps its history in memory. Update Hinomi to use it."
                    ),
                    format!(
                        "アラート履歴 {path} は新しい Hinomi で書かれています (スキーマ {found}、\
                         この Hinomi が扱えるのは {supported} まで)。ファイルはそのまま残し、\
                         このセッションの履歴はメモリーに保持します。使うには Hinomi を更新してください。"
                    ),
                ),
            ),
            AlertsError::HistoryNotReady { path } => HinomiError::new(
                ErrorCode::Io,
                say(
                    format!("The alert history {path} is still being prepared; try again shortly."),
                    format!(
                        "アラート履歴 {path} は準備中です。少し待ってからもう一度お試しください。"
                    ),
                ),
            ),
            AlertsError::CorruptHistory { path, message } => HinomiError::new(
                ErrorCode::Io,
                say(
                    format!("The alert history {path} holds a row Hinomi cannot read."),
                    format!("アラート履歴 {path} に Hinomi が読み取れない行があります。"),
                ),
            )
            .with_detail(message),
            AlertsError::Filter(err) => HinomiError::invalid_input(err.message)
                .with_detail(format!("at character {}", err.position)),
            AlertsError::Routing(err) => {
                HinomiError::new(ErrorCode::InvalidConfig, routing_problem(&err))
            }
            AlertsError::RuleFile(errors) => {
                HinomiError::new(ErrorCode::InvalidConfig, errors.summary())
                    .with_detail(errors.to_string())
            }
            AlertsError::NotAnAlertSource { name } => HinomiError::invalid_input(say(
                format!("{name} is a log datasource; alerts come from Prometheus or Alertmanager."),
                format!(
                    "{name} はログのデータソースです。アラートは Prometheus か Alertmanager から取得します。"
                ),
            )),
            AlertsError::FetchCrashed { datasource_id, .. } => HinomiError::new(
                ErrorCode::Internal,
                say(
                    format!(
                        "Reading alerts from {datasource_id} failed inside Hinomi; it is tried \
                         again at the next poll."
                    ),
                    format!(
                        "{datasource_id} からのアラートの読み込みが Hinomi の内部で失敗しました。\
                         次のポーリングで再試行します。"
                    ),
                ),
            ),
            AlertsError::RouteTreeTimeout { name } => HinomiError::new(
                ErrorCode::Timeout,
                say(
                    format!("{name} did not send its route tree in time."),
                    format!("{name} からルートツリーが時間内に届きませんでした。"),
                ),
            ),
            AlertsError::UnreadableRouting {
                datasource_id,
                source,
            } => HinomiError::new(ErrorCode::Decode, {
                let problem = routing_problem(&source);
                say(
                    format!(
                        "Cannot read the configuration of Alertmanager {datasource_id}: \
                             {problem}"
                    ),
                    format!("Alertmanager {datasource_id} の設定を読み取れません: {problem}"),
                )
            }),
            // Alertmanager's own words, verbatim.
            AlertsError::Alertmanager { status, message } => {
                let code = if status == reqwest::StatusCode::NOT_FOUND {
                    ErrorCode::NotFound
                } else {
                    ErrorCode::Backend
                };
                HinomiError::new(code, message).with_detail(format!("HTTP {status}"))
            }
            AlertsError::AlertmanagerStatus { status, body } => HinomiError::new(
                ErrorCode::HttpStatus,
                say(
                    format!("Alertmanager answered {status}."),
                    format!("Alertmanager が {status} を返しました。"),
                ),
            )
            .with_detail(body),
            AlertsError::NotAlertmanagerApi { cause } => HinomiError::new(
                ErrorCode::Decode,
                say(
                    "The answer is not the Alertmanager v2 API's.",
                    "Alertmanager v2 API の応答ではありません。",
                ),
            )
            .with_detail(cause),
            AlertsError::EmptySilenceId => HinomiError::invalid_input(say(
                "Which silence? The id is empty.",
                "どのサイレンスですか？ ID が空です。",
            )),
            AlertsError::RuleNotInstant { expr } => HinomiError::invalid_input(say(
                "An alerting rule's expression must return an instant vector or a scalar.",
                "アラートルールの式は instant vector かスカラーを返す必要があります。",
            ))
            .with_detail(expr),
            AlertsError::GroupIntervalZero => HinomiError::invalid_input(say(
                "group_interval must be longer than 0s.",
                "group_interval は 0s より長くしてください。",
            )),
            AlertsError::PollIntervalZero => HinomiError::invalid_input(say(
                "The poll interval must be longer than 0s.",
                "ポーリング間隔は 0s より長くしてください。",
            )),
            AlertsError::UtcOffsetOutOfRange { minutes } => HinomiError::invalid_input(say(
                format!("UTC offset {minutes} minutes is out of range."),
                format!("UTC からの時差 {minutes} 分は範囲外です。"),
            )),
            AlertsError::NotATime {
                text,
                in_quiet_hours: true,
            } => HinomiError::invalid_input(say(
                format!("Quiet hours: {text:?} is not a time like 22:00."),
                format!("静かな時間: {text:?} は 22:00 のような時刻ではありません。"),
            )),
            AlertsError::NotATime {
                text,
                in_quiet_hours: false,
            } => HinomiError::invalid_input(say(
                format!("{text:?} is not a time like 22:00."),
                format!("{text:?} は 22:00 のような時刻ではありません。"),
            )),
            AlertsError::EscalationTooLate { .. } => HinomiError::invalid_input(say(
                "Escalation must come within 24 h (1440 min), or 0 for never.",
                "エスカレーションは 24 時間 (1440 分) 以内にするか、0 (しない) にしてください。",
            )),
            AlertsError::NotificationDefaultsApply(reason) => {
                let reason = HinomiError::from(*reason).message;
                let reason = reason.trim_end_matches(['.', '。']);
                HinomiError::new(
                    ErrorCode::InvalidConfig,
                    say(
                        format!(
                            "Notification settings not used: {reason}. The defaults apply until \
                             they are fixed in Settings."
                        ),
                        format!(
                            "通知設定を使えませんでした: {reason}。設定で直すまで既定値を使います。"
                        ),
                    ),
                )
            }
        }
    }
}

/// What is wrong with a route tree, in the user's language (in English, its `Display`). The
/// YAML parser's text, a matcher's parse error and a duration's error stay as they are.
fn routing_problem(err: &RoutingError) -> String {
    match err {
        RoutingError::Yaml(parser) => say(
            format!("the configuration is not valid YAML: {parser}"),
            format!("設定が正しい YAML ではありません: {parser}"),
        ),
        RoutingError::NoRoute => say("the configuration has no route", "設定にルートがありません"),
        RoutingError::NoRootReceiver => say(
            "the root route has no receiver",
            "最上位のルートにレシーバーがありません",
        ),
        RoutingError::RootMatchers => say(
            "the root route must not have matchers",
            "最上位のルートにはマッチャーを書けません",
        ),
        RoutingError::UnknownReceiver { route, receiver } => say(
            format!("route {route}: receiver {receiver:?} is not defined"),
            format!("ルート {route}: レシーバー {receiver:?} は定義されていません"),
        ),
        RoutingError::BadMatcher {
            route,
            matcher,
            message,
        } => say(
            format!("route {route}: matcher {matcher:?}: {message}"),
            format!("ルート {route}: マッチャー {matcher:?}: {message}"),
        ),
        RoutingError::BadDuration {
            route,
            field,
            error,
        } => say(
            format!("route {route}: {field}: {error}"),
            format!("ルート {route}: {field}: {error}"),
        ),
    }
}

#[cfg(test)]
mod wording_tests;

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
