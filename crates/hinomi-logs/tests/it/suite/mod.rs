//! Over 400 lines: one ordered run of steps per engine over one shared fixture.
//! The same scenarios against every engine: the seed's log format indexed into two daily
//! indices, then every client call checked against answers computed from the generated lines.
//! One test per engine runs the steps in order (a server takes 20-40 s to start, and nextest
//! runs each test in its own process); a failure names its step.

pub mod data;

use data::*;
use hinomi_core::ErrorCode;
use hinomi_core::HinomiError;
use hinomi_core::settings::{Datasource, DatasourceKind, LogSourceOptions, TlsOptions};
use hinomi_demo_stack::{SearchEngine, SearchServer};
use hinomi_logs::elastic::ExportRequest;
use hinomi_logs::{
    CancellationToken, ElasticClient, ExportFormat, LogEngine, LogFilter, LogHit, LogQuery,
    LogResults, LogTarget, LogWindow, LogsError,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

pub const LINES: usize = 12_500;

/// Plain HTTP for setting the server up (what a shipper would do), not the client under test.
pub struct Admin {
    http: reqwest::Client,
    base: String,
}

impl Admin {
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{method} {path}: {status} {value}");
        value
    }

    pub async fn bulk(&self, lines: &[Line]) {
        for chunk in lines.chunks(2_000) {
            let mut body = String::new();
            for line in chunk {
                body.push_str(
                    &json!({"index": {"_index": line.index(), "_id": line.id}}).to_string(),
                );
                body.push('\n');
                body.push_str(&line.source().to_string());
                body.push('\n');
            }
            let answer: Value = self
                .http
                .post(format!("{}/_bulk?refresh=wait_for", self.base))
                .header("content-type", "application/x-ndjson")
                .body(body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(answer["errors"], json!(false), "bulk: {answer}");
        }
    }

    /// Search contexts open on the node (each open PIT holds one per shard).
    pub async fn open_contexts(&self) -> u64 {
        let stats = self
            .call(reqwest::Method::GET, "/_nodes/stats/indices/search", None)
            .await;
        stats["nodes"]
            .as_object()
            .unwrap()
            .values()
            .map(|node| node["indices"]["search"]["open_contexts"].as_u64().unwrap())
            .sum()
    }
}

pub struct Fixture {
    pub engine: SearchEngine,
    pub admin: Admin,
    pub client: ElasticClient,
    pub target: LogTarget,
    pub lines: Vec<Line>,
}

impl Fixture {
    fn window(&self) -> LogWindow {
        LogWindow {
            from_ms: START_MS as f64,
            to_ms: (START_MS + SPAN_MS) as f64,
        }
    }

    fn query(&self, text: &str) -> LogQuery {
        LogQuery {
            query: text.into(),
            filters: vec![],
            window: self.window(),
        }
    }

    fn count(&self, keep: impl Fn(&Line) -> bool) -> u32 {
        self.lines.iter().filter(|l| keep(l)).count() as u32
    }
}

/// Runs one step, saying which one failed.
async fn step<F: std::future::Future<Output = ()>>(name: &str, run: F) {
    eprintln!("--- step: {name}");
    let started = Instant::now();
    run.await;
    eprintln!(
        "--- step ok: {name} ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
}

pub async fn run(engine: SearchEngine) {
    if let Err(why) = hinomi_demo_stack::search_server_available(engine) {
        panic!("{engine:?} cannot be started here: {why}");
    }
    let state = tempfile::tempdir().unwrap();
    let server = SearchServer::start(engine, state.path())
        .await
        .unwrap_or_else(|err| panic!("{engine:?} did not start: {err}"));
    let url = server.url();
    let ds = Datasource {
        id: format!("test-{engine:?}").to_lowercase(),
        name: "test".into(),
        kind: DatasourceKind::Elasticsearch,
        url: url.to_string(),
        timeout_ms: 60_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        split_range_queries: true,
        logs: Some(LogSourceOptions {
            time_field: TIME_FIELD.into(),
            ..LogSourceOptions::default()
        }),
    };
    let mut lines = generate(LINES);
    lines.extend(hostile());
    let fx = Fixture {
        engine,
        admin: Admin {
            http: reqwest::Client::new(),
            base: url.trim_end_matches('/').to_string(),
        },
        client: ElasticClient::new(&ds).unwrap(),
        target: LogTarget::for_datasource(&ds),
        lines,
    };

    step("index the seed's lines", async {
        fx.admin
            .call(
                reqwest::Method::PUT,
                "/_index_template/dataset-management",
                Some(template()),
            )
            .await;
        fx.admin.bulk(&fx.lines).await;
        assert!(
            fx.lines.iter().any(|l| l.index() == DAY1)
                && fx.lines.iter().any(|l| l.index() == DAY2)
        );
    })
    .await;
    step("dialect and health", dialect(&fx)).await;
    step("connection test names the engine", connection(&fx, &ds)).await;
    step("queries match counts from the data", queries(&fx)).await;
    step("histogram buckets match our own bucketing", histogram(&fx)).await;
    step("field caps", fields(&fx)).await;
    step("top values", top_values(&fx)).await;
    step(
        "result set pages past 10,000 with PIT and closes it",
        paging(&fx),
    )
    .await;
    step("capped result set", capped(&fx)).await;
    step("surrounding documents", surrounding(&fx)).await;
    step("export NDJSON and CSV past 10,000", export(&fx)).await;
    step("cancelled export leaves no file", cancel_export(&fx)).await;
    step(
        "bad query_string is the engine's parse error",
        bad_query(&fx),
    )
    .await;
    step("too large answer is refused", too_large(&fx)).await;
    step("hostile lines stay text", hostile_lines(&fx)).await;
    step("closed index and failed shards", closed_index(&fx)).await;
    step("live tail", tail(&fx)).await;
    step("no PIT left open", async {
        assert_eq!(fx.admin.open_contexts().await, 0);
    })
    .await;
    server.shutdown().await;
}

async fn dialect(fx: &Fixture) {
    let dialect = fx.client.dialect().await.unwrap();
    let expected = match fx.engine {
        SearchEngine::OpenSearch2 => LogEngine::OpenSearch,
        _ => LogEngine::Elasticsearch,
    };
    assert_eq!(dialect.engine, expected);
    assert_eq!(dialect.version, fx.engine.version());
    assert!(dialect.supports_pit());
    assert!(fx.client.health().await.unwrap().is_ready());
}

async fn connection(fx: &Fixture, ds: &Datasource) {
    let report = hinomi_core::connection::test_connection(ds, &[])
        .await
        .unwrap();
    assert_eq!(
        report.server,
        format!("{} {}", fx.engine.product(), fx.engine.version())
    );
}

async fn total_of(fx: &Fixture, query: LogQuery) -> u32 {
    let results = LogResults::default();
    let found = results
        .search(&fx.client, &fx.target, &query, None)
        .await
        .unwrap();
    results.close(&found.result_id).await;
    assert!(found.partial.is_none(), "{:?}", found.partial);
    let counted: u32 = found.histogram.buckets.iter().map(|b| b.count).sum();
    assert_eq!(counted, found.row_count.max(counted.min(found.row_count)));
    if found.total.exact {
        assert_eq!(
            found.total.value, counted,
            "total vs histogram for {:?}",
            query.query
        );
    }
    counted
}

async fn queries(fx: &Fixture) {
    let cases: Vec<(&str, u32)> = vec![
        ("", fx.count(|_| true)),
        ("level:ERROR", fx.count(|l| l.level == "ERROR")),
        (
            "message:\"upload completed\"",
            fx.count(|l| l.message.contains("upload completed")),
        ),
        (
            "message:\"作成に失敗\"",
            fx.count(|l| l.message.contains("作成に失敗")),
        ),
        (
            "level:(ERROR OR WARN) AND context.action:upload_file",
            fx.count(|l| (l.level == "ERROR" || l.level == "WARN") && l.action == "upload_file"),
        ),
        (
            "level:ERROR AND NOT context.user_id:user001",
            fx.count(|l| l.level == "ERROR" && l.user_id.as_deref() != Some("user001")),
        ),
        (
            "context.action:create_dataset",
            fx.count(|l| l.action == "create_dataset"),
        ),
        (
            "context.user_id:user00*",
            fx.count(|l| {
                l.user_id
                    .as_deref()
                    .is_some_and(|u| u.starts_with("user00"))
            }),
        ),
        // OR between terms, as Kibana's bar.
        (
            "level:DEBUG level:WARN",
            fx.count(|l| l.level == "DEBUG" || l.level == "WARN"),
        ),
    ];
    for (text, expected) in cases {
        assert!(expected > 0, "{text} must match something");
        assert_eq!(
            total_of(fx, fx.query(text)).await,
            expected,
            "query {text:?}"
        );
    }
    // Filter pills and a narrower window.
    let mut query = fx.query("");
    query.filters = vec![
        LogFilter::Is {
            field: "context.action".into(),
            value: "create_dataset".into(),
            negate: false,
        },
        LogFilter::Is {
            field: "level".into(),
            value: "ERROR".into(),
            negate: true,
        },
        LogFilter::Exists {
            field: "context.user_id".into(),
            negate: false,
        },
    ];
    query.window = LogWindow {
        from_ms: (START_MS + 1_800_000) as f64,
        to_ms: (START_MS + 5_400_000) as f64,
    };
    let expected = fx.count(|l| {
        l.action == "create_dataset"
            && l.level != "ERROR"
            && l.user_id.is_some()
            && l.ts_ms >= START_MS + 1_800_000
            && l.ts_ms <= START_MS + 5_400_000
    });
    assert_eq!(total_of(fx, query).await, expected, "filters");
    let mut missing_user = fx.query("");
    missing_user.filters = vec![LogFilter::Exists {
        field: "context.user_id".into(),
        negate: true,
    }];
    assert_eq!(
        total_of(fx, missing_user).await,
        fx.count(|l| l.user_id.is_none())
    );
}

async fn histogram(fx: &Fixture) {
    let query = fx.query("level:ERROR");
    let histogram = fx.client.histogram(&fx.target, &query).await.unwrap();
    assert_eq!(histogram.interval_label, "5m");
    let step = histogram.interval_ms as i64;
    let mut ours: BTreeMap<i64, u32> = BTreeMap::new();
    for line in fx.lines.iter().filter(|l| l.level == "ERROR") {
        *ours.entry(line.ts_ms.div_euclid(step) * step).or_default() += 1;
    }
    let buckets: BTreeMap<i64, u32> = histogram
        .buckets
        .iter()
        .map(|b| (b.start_ms as i64, b.count))
        .collect();
    // min_doc_count 0 + extended_bounds: every bucket of the window is there, empty or not.
    assert_eq!(buckets.len() as i64, SPAN_MS / step + 1);
    for (start, count) in &buckets {
        assert_eq!(
            ours.get(start).copied().unwrap_or(0),
            *count,
            "bucket {start}"
        );
    }
    assert_eq!(
        buckets.values().sum::<u32>(),
        fx.count(|l| l.level == "ERROR")
    );
}

async fn fields(fx: &Fixture) {
    let fields = fx.client.fields(&fx.target).await.unwrap();
    let by_name: BTreeMap<&str, _> = fields.iter().map(|f| (f.name.as_str(), f)).collect();
    assert!(
        !by_name.keys().any(|n| n.starts_with('_')),
        "{:?}",
        by_name.keys()
    );
    assert!(
        !by_name.contains_key("context"),
        "object containers are left out"
    );
    assert_eq!(by_name["timestamp"].field_type, "date");
    assert_eq!(by_name["level"].field_type, "keyword");
    assert_eq!(
        by_name["level"].aggregatable_field.as_deref(),
        Some("level")
    );
    assert_eq!(by_name["message"].field_type, "text");
    assert!(!by_name["message"].aggregatable);
    assert_eq!(
        by_name["message"].aggregatable_field.as_deref(),
        Some("message.keyword")
    );
    assert!(by_name.contains_key("context.request_id"));
}

async fn top_values(fx: &Fixture) {
    let query = fx.query("");
    let top = fx
        .client
        .top_values(&fx.target, &query, "level", 10)
        .await
        .unwrap();
    assert_eq!(top.total, 10_000.min(fx.count(|_| true)).max(top.total));
    assert_eq!(top.with_field, fx.count(|_| true));
    for value in &top.values {
        assert_eq!(
            value.count,
            fx.count(|l| l.level == value.value),
            "{}",
            value.value
        );
    }
    assert_eq!(top.values.len(), 4);
    // A text field: counted on its keyword subfield, the 1 MB line is above ignore_above.
    let top = fx
        .client
        .top_values(&fx.target, &fx.query("level:ERROR"), "message", 5)
        .await
        .unwrap();
    assert_eq!(top.field, "message");
    for value in &top.values {
        assert_eq!(
            value.count,
            fx.count(|l| l.level == "ERROR" && l.message == value.value)
        );
    }
    assert_eq!(top.with_field, fx.count(|l| l.level == "ERROR"));
}

async fn paging(fx: &Fixture) {
    let results = LogResults::default();
    let found = results
        .search(&fx.client, &fx.target, &fx.query(""), None)
        .await
        .unwrap();
    let all = fx.count(|_| true);
    assert!(all > 10_000);
    assert!(!found.total.exact, "hits.total.relation gte past 10,000");
    assert_eq!(found.total.value, 10_000);
    assert_eq!(found.row_count, all);
    assert!(!found.capped);
    assert!(
        fx.admin.open_contexts().await > 0,
        "the result set holds a PIT"
    );
    let mut ids = Vec::new();
    let mut offset = 0;
    while offset < found.row_count {
        let rows = results.rows(&found.result_id, offset, 700).await.unwrap();
        assert_eq!(rows.offset, offset);
        assert!(!rows.rows.is_empty(), "rows at {offset}");
        offset += rows.rows.len() as u32;
        ids.extend(rows.rows.into_iter().map(|r| (r.time_ms.unwrap(), r.id)));
    }
    assert!(
        results
            .rows(&found.result_id, all, 10)
            .await
            .unwrap()
            .rows
            .is_empty()
    );
    assert!(ids.windows(2).all(|w| w[0].0 >= w[1].0), "newest first");
    let unique: HashSet<&String> = ids.iter().map(|(_, id)| id).collect();
    assert_eq!(unique.len(), ids.len(), "no duplicates");
    let expected: HashSet<String> = fx
        .lines
        .iter()
        .map(|l| format!("{}/{}", l.index(), l.id))
        .collect();
    assert_eq!(unique, expected.iter().collect(), "none missed");
    // A row in the middle read again after paging matches.
    let again = results.rows(&found.result_id, 10_500, 3).await.unwrap();
    assert_eq!(again.rows[0].id, ids[10_500].1);
    results.close(&found.result_id).await;
    assert_eq!(
        fx.admin.open_contexts().await,
        0,
        "closing the set closes its PIT"
    );
    let gone = results.rows(&found.result_id, 0, 1).await.unwrap_err();
    assert!(matches!(gone, LogsError::UnknownResult(_)));
    // Replacing a set closes the old one's PIT too.
    let first = results
        .search(&fx.client, &fx.target, &fx.query(""), None)
        .await
        .unwrap();
    let second = results
        .search(
            &fx.client,
            &fx.target,
            &fx.query("level:ERROR"),
            Some(&first.result_id),
        )
        .await
        .unwrap();
    assert!(results.rows(&first.result_id, 0, 1).await.is_err());
    results.close_all().await;
    assert!(results.rows(&second.result_id, 0, 1).await.is_err());
    assert_eq!(fx.admin.open_contexts().await, 0);
}

async fn capped(fx: &Fixture) {
    let results = LogResults::new(5_000, Duration::from_secs(60));
    let found = results
        .search(&fx.client, &fx.target, &fx.query(""), None)
        .await
        .unwrap();
    assert!(found.capped);
    assert_eq!(found.row_count, 5_000);
    let tail = results.rows(&found.result_id, 4_990, 100).await.unwrap();
    assert_eq!(tail.rows.len(), 10);
    results.close_all().await;
}

fn hit_time(hit: &LogHit) -> f64 {
    hit.time_ms.unwrap()
}

async fn surrounding(fx: &Fixture) {
    let results = LogResults::default();
    let found = results
        .search(&fx.client, &fx.target, &fx.query(""), None)
        .await
        .unwrap();
    let anchor = results
        .rows(&found.result_id, 3_000, 1)
        .await
        .unwrap()
        .rows
        .remove(0);
    results.close_all().await;
    let around = fx
        .client
        .surrounding(&fx.target, &anchor, 5, 5, false)
        .await
        .unwrap();
    assert_eq!(around.anchor.id, anchor.id);
    assert_eq!((around.before.len(), around.after.len()), (5, 5));
    let all: Vec<&LogHit> = around
        .before
        .iter()
        .chain(std::iter::once(&around.anchor))
        .chain(&around.after)
        .collect();
    assert!(all.iter().all(|h| h.index == anchor.index), "same index");
    assert!(
        all.windows(2).all(|w| hit_time(w[0]) <= hit_time(w[1])),
        "oldest first"
    );
    let ids: HashSet<&str> = all.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.len(), 11);
    // Contiguous: every line of the index strictly inside the span is among them.
    let (lo, hi) = (hit_time(all[0]) as i64, hit_time(all[10]) as i64);
    for line in fx
        .lines
        .iter()
        .filter(|l| l.index() == anchor.index && l.ts_ms > lo && l.ts_ms < hi)
    {
        assert!(
            ids.contains(format!("{}/{}", line.index(), line.id).as_str()),
            "{} missing",
            line.id
        );
    }
    // "Load more" before: the outermost hit as the next anchor continues without overlap.
    let more = fx
        .client
        .surrounding(&fx.target, &around.before[0], 5, 0, false)
        .await
        .unwrap();
    assert_eq!(more.before.len(), 5);
    assert!(more.before.iter().all(|h| !ids.contains(h.id.as_str())));
    assert!(hit_time(more.before.last().unwrap()) <= hit_time(&around.before[0]));
    // Narrowed to the request: exactly the request's lines.
    let request = fx
        .lines
        .iter()
        .find(|l| {
            l.request_id != "hostile"
                && fx
                    .lines
                    .iter()
                    .filter(|o| o.request_id == l.request_id)
                    .count()
                    >= 3
        })
        .unwrap();
    let anchor_line = request;
    let anchor = hinomi_logs::LogHit {
        id: format!("{}/{}", anchor_line.index(), anchor_line.id),
        index: anchor_line.index().into(),
        time_ms: None,
        level: None,
        fields: BTreeMap::from([("context.request_id".into(), anchor_line.request_id.clone())]),
        source_json: String::new(),
        cursor: hinomi_logs::SortCursor("[]".into()),
    };
    let same = fx
        .client
        .surrounding(&fx.target, &anchor, 50, 50, true)
        .await
        .unwrap();
    let got = same.before.len() + 1 + same.after.len();
    let expected = fx
        .lines
        .iter()
        .filter(|l| l.request_id == anchor_line.request_id && l.index() == anchor_line.index())
        .count();
    assert_eq!(got, expected);
    assert!(
        same.before
            .iter()
            .chain(&same.after)
            .all(|h| h.fields["context.request_id"] == anchor_line.request_id)
    );
    assert_eq!(fx.admin.open_contexts().await, 0);
}

async fn export(fx: &Fixture) {
    let dir = tempfile::tempdir().unwrap();
    let all = fx.count(|_| true) as usize;
    let ndjson = dir.path().join("lines.ndjson");
    let mut updates = 0;
    let done = fx
        .client
        .export(
            &ExportRequest {
                target: fx.target.clone(),
                query: fx.query(""),
                format: ExportFormat::Ndjson,
                columns: vec![],
                path: ndjson.clone(),
            },
            &CancellationToken::new(),
            |_| updates += 1,
        )
        .await
        .unwrap();
    assert!(done.done && done.written as usize == all && done.total as usize == all);
    assert!(updates >= 3, "progress per page");
    let text = std::fs::read_to_string(&ndjson).unwrap();
    assert_eq!(done.bytes as usize, text.len());
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), all);
    let errors = lines.iter().filter(|l| l["level"] == "ERROR").count();
    assert_eq!(errors as u32, fx.count(|l| l.level == "ERROR"));
    let hostile: Vec<&Value> = lines
        .iter()
        .filter(|l| l["context"]["request_id"] == "hostile")
        .collect();
    assert_eq!(hostile.len(), data::hostile().len());

    let csv_path = dir.path().join("lines.csv");
    let columns = vec![
        "timestamp".to_string(),
        "level".into(),
        "context.request_id".into(),
        "message".into(),
    ];
    fx.client
        .export(
            &ExportRequest {
                target: fx.target.clone(),
                query: fx.query("level:ERROR OR context.request_id:hostile"),
                format: ExportFormat::Csv,
                columns: columns.clone(),
                path: csv_path.clone(),
            },
            &CancellationToken::new(),
            |_| {},
        )
        .await
        .unwrap();
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        columns
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        records.len() as u32,
        fx.count(|l| l.level == "ERROR" || l.request_id == "hostile")
    );
    let messages: HashSet<&str> = records.iter().map(|r| &r[3]).collect();
    for line in data::hostile() {
        assert!(
            messages.contains(line.message.as_str()),
            "CSV keeps {:.40?}",
            line.message
        );
    }
    assert_eq!(fx.admin.open_contexts().await, 0);
}

