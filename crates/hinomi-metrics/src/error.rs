//! The crate's errors, and how each reaches the UI.
//!
//! Prometheus's and the dashboards' errors keep the words of the crate that knows them; what
//! this crate says itself (no Prometheus configured, an empty expression, a superseded query)
//! is worded here, in the user's language.

use hinomi_core::texts::user_lang::say;
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_dashboards::DashboardError;
use hinomi_prometheus::PrometheusError;

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The query reached Prometheus (or tried to) and failed there.
    #[error(transparent)]
    Prometheus(#[from] PrometheusError),
    /// Planning a panel or reading a variable's answer failed.
    #[error(transparent)]
    Dashboard(#[from] DashboardError),
    /// The datasource's endpoint could not be built (bad URL, missing secret): already in the
    /// shared shape, passed through unchanged.
    #[error(transparent)]
    Transport(#[from] HinomiError),
    #[error("no Prometheus datasource is configured")]
    NoPrometheus,
    #[error("no variable named {name:?}")]
    NoVariable { name: String },
    /// The variable was there when its options were asked for and gone when they came back;
    /// only possible through a bug.
    #[error("variable {name:?} vanished while its options were loaded")]
    VariableVanished { name: String },
    #[error("empty PromQL expression")]
    EmptyExpression,
    /// Explore's one-query panel did not build or plan; only possible through a bug.
    #[error("Explore's query could not be planned: {cause}")]
    NotPlanned { cause: String },
    #[error("{label:?} is not a label name")]
    NotALabelName { label: String },
    /// A newer run under the same key (or a closed dashboard) dropped this one.
    #[error("a newer query replaced this one before it finished")]
    Superseded,
}

impl From<MetricsError> for HinomiError {
    fn from(err: MetricsError) -> Self {
        match err {
            MetricsError::Prometheus(inner) => inner.into(),
            MetricsError::Dashboard(inner) => inner.into(),
            MetricsError::Transport(inner) => inner,
            MetricsError::NoPrometheus => HinomiError::new(
                ErrorCode::InvalidConfig,
                say(
                    "No Prometheus datasource is configured. Add one in Settings.",
                    "Prometheus データソースが設定されていません。設定で追加してください。",
                ),
            ),
            MetricsError::NoVariable { name } => HinomiError::new(
                ErrorCode::NotFound,
                say(
                    format!("no variable named {name:?}"),
                    format!("{name:?} という変数はありません"),
                ),
            ),
            MetricsError::VariableVanished { name } => HinomiError::new(
                ErrorCode::Internal,
                say(
                    "The variable vanished while its options were loaded.",
                    "選択肢の読み込み中に変数が見つからなくなりました。",
                ),
            )
            .with_detail(name),
            MetricsError::EmptyExpression => HinomiError::new(
                ErrorCode::InvalidInput,
                say(
                    "Enter a PromQL expression.",
                    "PromQL 式を入力してください。",
                ),
            ),
            MetricsError::NotPlanned { cause } => HinomiError::new(
                ErrorCode::Internal,
                say(
                    "Explore could not prepare the query.",
                    "Explore でクエリを準備できませんでした。",
                ),
            )
            .with_detail(cause),
            MetricsError::NotALabelName { label } => HinomiError::new(
                ErrorCode::InvalidInput,
                say(
                    format!("{label:?} is not a label name"),
                    format!("{label:?} はラベル名ではありません"),
                ),
            ),
            MetricsError::Superseded => HinomiError::new(
                ErrorCode::Cancelled,
                say(
                    "A newer query replaced this one before it finished.",
                    "新しいクエリに置き換えられたため、このクエリは完了前に中止されました。",
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::test_support::{assert_worded_in_both_languages, worded_in as in_lang};
    use hinomi_core::texts::Lang;

    /// Every variant this crate words itself.
    fn own_variants() -> Vec<MetricsError> {
        vec![
            MetricsError::NoPrometheus,
            MetricsError::NoVariable {
                name: "instance".into(),
            },
            MetricsError::VariableVanished {
                name: "instance".into(),
            },
            MetricsError::EmptyExpression,
            MetricsError::NotPlanned {
                cause: "no query".into(),
            },
            MetricsError::NotALabelName {
                label: "../admin".into(),
            },
            MetricsError::Superseded,
        ]
    }

    #[test]
    fn every_message_this_crate_words_has_its_own_japanese_with_the_same_code_and_detail() {
        assert_worded_in_both_languages(own_variants);
        let ja = in_lang(Lang::Ja, MetricsError::NoPrometheus);
        assert_eq!(ja.code, ErrorCode::InvalidConfig);
        assert_eq!(
            ja.message,
            "Prometheus データソースが設定されていません。設定で追加してください。"
        );
    }

    #[test]
    fn prometheus_own_text_passes_through_untranslated() {
        let parse_error = || {
            MetricsError::Prometheus(PrometheusError::Backend {
                error: Some("1:5: parse error: unexpected end of input".into()),
                error_type: "bad_data".into(),
            })
        };
        let ja = in_lang(Lang::Ja, parse_error());
        assert_eq!(ja, in_lang(Lang::En, parse_error()));
        assert_eq!(ja.code, ErrorCode::Backend);
        assert_eq!(ja.message, "1:5: parse error: unexpected end of input");
    }
}
