//! Checks shared by every crate's tests (feature `test-support`, dev builds only): a loopback
//! server that misbehaves on purpose, for the backends' fault tests, and the bilingual wording
//! check for each crate's errors.
//!
//! The server speaks raw HTTP/1.1 over TCP so it can do what a well-behaved framework will not: close
//! mid-body after announcing more, accept and never answer. [`Fault::ALL`] is the table each
//! backend runs: the fault, a URL that shows it, and what the user must be told;
//! [`assert_every_fault`] and [`assert_retried_through`] run it the same way for every client.
//!
//! [`assert_worded_in_both_languages`] words a crate's errors in English and in Japanese: only the
//! message may change, and the Japanese one must be Japanese.

mod wording;
pub use wording::{assert_worded_in_both_languages, worded_in};

use crate::clock::{Clock, FakeClock};
use crate::error::{ErrorCode, HinomiError};
use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A whole answer with this status, content type, extra headers and body.
    Answer {
        status: u16,
        content_type: String,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Announces `declared` bytes, sends `body` (fewer) and closes.
    Truncated { declared: usize, body: String },
    /// Reads the request and never answers.
    Hang,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: &str) -> Self {
        Reply::Answer {
            status,
            content_type: content_type.to_owned(),
            headers: Vec::new(),
            body: body.to_owned(),
        }
    }

    pub fn json(body: &str) -> Self {
        Self::new(200, "application/json", body)
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Answer { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// Serves its replies in order, one per request; the last one is repeated.
pub struct FaultServer {
    url: String,
    hits: Arc<AtomicUsize>,
}

impl FaultServer {
    pub async fn start(replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty(), "a fault server needs a reply");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let replies = Arc::new(replies);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let reply = replies[n.min(replies.len() - 1)].clone();
                tokio::spawn(answer(socket, reply));
            }
        });
        Self { url, hits }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Requests received so far (each comes on its own connection: replies say `close`).
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn answer(mut socket: TcpStream, reply: Reply) {
    read_request(&mut socket).await;
    let head = |status: u16, content_type: &str, headers: &[(String, String)], len: usize| {
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\ncontent-length: {len}\r\nconnection: close\r\n",
            reason(status)
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head + "\r\n"
    };
    let bytes = match reply {
        Reply::Answer {
            status,
            content_type,
            headers,
            body,
        } => head(status, &content_type, &headers, body.len()) + &body,
        Reply::Truncated { declared, body } => head(200, "application/json", &[], declared) + &body,
        Reply::Hang => {
            std::future::pending::<()>().await;
            return;
        }
    };
    let _ = socket.write_all(bytes.as_bytes()).await;
    let _ = socket.shutdown().await;
}

/// Reads the head and any `content-length` body, so the client never sees a reset mid-send.
async fn read_request(socket: &mut TcpStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = socket.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        seen.extend_from_slice(&buf[..n]);
        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if seen.len() >= end + 4 + len {
                return;
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A URL on loopback where nothing listens.
pub fn refused_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    format!("http://127.0.0.1:{port}")
}

/// `.invalid` never resolves (RFC 6761), with or without a network.
pub const DNS_FAILURE_URL: &str = "http://hinomi-fault.invalid";

/// An HTTPS server on loopback with a self-signed certificate no one trusts.
pub async fn untrusted_tls_url() -> String {
    use tokio_rustls::rustls;
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(socket).await;
            });
        }
    });
    format!("https://localhost:{port}")
}

/// Every fault a backend must survive, each with what the user is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Refused,
    Dns,
    Tls,
    Hang,
    Status500,
    Status502,
    Status503,
    RateLimited,
    Truncated,
    HtmlPage200,
    HtmlPage502,
}

impl Fault {
    pub const ALL: [Fault; 11] = [
        Fault::Refused,
        Fault::Dns,
        Fault::Tls,
        Fault::Hang,
        Fault::Status500,
        Fault::Status502,
        Fault::Status503,
        Fault::RateLimited,
        Fault::Truncated,
        Fault::HtmlPage200,
        Fault::HtmlPage502,
    ];

    /// The datasource timeout to test this fault with. Only the hung server needs a short one
    /// (its case is the wait). Every other fault answers at once, but its request runs for
    /// real while retries wait on the fake clock, whose waits still spend the budget: with a
    /// short timeout a loaded CI machine turned a 502's second attempt into a timeout.
    pub fn timeout_ms(self) -> u32 {
        match self {
            Fault::Hang => 400,
            _ => 30_000,
        }
    }

