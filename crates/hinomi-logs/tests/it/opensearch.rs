//! The log client against a real OpenSearch 2 (the demo stack's), every scenario in order.

use crate::suite;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opensearch_2_serves_every_log_call() {
    suite::run(hinomi_demo_stack::SearchEngine::OpenSearch2).await;
}
