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
//! two ways to get decoded series: the whole body fetched and then decoded, and
//! `query_range`, which decodes while the body downloads; for the latter, how long the decode
//! runs on after the last chunk arrived ("last byte → decoded").
//!
//! `cargo run --release -p hinomi-prometheus --example range_overhead [rounds]`

use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_demo_stack::backfill::{Backfill, BackfilledPrometheus};
use hinomi_prometheus::PrometheusClient;
use hinomi_prometheus::downsample::encode_frame;
use hinomi_prometheus::query::decode_range_body;
use std::time::{Duration, Instant};

const SERIES: usize = 1_000;
const POINTS: usize = 1_440;
const STEP_SECS: u64 = 60;
const PANEL_WIDTH: u32 = 1_000;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let mid = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[mid]
    } else {
        (xs[mid - 1] + xs[mid]) / 2.0
    }
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

    let client = PrometheusClient::new(&Datasource {
        id: "bench".into(),
        name: "bench".into(),
        kind: DatasourceKind::Prometheus,
        url: prometheus.url().to_owned(),
        timeout_ms: 60_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
    })
    .unwrap();
    let (from, to) = (
        chrono::DateTime::from_timestamp(start, 0).unwrap(),
        chrono::DateTime::from_timestamp(end, 0).unwrap(),
    );
    let step = Duration::from_secs(STEP_SECS);
    let deadline = Instant::now() + Duration::from_secs(60);
    let body = loop {
        match client.query_range_raw("bench_metric", from, to, step).await {
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

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (mut fetch_ms, mut decode_ms, mut reduce_ms, mut frame_bytes) = (vec![], vec![], vec![], 0);
    let (mut fetch_then_decode_ms, mut streamed_ms, mut tail_ms) = (vec![], vec![], vec![]);
    let (mut first_byte_ms, mut download_ms) = (vec![], vec![]);
    for round in 0..rounds {
        for way in (0..3).map(|i| (i + round) % 3) {
            match way {
                0 => {
                    let t0 = Instant::now();
                    let body = client
                        .query_range_raw("bench_metric", from, to, step)
                        .await
                        .unwrap();
                    fetch_ms.push(ms(t0.elapsed()));

                    let t1 = Instant::now();
                    let series = decode_range_body(&body).unwrap();
                    decode_ms.push(ms(t1.elapsed()));
                    let t2 = Instant::now();
                    let frame =
                        encode_frame(&series, start as f64, end as f64, PANEL_WIDTH, usize::MAX);
                    reduce_ms.push(ms(t2.elapsed()));
                    frame_bytes = frame.len();
                }
                1 => {
                    let t0 = Instant::now();
                    let body = client
                        .query_range_raw("bench_metric", from, to, step)
                        .await
                        .unwrap();
                    let series = decode_range_body(&body).unwrap();
                    fetch_then_decode_ms.push(ms(t0.elapsed()));
                    assert_eq!(series.len(), SERIES);
                }
                _ => {
                    let t0 = Instant::now();
                    let (series, arrival) = client
                        .query_range_timed("bench_metric", from, to, step)
                        .await
                        .unwrap();
                    let done = Instant::now();
                    let arrival = arrival.expect("a body arrived");
                    streamed_ms.push(ms(done - t0));
                    tail_ms.push(ms(done - arrival.last));
                    first_byte_ms.push(ms(arrival.first - t0));
                    download_ms.push(ms(arrival.last - arrival.first));
                    assert_eq!(series.len(), SERIES);
                }
            }
        }
    }
    drop(prometheus);

    let (fetch, decode, reduce) = (median(fetch_ms), median(decode_ms), median(reduce_ms));
    println!("rounds: {rounds} (medians)");
    println!("| step | median | ratio to raw fetch |");
    println!("|---|---|---|");
    println!("| raw HTTP fetch (request + whole body) | {fetch:.1} ms | 1.00x |");
    println!(
        "| decode into f64 columns | {decode:.1} ms | {:.2}x |",
        decode / fetch
    );
    println!(
        "| M4 to {PANEL_WIDTH} px + binary frame | {reduce:.1} ms | {:.2}x |",
        reduce / fetch
    );
    println!(
        "| Hinomi overhead (decode + downsample + encode) | {:.1} ms | {:.2}x |",
        decode + reduce,
        (decode + reduce) / fetch
    );

    let (old, streamed, tail) = (
        median(fetch_then_decode_ms),
        median(streamed_ms),
        median(tail_ms),
    );
    let (first_byte, download) = (median(first_byte_ms), median(download_ms));
    println!();
    println!("| time to decoded series | median | ratio to raw fetch |");
    println!("|---|---|---|");
    println!("| raw HTTP fetch (request + whole body, not decoded) | {fetch:.1} ms | 1.00x |");
    println!(
        "| whole body fetched, then decoded (before) | {old:.1} ms | {:.2}x |",
        old / fetch
    );
    println!(
        "| `query_range`, decoded while it downloads | {streamed:.1} ms | {:.2}x |",
        streamed / fetch
    );
    println!(
        "| of which last byte → decoded | {tail:.1} ms | {:.2}x |",
        tail / fetch
    );
    println!(
        "streamed query: request → first chunk {first_byte:.1} ms, first → last chunk {download:.1} ms (the window the decode can overlap)"
    );
    println!(
        "frame sent to the UI: {:.2} MiB (JSON was {:.1} MiB)",
        frame_bytes as f64 / 1048576.0,
        body.len() as f64 / 1048576.0
    );
}
