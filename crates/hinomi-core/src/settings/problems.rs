//! What is wrong with a settings value, per datasource and per section, in words for the
//! Settings view. A problem never refuses the file: the app keeps working with what is usable.
//! The sections other crates own (incidents, alert notifications) check themselves; the
//! settings aggregate (`hinomi-settings`) gathers all of them.

use super::{Datasource, TlsOptions};
use crate::error::{ErrorCode, HinomiError};
use crate::texts::user_lang::say;
use serde::Serialize;
use specta::Type;

/// One thing wrong with one datasource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct DatasourceProblem {
    pub datasource_id: String,
    pub field: String,
    pub error: HinomiError,
}

/// Problems per datasource; the app keeps working with the datasources that have none.
pub fn datasource_problems(datasources: &[Datasource]) -> Vec<DatasourceProblem> {
    let mut problems = Vec::new();
    let mut seen_ids = std::collections::HashSet::new();
    for ds in datasources {
        let mut report = |field: &str, message: String| {
            problems.push(DatasourceProblem {
                datasource_id: ds.id.clone(),
                field: field.into(),
                error: HinomiError::invalid_input(message),
            })
        };
        if ds.id.trim().is_empty() {
            report(
                "id",
                say(
                    "The datasource has no id.",
                    "データソースに ID がありません。",
                ),
            );
        } else if !seen_ids.insert(ds.id.as_str()) {
            report(
                "id",
                say(
                    format!("Another datasource already uses the id \"{}\".", ds.id),
                    format!("ID「{}」は別のデータソースですでに使われています。", ds.id),
                ),
            );
        }
        if ds.name.trim().is_empty() {
            report(
                "name",
                say(
                    "Give the datasource a name.",
                    "データソースに名前を付けてください。",
                ),
            );
        }
        if !ds.kind.is_http() {
            if ds.log_options().paths.iter().all(|p| p.trim().is_empty()) {
                report(
                    "logs.paths",
                    say(
                        "Add a folder, file or glob to read logs from.",
                        "ログを読み込むフォルダ、ファイル、またはグロブを追加してください。",
                    ),
                );
            }
            if let Err(message) = crate::time_zone::from_setting(&ds.log_options().time_zone) {
                report("logs.time_zone", message);
            }
        } else if let Err(message) = parse_endpoint_url(&ds.url) {
            report("url", message);
        }
        if ds.timeout_ms < 100 || ds.timeout_ms > 600_000 {
            report(
                "timeout_ms",
                say(
                    format!(
                        "Timeout must be between 100 ms and 10 min, not {} ms.",
                        ds.timeout_ms
                    ),
                    format!(
                        "タイムアウトは 100 ミリ秒から 10 分の間にしてください（現在 {} ミリ秒）。",
                        ds.timeout_ms
                    ),
                ),
            );
        }
        if ds.kind.is_http() {
            for (field, error) in ds.tls.problems() {
                problems.push(DatasourceProblem {
                    datasource_id: ds.id.clone(),
                    field: field.into(),
                    error,
                });
            }
        }
    }
    problems
}

/// A refresh interval outside 1 s – 1 h, as a problem of the whole file.
pub fn refresh_interval_problems(refresh_interval_secs: u32) -> Vec<DatasourceProblem> {
    let mut problems = Vec::new();
    if refresh_interval_secs == 0 || refresh_interval_secs > 3600 {
        problems.push(DatasourceProblem {
            datasource_id: String::new(),
            field: "refresh_interval_secs".into(),
            error: HinomiError::invalid_input(say(
                "The refresh interval must be between 1 s and 1 h.",
                "更新間隔は 1 秒から 1 時間の間にしてください。",
            )),
        });
    }
    problems
}

/// The panel series limit must lie in [`SERIES_LIMIT_RANGE`].
pub fn series_limit_problems(series_limit: u32) -> Vec<DatasourceProblem> {
    if super::SERIES_LIMIT_RANGE.contains(&series_limit) {
        return Vec::new();
    }
    vec![DatasourceProblem {
        datasource_id: String::new(),
        field: "series_limit".into(),
        error: HinomiError::invalid_input(say(
            "The series limit must be between 1 and 20,000.",
            "系列数の上限は 1 から 20,000 の間にしてください。",
        )),
    }]
}

