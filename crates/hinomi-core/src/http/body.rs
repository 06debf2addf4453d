//! Reading a backend's answer without trusting its size.
//!
//! A backend (or whatever sits at its URL) can send an endless body: a runaway range query, a
//! misconfigured proxy, a hostile server. Every answer is therefore read through one reader that
//! refuses a `Content-Length` over the limit before reading anything, and otherwise reads chunk
//! by chunk and hangs up as soon as the limit is passed, so memory stays bounded by the limit.
//! Error texts taken from a body are cut by [`shown_text`] before they reach the user.

use crate::error::{ErrorCode, HinomiError};
use crate::texts::user_lang::say;

const MIB: u64 = 1024 * 1024;

/// The answer-size limit of a datasource without its own setting: far above a dashboard's
/// answers (the range API's point limit keeps them to a few MB), far below what hurts.
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 64 * MIB;

/// How much of a backend's error text is shown; the rest is replaced by a marker.
pub const MAX_SHOWN_ERROR_BYTES: usize = 2048;

/// An answer over its limit: what was declared or received so far, and the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url}: answer too large ({} MB, limit {} MB); narrow the query or the time range.", mb(*.received), mb(*.limit))]
pub struct TooLarge {
    /// The URL as it may be shown (no credentials, no query).
    pub url: String,
    /// The `Content-Length`, or the bytes received when the client hung up.
    pub received: u64,
    pub limit: u64,
}

impl From<TooLarge> for HinomiError {
    fn from(err: TooLarge) -> Self {
        // `backend`: the answer is the backend's to make smaller (a narrower query), as for
        // Prometheus's own "too many samples".
        let (received, limit) = (mb(err.received), mb(err.limit));
        let message = say(
            err.to_string(),
            format!(
                "{}: 応答が大きすぎます（{received} MB、上限 {limit} MB）。クエリか時間範囲を絞ってください。",
                err.url
            ),
        );
        HinomiError::new(ErrorCode::Backend, message).with_detail(format!(
            "{} bytes received or announced, limit {} bytes",
            err.received, err.limit
        ))
    }
}

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error(transparent)]
    TooLarge(TooLarge),
    /// The connection failed or timed out mid-body, already in the shared shape.
    #[error("{0}")]
    Transport(HinomiError),
}

impl From<BodyError> for HinomiError {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::TooLarge(too_large) => too_large.into(),
            BodyError::Transport(inner) => inner,
        }
    }
}

/// Reads an answer's body while it arrives (a decoder that works while the rest downloads):
/// after each chunk it is shown the whole body received so far, which only ever grows.
pub trait BodyWatcher: Send {
    fn received(&mut self, body: &[u8]);
}

/// No watcher: the body is only read.
impl BodyWatcher for () {
    fn received(&mut self, _body: &[u8]) {}
}

/// Reads `response`'s body, refusing more than `limit` bytes. Dropping the response on refusal
/// closes the connection, so the server stops sending.
pub async fn read_bounded(response: reqwest::Response, limit: u64) -> Result<Vec<u8>, BodyError> {
    read_bounded_watched(response, limit, &mut ()).await
}

/// [`read_bounded`], showing `watcher` the body after each chunk (never past the limit: a chunk
/// that would pass it ends the read before the watcher sees it).
pub async fn read_bounded_watched<W: BodyWatcher + ?Sized>(
    mut response: reqwest::Response,
    limit: u64,
    watcher: &mut W,
) -> Result<Vec<u8>, BodyError> {
    let url = &response.url().clone();
    let too_large = |received: u64| {
        BodyError::TooLarge(TooLarge {
            url: super::redact(url),
            received,
            limit,
        })
    };
    let declared = response.content_length();
    if let Some(len) = declared.filter(|&len| len > limit) {
        return Err(too_large(len));
    }
    // A declared length is trusted for the first allocation only, never past the limit.
    let mut body = Vec::with_capacity(declared.unwrap_or(16 * 1024).min(limit) as usize);
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(err) if err.is_timeout() => {
                return Err(BodyError::Transport(super::transport_error(&err, url)));
            }
            Err(err) => {
                return Err(BodyError::Transport(truncated(
                    &err,
                    url,
                    body.len(),
                    declared,
                )));
            }
        };
        let received = (body.len() + chunk.len()) as u64;
        if received > limit {
            return Err(too_large(received));
        }
        body.extend_from_slice(&chunk);
        watcher.received(&body);
    }
    Ok(body)
}

