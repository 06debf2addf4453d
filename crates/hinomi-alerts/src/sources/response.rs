//! Turning Alertmanager's answers into values or into its own error (Prometheus's envelope is
//! `hinomi-prometheus`'s).
//!
//! Alertmanager's v2 API answers errors as a JSON string (`"silence not found"`), a go-swagger object
//! (`{"code":602,"message":"..."}`) or plain text, depending on where the error arose; all
//! three are unwrapped so the user reads Alertmanager's words, not our paraphrase.

use crate::error::AlertsError;
use hinomi_core::HinomiError;
use hinomi_core::http::{Endpoint, Retry, shown_text};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Sends a request built on `endpoint` and returns status and body, read under the endpoint's
/// size cap; reads are retried as hinomi-core's policy allows (writes never), transport failures
/// and answers that are not `expected` (an HTML page, a rate limit, a failing proxy) are
/// classified by hinomi-core.
pub(crate) async fn send(
    endpoint: &Endpoint,
    request: reqwest::RequestBuilder,
    retry: Retry,
    expected: &str,
) -> Result<(reqwest::StatusCode, Vec<u8>), HinomiError> {
    let answer = endpoint.fetch(request, retry).await?;
    if let Some(err) = answer.fault(expected, endpoint.now()) {
        return Err(err);
    }
    Ok((answer.status, answer.body))
}

/// What the Alertmanager API answers with, for the "not …" of a fault.
pub(crate) const ALERTMANAGER_JSON: &str = "Alertmanager JSON";

/// Decodes a successful Alertmanager answer, or returns its error verbatim.
pub(crate) fn alertmanager_json<T: DeserializeOwned>(
    status: reqwest::StatusCode,
    body: &[u8],
) -> Result<T, HinomiError> {
    if !status.is_success() {
        return Err(alertmanager_error(status, body));
    }
    serde_json::from_slice(body).map_err(|err| {
        AlertsError::NotAlertmanagerApi {
            cause: err.to_string(),
        }
        .into()
    })
}

/// Alertmanager's error text, unwrapped from whichever of its shapes it came in.
pub(crate) fn alertmanager_error(status: reqwest::StatusCode, body: &[u8]) -> HinomiError {
    // 401/403 come from the web config or a proxy in front, not from the API: its bare
    // "Unauthorized" would read as an Alertmanager complaint rather than a credentials problem.
    if let Some(err) = hinomi_core::http::auth_rejected(status, "Alertmanager") {
        return err;
    }
    #[derive(Deserialize)]
    struct SwaggerError {
        message: String,
    }
    let text = if let Ok(message) = serde_json::from_slice::<String>(body) {
        shown_text(message.trim().as_bytes())
    } else if let Ok(SwaggerError { message }) = serde_json::from_slice(body) {
        shown_text(message.trim().as_bytes())
    } else {
        shown_text(body.trim_ascii())
    };
    if text.is_empty() {
        return AlertsError::AlertmanagerStatus {
            status,
            body: shown_text(body),
        }
        .into();
    }
    AlertsError::Alertmanager {
        status,
        message: text,
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::ErrorCode;
    use reqwest::StatusCode;

    #[test]
    fn refused_credentials_say_so_rather_than_echo_unauthorized() {
        let err = alertmanager_error(StatusCode::UNAUTHORIZED, b"Unauthorized\n");
        assert_eq!(err.code, ErrorCode::HttpStatus);
        assert!(err.message.contains("credentials"), "{}", err.message);
        let forbidden = alertmanager_error(StatusCode::FORBIDDEN, b"");
        assert!(
            forbidden.message.contains("forbidden"),
            "{}",
            forbidden.message
        );
    }

    #[test]
    fn alertmanager_errors_are_unwrapped_verbatim() {
        let json_string = alertmanager_error(StatusCode::BAD_REQUEST, br#""bad matcher: x""#);
        assert_eq!(json_string.code, ErrorCode::Backend);
        assert_eq!(json_string.message, "bad matcher: x");
        let swagger = alertmanager_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            br#"{"code":602,"message":"matchers in body is required"}"#,
        );
        assert_eq!(swagger.message, "matchers in body is required");
        let plain = alertmanager_error(StatusCode::BAD_REQUEST, b"start time must be before\n");
        assert_eq!(plain.message, "start time must be before");
        let missing = alertmanager_error(StatusCode::NOT_FOUND, br#""silence not found""#);
        assert_eq!(missing.code, ErrorCode::NotFound);
        let empty = alertmanager_error(StatusCode::BAD_GATEWAY, b"");
        assert_eq!(empty.code, ErrorCode::HttpStatus);
    }

    #[test]
    fn a_10_mb_error_body_is_cut_to_what_can_be_shown() {
        let huge = vec![b'E'; 10 * 1024 * 1024];
        for err in [
            alertmanager_error(StatusCode::INTERNAL_SERVER_ERROR, &huge),
            alertmanager_error(
                StatusCode::BAD_REQUEST,
                format!("\"{}\"", "e".repeat(10 * 1024 * 1024)).as_bytes(),
            ),
        ] {
            let shown = format!("{} {}", err.message, err.detail.unwrap_or_default());
            assert!(shown.len() < 4 * 1024, "{} bytes shown", shown.len());
            assert!(shown.contains("more bytes not shown"), "{shown}");
        }
    }
}