impl TlsOptions {
    /// Problems with these options, as `(field, message)`.
    fn problems(&self) -> Vec<(&'static str, HinomiError)> {
        let mut problems = Vec::new();
        match (
            Self::path(&self.client_cert_file),
            Self::path(&self.client_key_file),
        ) {
            (Some(_), None) => problems.push((
                "tls.client_key_file",
                HinomiError::invalid_input(say(
                    "A client certificate needs its private key file too.",
                    "クライアント証明書には秘密鍵ファイルも必要です。",
                )),
            )),
            (None, Some(_)) => problems.push((
                "tls.client_cert_file",
                HinomiError::invalid_input(say(
                    "A private key needs its client certificate file too.",
                    "秘密鍵にはクライアント証明書ファイルも必要です。",
                )),
            )),
            _ => {}
        }
        if self.insecure_skip_verify {
            problems.push((
                "tls.insecure_skip_verify",
                HinomiError::new(
                    ErrorCode::Tls,
                    say(
                        "Certificate verification is off: anyone on the network path can read and \
                         change this datasource's traffic, credentials included. Add the server's CA \
                         file instead and turn this off.",
                        "証明書の検証がオフです。通信経路上の誰もが、認証情報を含むこのデータソースの\
                         通信を読み取り・改ざんできます。代わりにサーバーの CA ファイルを追加し、\
                         この設定をオフにしてください。",
                    ),
                ),
            ));
        }
        problems
    }
}

/// Parses an endpoint URL, explaining what is wrong in words a user can act on.
pub fn parse_endpoint_url(raw: &str) -> Result<url::Url, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(say("The URL is empty.", "URL が空です。"));
    }
    // The typed text is quoted back to the user and logged: never with a password in it.
    let shown = crate::redact::url_credentials(trimmed);
    if crate::redact::has_url_credentials(trimmed) {
        return Err(say(
            format!(
                "\"{shown}\" has a user name or password in it. Leave them out of the URL: put the \
                 user name and password in the datasource's auth (stored in the OS keyring)."
            ),
            format!(
                "「{shown}」にユーザー名またはパスワードが含まれています。URL からは外し、\
                 データソースの認証（OS のキーリングに保存されます）に入力してください。"
            ),
        ));
    }
    let url = url::Url::parse(trimmed).map_err(|err| {
        say(
            format!("\"{shown}\" is not a URL: {err}."),
            format!("「{shown}」は URL ではありません: {err}。"),
        )
    })?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(say(
                format!("Use http:// or https://, not {other}://."),
                format!("{other}:// ではなく http:// または https:// を使ってください。"),
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(say(
            format!("\"{shown}\" has no host."),
            format!("「{shown}」にホストがありません。"),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(say(
            "Leave out ?query and #fragment; give the base URL of the API.",
            "?クエリと #フラグメントは外し、API のベース URL を指定してください。",
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::texts::{Lang, user_lang::with};

    #[test]
    fn problems_are_worded_in_japanese_with_the_same_field_and_code() {
        let mut broken = crate::settings::demo_datasources()[0].clone();
        broken.name = " ".into();
        broken.timeout_ms = 5;
        broken.url = "ftp://host".into();
        broken.tls.insecure_skip_verify = true;
        let problems = || datasource_problems(std::slice::from_ref(&broken));
        let (en, ja) = (with(Lang::En, problems), with(Lang::Ja, problems));
        assert_eq!(en.len(), 4, "{en:?}");
        let fields =
            |all: &[DatasourceProblem]| all.iter().map(|p| p.field.clone()).collect::<Vec<_>>();
        assert_eq!(fields(&en), fields(&ja));
        crate::test_support::assert_worded_in_both_languages(|| {
            problems().into_iter().map(|p| p.error).collect()
        });
        let timeout = ja.iter().find(|p| p.field == "timeout_ms").unwrap();
        assert_eq!(
            timeout.error.message,
            "タイムアウトは 100 ミリ秒から 10 分の間にしてください（現在 5 ミリ秒）。"
        );
        let url = ja.iter().find(|p| p.field == "url").unwrap();
        assert!(
            url.error.message.contains("ftp://"),
            "{}",
            url.error.message
        );
    }

    #[test]
    fn a_bad_refresh_interval_is_worded_in_japanese() {
        let ja = with(Lang::Ja, || refresh_interval_problems(0));
        assert_eq!(
            ja[0].error.message,
            "更新間隔は 1 秒から 1 時間の間にしてください。"
        );
        assert_eq!(ja[0].error.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn series_limits_outside_the_range_are_problems() {
        assert!(series_limit_problems(1).is_empty());
        assert!(series_limit_problems(20_000).is_empty());
        for bad in [0, 20_001] {
            let problems = with(Lang::En, || series_limit_problems(bad));
            assert_eq!(problems.len(), 1, "{bad}");
            assert_eq!(problems[0].field, "series_limit");
            assert_eq!(problems[0].error.code, ErrorCode::InvalidInput);
        }
    }
}
