//! A loopback backend gone wrong, for the clients' size-cap tests.
//!
//! [`RunawayServer`] answers a request with a JSON document that looks right but never ends
//! (Prometheus's matrix, Alertmanager's alert list, an Elasticsearch hit list), chunked and
//! without `Content-Length`, and counts what it managed to send before the client hung up. It
//! gives up after a fixed amount, so a client without a cap fails its test instead of eating the
//! machine's memory. Small fixed answers can be set per path (an engine's root document).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinHandle;

/// Where the server stops sending when nobody hung up: far past any sane client cap.
pub const RUNAWAY_GIVE_UP_BYTES: u64 = 1024 * 1024 * 1024;

pub struct RunawayServer {
    url: String,
    sent: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl RunawayServer {
    /// `GET /api/v1/query_range` (and any other path): `{"status":"success","data":{
    /// "resultType":"matrix","result":[{series},{series},...` forever.
    pub async fn prometheus_matrix() -> Self {
        let series = r#"{"metric":{"__name__":"http_requests_total","instance":"demo-api:8000","job":"dataset-management"},"values":[[1700000000,"1"],[1700000015,"2"],[1700000030,"3"],[1700000045,"4"]]}"#;
        Self::start(
            r#"{"status":"success","data":{"resultType":"matrix","result":["#,
            series,
            HashMap::new(),
        )
        .await
    }

    /// `GET /api/v2/alerts`: `[{alert},{alert},...` forever.
    pub async fn alertmanager_alerts() -> Self {
        let alert = r#"{"labels":{"alertname":"HighErrorRate","severity":"critical","instance":"demo-api:8000"},"annotations":{"summary":"error rate above 5%"},"startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T01:00:00Z","updatedAt":"2026-01-01T00:00:00Z","fingerprint":"0123456789abcdef","status":{"state":"active","silencedBy":[],"inhibitedBy":[]},"receivers":[{"name":"default"}],"generatorURL":"http://prometheus/graph"}"#;
        Self::start("[", alert, HashMap::new()).await
    }

    /// An OpenSearch 2 whose root document and point-in-time answers (for the seed's index
    /// pattern) are normal and whose every other answer is a search answer with endless hits.
    pub async fn elasticsearch_hits() -> Self {
        let hit = r#"{"_index":"dataset-management-2026.01.01","_id":"a1","_score":null,"_source":{"@timestamp":"2026-01-01T00:00:00Z","level":"ERROR","message":"upstream timed out"},"sort":[1767225600000]}"#;
        let root = r#"{"name":"n1","cluster_name":"c","version":{"distribution":"opensearch","number":"2.11.0"},"tagline":"The OpenSearch Project: https://opensearch.org/"}"#;
        Self::start(
            r#"{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":10000,"relation":"gte"},"max_score":null,"hits":["#,
            hit,
            HashMap::from([
                ("/".to_owned(), root.to_owned()),
                (
                    "/dataset-management-*/_search/point_in_time".to_owned(),
                    r#"{"pit_id":"runaway-pit","_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"creation_time":1767225600000}"#.to_owned(),
                ),
                (
                    "/_search/point_in_time".to_owned(),
                    r#"{"pits":[{"pit_id":"runaway-pit","successful":true}]}"#.to_owned(),
                ),
            ]),
        )
        .await
    }

    /// Answers `fixed[path]` where set, otherwise `prefix` then `item` repeated, comma-separated.
    pub async fn start(prefix: &str, item: &str, fixed: HashMap<String, String>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let prefix = prefix.as_bytes().to_vec();
        // One chunk of ~64 KiB of items, sent again and again.
        let mut block = Vec::new();
        while block.len() < 64 * 1024 {
            block.push(b',');
            block.extend_from_slice(item.as_bytes());
        }
        let first = [prefix, item.as_bytes().to_vec()].concat();
        let (fixed, first, block) = (Arc::new(fixed), Arc::new(first), Arc::new(block));
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (fixed, first, block) = (fixed.clone(), first.clone(), block.clone());
                let counter = counter.clone();
                tokio::spawn(async move {
                    let _ = answer(socket, &fixed, &first, &block, &counter).await;
                });
            }
        });
        Self { url, sent, task }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Bytes of runaway body written to sockets so far (all connections).
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

impl Drop for RunawayServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    mut socket: tokio::net::TcpStream,
    fixed: &HashMap<String, String>,
    first: &[u8],
    block: &[u8],
    sent: &AtomicU64,
) -> std::io::Result<()> {
    let path = read_request_path(&mut socket).await?;
    if let Some(body) = fixed.get(&path) {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        socket.write_all(head.as_bytes()).await?;
        return socket.write_all(body.as_bytes()).await;
    }
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        )
        .await?;
    let chunk = |data: &[u8]| {
        [
            format!("{:x}\r\n", data.len()).into_bytes(),
            data.to_vec(),
            b"\r\n".to_vec(),
        ]
        .concat()
    };
    socket.write_all(&chunk(first)).await?;
    let framed = chunk(block);
    while sent.load(Ordering::Relaxed) < RUNAWAY_GIVE_UP_BYTES {
        socket.write_all(&framed).await?;
        sent.fetch_add(block.len() as u64, Ordering::Relaxed);
    }
    // Gives up mid-document, without the last chunk: a truncated body.
    Ok(())
}

/// Reads the request head (and a body of `content-length`, so the client is not reset while it
/// still sends) and returns the path without its query.
async fn read_request_path(socket: &mut tokio::net::TcpStream) -> std::io::Result<String> {
    let mut buffer = Vec::new();
    let mut piece = [0u8; 4096];
    let head_end = loop {
        let read = socket.read(&mut piece).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&piece[..read]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body_read = buffer.len() - head_end;
    while body_read < length {
        let read = socket.read(&mut piece).await?;
        if read == 0 {
            break;
        }
        body_read += read;
    }
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    Ok(target.split('?').next().unwrap_or("/").to_owned())
}
