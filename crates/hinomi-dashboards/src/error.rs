//! Over 400 lines: every error of the crate with both wordings side by side; a third is tests.
//! What can go wrong with dashboards, precisely enough to tell the user which file and which
//! JSON path to fix; [`HinomiError`] is the shape it takes at the IPC boundary.

use hinomi_core::texts::user_lang::say;
use hinomi_core::{ErrorCode, HinomiError};
use std::path::PathBuf;

/// The message of [`DashboardError::Malformed`] for JSON that is not an object at all.
pub(crate) const NOT_A_DASHBOARD_OBJECT: &str = "expected a dashboard object";

#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// The file is not a dashboard: bad JSON, or a field of the wrong type.
    #[error("{file}: {path}: {message}")]
    Malformed {
        file: String,
        /// JSON path in the file as written, e.g. `panels[3].gridPos.w`.
        path: String,
        /// serde's reason, or [`NOT_A_DASHBOARD_OBJECT`].
        message: String,
    },
    #[error("cannot {} {}: {source}", .action.english(), path.display())]
    Io {
        action: FileAction,
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
    InvalidEdit(EditProblem),
    #[error("time {text:?} is not understood: {reason}")]
    InvalidTime { text: String, reason: TimeProblem },
    #[error("variable {variable:?}: {reason}")]
    InvalidVariable {
        variable: String,
        reason: VariableProblem,
    },
    /// Writing JSON failed; only possible through a bug.
    #[error("cannot write dashboard JSON: {0}")]
    Encode(#[source] serde_json::Error),
    /// The Prometheus answer to a variable query was not what the request asked for.
    #[error("answer to the query of variable {variable:?}: {reason}")]
    UnexpectedAnswer {
        variable: String,
        reason: AnswerProblem,
    },
}

/// What is wrong in Prometheus's answer to a variable query: the part of the JSON that is not
/// what the request asked for, or Prometheus's own error (kept verbatim, as is serde's cause).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerProblem {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("Prometheus said: {0}")]
    PrometheusSaid(String),
    #[error("no `data`")]
    NoData,
    #[error("`data` is not a list")]
    DataNotAList,
    #[error("a non-string in `data`")]
    NotAString,
    #[error("`data` is not a list of series")]
    DataNotSeries,
    #[error("a series is not an object")]
    SeriesNotAnObject,
    #[error("no `data.result`")]
    NoResult,
    #[error("malformed scalar")]
    MalformedScalar,
    #[error("unknown resultType {0:?}")]
    UnknownResultType(Option<String>),
    #[error("`result` is not a list")]
    ResultNotAList,
    #[error("{0} without `metric`")]
    NoMetric(AnswerElement),
    #[error("{}", match .0 { AnswerElement::Sample => "sample without `value`", AnswerElement::Series => "series without samples" })]
    NoSample(AnswerElement),
}

/// An element of a `query_result` answer's `result` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerElement {
    /// Of a vector.
    Sample,
    /// Of a matrix.
    Series,
}

impl std::fmt::Display for AnswerElement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Sample => "sample",
            Self::Series => "series",
        })
    }
}

impl AnswerProblem {
    fn japanese(&self) -> String {
        let element = |e: &AnswerElement| match e {
            AnswerElement::Sample => "サンプル",
            AnswerElement::Series => "系列",
        };
        match self {
            Self::NotJson(cause) => format!("JSON ではありません: {cause}"),
            Self::PrometheusSaid(message) => format!("Prometheus の応答: {message}"),
            Self::NoData => "`data` がありません".to_owned(),
            Self::DataNotAList => "`data` がリストではありません".to_owned(),
            Self::NotAString => "`data` に文字列でない値があります".to_owned(),
            Self::DataNotSeries => "`data` が系列のリストではありません".to_owned(),
            Self::SeriesNotAnObject => "系列がオブジェクトではありません".to_owned(),
            Self::NoResult => "`data.result` がありません".to_owned(),
            Self::MalformedScalar => "スカラーの形式が正しくありません".to_owned(),
            Self::UnknownResultType(kind) => format!("不明な resultType {kind:?}"),
            Self::ResultNotAList => "`result` がリストではありません".to_owned(),
            Self::NoMetric(e) => format!("`metric` のない{}", element(e)),
            Self::NoSample(AnswerElement::Sample) => "`value` のないサンプル".to_owned(),
            Self::NoSample(AnswerElement::Series) => "サンプルのない系列".to_owned(),
        }
    }
}

