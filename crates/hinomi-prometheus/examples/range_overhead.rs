//! Benchmark: the console's own cost for a big range query, against the raw HTTP fetch of the
//! same query in the same run.
//!
//! Backfills a real Prometheus (Debian's package) with 1,000 series × 1,440 points through
//! `promtool tsdb create-blocks-from openmetrics` (`hinomi_demo_stack::backfill`, shared with
//! the app benchmark `tests/e2e/bench/big-query.mjs`), then for each round fetches
//! `query_range` over those points (baseline: request + full body) and measures what Hinomi adds:
//! decode into columns + M4 downsampling to a 1,000 px panel + binary frame encoding.
//!
//! Each round also times, interleaved with the raw fetch (the order rotates every round), the
//! ways to get decoded series: the whole body fetched and then decoded, and the answer decoded
//! while it downloads (`query_range`), with how long the decode runs on after the last chunk
//! arrived ("last byte → decoded"); since the query is long enough to be asked in two parts
//! at once (`hinomi_prometheus::split`), it also times the query asked whole in one request, and
//! as a second baseline the raw fetch of the same two parts at once. All of it twice:
//! straight from Prometheus on loopback, where the body comes in one CPU-bound burst, and
//! through a proxy pacing it to 1 Gbit/s, as from a Prometheus elsewhere on a LAN.
//!
//! `cargo run --release -p hinomi-prometheus --example range_overhead [rounds]`

use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_demo_stack::backfill::{Backfill, BackfilledPrometheus};
use hinomi_prometheus::PrometheusClient;
use hinomi_prometheus::downsample::encode_frame;
use hinomi_prometheus::query::decode_range_body;
use hinomi_prometheus::split::plan_parts;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SERIES: usize = 1_000;
const POINTS: usize = 1_440;
const STEP_SECS: u64 = 60;
const PANEL_WIDTH: u32 = 1_000;
/// 1 Gbit/s.
const PACED_BYTES_PER_SEC: f64 = 125e6;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let mid = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[mid]
    } else {
        (xs[mid - 1] + xs[mid]) / 2.0
    }
}

fn client_for(url: &str) -> PrometheusClient {
    PrometheusClient::new(&Datasource {
        id: "bench".into(),
        name: "bench".into(),
        kind: DatasourceKind::Prometheus,
        url: url.to_owned(),
        timeout_ms: 60_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    })
    .unwrap()
}

/// A proxy in front of `upstream` (host:port) that sends answers on at `bytes_per_sec`; an idle
/// connection earns no credit, so each answer is paced from its first byte.
async fn paced_proxy(upstream: String, bytes_per_sec: f64) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (client, _) = listener.accept().await.unwrap();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let server = tokio::net::TcpStream::connect(upstream).await.unwrap();
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
                });
                let mut buf = vec![0u8; 64 * 1024];
                let (mut window_start, mut sent) = (Instant::now(), 0f64);
                loop {
                    let n = match server_read.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let now = Instant::now();
                    let due = window_start + Duration::from_secs_f64(sent / bytes_per_sec);
                    if now > due + Duration::from_millis(5) {
                        (window_start, sent) = (now, 0.0);
                    }
                    if client_write.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                    sent += n as f64;
                    let due = window_start + Duration::from_secs_f64(sent / bytes_per_sec);
                    tokio::time::sleep_until(due.into()).await;
                }
            });
        }
    });
    url
}

/// Per-round samples (ms) of one scenario.
#[derive(Default)]
struct Samples {
    fetch: Vec<f64>,
    decode: Vec<f64>,
    reduce: Vec<f64>,
    fetch_then_decode: Vec<f64>,
    /// `query_range`: total, last byte → decoded, first → last chunk.
    inline: (Vec<f64>, Vec<f64>, Vec<f64>),
    /// The query asked whole, decoded while it downloads.
    whole: Vec<f64>,
    /// The raw fetch of the parts `query_range` asks, at once.
    parts_fetch: Vec<f64>,
    parts: usize,
    first_byte: Vec<f64>,
    frame_bytes: usize,
}

type Window = (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>);

async fn round(client: &PrometheusClient, (from, to): Window, round: usize, s: &mut Samples) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let step = Duration::from_secs(STEP_SECS);
    for way in (0..5).map(|i| (i + round) % 5) {
        match way {
            0 => {
                let t0 = Instant::now();
                let body = client
                    .query_range_raw("bench_metric", from, to, step)
                    .await
                    .unwrap();
                s.fetch.push(ms(t0.elapsed()));
                let t1 = Instant::now();
                let series = decode_range_body(&body).unwrap();
                s.decode.push(ms(t1.elapsed()));
                let t2 = Instant::now();
                let (start, end) = (from.timestamp() as f64, to.timestamp() as f64);
                let frame = encode_frame(&series, start, end, PANEL_WIDTH, usize::MAX);
                s.reduce.push(ms(t2.elapsed()));
                s.frame_bytes = frame.len();
            }
            1 => {
                let t0 = Instant::now();
                let body = client
                    .query_range_raw("bench_metric", from, to, step)
                    .await
                    .unwrap();
                let series = decode_range_body(&body).unwrap();
                s.fetch_then_decode.push(ms(t0.elapsed()));
                assert_eq!(series.len(), SERIES);
            }
            2 => {
                let t0 = Instant::now();
                let (series, _) = client
                    .query_range_whole_timed("bench_metric", from, to, step)
                    .await
                    .unwrap();
                s.whole.push(ms(t0.elapsed()));
                assert_eq!(series.len(), SERIES);
            }
            3 => {
                let parts = plan_parts(
                    "bench_metric",
                    from.timestamp_millis(),
                    to.timestamp_millis(),
                    STEP_SECS as i64 * 1000,
                );
                let at = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap();
                let t0 = Instant::now();
                let fetches = parts.iter().map(|part| {
                    let client = client.clone();
                    let (a, b) = (at(part.start_ms), at(part.end_ms));
                    tokio::spawn(async move {
                        client
                            .query_range_raw("bench_metric", a, b, step)
                            .await
                            .unwrap()
                            .len()
                    })
                });
                let fetches: Vec<_> = fetches.collect();
                for fetch in fetches {
                    fetch.await.unwrap();
                }
                s.parts_fetch.push(ms(t0.elapsed()));
            }
            _ => {
                let t0 = Instant::now();
                let (series, arrival) = client
                    .query_range_timed("bench_metric", from, to, step)
                    .await
                    .unwrap();
                let done = Instant::now();
                assert_eq!(series.len(), SERIES);
                let arrival = arrival.expect("a body arrived");
                s.parts = arrival.parts;
                s.first_byte.push(ms(arrival.first - t0));
                s.inline.0.push(ms(done - t0));
                s.inline.1.push(ms(done - arrival.last));
                s.inline.2.push(ms(arrival.last - arrival.first));
            }
        }
    }
}