/// The connection closed (or broke) mid-body: the answer is incomplete, whatever was announced.
fn truncated(
    err: &reqwest::Error,
    url: &url::Url,
    received: usize,
    declared: Option<u64>,
) -> HinomiError {
    let shown = super::redact(url);
    let message = match declared {
        Some(len) => say(
            format!(
                "{shown}: the answer was cut short ({received} of {len} bytes received before the connection closed)."
            ),
            format!(
                "{shown}: 応答が途中で途切れました（接続が切れるまでに {len} バイト中 {received} バイトを受信）。"
            ),
        ),
        None => say(
            format!(
                "{shown}: the answer was cut short ({received} bytes received before the connection closed)."
            ),
            format!(
                "{shown}: 応答が途中で途切れました（接続が切れるまでに {received} バイトを受信）。"
            ),
        ),
    };
    HinomiError::new(ErrorCode::Truncated, message).with_detail(super::error_chain_of(err))
}

/// A backend's text as it may be shown in a message or detail: lossy UTF-8, at most
/// [`MAX_SHOWN_ERROR_BYTES`] of it (cut on a character boundary), with a marker saying how much
/// was left out.
pub fn shown_text(body: &[u8]) -> String {
    shown_text_limited(body, MAX_SHOWN_ERROR_BYTES)
}

/// [`shown_text`] with another limit, for the places that show only a glimpse.
pub fn shown_text_limited(body: &[u8], max_bytes: usize) -> String {
    if body.len() <= max_bytes {
        return String::from_utf8_lossy(body).into_owned();
    }
    // Cutting bytes may split a character: lossy decoding would show U+FFFD for its start, so
    // the cut moves back to the last boundary of valid text.
    let head = &body[..max_bytes];
    let head = match std::str::from_utf8(head) {
        Ok(text) => text.to_owned(),
        Err(err) if err.error_len().is_none() => {
            String::from_utf8_lossy(&head[..err.valid_up_to()]).into_owned()
        }
        Err(_) => String::from_utf8_lossy(head).into_owned(),
    };
    let left_out = body.len() - head.len();
    format!("{head}… ({left_out} more bytes not shown)")
}