    /// A base URL showing this fault on every request (servers live as long as the runtime).
    pub async fn url(self) -> String {
        let serve = |reply: Reply| async move { FaultServer::start(vec![reply]).await.url };
        match self {
            Fault::Refused => refused_url(),
            Fault::Dns => DNS_FAILURE_URL.to_owned(),
            Fault::Tls => untrusted_tls_url().await,
            Fault::Hang => serve(Reply::Hang).await,
            Fault::Status500 => serve(Reply::new(500, "text/plain", "internal error")).await,
            Fault::Status502 => serve(Reply::new(502, "text/plain", "upstream connect error")).await,
            Fault::Status503 => serve(Reply::new(503, "text/plain", "no healthy upstream")).await,
            Fault::RateLimited => {
                serve(Reply::new(429, "text/plain", "slow down").with_header("retry-after", "120"))
                    .await
            }
            Fault::Truncated => {
                serve(Reply::Truncated {
                    declared: 4096,
                    body: r#"{"status":"success","data":{"#.to_owned(),
                })
                .await
            }
            Fault::HtmlPage200 => serve(Reply::new(
                200,
                "text/html; charset=utf-8",
                "<!DOCTYPE html><html><head><title>Corporate sign-in</title></head><body>Sign in</body></html>",
            ))
            .await,
            Fault::HtmlPage502 => serve(Reply::new(
                502,
                "text/html",
                "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>",
            ))
            .await,
        }
    }

    /// The error code the user must get.
    pub fn code(self) -> ErrorCode {
        match self {
            Fault::Refused | Fault::Dns => ErrorCode::Unreachable,
            Fault::Tls => ErrorCode::Tls,
            Fault::Hang => ErrorCode::Timeout,
            Fault::Status500 | Fault::Status502 | Fault::Status503 => ErrorCode::Unavailable,
            Fault::RateLimited => ErrorCode::RateLimited,
            Fault::Truncated => ErrorCode::Truncated,
            Fault::HtmlPage200 | Fault::HtmlPage502 => ErrorCode::ProxyPage,
        }
    }

    /// Words the message must contain.
    pub fn words(self) -> &'static str {
        match self {
            Fault::Refused => "connection refused",
            Fault::Dns => "could not be resolved (DNS)",
            Fault::Tls => "TLS",
            Fault::Hang => "did not answer in time",
            Fault::Status500 => "internal error",
            Fault::Status502 => "could not get an answer",
            Fault::Status503 => "unavailable",
            Fault::RateLimited => "rate limited; retry after 120 s",
            Fault::Truncated => "the answer was cut short",
            Fault::HtmlPage200 | Fault::HtmlPage502 => "the proxy answered with an HTML page",
        }
    }
}

/// The fake clock the fault tests start on: retries wait on it, so nothing sleeps.
pub fn fault_clock() -> FakeClock {
    FakeClock::at(
        chrono::DateTime::parse_from_rfc3339("2026-12-04T06:00:00Z")
            .expect("a valid date")
            .to_utc(),
    )
}

/// Runs `call` once for each fault of [`Fault::ALL`], with a URL showing it and the timeout to
/// give the client ([`Fault::timeout_ms`]), and checks what the user is told: the fault's code
/// and words, and for a proxy's HTML page also `proxy_words` (the client's "not … JSON").
pub async fn assert_every_fault<T, F, Fut>(proxy_words: &str, mut call: F)
where
    T: Debug,
    F: FnMut(String, u32) -> Fut,
    Fut: Future<Output = Result<T, HinomiError>>,
{
    for fault in Fault::ALL {
        let err = call(fault.url().await, fault.timeout_ms())
            .await
            .expect_err(&format!("{fault:?}"));
        assert_eq!(err.code, fault.code(), "{fault:?}: {err:?}");
        assert!(
            err.message.contains(fault.words()),
            "{fault:?}: {}",
            err.message
        );
        if matches!(fault, Fault::HtmlPage200 | Fault::HtmlPage502) {
            assert!(err.message.contains(proxy_words), "{}", err.message);
        }
    }
}

/// A 503, and a 429 with `Retry-After: 1`, each followed by the good answer `good_json`: `call`,
/// given the server's URL and a fresh [`fault_clock`], must get through on the second request
/// after waiting on the fake clock. Returns the answers, first the 503's then the 429's.
pub async fn assert_retried_through<T, F, Fut>(good_json: &str, mut call: F) -> Vec<T>
where
    T: Debug,
    F: FnMut(String, FakeClock) -> Fut,
    Fut: Future<Output = Result<T, HinomiError>>,
{
    let mut answers = Vec::new();
    for first in [
        Reply::new(503, "text/plain", "no healthy upstream"),
        Reply::new(429, "text/plain", "slow down").with_header("retry-after", "1"),
    ] {
        let server = FaultServer::start(vec![first.clone(), Reply::json(good_json)]).await;
        let clock = fault_clock();
        let start = clock.now();
        let answer = call(server.url().to_owned(), clock.clone()).await;
        let answer = answer.unwrap_or_else(|err| panic!("{first:?}: {err:?}"));
        assert_eq!(server.hits(), 2, "{first:?}");
        assert!(
            clock.now() > start,
            "{first:?}: waited on the fake clock before retrying"
        );
        answers.push(answer);
    }
    answers
}
