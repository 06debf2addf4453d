//! Over 400 lines: one benchmark program; its three measures share one harness and data.
//! Benchmark: log search against a real OpenSearch 2, each measure against a baseline fetched
//! raw in the same run (issue 10, "Performance"; results in docs/benchmarks.md).
//!
//! 1. **A 10,000-hit page.** The table's result set jumps 10,000 rows down (the scrollbar
//!    dragged), so `LogResults::rows` fetches one `_search` page of exactly 10,000 hits in the
//!    set's PIT and hands the UI the 200-row screen there. Baseline: the same body (own PIT, same
//!    `search_after`) sent with plain reqwest, body fully read. The hits of both are compared.
//!    Also timed alone, on the raw answer's bytes: the client's decode of the page plus that
//!    screen's conversion, i.e. what Hinomi adds to the fetch.
//! 2. **Discover opened** on all documents (`LogResults::search`: PIT, histogram and first page,
//!    with the sidebar's top values of `level` beside it) against the same three requests sent
//!    raw in parallel. The UI's paint is not included.
//! 3. **Export** of every document to NDJSON (`ElasticClient::export`) against
//!    `examples/raw_pit_export.sh`, the same PIT paging done with curl.
//!
//! Documents are the seed's log lines from the integration tests' generator (one copy, in
//! `tests/it/suite/data.rs`), indexed with the demo's index template in parallel `_bulk` batches.
//! The server binds 127.0.0.1 only; every loop is bounded.
//!
//! `cargo run --release -p hinomi-logs --example log_bench -- [--lines 1000000]
//!  [--page-iterations 15] [--discover-iterations 15] [--export-runs 3]`

#[allow(dead_code)]
#[path = "../tests/it/suite/data.rs"]
mod data;

use data::{Line, PATTERN, SPAN_MS, START_MS, TIME_FIELD, generate};
use hinomi_core::settings::{Datasource, DatasourceKind, LogSourceOptions, TlsOptions};
use hinomi_demo_stack::{SearchEngine, SearchServer, SearchServerOptions, install_index_template};
use hinomi_logs::elastic::convert::{KeptHit, parse_cursor, to_hit};
use hinomi_logs::elastic::histogram::histogram_body;
use hinomi_logs::elastic::query::build_query;
use hinomi_logs::elastic::wire::{
    Aggregation, NoAggs, PitRef, Query, SearchBody, SearchResponse, SortOrder, Terms,
};
use hinomi_logs::elastic::{Dialect, ExportRequest};
use hinomi_logs::{
    CancellationToken, ElasticClient, ExportFormat, LogHit, LogQuery, LogResults, LogTarget,
    LogWindow,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Lines indexed before the page benchmark (enough for 200 + 10,000 rows).
const PAGE_LINES: usize = 20_000;
const PAGE_HITS: u32 = 10_000;
/// The UI's rows per screen (`PAGE_SIZE` in ui/src/views/logs/store.svelte.ts) and the first
/// page of a search (`results::FIRST_PAGE`).
const SCREEN: u32 = 200;
const WARMUP: usize = 2;
const BULK_BATCH: usize = 5_000;
const BULK_WORKERS: usize = 3;
/// `export::EXPORT_PAGE`.
const EXPORT_PAGE: u32 = 5_000;
/// The sidebar's top values per field (`TOP_VALUES` in the shell).
const TOP_VALUES: u32 = 5;

struct Args {
    lines: usize,
    page_iterations: usize,
    discover_iterations: usize,
    export_runs: usize,
}

impl Args {
    fn parse() -> Self {
        let mut args = Self {
            lines: 1_000_000,
            page_iterations: 15,
            discover_iterations: 15,
            export_runs: 3,
        };
        let given: Vec<String> = std::env::args().skip(1).collect();
        for pair in given.chunks(2) {
            let value = pair
                .get(1)
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or_else(|| panic!("{} needs a number", pair[0]));
            match pair[0].as_str() {
                "--lines" => args.lines = value.max(PAGE_LINES),
                "--page-iterations" => args.page_iterations = value.max(1),
                "--discover-iterations" => args.discover_iterations = value.max(1),
                "--export-runs" => args.export_runs = value.max(1),
                other => panic!("unknown argument {other}"),
            }
        }
        args
    }
}

struct Bench {
    http: reqwest::Client,
    base: String,
    client: ElasticClient,
    target: LogTarget,
    dialect: Dialect,
    query: LogQuery,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let mid = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[mid]
    } else {
        (xs[mid - 1] + xs[mid]) / 2.0
    }
}