async fn cancel_export(fx: &Fixture) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cancelled.ndjson");
    let cancel = CancellationToken::new();
    let err = fx
        .client
        .export(
            &ExportRequest {
                target: fx.target.clone(),
                query: fx.query(""),
                format: ExportFormat::Ndjson,
                columns: vec![],
                path: path.clone(),
            },
            &cancel,
            |progress| {
                if progress.written > 0 {
                    cancel.cancel();
                }
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, LogsError::Cancelled), "{err:?}");
    assert_eq!(HinomiError::from(err).code, ErrorCode::Cancelled);
    assert!(!path.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file left"
    );
    assert_eq!(fx.admin.open_contexts().await, 0);
}

async fn bad_query(fx: &Fixture) {
    let results = LogResults::default();
    let err = results
        .search(&fx.client, &fx.target, &fx.query("level:(ERROR"), None)
        .await
        .unwrap_err();
    let shown = HinomiError::from(err);
    eprintln!("{}: bad query -> {shown:?}", fx.engine);
    assert_eq!(shown.code, ErrorCode::Backend);
    assert!(shown.message.to_lowercase().contains("parse"), "{shown:?}");
    assert_eq!(shown.message, "Failed to parse query [level:(ERROR]");
    assert!(shown.detail.unwrap_or_default().contains("column 12"));
    assert_eq!(
        fx.admin.open_contexts().await,
        0,
        "the PIT of a failed search is closed"
    );
}

