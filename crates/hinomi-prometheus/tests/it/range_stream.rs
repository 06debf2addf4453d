//! `query_range` decodes the answer while it arrives: over HTTP, in odd chunks, it gives what
//! the whole-body decode gives, and the size cap, Prometheus's errors and a cut answer reach
//! the caller as they did before.

use chrono::{DateTime, Utc};
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_prometheus::query::decode_range_body;
use hinomi_prometheus::{PrometheusClient, Series};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How the test server sends the body.
#[derive(Clone)]
struct Answer {
    status: &'static str,
    body: Vec<u8>,
    /// Sizes of the chunks written one after another (the last repeats).
    pieces: Vec<usize>,
    /// Hang up after this many bytes of body, without ending the chunked encoding.
    cut_after: Option<usize>,
}

/// A server answering every request with `answer` in chunked encoding (no Content-Length, so
/// the size cap is only known mid-stream), each chunk flushed on its own.
async fn serve(answer: Answer) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 8192];
                let _ = socket.read(&mut request).await;
                let head = format!(
                    "HTTP/1.1 {}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
                    answer.status
                );
                socket.write_all(head.as_bytes()).await.unwrap();
                let end = answer.cut_after.unwrap_or(answer.body.len());
                let mut at = 0;
                let mut sizes = answer.pieces.iter().copied();
                let mut size = sizes.next().unwrap_or(1024);
                while at < end {
                    let piece = &answer.body[at..(at + size).min(end)];
                    let framed =
                        [format!("{:x}\r\n", piece.len()).as_bytes(), piece, b"\r\n"].concat();
                    if socket.write_all(&framed).await.is_err() {
                        return;
                    }
                    let _ = socket.flush().await;
                    at += piece.len();
                    size = sizes.next().unwrap_or(size);
                }
                if answer.cut_after.is_none() {
                    let _ = socket.write_all(b"0\r\n\r\n").await;
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    url
}

fn client(url: String) -> PrometheusClient {
    PrometheusClient::new(&Datasource {
        id: "p".into(),
        name: "p".into(),
        kind: DatasourceKind::Prometheus,
        url,
        timeout_ms: 5_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    })
    .unwrap()
}

async fn range(client: &PrometheusClient) -> Result<Vec<Series>, HinomiError> {
    let end: DateTime<Utc> = DateTime::from_timestamp(1_764_828_000, 0).unwrap();
    let start = end - chrono::Duration::hours(1);
    let step = Duration::from_secs(15);
    Ok(client.query_range("m", start, end, step).await?)
}

async fn raw_then_decoded(client: &PrometheusClient) -> Result<Vec<Series>, HinomiError> {
    let end: DateTime<Utc> = DateTime::from_timestamp(1_764_828_000, 0).unwrap();
    let start = end - chrono::Duration::hours(1);
    let step = Duration::from_secs(15);
    let body = client.query_range_raw("m", start, end, step).await?;
    Ok(decode_range_body(&body)?)
}

/// 50 series × 240 points, labels with escapes and UTF-8.
fn big_matrix() -> Vec<u8> {
    let series: Vec<String> = (0..50)
        .map(|s| {
            let pairs: Vec<String> = (0..240)
                .map(|p| format!("[{},\"{}\"]", 1_764_824_400 + p * 15, (p * s) as f64 / 7.0))
                .collect();
            format!(
                r#"{{"metric":{{"__name__":"m","instance":"host-{s}","note":"ü \"q\" }}"}},"values":[{}]}}"#,
                pairs.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"status":"success","data":{{"resultType":"matrix","result":[{}]}}}}"#,
        series.join(",")
    )
    .into_bytes()
}

fn same(a: &[Series], b: &[Series]) -> bool {
    let bits = |xs: &[f64]| xs.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.labels == b.labels
                && bits(&a.timestamps) == bits(&b.timestamps)
                && bits(&a.values) == bits(&b.values)
        })
}

#[tokio::test]
async fn a_matrix_in_odd_chunks_is_what_the_whole_body_decodes_to() {
    let body = big_matrix();
    let whole = decode_range_body(&body).unwrap();
    assert_eq!(whole.len(), 50);
    for pieces in [
        vec![1, 2, 3, 5, 8, 13, 4096],
        vec![7],
        vec![65_536],
        vec![100_000_000],
    ] {
        let url = serve(Answer {
            status: "200 OK",
            body: body.clone(),
            pieces: pieces.clone(),
            cut_after: None,
        })
        .await;
        let client = client(url);
        let streamed = range(&client).await.unwrap();
        assert!(same(&streamed, &whole), "pieces {pieces:?}");
        assert!(same(&raw_then_decoded(&client).await.unwrap(), &whole));
    }
}

#[tokio::test]
async fn errors_and_other_results_are_the_whole_body_decodes_errors() {
    for (status, body) in [
        (
            "422 Unprocessable Entity",
            r#"{"status":"error","errorType":"execution","error":"too many samples"}"#,
        ),
        (
            "200 OK",
            r#"{"status":"error","errorType":"bad_data","error":"1:3: parse error: x"}"#,
        ),
        (
            "200 OK",
            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
        ),
        (
            "200 OK",
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,{}]]}]}}"#,
        ),
        (
            "200 OK",
            r#"{"status":"success","data":{"resultType":"matr"#,
        ),
        ("400 Bad Request", "not json at all"),
    ] {
        let url = serve(Answer {
            status,
            body: body.as_bytes().to_vec(),
            pieces: vec![3],
            cut_after: None,
        })
        .await;
        let client = client(url);
        let streamed = range(&client).await.unwrap_err();
        let whole = raw_then_decoded(&client).await.unwrap_err();
        assert_eq!(streamed, whole, "{status} {body}");
        assert_ne!(streamed.code, ErrorCode::Internal);
    }
}

#[tokio::test]
async fn an_answer_over_the_size_cap_is_refused_mid_stream() {
    let body = big_matrix();
    let url = serve(Answer {
        status: "200 OK",
        body: body.clone(),
        pieces: vec![4096],
        cut_after: None,
    })
    .await;
    let limit = body.len() as u64 / 2;
    let client = client(url).with_max_answer_bytes(limit);
    let err = range(&client).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Backend, "{err:?}");
    assert!(err.message.contains("answer too large"), "{}", err.message);
    assert!(
        err.detail
            .as_deref()
            .unwrap_or_default()
            .contains(&format!("limit {limit} bytes")),
        "{err:?}"
    );
    assert_eq!(err, raw_then_decoded(&client).await.unwrap_err());
}

#[tokio::test]
async fn an_answer_cut_short_is_a_truncated_read_not_a_decode_error() {
    let body = big_matrix();
    let url = serve(Answer {
        status: "200 OK",
        body: body.clone(),
        pieces: vec![1000],
        cut_after: Some(body.len() / 2),
    })
    .await;
    let client = client(url);
    let err = range(&client).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Truncated, "{err:?}");
    assert_eq!(err.code, raw_then_decoded(&client).await.unwrap_err().code);
}

#[test]
fn the_streaming_query_can_be_spawned() {
    fn spawnable<T: Send>(_: &T) {}
    let client = client("http://127.0.0.1:1".into());
    let now = Utc::now();
    let query = client.query_range("up", now, now, Duration::from_secs(1));
    spawnable(&query);
}