fn ms(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1000.0
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    format!("{cores} cores, \"{cpu}\", {mem_gib:.0} GiB")
}

impl Bench {
    async fn post(&self, path: &str, body: Vec<u8>) -> impl std::ops::Deref<Target = [u8]> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("raw request");
        let status = response.status();
        let bytes = response.bytes().await.expect("raw body");
        assert!(
            status.is_success(),
            "{path}: {status} {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(500)])
        );
        bytes
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("admin request");
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }

    async fn open_pit(&self) -> String {
        let opened = self
            .call(
                reqwest::Method::POST,
                &format!("/{PATTERN}/_search/point_in_time?keep_alive=5m"),
                None,
            )
            .await;
        opened["pit_id"].as_str().expect("pit_id").to_string()
    }

    async fn close_pit(&self, id: &str) {
        self.call(
            reqwest::Method::DELETE,
            "/_search/point_in_time",
            Some(json!({"pit_id": [id]})),
        )
        .await;
    }

    /// Bulk-indexes `lines` with a few requests in flight at once.
    async fn index(self: &Arc<Self>, lines: Arc<Vec<Line>>, range: std::ops::Range<usize>) {
        let next = Arc::new(AtomicUsize::new(range.start));
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..BULK_WORKERS {
            let (bench, lines, next, end) = (self.clone(), lines.clone(), next.clone(), range.end);
            workers.spawn(async move {
                loop {
                    let start = next.fetch_add(BULK_BATCH, Ordering::Relaxed);
                    if start >= end {
                        break;
                    }
                    let mut body = String::with_capacity(BULK_BATCH * 400);
                    for line in &lines[start..(start + BULK_BATCH).min(end)] {
                        body.push_str(
                            &json!({"index": {"_index": line.index(), "_id": line.id}}).to_string(),
                        );
                        body.push('\n');
                        body.push_str(&line.source().to_string());
                        body.push('\n');
                    }
                    let answer: Value = bench
                        .http
                        .post(format!("{}/_bulk", bench.base))
                        .header("content-type", "application/x-ndjson")
                        .body(body)
                        .send()
                        .await
                        .expect("bulk")
                        .json()
                        .await
                        .expect("bulk answer");
                    assert_eq!(answer["errors"], json!(false), "bulk failed");
                }
            });
        }
        while let Some(done) = workers.join_next().await {
            done.expect("bulk worker");
        }
        self.call(reqwest::Method::POST, "/_refresh", None).await;
    }

    /// The body `fetch_page` sends for a page of `size` in a PIT after `after`.
    fn page_body(&self, size: u32, after: Vec<Value>, pit: &str) -> Vec<u8> {
        let mut body = SearchBody::new(build_query(&self.target, &self.query), size);
        body.sort = self.dialect.sort(TIME_FIELD, SortOrder::Desc, true);
        body.search_after = Some(after);
        body.track_total_hits = Some(false);
        body.pit = Some(PitRef {
            id: pit.to_string(),
            keep_alive: "5m".into(),
        });
        serde_json::to_vec(&body).unwrap()
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    println!("machine: {}; load average at start: {}", machine(), load());
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let server = SearchServer::start_with(
        SearchEngine::OpenSearch2,
        &dir.path().join("opensearch"),
        SearchServerOptions {
            heap_mib: 1024,
            startup_timeout: Duration::from_secs(300),
            ..SearchServerOptions::default()
        },
    )
    .await
    .expect("OpenSearch 2 (scripts/install-deps.sh installs it)");
    println!(
        "OpenSearch 2 up on {} in {:.1} s",
        server.url(),
        started.elapsed().as_secs_f64()
    );
    let base = server.url().trim_end_matches('/').to_string();
    let http = reqwest::Client::new();
    install_index_template(&http, &base)
        .await
        .expect("index template");
    let ds = Datasource {
        id: "bench".into(),
        name: "bench".into(),
        kind: DatasourceKind::Elasticsearch,
        url: base.clone(),
        timeout_ms: 120_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        split_range_queries: true,
        logs: Some(LogSourceOptions {
            index_pattern: PATTERN.into(),
            time_field: TIME_FIELD.into(),
            ..LogSourceOptions::default()
        }),
    };
    let client = ElasticClient::new(&ds).expect("client");
    let dialect = client.dialect().await.expect("dialect");
    let bench = Arc::new(Bench {
        http,
        base,
        target: LogTarget::for_datasource(&ds),
        client,
        dialect,
        query: LogQuery {
            query: String::new(),
            filters: vec![],
            window: LogWindow {
                from_ms: START_MS as f64,
                to_ms: (START_MS + SPAN_MS) as f64,
            },
        },
    });
    // Both daily indices made first, refreshing only when asked while they fill.
    for index in [data::DAY1, data::DAY2] {
        bench
            .call(
                reqwest::Method::PUT,
                &format!("/{index}"),
                Some(json!({"settings": {"index": {"refresh_interval": "-1"}}})),
            )
            .await;
    }
    let lines = Arc::new(generate(args.lines));

    let started = Instant::now();
    bench.index(lines.clone(), 0..PAGE_LINES).await;
    println!(
        "indexed {PAGE_LINES} lines in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    page(&bench, args.page_iterations).await;

    let load_before = load();
    let started = Instant::now();
    bench.index(lines.clone(), PAGE_LINES..args.lines).await;
    let took = started.elapsed().as_secs_f64();
    println!(
        "\nindexed {} more lines in {took:.1} s ({:.0} lines/s, {BULK_WORKERS} bulk requests of \
         {BULK_BATCH} in flight; load average {load_before} -> {})",
        args.lines - PAGE_LINES,
        (args.lines - PAGE_LINES) as f64 / took,
        load()
    );
    drop(lines);
    discover(&bench, args.discover_iterations).await;
    export(&bench, args.export_runs, dir.path(), args.lines).await;
    server.shutdown().await;
    println!("\nload average at the end: {}", load());
}

async fn page(bench: &Bench, iterations: usize) {
    println!(
        "\n## A {PAGE_HITS}-hit page ({iterations} iterations + {WARMUP} warm-up, load average {})",
        load()
    );
    let results = LogResults::default();
    let (mut raw, mut hinomi, mut decode, mut paired) = (vec![], vec![], vec![], vec![]);
    let mut page_bytes = 0;
    for i in 0..iterations + WARMUP {
        let search = results
            .search(&bench.client, &bench.target, &bench.query, None)
            .await
            .expect("search");
        assert_eq!(search.first_rows.len(), SCREEN as usize);
        let after = parse_cursor(&search.first_rows.last().unwrap().cursor).unwrap();
        let pit = bench.open_pit().await;
        let body = bench.page_body(PAGE_HITS, after, &pit);
        let fetch_raw = async {
            let started = Instant::now();
            let bytes = bench.post("/_search", body).await;
            (ms(started.elapsed()), bytes)
        };
        // The screen 10,000 rows down: rows 10,000..10,200, after the 200 of the first page.
        let fetch_hinomi = async {
            let started = Instant::now();
            let rows = results
                .rows(&search.result_id, PAGE_HITS, SCREEN)
                .await
                .expect("rows");
            (ms(started.elapsed()), rows)
        };
        // Alternate which goes first, so neither always meets the warmer caches.
        let ((raw_ms, bytes), (hinomi_ms, rows)) = if i % 2 == 0 {
            let r = fetch_raw.await;
            (r, fetch_hinomi.await)
        } else {
            let h = fetch_hinomi.await;
            (fetch_raw.await, h)
        };
        let started = Instant::now();
        let screen = decode_and_screen(&bytes);
        let decode_ms = ms(started.elapsed());
        assert_eq!(rows.offset, PAGE_HITS);
        assert_eq!(
            rows.rows.iter().map(|h| &h.id).collect::<Vec<_>>(),
            screen.iter().map(|h| &h.id).collect::<Vec<_>>(),
            "Hinomi and the raw request saw other hits"
        );
        bench.close_pit(&pit).await;
        results.close(&search.result_id).await;
        page_bytes = bytes.len();
        if i >= WARMUP {
            raw.push(raw_ms);
            hinomi.push(hinomi_ms);
            decode.push(decode_ms);
            paired.push((hinomi_ms - raw_ms) / raw_ms);
        }
    }
    let (raw, hinomi, decode, paired) =
        (median(raw), median(hinomi), median(decode), median(paired));
    println!(
        "page: {PAGE_HITS} hits, {:.2} MB of JSON",
        page_bytes as f64 / 1e6
    );
    println!("| measure | median | × raw fetch |");
    println!("|---|---:|---:|");
    println!("| baseline: raw fetch (reqwest, body read) | {raw:.1} ms | 1.00 |");
    println!(
        "| Hinomi: `LogResults::rows` (fetch + decode + screen) | {hinomi:.1} ms | {:.2} |",
        hinomi / raw
    );
    println!(
        "| Hinomi's decode of the page + {SCREEN}-row screen, timed alone | {decode:.1} ms | {:.3} |",
        decode / raw
    );
    println!("| (Hinomi − raw) / raw, per iteration, median | | {paired:.3} |");
    println!("load average after: {}", load());
}

/// What `ElasticClient::fetch_page` + `LogResults::rows` do with an answer: decode every hit
/// into what a result set keeps, then convert the screen shown (the last 200 of the page).
fn decode_and_screen(bytes: &[u8]) -> Vec<LogHit> {
    let answer: SearchResponse<NoAggs> = serde_json::from_slice(bytes).expect("decode");
    let kept: Vec<KeptHit> = answer.hits.hits.into_iter().map(KeptHit::from).collect();
    assert_eq!(kept.len(), PAGE_HITS as usize);
    kept[kept.len() - SCREEN as usize..]
        .iter()
        .map(|hit| to_hit(hit, TIME_FIELD, true))
        .collect()
}

async fn discover(bench: &Bench, iterations: usize) {
    println!(
        "\n## Discover opened ({iterations} iterations + {WARMUP} warm-up, load average {})",
        load()
    );
    let results = LogResults::default();
    let search_path = format!("/{PATTERN}/_search?ignore_unavailable=true&allow_no_indices=true");
    let (mut raw, mut hinomi) = (vec![], vec![]);
    let mut total = 0;
    for i in 0..iterations + WARMUP {
        // The window ends 1 ms later each time, as a relative window ("last 4 hours") moves
        // with the clock: no answer comes from the engine's request cache.
        let mut query = bench.query.clone();
        query.window.to_ms += (i + 1) as f64;
        let (page, histogram, top) = raw_discover_bodies(bench, &query);
        let run_raw = async {
            let started = Instant::now();
            let (a, b, c) = tokio::join!(
                bench.post(&search_path, page.clone()),
                bench.post(&search_path, histogram.clone()),
                bench.post(&search_path, top.clone()),
            );
            assert!(!a.is_empty() && !b.is_empty() && !c.is_empty());
            ms(started.elapsed())
        };
        let run_hinomi = async {
            let started = Instant::now();
            let (search, values) = tokio::join!(
                results.search(&bench.client, &bench.target, &query, None),
                bench
                    .client
                    .top_values(&bench.target, &query, "level", TOP_VALUES),
            );
            let took = ms(started.elapsed());
            let search = search.expect("search");
            assert_eq!(search.first_rows.len(), SCREEN as usize);
            assert!(!values.expect("top values").values.is_empty());
            results.close(&search.result_id).await;
            (
                took,
                search
                    .histogram
                    .buckets
                    .iter()
                    .map(|b| b.count)
                    .sum::<u32>(),
            )
        };
        let (raw_ms, (hinomi_ms, counted)) = if i % 2 == 0 {
            let r = run_raw.await;
            (r, run_hinomi.await)
        } else {
            let h = run_hinomi.await;
            (run_raw.await, h)
        };
        total = counted;
        if i >= WARMUP {
            raw.push(raw_ms);
            hinomi.push(hinomi_ms);
        }
    }
    let (raw, hinomi) = (median(raw), median(hinomi));
    println!("documents in the window: {total}");
    println!("| measure | median | × raw |");
    println!("|---|---:|---:|");
    println!(
        "| baseline: histogram + first {SCREEN} hits + top values of `level`, raw, in parallel | {raw:.1} ms | 1.00 |"
    );
    println!(
        "| Hinomi: `LogResults::search` ‖ `top_values` (answers ready for the UI) | {hinomi:.1} ms | {:.2} |",
        hinomi / raw
    );
    println!("load average after: {}", load());
}

/// The three requests of an opened Discover as sent raw: the first page (no PIT), the
/// histogram and the top values of `level`.
fn raw_discover_bodies(bench: &Bench, query: &LogQuery) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut page = SearchBody::new(build_query(&bench.target, query), SCREEN);
    page.sort = bench.dialect.sort(TIME_FIELD, SortOrder::Desc, false);
    let page = serde_json::to_vec(&page).unwrap();
    let histogram = serde_json::to_vec(&histogram_body(&bench.target, query)).unwrap();
    let mut top = SearchBody::new(build_query(&bench.target, query), 0);
    top.track_total_hits = Some(true);
    top.aggs = BTreeMap::from([
        (
            "values".to_string(),
            Aggregation::Terms(Terms {
                field: "level".into(),
                size: TOP_VALUES,
            }),
        ),
        (
            "with_field".to_string(),
            Aggregation::Filter(Query::Exists {
                field: "level".into(),
            }),
        ),
    ]);
    let top = serde_json::to_vec(&top).unwrap();
    (page, histogram, top)
}

