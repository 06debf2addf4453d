//! Same files, same queries, same answers: the local index against a real OpenSearch 2 with
//! the seed's index template (issue 11). Every query's hits (by line) and histogram buckets
//! must be equal on both sources.
//!
//! The lines go into OpenSearch by `_bulk` with `_id` = `file:line`, and into the local index
//! from the files; a local hit is `file:line` through its path and line number.

use crate::support::*;
use hinomi_core::settings::{Datasource, DatasourceKind, LogSourceOptions, TlsOptions};
use hinomi_demo_stack::{SearchEngine, SearchServer};
use hinomi_logs::{ElasticClient, LogFilter, LogQuery, LogResults, LogTarget, LogWindow};
use hinomi_logs_local::seedgen::SeedGenerator;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::Write;

const FILES: usize = 3;
const LINES_PER_FILE: usize = 3_000;

/// The seed's lines with some variety: a number (`took_ms`) on some, an array (`tags`) on
/// others, and a few lines from another service.
fn lines(file: usize) -> Vec<Value> {
    let mut generator = SeedGenerator::new(1_000 + file as u64, START_MS, 2_000 * FILES as i64);
    (0..LINES_PER_FILE)
        .map(|i| {
            let line = generator.line();
            let mut value = serde_json::to_value(&line).unwrap();
            if i % 7 == 0 {
                value["took_ms"] = json!((i * 37) % 1_000);
            }
            if i % 11 == 0 {
                value["tags"] = json!(["alpha", if i % 2 == 0 { "beta" } else { "gamma" }]);
            }
            if i % 13 == 0 {
                value["service"] = json!("auth-gateway");
            }
            value
        })
        .collect()
}

fn file_name(file: usize) -> String {
    format!("app-{file}.log")
}

fn queries(request_id: &str) -> Vec<String> {
    let fixed = [
        "",
        "*",
        "level:ERROR",
        "level:error",
        "level:WARN OR level:ERROR",
        "level:(ERROR OR WARN) AND context.action:upload_file",
        "level:ERROR AND NOT context.user_id:user1",
        "context.action:create_dataset",
        "context.user_id:user1*",
        "context.user_id:user?",
        "context.user_id:[user10 TO user12]",
        "context.user_id:{user10 TO user12}",
        "context.user_id:>user190",
        "message:timeout",
        "message:TIMEOUT",
        "message:\"quota exceeded\"",
        "message:\"exceeded quota\"",
        "message:\"データセット を 作成\"",
        "message:\"データセットを作成\"",
        "message:\"取得に失敗\"",
        "message:失敗",
        "message:Dat*",
        "message:dat*set",
        "connection",
        "ERROR",
        "\"Connection refused\"",
        "-level:INFO",
        "NOT level:INFO AND NOT level:WARN",
        "_exists_:context.request_id",
        "context.request_id:*",
        "_exists_:took_ms",
        "took_ms:>=500",
        "took_ms:[100 TO 200]",
        "took_ms:{* TO 50}",
        "+level:ERROR +message:storage",
        "level:ERROR || level:DEBUG",
        "message:timeuot~",
        "message:storag~1",
        "context.action:/.*_datasets?/",
        "service:dataset-management AND NOT message:ms",
        "message.keyword:\"Connection refused by upstream storage\"",
        "timestamp:[\"2024-05-01 12:00:00\" TO \"2024-05-01 13:00:00\"]",
        "timestamp:>=\"2024-05-01 14:00:00\"",
        "\"ユーザー認証\"",
        "message:(slow AND query)",
        "nothing.here:x",
        "ms",
        "tags:alpha AND NOT tags:beta",
        "service:auth-gateway AND level:ERROR",
        "a OR b AND level:ERROR",
    ];
    let mut all: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    all.push(format!("context.request_id:{request_id}"));
    all.push(format!("\"{request_id}\""));
    all
}

struct Sources {
    local: hinomi_logs_local::LocalLogs,
    client: ElasticClient,
    target: LogTarget,
    results: LogResults,
}

impl Sources {
    fn local_ids(&self, query: &LogQuery) -> BTreeSet<String> {
        all_hits(&self.local, query)
            .into_iter()
            .map(|hit| {
                let name = hit.index.rsplit('/').next().unwrap().to_string();
                format!("{name}:{}", hit.id.split(':').nth(1).unwrap())
            })
            .collect()
    }

