//! Log search on real servers: the demo stack's OpenSearch fed by the rsyslog shipper with the
//! demo API's own log lines, and the shipper on its own against Elasticsearch 8. Needs Java, the
//! distributions, rsyslog-elasticsearch (`scripts/install-deps.sh`), Debian's Prometheus
//! packages and the demo API binary (see `support`).

use crate::support;

use crate::support::{eventually, live_processes_mentioning, path_str};
use chrono::{Local, NaiveDateTime, TimeZone, Utc};
use hinomi_demo_stack::{
    DemoStack, LogShipper, Ports, SearchEngine, SearchServer, StackConfig, daily_index,
    log_shipper_available, search_server_available,
};
use serde_json::{Value, json};
use std::io::Write;
use std::time::Duration;

/// rsyslog reads a new line within a second or so and sends it at once; OpenSearch makes it
/// searchable within its 1 s refresh. This leaves room for a busy 2-core machine.
const SHIPPING_DEADLINE: Duration = Duration::from_secs(60);

fn require(engine: SearchEngine) {
    if let Err(missing) = search_server_available(engine).and(log_shipper_available()) {
        panic!("{engine} and rsyslog are needed for this test: {missing}");
    }
}

async fn search(http: &reqwest::Client, url: &str, index: &str, query: Value) -> Value {
    let response = http
        .post(format!("{url}/{index}/_search"))
        .json(&query)
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

/// Searches until `enough` holds for the answer or the deadline passes; the last answer either
/// way, to show what was there.
async fn search_until(
    http: &reqwest::Client,
    url: &str,
    query: Value,
    enough: impl Fn(&Value) -> bool,
) -> (bool, Value) {
    let deadline = tokio::time::Instant::now() + SHIPPING_DEADLINE;
    loop {
        let answer = search(http, url, "dataset-management-*", query.clone()).await;
        if enough(&answer) {
            return (true, answer);
        }
        if tokio::time::Instant::now() >= deadline {
            return (false, answer);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn hits(answer: &Value) -> Vec<Value> {
    answer["hits"]["hits"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_stack_ships_demo_api_logs_into_its_opensearch() {
    require(SearchEngine::OpenSearch2);
    let state = tempfile::tempdir().unwrap();
    let mut config = StackConfig::new(state.path(), Ports::free().expect("free ports"))
        .with_interval(Duration::from_secs(1));
    config.demo_api_bin = support::demo_api_bin();
    config.log_search = true;
    let stack = DemoStack::start(config).await.expect("the stack starts");

    let status = stack.status();
    let log_search = status.log_search.expect("log search was asked for");
    assert_eq!(log_search.missing, None);
    let names: Vec<&str> = log_search
        .processes
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["opensearch", "log-shipper"]);
    assert!(log_search.processes.iter().all(|process| process.running));
    let opensearch = format!("http://127.0.0.1:{}", status.ports.opensearch);
    assert_eq!(
        log_search.processes[0].url.as_deref(),
        Some(opensearch.as_str())
    );

    // Requests the demo API logs, as the seed's service would.
    let http = reqwest::Client::new();
    let api = format!("http://127.0.0.1:{}", status.ports.demo_api);
    for _ in 0..3 {
        let response = http
            .get(format!("{api}/api/v1/datasets"))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }

    let query = json!({ "query": { "term": { "app": "dataset-management" } }, "size": 100 });
    let (shipped, answer) =
        search_until(&http, &opensearch, query, |answer| hits(answer).len() >= 3).await;
    assert!(
        shipped,
        "not shipped within {SHIPPING_DEADLINE:?}: {answer}"
    );

    for hit in hits(&answer) {
        let source = &hit["_source"];
        assert_eq!(source["service"], "dataset-management", "{hit}");
        assert!(source["context"]["request_id"].is_string(), "{hit}");
        // @timestamp is the line's local `timestamp` as an instant; the index is its UTC day.
        let local = NaiveDateTime::parse_from_str(
            source["timestamp"].as_str().unwrap(),
            "%Y-%m-%d %H:%M:%S",
        )
        .unwrap();
        let instant = Local.from_local_datetime(&local).earliest().unwrap();
        let at: chrono::DateTime<Utc> = source["@timestamp"].as_str().unwrap().parse().unwrap();
        assert_eq!(at, instant.with_timezone(&Utc), "{hit}");
        assert_eq!(hit["_index"], daily_index(at.date_naive()), "{hit}");
    }

    // The template's mappings, not guessed ones.
    let index = hits(&answer)[0]["_index"].as_str().unwrap().to_owned();
    let mapping: Value = http
        .get(format!("{opensearch}/{index}/_mapping"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let properties = &mapping[&index]["mappings"]["properties"];
    assert_eq!(properties["level"]["type"], "keyword", "{mapping}");
    assert_eq!(properties["timestamp"]["type"], "date", "{mapping}");
    assert_eq!(
        properties["message"]["fields"]["keyword"]["type"],
        "keyword"
    );
    assert_eq!(
        properties["context"]["properties"]["action"]["type"],
        "keyword"
    );

    stack.shutdown().await;
    let needle = path_str(state.path());
    assert!(
        eventually(Duration::from_secs(15), || live_processes_mentioning(
            needle
        )
        .is_empty()),
        "left behind: {:?}",
        live_processes_mentioning(needle)
    );
}

fn seed_line(timestamp: &str, level: &str, message: &str) -> String {
    json!({
        "timestamp": timestamp,
        "level": level,
        "service": "dataset-management",
        "message": message,
        "context": { "request_id": "0b7c1f9e-0000-4000-8000-000000000001",
                     "user_id": "user123", "action": "create_dataset" },
    })
    .to_string()
}

/// Against Elasticsearch 8, which rejects the `_type` older rsyslog versions send: a file that
/// was there before the shipper started and one that appears afterwards (a new day) both
/// arrive, each line in the index of its own day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shipper_feeds_elasticsearch_8_including_files_that_appear_later() {
    require(SearchEngine::Elasticsearch8);
    let state = tempfile::tempdir().unwrap();
    let server = SearchServer::start(SearchEngine::Elasticsearch8, &state.path().join("es"))
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let logs = state.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(
        logs.join("dataset-management-2024-03-21.log"),
        seed_line("2024-03-21 12:00:00", "ERROR", "アップロードに失敗しました") + "\n",
    )
    .unwrap();
    let shipper = LogShipper::start(&server.url(), &logs, &state.path().join("shipper"))
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let mut later = std::fs::File::create(logs.join("dataset-management-2024-03-22.log")).unwrap();
    writeln!(
        later,
        "{}",
        seed_line("2024-03-22 12:00:00", "INFO", "dataset created")
    )
    .unwrap();

    let http = reqwest::Client::new();
    let url = server.url();
    let (shipped, answer) = search_until(&http, &url, json!({ "size": 10 }), |answer| {
        hits(answer).len() == 2
    })
    .await;
    assert!(
        shipped,
        "not shipped within {SHIPPING_DEADLINE:?}: {answer}\nrsyslogd said: {}",
        std::fs::read_to_string(shipper.internal_log()).unwrap_or_default()
    );
    for hit in hits(&answer) {
        let at: chrono::DateTime<Utc> = hit["_source"]["@timestamp"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(hit["_index"], daily_index(at.date_naive()), "{hit}");
        assert_eq!(hit["_source"]["app"], "dataset-management", "{hit}");
    }
    // The seed's message, unmangled, is found by a match on the text field.
    let found = search(
        &http,
        &url,
        "dataset-management-*",
        json!({ "query": { "match": { "message.keyword": "アップロードに失敗しました" } } }),
    )
    .await;
    assert_eq!(hits(&found).len(), 1, "{found}");

    shipper.shutdown().await;
    server.shutdown().await;
    let needle = path_str(state.path());
    assert!(
        eventually(Duration::from_secs(15), || live_processes_mentioning(
            needle
        )
        .is_empty()),
        "left behind: {:?}",
        live_processes_mentioning(needle)
    );
}
