//! Who may talk to the control server.
//!
//! The control server listens on loopback, but loopback is not private: any web page the user
//! opens can make the browser send requests to `127.0.0.1`, and a DNS-rebinding page can even
//! read the answers. So a request is served only when
//!
//! - it carries no `Origin` header (browsers add one to every cross-origin request and to every
//!   POST; Alertmanager, `hinomi-demo` and test clients never do);
//! - its `Host` is the control server's own loopback address and port (a rebound name such as
//!   `evil.example:19099` is refused);
//! - it carries the stack's token as `Authorization: Bearer <token>`. The token is random per
//!   stack, written to `stack.json` in the state dir (readable only by whoever can read the
//!   user's files) and into the rendered `alertmanager.yml` for the webhook receiver.

use axum::http::{HeaderMap, StatusCode, header};
use subtle::ConstantTimeEq;

/// A fresh random token: 32 bytes from the OS, as 64 hex digits.
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    // Without the OS's randomness there is no way to make a secret; the demo cannot run safely.
    getrandom::fill(&mut bytes).expect("the OS random number generator is unavailable");
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Why a request was refused: the status and a message saying what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

/// Checks a request's headers against the control server's `port` and `token`.
pub(crate) fn check(headers: &HeaderMap, port: u16, token: &str) -> Result<(), Refusal> {
    let forbidden = |message: String| Refusal {
        status: StatusCode::FORBIDDEN,
        message,
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        return Err(forbidden(format!(
            "requests from web pages are refused (Origin: {})",
            String::from_utf8_lossy(origin.as_bytes())
        )));
    }
    let host = headers
        .get(header::HOST)
        .map(|host| String::from_utf8_lossy(host.as_bytes()).into_owned())
        .unwrap_or_default();
    let allowed = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    if !allowed.iter().any(|name| name.eq_ignore_ascii_case(&host)) {
        return Err(forbidden(format!(
            "Host {host:?} is not this control server (127.0.0.1:{port})"
        )));
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or("");
    if given.is_empty() || !bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
        return Err(Refusal {
            status: StatusCode::UNAUTHORIZED,
            message: "missing or wrong control token (send `Authorization: Bearer <token>`; \
                      the token is `control_token` in the stack's stack.json)"
                .to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const TOKEN: &str = "0123abcd";

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn good() -> Vec<(header::HeaderName, &'static str)> {
        vec![
            (header::HOST, "127.0.0.1:19099"),
            (header::AUTHORIZATION, "Bearer 0123abcd"),
        ]
    }

    #[test]
    fn the_right_host_and_token_pass() {
        assert_eq!(check(&headers(&good()), 19099, TOKEN), Ok(()));
        let mut localhost = good();
        localhost[0].1 = "localhost:19099";
        assert_eq!(check(&headers(&localhost), 19099, TOKEN), Ok(()));
    }

    #[test]
    fn any_origin_is_refused_even_with_the_token() {
        for origin in ["https://evil.example", "null", "http://127.0.0.1:19099"] {
            let mut pairs = good();
            pairs.push((header::ORIGIN, origin));
            let refused = check(&headers(&pairs), 19099, TOKEN).unwrap_err();
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
            assert!(refused.message.contains("web pages"), "{}", refused.message);
        }
    }

    #[test]
    fn a_foreign_or_missing_host_is_refused() {
        for host in ["evil.example:19099", "127.0.0.1:8080", "127.0.0.1", ""] {
            let mut pairs = good();
            pairs[0].1 = host;
            let map = if host.is_empty() {
                headers(&pairs[1..])
            } else {
                headers(&pairs)
            };
            let refused = check(&map, 19099, TOKEN).unwrap_err();
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{host}");
        }
    }

    #[test]
    fn a_missing_or_wrong_token_is_refused() {
        for auth in [
            None,
            Some("Bearer "),
            Some("Bearer 0123abce"),
            Some("0123abcd"),
            Some("Bearer 0123abcd0"),
        ] {
            let mut pairs = good();
            pairs.pop();
            if let Some(auth) = auth {
                pairs.push((header::AUTHORIZATION, auth));
            }
            let refused = check(&headers(&pairs), 19099, TOKEN).unwrap_err();
            assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        }
    }

    #[test]
    fn tokens_are_long_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
