//! A search engine that sends an endless hit list is refused at the datasource's
//! `max_response_mib`, quickly, without the answer being buffered; its long error texts are cut.

use hinomi_core::settings::{Datasource, DatasourceKind, LogSourceOptions, TlsOptions};
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_demo_stack::RunawayServer;
use hinomi_logs::{ElasticClient, LogQuery, LogResults, LogTarget, LogWindow, LogsError};
use std::time::{Duration, Instant};

fn datasource(url: &str, max_response_mib: u32) -> Datasource {
    Datasource {
        id: "runaway".into(),
        name: "runaway".into(),
        kind: DatasourceKind::Elasticsearch,
        url: url.into(),
        timeout_ms: 60_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        split_range_queries: true,
        logs: Some(LogSourceOptions {
            max_response_mib,
            ..LogSourceOptions::default()
        }),
    }
}

#[tokio::test]
async fn an_endless_search_answer_is_refused_at_the_datasource_limit() {
    let server = RunawayServer::elasticsearch_hits().await;
    let ds = datasource(server.url(), 8);
    let client = ElasticClient::new(&ds).unwrap();
    let query = LogQuery {
        query: "level:ERROR".into(),
        filters: vec![],
        window: LogWindow {
            from_ms: 1_767_225_600_000.0,
            to_ms: 1_767_229_200_000.0,
        },
    };
    let started = Instant::now();
    let err = LogResults::default()
        .search(&client, &LogTarget::for_datasource(&ds), &query, None)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, LogsError::TooLarge(_)), "{err:?}");
    let shown = HinomiError::from(err);
    assert_eq!(shown.code, ErrorCode::Backend);
    assert!(
        shown.message.contains("answer too large (") && shown.message.contains("limit 8 MB)"),
        "{}",
        shown.message
    );
    assert!(
        shown.message.contains("max_response_mib"),
        "{}",
        shown.message
    );
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
    // The page and the histogram are read in parallel, each cut off at the limit plus what
    // the socket buffers held.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = server.sent();
    assert!(sent < 64 * 1024 * 1024, "the server sent {sent} bytes");
}

#[test]
fn a_10_mb_engine_error_is_cut_in_what_the_user_sees() {
    let err = LogsError::Engine {
        status: 500,
        kind: "exception".into(),
        reason: "r".repeat(10 * 1024 * 1024),
        detail: Some("d".repeat(10 * 1024 * 1024)),
    };
    let shown = HinomiError::from(err);
    let all = format!("{} {}", shown.message, shown.detail.unwrap_or_default());
    assert!(all.len() < 8 * 1024, "{} bytes shown", all.len());
    assert!(all.contains("more bytes not shown"), "{all}");
}