async fn too_large(fx: &Fixture) {
    let small = fx.client.with_max_response_bytes(256 * 1024);
    let results = LogResults::default();
    let err = results
        .search(
            &small,
            &fx.target,
            &fx.query("context.request_id:hostile"),
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, LogsError::TooLarge { .. }), "{err:?}");
    let shown = HinomiError::from(err);
    assert!(
        shown.message.contains("answer too large (") && shown.message.contains("limit 0.3 MB)"),
        "{shown:?}"
    );
    assert_eq!(fx.admin.open_contexts().await, 0);
}

async fn hostile_lines(fx: &Fixture) {
    let results = LogResults::default();
    let found = results
        .search(
            &fx.client,
            &fx.target,
            &fx.query("context.request_id:hostile"),
            None,
        )
        .await
        .unwrap();
    results.close_all().await;
    let expected = data::hostile();
    assert_eq!(found.first_rows.len(), expected.len());
    for line in &expected {
        let hit = found
            .first_rows
            .iter()
            .find(|h| h.id.ends_with(&line.id))
            .unwrap();
        assert_eq!(hit.fields["message"], line.message);
        let source: Value = serde_json::from_str(&hit.source_json).unwrap();
        assert_eq!(source["message"], json!(line.message));
        assert_eq!(hit.time_ms, Some(line.ts_ms as f64));
        assert_eq!(hit.level.as_deref(), Some("INFO"));
    }
}