async fn export(bench: &Bench, runs: usize, dir: &std::path::Path, lines: usize) {
    println!(
        "\n## Export to NDJSON ({runs} runs each, load average {})",
        load()
    );
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/raw_pit_export.sh");
    let query_json = serde_json::to_string(&build_query(&bench.target, &bench.query)).unwrap();
    let sort_json =
        serde_json::to_string(&bench.dialect.sort(TIME_FIELD, SortOrder::Desc, true)).unwrap();
    let max_pages = (lines / EXPORT_PAGE as usize + 2).to_string();
    let (mut hinomi_s, mut curl_s) = (vec![], vec![]);
    let (mut ndjson_bytes, mut curl_bytes) = (0.0, 0.0);
    for run in 0..runs {
        let run_hinomi = async {
            let path = dir.join(format!("export-{run}.ndjson"));
            let request = ExportRequest {
                target: bench.target.clone(),
                query: bench.query.clone(),
                format: ExportFormat::Ndjson,
                columns: vec![],
                path: path.clone(),
            };
            let started = Instant::now();
            let done = bench
                .client
                .export(&request, &CancellationToken::new(), |_| {})
                .await
                .expect("export");
            let took = started.elapsed().as_secs_f64();
            assert_eq!(done.written as usize, lines);
            let _ = std::fs::remove_file(&path);
            (took, done.bytes)
        };
        let run_curl = async {
            let out = dir.join(format!("raw-{run}.json"));
            let started = Instant::now();
            let output = tokio::process::Command::new("bash")
                .arg(script)
                .args([&bench.base, PATTERN, &query_json, &sort_json])
                .arg(EXPORT_PAGE.to_string())
                .arg(&max_pages)
                .arg(&out)
                .output()
                .await
                .expect("bash");
            let took = started.elapsed().as_secs_f64();
            assert!(
                output.status.success(),
                "raw_pit_export.sh: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let text = String::from_utf8_lossy(&output.stdout);
            let mut numbers = text.split_whitespace().map(|n| n.parse::<f64>().unwrap());
            let (hits, bytes) = (numbers.next().unwrap(), numbers.next().unwrap());
            assert_eq!(hits as usize, lines);
            let _ = std::fs::remove_file(&out);
            (took, bytes)
        };
        let ((h, nd), (c, raw_bytes)) = if run % 2 == 0 {
            let h = run_hinomi.await;
            (h, run_curl.await)
        } else {
            let c = run_curl.await;
            (run_hinomi.await, c)
        };
        println!(
            "run {}: Hinomi {h:.1} s ({:.1} MB/s), curl {c:.1} s; load average {}",
            run + 1,
            nd / 1e6 / h,
            load()
        );
        hinomi_s.push(h);
        curl_s.push(c);
        ndjson_bytes = nd;
        curl_bytes = raw_bytes;
    }
    let (h, c) = (median(hinomi_s), median(curl_s));
    println!(
        "{lines} lines: NDJSON {:.1} MB; curl's raw pages {:.1} MB (MB = 10^6 bytes)",
        ndjson_bytes / 1e6,
        curl_bytes / 1e6
    );
    println!("| measure | median time | MB/s | × curl |");
    println!("|---|---:|---:|---:|");
    println!(
        "| baseline: curl PIT paging, raw pages to a file | {c:.1} s | {:.1} (NDJSON-equivalent), {:.1} (raw pages) | 1.00 |",
        ndjson_bytes / 1e6 / c,
        curl_bytes / 1e6 / c
    );
    println!(
        "| Hinomi: `ElasticClient::export` to NDJSON | {h:.1} s | {:.1} | {:.2} |",
        ndjson_bytes / 1e6 / h,
        c / h
    );
}
