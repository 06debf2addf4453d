//! A superseded query is dropped, not awaited: against a Prometheus that never answers, the
//! older run returns `cancelled` as soon as a newer one starts, and its HTTP request is
//! abandoned (the server sees the handler dropped), while the newer one gets its answer.

use axum::Router;
use axum::extract::Query;
use axum::routing::get;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_dashboards::TimeWindow;
use hinomi_metrics::{Inflight, explore};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Tells the test when the slow handler was dropped (the client went away).
struct Dropped(mpsc::UnboundedSender<String>, String);

impl Drop for Dropped {
    fn drop(&mut self) {
        let _ = self.0.send(self.1.clone());
    }
}

async fn slow_prometheus(dropped: mpsc::UnboundedSender<String>) -> String {
    let dropped = Arc::new(dropped);
    let router = Router::new().route(
        "/api/v1/query_range",
        get(move |Query(q): Query<HashMap<String, String>>| {
            let dropped = dropped.clone();
            async move {
                let expr = q.get("query").cloned().unwrap_or_default();
                if expr == "slow" {
                    let _ = dropped.send("arrived".into());
                    let _guard = Dropped((*dropped).clone(), "dropped".into());
                    // Longer than the test runs: only a dropped request ends this.
                    tokio::time::sleep(Duration::from_secs(600)).await;
                }
                r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"fast"},"values":[[1700000000,"1"],[1700000015,"2"]]}]}}"#
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

fn datasource(url: String) -> Vec<Datasource> {
    vec![Datasource {
        id: "prom".into(),
        name: "Prom".into(),
        kind: DatasourceKind::Prometheus,
        url,
        timeout_ms: 60_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    }]
}

#[tokio::test]
async fn a_newer_query_drops_the_slow_one_and_its_http_request() {
    let (dropped_tx, mut dropped_rx) = mpsc::unbounded_channel();
    let datasources = datasource(slow_prometheus(dropped_tx).await);
    let window = TimeWindow {
        from_ms: 1_700_000_000_000.0,
        to_ms: 1_700_000_600_000.0,
    };
    let inflight = Arc::new(Inflight::new());
    let clients = Arc::new(hinomi_core::http::EndpointCache::new());

    let slow = {
        let (inflight, datasources, clients) =
            (inflight.clone(), datasources.clone(), clients.clone());
        tokio::spawn(async move {
            let run =
                explore::explore_range("slow", None, &window, 100, 1_000, &datasources, &clients);
            inflight.run_latest("explore/range", run).await
        })
    };
    // Wait until the slow request is at the server (its handler is running).
    let at_server = tokio::time::timeout(Duration::from_secs(10), dropped_rx.recv()).await;
    assert_eq!(at_server.ok().flatten().as_deref(), Some("arrived"));
    assert_eq!(inflight.len(), 1);

    let fast = inflight
        .run_latest(
            "explore/range",
            explore::explore_range("fast", None, &window, 100, 1_000, &datasources, &clients),
        )
        .await
        .expect("the newer run is not cancelled")
        .expect("the newer run answers");
    assert_eq!(&fast[..4], b"HNP1");

    let slow = tokio::time::timeout(Duration::from_secs(5), slow)
        .await
        .expect("the older run ended without waiting for Prometheus")
        .unwrap();
    assert_eq!(
        HinomiError::from(slow.unwrap_err()).code,
        ErrorCode::Cancelled
    );
    let dropped = tokio::time::timeout(Duration::from_secs(5), dropped_rx.recv())
        .await
        .expect("the server saw the slow request abandoned");
    assert_eq!(dropped.as_deref(), Some("dropped"));
    assert!(inflight.is_empty());
}