/// What each engine does with a closed index and with a shard that fails.
async fn closed_index(fx: &Fixture) {
    const CLOSED: &str = "dataset-management-2024.04.30";
    const ODD: &str = "dataset-management-2024.04.29";
    let in_window = Line {
        id: "closed-1".into(),
        ts_ms: START_MS + 60_000,
        level: "ERROR",
        message: "in a closed index".into(),
        request_id: "closed".into(),
        user_id: None,
        action: "list_datasets",
    };
    let mut doc = in_window.source();
    fx.admin
        .call(
            reqwest::Method::PUT,
            &format!("/{CLOSED}/_doc/c1?refresh=true"),
            Some(doc.clone()),
        )
        .await;
    fx.admin
        .call(reqwest::Method::POST, &format!("/{CLOSED}/_close"), None)
        .await;
    let errors = fx.count(|l| l.level == "ERROR");

    // A wildcard does not expand to closed indices: the search runs on the open ones.
    assert_eq!(total_of(fx, fx.query("level:ERROR")).await, errors);

    // Named explicitly: an error with ignore_unavailable=false, skipped with true.
    let named = LogTarget {
        index: format!("{DAY1},{CLOSED}"),
        ..fx.target.clone()
    };
    let day1_errors = fx.count(|l| l.level == "ERROR" && l.index() == DAY1);
    let strict = fx.client.with_ignore_unavailable(false);
    let results = LogResults::default();
    let err = results
        .search(&strict, &named, &fx.query("level:ERROR"), None)
        .await
        .unwrap_err();
    let shown = HinomiError::from(err);
    eprintln!(
        "{}: closed index, ignore_unavailable=false -> {shown:?}",
        fx.engine
    );
    assert_eq!(shown.code, ErrorCode::Backend);
    assert!(
        shown.message.contains("closed") && shown.message.contains(CLOSED),
        "{shown:?}"
    );
    let lenient = fx.client.with_ignore_unavailable(true);
    match results
        .search(&lenient, &named, &fx.query("level:ERROR"), None)
        .await
    {
        Ok(found) => {
            eprintln!(
                "{}: closed index, ignore_unavailable=true -> {} hits, partial {:?}",
                fx.engine, found.row_count, found.partial
            );
            assert_eq!(found.row_count, day1_errors);
        }
        Err(err) => panic!("ignore_unavailable=true must skip the closed index: {err:?}"),
    }
    results.close_all().await;

    // A shard that fails while others answer: `level` is a number in this index, so the pill
    // "level is ERROR" (a match_phrase) cannot be built there. A 200 with partial results and
    // the shard's reason. (The bar's `level:ERROR` would not do: OpenSearch's query_string
    // quietly matches nothing on that shard.)
    fx.admin
        .call(
            reqwest::Method::PUT,
            &format!("/{ODD}"),
            Some(json!({"mappings": {"properties": {"level": {"type": "long"}, "timestamp": {"type": "date", "format": "yyyy-MM-dd HH:mm:ss"}}}})),
        )
        .await;
    doc["level"] = json!(3);
    fx.admin
        .call(
            reqwest::Method::PUT,
            &format!("/{ODD}/_doc/o1?refresh=true"),
            Some(doc),
        )
        .await;
    let mut pill = fx.query("");
    pill.filters = vec![LogFilter::Is {
        field: "level".into(),
        value: "ERROR".into(),
        negate: false,
    }];
    let found = results
        .search(&fx.client, &fx.target, &pill, None)
        .await
        .unwrap();
    eprintln!("{}: failed shard -> partial {:?}", fx.engine, found.partial);
    let partial = found.partial.clone().expect("partial results");
    assert_eq!(partial.failed_shards, 1);
    assert!(partial.total_shards >= 3);
    assert_eq!(partial.reasons.len(), 1, "{partial:?}");
    assert!(partial.reasons[0].contains(ODD), "{partial:?}");
    assert!(
        partial.reasons[0].starts_with("query_shard_exception: "),
        "{partial:?}"
    );
    assert_eq!(
        found.row_count, errors,
        "the other shards' hits are all there"
    );
    results.close_all().await;
    fx.admin
        .call(reqwest::Method::DELETE, &format!("/{ODD}"), None)
        .await;
    fx.admin
        .call(reqwest::Method::DELETE, &format!("/{CLOSED}"), None)
        .await;
}