/// What was being done with a dashboard file when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    Create,
    List,
    Read,
    Delete,
    CreateTemporaryIn,
    Write,
    Replace,
    Sync,
}

impl FileAction {
    fn english(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::List => "list",
            Self::Read => "read",
            Self::Delete => "delete",
            Self::CreateTemporaryIn => "create a temporary file in",
            Self::Write => "write",
            Self::Replace => "replace",
            Self::Sync => "sync",
        }
    }

    /// "cannot {action} {path}" in Japanese, after the path.
    fn japanese(self) -> &'static str {
        match self {
            Self::Create => "を作成できません",
            Self::List => "の一覧を取得できません",
            Self::Read => "を読み込めません",
            Self::Delete => "を削除できません",
            Self::CreateTemporaryIn => "に一時ファイルを作成できません",
            Self::Write => "に書き込めません",
            Self::Replace => "を置き換えられません",
            Self::Sync => "をディスクに同期できません",
        }
    }
}

/// A panel or store edit that is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditProblem {
    #[error("a row has no unit")]
    RowHasNoUnit,
    #[error("a row cannot become a panel")]
    RowCannotBecomePanel,
    /// `drawable`: the panel types Hinomi draws, comma-separated.
    #[error("{panel_type:?} is not one of {drawable}")]
    NotDrawable {
        panel_type: String,
        drawable: String,
    },
    #[error("a {0} panel has no queries")]
    NoQueries(String),
    #[error("{0:?} is not a dashboard uid (1-40 letters, digits, '-' or '_')")]
    NotAUid(String),
    #[error("no free uid for {0:?}")]
    NoFreeUid(String),
    #[error("a series limit of {0} is not between 1 and 20,000")]
    SeriesLimit(u32),
}

/// Why a time (`now-6h`, `now/d`, a date) is not understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimeProblem {
    #[error("the range ends before it starts")]
    EndsBeforeStart,
    #[error("not `now…` nor a date")]
    NotNowNorDate,
    #[error("`/` needs a unit")]
    SlashNeedsUnit,
    #[error("unknown unit after `/`")]
    UnknownUnitAfterSlash,
    #[error("number too large")]
    NumberTooLarge,
    #[error("missing unit")]
    MissingUnit,
    #[error("unknown unit or out of range")]
    UnknownUnitOrOutOfRange,
    #[error("expected `+`, `-` or `/`")]
    ExpectedOperator,
}

/// Why a variable cannot be queried or set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VariableProblem {
    #[error("no such variable")]
    NoSuchVariable,
    #[error("select at least one value")]
    NothingSelected,
    #[error("only one value can be selected")]
    OnlyOneValue,
    /// `kind`: Grafana's name of the variable type.
    #[error("a {0} variable cannot be selected")]
    NotSelectable(String),
    #[error("{0:?} is not one of its options")]
    NotAnOption(String),
    #[error("a {0} variable does not query Prometheus")]
    NotAQuery(String),
    /// The variable's regex filter; `cause` is the parser's, verbatim.
    #[error("regex {regex:?}: {cause}")]
    BadRegex { regex: String, cause: String },
    #[error("metrics({regex}): {cause}")]
    BadMetricsRegex { regex: String, cause: String },
    #[error("the query is empty")]
    EmptyQuery,
    #[error("{0:?} is not label_values(label) or label_values(selector, label)")]
    NotLabelValues(String),
    #[error("{0:?} is not a label name")]
    NotALabelName(String),
}

pub type Result<T, E = DashboardError> = std::result::Result<T, E>;

