//! The log client against a real Elasticsearch 7.17, with the same scenarios as OpenSearch.

use crate::suite;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn elasticsearch_7_serves_every_log_call() {
    suite::run(hinomi_demo_stack::SearchEngine::Elasticsearch7).await;
}