async fn tail(fx: &Fixture) {
    let query = fx.query("level:ERROR");
    let first = fx.client.tail(&fx.target, &query, None, 5).await.unwrap();
    let mut newest: Vec<i64> = fx
        .lines
        .iter()
        .filter(|l| l.level == "ERROR")
        .map(|l| l.ts_ms)
        .collect();
    newest.sort();
    let newest5 = &newest[newest.len() - 5..];
    let got: Vec<i64> = first.hits.iter().map(|h| hit_time(h) as i64).collect();
    assert_eq!(got, newest5, "the newest five, oldest first");
    let cursor = first.cursor.clone().unwrap();
    let quiet = fx
        .client
        .tail(&fx.target, &query, Some(&cursor), 5)
        .await
        .unwrap();
    assert!(quiet.hits.is_empty(), "{:?}", quiet.hits);
    // New lines: two in the same second as the newest one seen (ties must not be lost), one
    // later; and INFO lines that do not match.
    let last = *newest5.last().unwrap();
    let new_lines: Vec<Line> = [
        (last, "ERROR"),
        (last, "ERROR"),
        (last + 2_000, "ERROR"),
        (last + 1_000, "INFO"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (ts, level))| Line {
        id: format!("tail-{i}"),
        ts_ms: *ts,
        level,
        message: "new line".into(),
        request_id: format!("tail-{i}"),
        user_id: None,
        action: "upload_file",
    })
    .collect();
    fx.admin.bulk(&new_lines).await;
    let batch = fx
        .client
        .tail(&fx.target, &query, Some(&cursor), 5)
        .await
        .unwrap();
    let ids: Vec<&str> = batch
        .hits
        .iter()
        .map(|h| h.id.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!(ids[2], "tail-2", "oldest first");
    assert!(ids.contains(&"tail-0") && ids.contains(&"tail-1"));
    let again = fx
        .client
        .tail(&fx.target, &query, batch.cursor.as_ref(), 5)
        .await
        .unwrap();
    assert!(
        again.hits.is_empty(),
        "nothing twice: {:?}",
        again.hits.iter().map(|h| &h.id).collect::<Vec<_>>()
    );
}