/// Megabytes (MiB) for a message: rounded up to a tenth so an answer just over a limit never
/// reads as equal to it, without a trailing `.0`.
fn mb(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10).div_ceil(MIB);
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn megabytes_round_up_to_a_tenth() {
        assert_eq!(mb(64 * MIB), "64");
        assert_eq!(mb(64 * MIB + 1), "64.1");
        assert_eq!(mb(2 * 1024 * MIB), "2048");
        assert_eq!(mb(0), "0");
    }

    #[test]
    fn the_message_has_the_documented_shape() {
        let err = TooLarge {
            url: "http://host/api/v1/query_range".into(),
            received: 2 * 1024 * MIB,
            limit: 64 * MIB,
        };
        let shown = HinomiError::from(err);
        assert_eq!(shown.code, ErrorCode::Backend);
        assert!(
            shown
                .message
                .contains("answer too large (2048 MB, limit 64 MB)"),
            "{}",
            shown.message
        );
    }

    #[test]
    fn long_texts_are_cut_with_a_marker() {
        let body = vec![b'x'; 10 * 1024 * 1024];
        let shown = shown_text(&body);
        assert!(shown.len() < MAX_SHOWN_ERROR_BYTES + 64, "{}", shown.len());
        assert!(shown.ends_with("more bytes not shown)"), "{shown}");
        assert_eq!(shown_text(b"short"), "short");
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        // 'é' is two bytes; an odd limit falls in the middle of one.
        let body = "é".repeat(2000);
        let shown = shown_text_limited(body.as_bytes(), 7);
        assert!(shown.starts_with("ééé…"), "{shown}");
        assert!(!shown.contains('\u{FFFD}'), "{shown}");
    }

    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server that answers one request with `head` and then 64 KiB chunks (chunked encoding)
    /// until `cap` bytes; returns its URL and the bytes of body it managed to send.
    async fn streaming_server(head: &'static str, cap: u64) -> (url::Url, Arc<AtomicU64>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            socket.write_all(head.as_bytes()).await.unwrap();
            let piece = vec![b'x'; 64 * 1024];
            let framed = [
                format!("{:x}\r\n", piece.len()).into_bytes(),
                piece,
                b"\r\n".to_vec(),
            ]
            .concat();
            while counter.load(Ordering::Relaxed) < cap {
                if socket.write_all(&framed).await.is_err() {
                    return;
                }
                counter.fetch_add(64 * 1024, Ordering::Relaxed);
            }
            let _ = socket.write_all(b"0\r\n\r\n").await;
        });
        (url::Url::parse(&format!("http://{addr}/")).unwrap(), sent)
    }

    #[tokio::test]
    async fn an_endless_body_is_refused_once_past_the_limit() {
        let (url, sent) = streaming_server(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
            1024 * MIB,
        )
        .await;
        let response = reqwest::get(url).await.unwrap();
        let err = read_bounded(response, 4 * MIB).await.unwrap_err();
        let BodyError::TooLarge(too_large) = err else {
            panic!("{err:?}")
        };
        assert!(too_large.received > 4 * MIB && too_large.received <= 5 * MIB);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        // The socket buffers hold a few MB at most; the server was cut off long before 1 GB.
        assert!(sent.load(Ordering::Relaxed) < 64 * MIB, "{sent:?}");
    }

    #[tokio::test]
    async fn a_content_length_over_the_limit_is_refused_before_reading() {
        let (url, sent) =
            streaming_server("HTTP/1.1 200 OK\r\ncontent-length: 2147483648\r\n\r\n", 0).await;
        let response = reqwest::get(url).await.unwrap();
        let err = read_bounded(response, 4 * MIB).await.unwrap_err();
        let BodyError::TooLarge(too_large) = err else {
            panic!("{err:?}")
        };
        assert_eq!(too_large.received, 2048 * MIB);
        assert_eq!(sent.load(Ordering::Relaxed), 0);
        assert!(
            HinomiError::from(too_large)
                .message
                .contains("answer too large (2048 MB, limit 4 MB)")
        );
    }

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let (url, _) =
            streaming_server("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n", MIB).await;
        let response = reqwest::get(url).await.unwrap();
        assert_eq!(
            read_bounded(response, 4 * MIB).await.unwrap().len() as u64,
            MIB
        );
    }

    /// Records the length of the body at each look.
    #[derive(Default)]
    struct Lengths(Vec<usize>);

    impl BodyWatcher for Lengths {
        fn received(&mut self, body: &[u8]) {
            assert!(body.iter().all(|&b| b == b'x'), "the body as received");
            self.0.push(body.len());
        }
    }

    #[tokio::test]
    async fn a_watcher_sees_the_body_grow_and_never_past_the_limit() {
        let chunked = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
        let (url, _) = streaming_server(chunked, MIB).await;
        let mut seen = Lengths::default();
        let response = reqwest::get(url).await.unwrap();
        let body = read_bounded_watched(response, 4 * MIB, &mut seen)
            .await
            .unwrap();
        assert!(seen.0.len() > 1, "{:?}", seen.0);
        assert!(seen.0.windows(2).all(|w| w[0] < w[1]), "{:?}", seen.0);
        assert_eq!(seen.0.last(), Some(&body.len()));

        let (url, _) = streaming_server(chunked, 64 * MIB).await;
        let mut seen = Lengths::default();
        let response = reqwest::get(url).await.unwrap();
        let err = read_bounded_watched(response, 4 * MIB, &mut seen)
            .await
            .unwrap_err();
        assert!(matches!(err, BodyError::TooLarge(_)), "{err:?}");
        assert!(
            seen.0.iter().all(|&len| len as u64 <= 4 * MIB),
            "{:?}",
            seen.0
        );
    }

    #[test]
    fn an_answer_too_large_is_worded_in_japanese() {
        use crate::texts::{Lang, user_lang::with};
        let too_large = || {
            HinomiError::from(TooLarge {
                url: "http://host/api".into(),
                received: 2 * 1024 * MIB,
                limit: 64 * MIB,
            })
        };
        let (en, ja) = (with(Lang::En, too_large), with(Lang::Ja, too_large));
        assert_eq!((ja.code, &ja.detail), (en.code, &en.detail));
        assert_eq!(
            ja.message,
            "http://host/api: 応答が大きすぎます（2048 MB、上限 64 MB）。クエリか時間範囲を絞ってください。"
        );
    }
}
