//! Real OpenSearch 2 and Elasticsearch 8/7 servers through [`SearchServer`]: each starts,
//! answers health, indexes and finds a document, and leaves no process behind, whether it is
//! shut down or dropped. Needs Java and the distributions (`scripts/install-deps.sh`).

use crate::support::{alive, eventually, live_processes_mentioning, path_str};
use hinomi_demo_stack::{SearchEngine, SearchServer, search_server_available};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn require(engine: SearchEngine) {
    if let Err(missing) = search_server_available(engine) {
        panic!("{engine} is needed for this test: {missing}");
    }
}

async fn start(engine: SearchEngine, state: &tempfile::TempDir) -> SearchServer {
    require(engine);
    let started = Instant::now();
    let server = SearchServer::start(engine, state.path())
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    eprintln!("{engine} healthy after {:.1?}", started.elapsed());
    assert_eq!(server.engine(), engine);
    assert!(
        server.url().starts_with("http://127.0.0.1:"),
        "{}",
        server.url()
    );
    server
}

/// Health, one document indexed and found by a query_string search, and the version the
/// server reports where it reports one.
async fn index_and_search(server: &SearchServer) {
    let http = reqwest::Client::new();
    let url = server.url();
    let health: Value = http
        .get(format!("{url}/_cluster/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        matches!(health["status"].as_str(), Some("green" | "yellow")),
        "{health}"
    );
    assert_eq!(health["number_of_nodes"], 1, "{health}");

    let indexed = http
        .put(format!("{url}/hinomi-check/_doc/1?refresh=true"))
        .json(&json!({ "message": "disk almost full on db-1", "level": "WARN" }))
        .send()
        .await
        .unwrap();
    assert!(
        indexed.status().is_success(),
        "{}",
        indexed.text().await.unwrap()
    );
    let found: Value = http
        .post(format!("{url}/hinomi-check/_search"))
        .json(&json!({ "query": { "query_string": { "query": "message:disk AND level:WARN" } } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["hits"]["total"]["value"], 1, "{found}");
    assert_eq!(
        found["hits"]["hits"][0]["_source"]["message"],
        "disk almost full on db-1"
    );

    let nodes: Value = http
        .get(format!("{url}/_nodes/_local"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let versions: Vec<&str> = nodes["nodes"]
        .as_object()
        .into_iter()
        .flat_map(|nodes| nodes.values())
        .filter_map(|node| node["version"].as_str())
        .collect();
    assert_eq!(versions, [server.engine().version()], "{nodes}");
}

/// Whatever the server started (the start script, the JVM, Elasticsearch 8's second JVM) has
/// the state directory on its command line.
fn assert_nothing_left(state: &tempfile::TempDir, pid: u32) {
    let needle = path_str(state.path());
    assert!(
        eventually(Duration::from_secs(15), || !alive(pid)
            && live_processes_mentioning(needle).is_empty()),
        "left behind: {:?}",
        live_processes_mentioning(needle)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opensearch_2_starts_indexes_searches_and_shuts_down() {
    let state = tempfile::tempdir().unwrap();
    let server = start(SearchEngine::OpenSearch2, &state).await;
    index_and_search(&server).await;
    let pid = server.pid().unwrap();
    server.shutdown().await;
    assert_nothing_left(&state, pid);
}

/// Dropped rather than shut down: Elasticsearch 8 runs a launcher JVM and a server JVM, and
/// both must go with the process group.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn elasticsearch_8_starts_indexes_searches_and_dies_when_dropped() {
    let state = tempfile::tempdir().unwrap();
    let server = start(SearchEngine::Elasticsearch8, &state).await;
    index_and_search(&server).await;
    let pid = server.pid().unwrap();
    assert!(
        live_processes_mentioning(path_str(state.path())).len() >= 2,
        "expected the launcher and the server JVM: {:?}",
        live_processes_mentioning(path_str(state.path()))
    );
    drop(server);
    assert_nothing_left(&state, pid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn elasticsearch_7_starts_indexes_searches_and_shuts_down() {
    let state = tempfile::tempdir().unwrap();
    let server = start(SearchEngine::Elasticsearch7, &state).await;
    index_and_search(&server).await;
    let pid = server.pid().unwrap();
    server.shutdown().await;
    assert_nothing_left(&state, pid);
}

/// A server whose port is taken says so, with its own log, instead of timing out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_port_fails_the_start_with_the_server_log() {
    let engine = SearchEngine::OpenSearch2;
    require(engine);
    let state = tempfile::tempdir().unwrap();
    let squatter = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let options = hinomi_demo_stack::SearchServerOptions {
        http_port: Some(squatter.local_addr().unwrap().port()),
        ..Default::default()
    };
    let error = match SearchServer::start_with(engine, state.path(), options).await {
        Ok(_) => panic!("started although its port was taken"),
        Err(error) => error,
    };
    let message = error.to_string();
    assert!(
        matches!(
            error,
            hinomi_demo_stack::StackError::SearchServerExited { .. }
        ),
        "{message}"
    );
    assert!(message.contains("Address already in use"), "{message}");
    assert!(
        eventually(Duration::from_secs(15), || live_processes_mentioning(
            path_str(state.path())
        )
        .is_empty()),
        "{:?}",
        live_processes_mentioning(path_str(state.path()))
    );
}