fn report(title: &str, s: Samples, json_bytes: usize) {
    let fetch = median(s.fetch);
    let row = |name: &str, value: f64| {
        println!("| {name} | {value:.1} ms | {:.2}x |", value / fetch);
    };
    println!("\n{title}\n");
    println!("| step | median | ratio to raw fetch |");
    println!("|---|---|---|");
    row("raw HTTP fetch (request + whole body, not decoded)", fetch);
    let (decode, reduce) = (median(s.decode), median(s.reduce));
    row("decode into f64 columns (after the fetch)", decode);
    row(&format!("M4 to {PANEL_WIDTH} px + binary frame"), reduce);
    row(
        "Hinomi overhead (decode + downsample + encode)",
        decode + reduce,
    );
    row(
        "whole body fetched, then decoded (before)",
        median(s.fetch_then_decode),
    );
    let (inline, inline_tail, inline_window) = s.inline;
    row(
        "the query asked whole, decoded while it downloads in the reading task",
        median(s.whole),
    );
    row(
        &format!("raw HTTP fetch of the same {} parts at once", s.parts),
        median(s.parts_fetch.clone()),
    );
    row(
        &format!(
            "**`query_range` (shipped): {} parts at once, each decoded while it downloads**",
            s.parts
        ),
        median(inline.clone()),
    );
    row("… of which last byte → decoded", median(inline_tail));
    println!(
        "\n`query_range` / raw fetch of its parts: {:.2}x",
        median(inline) / median(s.parts_fetch)
    );
    println!(
        "\nrequest → first chunk {:.1} ms; first → last chunk {:.1} ms",
        median(s.first_byte),
        median(inline_window),
    );
    println!(
        "frame sent to the UI: {:.2} MiB (JSON was {:.1} MiB)",
        s.frame_bytes as f64 / 1048576.0,
        json_bytes as f64 / 1048576.0
    );
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15);
    let dir = tempfile::tempdir().expect("temp dir");
    let backfill = Backfill::benchmark(chrono::Utc::now().timestamp());
    assert_eq!((backfill.series, backfill.points), (SERIES, POINTS));
    let (start, end) = (backfill.start_secs(), backfill.end_secs);
    let prometheus = BackfilledPrometheus::start(backfill, dir.path(), Duration::from_secs(300))
        .await
        .expect("backfilled Prometheus (Debian package prometheus: prometheus, promtool)");

    let client = client_for(prometheus.url());
    let upstream = prometheus.url().trim_start_matches("http://");
    let paced = client_for(
        &paced_proxy(
            upstream.trim_end_matches('/').to_owned(),
            PACED_BYTES_PER_SEC,
        )
        .await,
    );
    let window = (
        chrono::DateTime::from_timestamp(start, 0).unwrap(),
        chrono::DateTime::from_timestamp(end, 0).unwrap(),
    );
    let step = Duration::from_secs(STEP_SECS);
    let deadline = Instant::now() + Duration::from_secs(60);
    let body = loop {
        match client
            .query_range_raw("bench_metric", window.0, window.1, step)
            .await
        {
            Ok(body) if decode_range_body(&body).map(|s| s.len()).unwrap_or(0) == SERIES => {
                break body;
            }
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
            other => panic!(
                "backfilled data never appeared: {:?}",
                other.map(|b| b.len())
            ),
        }
    };
    let points: usize = decode_range_body(&body)
        .unwrap()
        .iter()
        .map(|s| s.values.len())
        .sum();
    println!(
        "response: {SERIES} series, {points} points, {:.1} MiB JSON",
        body.len() as f64 / 1048576.0
    );

    let (mut direct, mut through_proxy) = (Samples::default(), Samples::default());
    for i in 0..rounds {
        round(&client, window, i, &mut direct).await;
        round(&paced, window, i, &mut through_proxy).await;
    }
    drop(prometheus);
    println!("rounds: {rounds} (medians)");
    report("Prometheus on loopback:", direct, body.len());
    report(
        &format!(
            "Through a proxy pacing the answer to {} Gbit/s:",
            PACED_BYTES_PER_SEC * 8.0 / 1e9
        ),
        through_proxy,
        body.len(),
    );
}
