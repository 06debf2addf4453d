//! What a backend's answer means when it is not the API's: a rate limit, a failing server or
//! proxy, a proxy's HTML page. One place names these so every backend says the same thing.

use super::body::shown_text_limited;
use crate::error::{ErrorCode, HinomiError};
use crate::texts::user_lang::say;
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use std::time::Duration;

/// A whole answer: status, headers and the body read under the endpoint's size cap.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The URL as it may be shown (no credentials, no query).
    pub shown_url: String,
}

impl Answer {
    /// The fault this answer is, if it is one no backend decoder should try to read: an HTML
    /// page where `expected` (e.g. "Prometheus JSON") was asked for, a 429, or a 5xx whose body
    /// is not JSON (a backend's own JSON error is left to its decoder, which keeps its words).
    pub fn fault(&self, expected: &str, now: DateTime<Utc>) -> Option<HinomiError> {
        let url = &self.shown_url;
        let status = self.status;
        if self.is_html() {
            let title = html_title(&self.body);
            let titled = title
                .as_ref()
                .map(|title| format!(" titled \"{title}\""))
                .unwrap_or_default();
            let titled_ja = title
                .map(|title| format!("（タイトル「{title}」）"))
                .unwrap_or_default();
            return Some(
                HinomiError::new(
                    ErrorCode::ProxyPage,
                    say(
                        format!(
                            "{url}: the proxy answered with an HTML page{titled}, not {expected} (HTTP {status}); check the datasource URL or the proxy in front of it."
                        ),
                        format!(
                            "{url}: {expected} ではなく、プロキシから HTML ページ{titled_ja}が返りました（HTTP {status}）。データソースの URL か、その前にあるプロキシを確認してください。"
                        ),
                    ),
                )
                .with_detail(shown_text_limited(&self.body, 512)),
            );
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            let message = match retry_after(&self.headers, now) {
                Some(wait) => {
                    let secs = wait.as_secs().max(1);
                    say(
                        format!("{url}: rate limited; retry after {secs} s."),
                        format!(
                            "{url}: リクエストが多すぎるため制限されています。{secs} 秒後に再試行してください。"
                        ),
                    )
                }
                None => say(
                    format!("{url}: rate limited; retry later."),
                    format!(
                        "{url}: リクエストが多すぎるため制限されています。しばらくしてから再試行してください。"
                    ),
                ),
            };
            return Some(
                HinomiError::new(ErrorCode::RateLimited, message)
                    .with_detail(shown_text_limited(&self.body, 512)),
            );
        }
        if !is_unavailable(status) || looks_like_json(&self.body) {
            return None;
        }
        let (why, why_ja) = match status.as_u16() {
            500 => (
                "the server failed with an internal error",
                "サーバーが内部エラーで失敗しました",
            ),
            502 => (
                "a proxy in front of the server could not get an answer from it",
                "サーバーの前にあるプロキシがサーバーから応答を得られませんでした",
            ),
            503 => (
                "the server is unavailable (down, restarting or overloaded)",
                "サーバーを利用できません（停止中、再起動中、または過負荷）",
            ),
            _ => (
                "a proxy in front of the server timed out waiting for it",
                "サーバーの前にあるプロキシがサーバーの応答を待つ間にタイムアウトしました",
            ),
        };
        Some(
            HinomiError::new(
                ErrorCode::Unavailable,
                say(
                    format!("{url} answered {status}: {why}."),
                    format!("{url} が {status} を返しました: {why_ja}。"),
                ),
            )
            .with_detail(shown_text_limited(&self.body, 512)),
        )
    }

    fn is_html(&self) -> bool {
        let declared = self
            .headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("text/html")
            });
        // Some proxies send their page as text/plain or with no type at all.
        let head = self.body.trim_ascii_start();
        let head = &head[..head.len().min(64)];
        let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
        declared || lower.starts_with("<!doctype html") || lower.starts_with("<html")
    }

    /// `Retry-After` of this answer, if it sent one.
    pub fn retry_after(&self, now: DateTime<Utc>) -> Option<Duration> {
        retry_after(&self.headers, now)
    }
}

/// The statuses a failing server or proxy answers, rather than a wrong query.
fn is_unavailable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 500 | 502 | 503 | 504)
}

/// Statuses worth asking again for an idempotent read: the server may be back in a moment.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