impl DashboardError {
    pub(crate) fn io(action: FileAction, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The message in Japanese; the English one is the `Display` text.
    fn japanese(&self) -> String {
        match self {
            Self::Malformed {
                file,
                path,
                message,
            } => {
                let message = if message == NOT_A_DASHBOARD_OBJECT {
                    "ダッシュボードのオブジェクトではありません"
                } else {
                    message
                };
                format!("ダッシュボードとして読み込めません: {file}: {path}: {message}")
            }
            Self::Io {
                action,
                path,
                source,
            } => format!("{}{}: {source}", path.display(), action.japanese()),
            Self::NotFound { uid } => format!("uid {uid:?} のダッシュボードはありません"),
            Self::PanelNotFound { id } => format!("ダッシュボードに id {id} のパネルはありません"),
            Self::TargetNotFound { panel_id, ref_id } => {
                format!("パネル {panel_id} にクエリ {ref_id:?} はありません")
            }
            Self::InvalidEdit(problem) => problem.japanese(),
            Self::InvalidTime { text, reason } => {
                format!("時刻 {text:?} を解釈できません: {}", reason.japanese())
            }
            Self::InvalidVariable { variable, reason } => {
                format!("変数 {variable:?}: {}", reason.japanese())
            }
            Self::Encode(source) => format!("ダッシュボードの JSON を書き出せません: {source}"),
            Self::UnexpectedAnswer { variable, reason } => {
                format!(
                    "変数 {variable:?} のクエリへの応答を読み取れません: {}",
                    reason.japanese()
                )
            }
        }
    }
}

impl EditProblem {
    fn japanese(&self) -> String {
        match self {
            Self::RowHasNoUnit => "行には単位がありません".to_owned(),
            Self::RowCannotBecomePanel => "行をパネルに変えることはできません".to_owned(),
            Self::NotDrawable {
                panel_type,
                drawable,
            } => format!("{panel_type:?} は {drawable} のいずれでもありません"),
            Self::NoQueries(panel_type) => format!("{panel_type} パネルにはクエリがありません"),
            Self::NotAUid(uid) => format!(
                "{uid:?} はダッシュボードの uid ではありません（英数字、'-'、'_' の 1〜40 文字）"
            ),
            Self::NoFreeUid(title) => format!("{title:?} に使える空きの uid がありません"),
            Self::SeriesLimit(limit) => {
                format!("系列数の上限 {limit} は 1 から 20,000 の間ではありません")
            }
        }
    }
}

impl TimeProblem {
    fn japanese(self) -> &'static str {
        match self {
            Self::EndsBeforeStart => "範囲の終わりが始まりより前です",
            Self::NotNowNorDate => "`now…` でも日付でもありません",
            Self::SlashNeedsUnit => "`/` の後に単位が必要です",
            Self::UnknownUnitAfterSlash => "`/` の後の単位が不明です",
            Self::NumberTooLarge => "数値が大きすぎます",
            Self::MissingUnit => "単位がありません",
            Self::UnknownUnitOrOutOfRange => "単位が不明か、範囲外です",
            Self::ExpectedOperator => "`+`、`-`、`/` のいずれかが必要です",
        }
    }
}

impl VariableProblem {
    fn japanese(&self) -> String {
        match self {
            Self::NoSuchVariable => "そのような変数はありません".to_owned(),
            Self::NothingSelected => "値を 1 つ以上選んでください".to_owned(),
            Self::OnlyOneValue => "選べる値は 1 つだけです".to_owned(),
            Self::NotSelectable(kind) => format!("{kind} 型の変数は選択できません"),
            Self::NotAnOption(value) => format!("{value:?} は選択肢にありません"),
            Self::NotAQuery(kind) => format!("{kind} 型の変数は Prometheus に問い合わせません"),
            Self::BadRegex { regex, cause } => format!("正規表現 {regex:?}: {cause}"),
            Self::BadMetricsRegex { regex, cause } => format!("metrics({regex}): {cause}"),
            Self::EmptyQuery => "クエリが空です".to_owned(),
            Self::NotLabelValues(text) => format!(
                "{text:?} は label_values(label) でも label_values(selector, label) でもありません"
            ),
            Self::NotALabelName(label) => format!("{label:?} はラベル名ではありません"),
        }
    }
}