    async fn remote_ids(&self, query: &LogQuery) -> (BTreeSet<String>, Vec<u32>) {
        let found = self
            .results
            .search(&self.client, &self.target, query, None)
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", query.query));
        assert!(!found.capped, "{}: capped", query.query);
        let mut ids: BTreeSet<String> = found
            .first_rows
            .iter()
            .map(|hit| hit.id.split_once('/').unwrap().1.to_string())
            .collect();
        let mut offset = found.first_rows.len() as u32;
        while offset < found.row_count {
            let rows = self
                .results
                .rows(&found.result_id, offset, 2_000)
                .await
                .unwrap();
            if rows.rows.is_empty() {
                break;
            }
            offset += rows.rows.len() as u32;
            ids.extend(
                rows.rows
                    .iter()
                    .map(|hit| hit.id.split_once('/').unwrap().1.to_string()),
            );
        }
        self.results.close(&found.result_id).await;
        assert_eq!(found.total.value as usize, ids.len(), "{}", query.query);
        (
            ids,
            found.histogram.buckets.iter().map(|b| b.count).collect(),
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_index_answers_like_opensearch() {
    let engine = SearchEngine::OpenSearch2;
    if let Err(why) = hinomi_demo_stack::search_server_available(engine) {
        panic!("{engine:?} cannot be started here: {why}");
    }
    let fixture = Fixture::new();
    let state = tempfile::tempdir().unwrap();
    let server = SearchServer::start(engine, state.path())
        .await
        .unwrap_or_else(|err| panic!("{engine:?} did not start: {err}"));
    let url = server.url();
    let http = reqwest::Client::new();
    hinomi_demo_stack::install_index_template(&http, &url)
        .await
        .unwrap();

    let mut request_id = String::new();
    for file in 0..FILES {
        let lines = lines(file);
        let mut out = std::fs::File::create(fixture.logs().join(file_name(file))).unwrap();
        for line in &lines {
            writeln!(out, "{line}").unwrap();
        }
        request_id = lines[100]["context"]["request_id"]
            .as_str()
            .unwrap()
            .to_string();
        for (chunk_index, chunk) in lines.chunks(2_000).enumerate() {
            let mut body = String::new();
            for (i, line) in chunk.iter().enumerate() {
                let number = chunk_index * 2_000 + i + 1;
                let at = chrono::NaiveDateTime::parse_from_str(
                    line["timestamp"].as_str().unwrap(),
                    "%Y-%m-%d %H:%M:%S",
                )
                .unwrap();
                let index = hinomi_demo_stack::daily_index(at.date());
                body.push_str(&json!({"index": {"_index": index, "_id": format!("{}:{number}", file_name(file))}}).to_string());
                body.push('\n');
                body.push_str(&line.to_string());
                body.push('\n');
            }
            let answer: Value = http
                .post(format!("{url}/_bulk?refresh=wait_for"))
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
    let local = fixture.open();
    local.refresh().unwrap();
    let ds = Datasource {
        id: "differential".into(),
        name: "differential".into(),
        kind: DatasourceKind::Elasticsearch,
        url: url.to_string(),
        timeout_ms: 60_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        split_range_queries: true,
        logs: Some(LogSourceOptions {
            time_field: "timestamp".into(),
            ..LogSourceOptions::default()
        }),
    };
    let sources = Sources {
        local,
        client: ElasticClient::new(&ds).unwrap(),
        target: LogTarget::for_datasource(&ds),
        results: LogResults::default(),
    };
    let window = LogWindow {
        from_ms: START_MS as f64,
        to_ms: (START_MS + 86_400_000) as f64,
    };
    let mut cases: Vec<LogQuery> = queries(&request_id)
        .into_iter()
        .map(|text| LogQuery {
            query: text,
            filters: vec![],
            window,
        })
        .collect();
    cases.push(LogQuery {
        query: "".into(),
        filters: vec![
            LogFilter::Is {
                field: "message".into(),
                value: "Slow query".into(),
                negate: true,
            },
            LogFilter::Is {
                field: "level".into(),
                value: "WARN".into(),
                negate: false,
            },
        ],
        window,
    });
    cases.push(LogQuery {
        query: "level:ERROR".into(),
        filters: vec![LogFilter::Exists {
            field: "took_ms".into(),
            negate: true,
        }],
        window: LogWindow {
            from_ms: window.from_ms + 3_600_000.0,
            to_ms: window.from_ms + 5_400_000.0,
        },
    });
    let mut differences = Vec::new();
    for query in &cases {
        let local_ids = sources.local_ids(query);
        let local_histogram: Vec<u32> = sources
            .local
            .histogram(query)
            .unwrap()
            .buckets
            .iter()
            .map(|b| b.count)
            .collect();
        let (remote_ids, remote_histogram) = sources.remote_ids(query).await;
        eprintln!(
            "{:>6} local {:>6} remote  {}",
            local_ids.len(),
            remote_ids.len(),
            query.query
        );
        if local_ids != remote_ids {
            let only_local: Vec<_> = local_ids.difference(&remote_ids).take(3).collect();
            let only_remote: Vec<_> = remote_ids.difference(&local_ids).take(3).collect();
            // How the engine read the query, to tell a translation bug from a syntax quirk.
            let explained: Value = http
                .post(format!("{url}/dataset-management-*/_validate/query?explain=true"))
                .json(&json!({"query": {"query_string": {"query": query.query, "analyze_wildcard": true}}}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap_or_default();
            differences.push(format!(
                "{:?}: {} local vs {} remote hits (only local {only_local:?}, only remote \
                 {only_remote:?}); the engine read it as {}",
                query.query,
                local_ids.len(),
                remote_ids.len(),
                explained["explanations"]
            ));
        } else if local_histogram != remote_histogram {
            differences.push(format!("{:?}: histograms differ", query.query));
        }
    }
    assert!(cases.len() >= 40);
    assert!(
        differences.is_empty(),
        "{} of {} queries differ:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
    server.shutdown().await;
}