fn looks_like_json(body: &[u8]) -> bool {
    matches!(body.trim_ascii_start().first(), Some(b'{' | b'[' | b'"'))
}

/// `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3); a date in the past is 0.
pub fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at: DateTime<Utc> = httpdate::parse_http_date(text).ok()?.into();
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// The page's `<title>`, cut short, to tell a login portal from a 502 page.
fn html_title(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(16 * 1024)]);
    let lower = head.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let title = head[open_end..close].split_whitespace().collect::<Vec<_>>();
    let title = title.join(" ");
    (!title.is_empty()).then(|| shown_text_limited(title.as_bytes(), 120))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn answer(status: u16, content_type: &str, body: &str) -> Answer {
        let mut headers = HeaderMap::new();
        if !content_type.is_empty() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        }
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: body.as_bytes().to_vec(),
            shown_url: "http://host/api".into(),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-04T06:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn each_fault_has_its_code_and_words() {
        let cases = [
            (
                answer(
                    200,
                    "text/html; charset=utf-8",
                    "<html><title>Sign in</title></html>",
                ),
                ErrorCode::ProxyPage,
                "the proxy answered with an HTML page titled \"Sign in\", not Prometheus JSON",
            ),
            (
                answer(502, "", "<!DOCTYPE html><html>bad gateway</html>"),
                ErrorCode::ProxyPage,
                "HTTP 502 Bad Gateway",
            ),
            (
                answer(500, "text/plain", "boom"),
                ErrorCode::Unavailable,
                "internal error",
            ),
            (
                answer(502, "text/plain", "no upstream"),
                ErrorCode::Unavailable,
                "could not get an answer",
            ),
            (
                answer(503, "text/plain", ""),
                ErrorCode::Unavailable,
                "unavailable",
            ),
            (
                answer(429, "text/plain", "slow down"),
                ErrorCode::RateLimited,
                "rate limited; retry later",
            ),
        ];
        for (answer, code, words) in cases {
            let err = answer.fault("Prometheus JSON", now()).expect("a fault");
            assert_eq!(err.code, code, "{err:?}");
            assert!(err.message.contains(words), "{}", err.message);
        }
    }

    #[test]
    fn the_backends_own_json_and_success_are_not_faults() {
        let own = answer(
            503,
            "application/json",
            r#"{"status":"error","error":"not ready"}"#,
        );
        assert!(own.fault("Prometheus JSON", now()).is_none());
        assert!(
            answer(200, "application/json", "{}")
                .fault("x", now())
                .is_none()
        );
        assert!(answer(400, "text/plain", "bad").fault("x", now()).is_none());
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut limited = answer(429, "", "");
        limited
            .headers
            .insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(limited.retry_after(now()), Some(Duration::from_secs(7)));
        let err = limited.fault("x", now()).unwrap();
        assert!(
            err.message.contains("rate limited; retry after 7 s"),
            "{}",
            err.message
        );
        limited.headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Fri, 04 Dec 2026 06:00:30 GMT"),
        );
        assert_eq!(limited.retry_after(now()), Some(Duration::from_secs(30)));
        limited.headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Fri, 04 Dec 2026 05:00:00 GMT"),
        );
        assert_eq!(limited.retry_after(now()), Some(Duration::ZERO));
        limited
            .headers
            .insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(limited.retry_after(now()), None);
    }

    #[test]
    fn each_fault_is_worded_in_japanese_with_the_same_code_and_detail() {
        use crate::test_support::assert_worded_in_both_languages;
        let cases = [
            (
                answer(200, "text/html", "<html><title>Sign in</title></html>"),
                "プロキシから HTML ページ（タイトル「Sign in」）が返りました",
            ),
            (answer(500, "text/plain", "boom"), "内部エラー"),
            (
                answer(502, "text/plain", "no upstream"),
                "応答を得られませんでした",
            ),
            (answer(503, "text/plain", ""), "利用できません"),
            (answer(504, "text/plain", ""), "タイムアウト"),
            (
                answer(429, "text/plain", "slow down"),
                "しばらくしてから再試行",
            ),
        ];
        for (answer, words) in cases {
            let fault = || answer.fault("Prometheus JSON", now()).expect("a fault");
            let (_, ja) = assert_worded_in_both_languages(|| vec![fault()]).remove(0);
            assert!(
                ja.message.starts_with("http://host/api") && ja.message.contains(words),
                "{}",
                ja.message
            );
        }
    }
}