impl From<DashboardError> for HinomiError {
    fn from(err: DashboardError) -> Self {
        let message = say(err.to_string(), err.japanese());
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

    /// One of each variant, for the language checks.
    fn every_kind() -> Vec<DashboardError> {
        let mut all = vec![
            DashboardError::Malformed {
                file: "n.json".into(),
                path: ".".into(),
                message: NOT_A_DASHBOARD_OBJECT.into(),
            },
            DashboardError::io(
                FileAction::Write,
                "/d/x.json",
                std::io::ErrorKind::PermissionDenied.into(),
            ),
            DashboardError::NotFound { uid: "abc".into() },
            DashboardError::PanelNotFound { id: 4 },
            DashboardError::TargetNotFound {
                panel_id: 4,
                ref_id: "B".into(),
            },
            DashboardError::Encode(serde_json::from_str::<u8>("x").unwrap_err()),
        ];
        all.extend(
            [
                AnswerProblem::NotJson("expected value at line 1 column 1".into()),
                AnswerProblem::PrometheusSaid("parse error".into()),
                AnswerProblem::NoData,
                AnswerProblem::DataNotAList,
                AnswerProblem::NotAString,
                AnswerProblem::DataNotSeries,
                AnswerProblem::SeriesNotAnObject,
                AnswerProblem::NoResult,
                AnswerProblem::MalformedScalar,
                AnswerProblem::UnknownResultType(Some("histogram".into())),
                AnswerProblem::ResultNotAList,
                AnswerProblem::NoMetric(AnswerElement::Sample),
                AnswerProblem::NoMetric(AnswerElement::Series),
                AnswerProblem::NoSample(AnswerElement::Sample),
                AnswerProblem::NoSample(AnswerElement::Series),
            ]
            .map(|reason| DashboardError::UnexpectedAnswer {
                variable: "job".into(),
                reason,
            }),
        );
        all.extend(
            [
                EditProblem::RowHasNoUnit,
                EditProblem::RowCannotBecomePanel,
                EditProblem::NotDrawable {
                    panel_type: "piechart".into(),
                    drawable: "timeseries, stat".into(),
                },
                EditProblem::NoQueries("text".into()),
                EditProblem::NotAUid("../x".into()),
                EditProblem::NoFreeUid("Node".into()),
                EditProblem::SeriesLimit(0),
            ]
            .map(DashboardError::InvalidEdit),
        );
        all.extend(
            [
                TimeProblem::EndsBeforeStart,
                TimeProblem::NotNowNorDate,
                TimeProblem::SlashNeedsUnit,
                TimeProblem::UnknownUnitAfterSlash,
                TimeProblem::NumberTooLarge,
                TimeProblem::MissingUnit,
                TimeProblem::UnknownUnitOrOutOfRange,
                TimeProblem::ExpectedOperator,
            ]
            .map(|reason| DashboardError::InvalidTime {
                text: "now-".into(),
                reason,
            }),
        );
        all.extend(
            [
                VariableProblem::NoSuchVariable,
                VariableProblem::NothingSelected,
                VariableProblem::OnlyOneValue,
                VariableProblem::NotSelectable("constant".into()),
                VariableProblem::NotAnOption("zzz".into()),
                VariableProblem::NotAQuery("custom".into()),
                VariableProblem::BadRegex {
                    regex: "/(?!x)/".into(),
                    cause: "look-around is not supported".into(),
                },
                VariableProblem::BadMetricsRegex {
                    regex: "(".into(),
                    cause: "unclosed group".into(),
                },
                VariableProblem::EmptyQuery,
                VariableProblem::NotLabelValues("label_values()".into()),
                VariableProblem::NotALabelName("a b".into()),
            ]
            .map(|reason| DashboardError::InvalidVariable {
                variable: "job".into(),
                reason,
            }),
        );
        all
    }

    #[test]
    fn every_message_has_a_japanese_wording_with_the_same_code_and_detail() {
        let worded = hinomi_core::test_support::assert_worded_in_both_languages(every_kind);
        for ((en, _), err) in worded.iter().zip(every_kind()) {
            assert_eq!(en.message, err.to_string(), "English is what logs show");
        }
    }

    #[test]
    fn a_variable_answers_problem_is_worded_in_japanese_too_keeping_prometheus_own_words() {
        use hinomi_core::texts::{Lang, user_lang::with};
        let ja = |reason| {
            with(Lang::Ja, || {
                HinomiError::from(DashboardError::UnexpectedAnswer {
                    variable: "job".into(),
                    reason,
                })
            })
            .message
        };
        assert_eq!(
            ja(AnswerProblem::DataNotAList),
            "変数 \"job\" のクエリへの応答を読み取れません: `data` がリストではありません"
        );
        assert_eq!(
            ja(AnswerProblem::NoSample(AnswerElement::Series)),
            "変数 \"job\" のクエリへの応答を読み取れません: サンプルのない系列"
        );
        assert!(ja(AnswerProblem::PrometheusSaid("parse error".into())).ends_with("parse error"));
    }

    #[test]
    fn malformed_is_worded_in_japanese_keeping_serdes_reason() {
        use hinomi_core::texts::{Lang, user_lang::with};
        let err = with(Lang::Ja, || {
            HinomiError::from(DashboardError::Malformed {
                file: "node.json".into(),
                path: "panels[3].gridPos.w".into(),
                message: "invalid type: string \"x\", expected u32".into(),
            })
        });
        assert_eq!(err.code, ErrorCode::InvalidConfig);
        assert_eq!(
            err.message,
            "ダッシュボードとして読み込めません: node.json: panels[3].gridPos.w: invalid type: string \"x\", expected u32"
        );
        assert_eq!(
            err.detail.as_deref(),
            Some("node.json: panels[3].gridPos.w")
        );
    }
}
