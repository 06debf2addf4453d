//! A hung source holds up nobody: a loopback "Prometheus" that accepts connections and never
//! answers sits beside the real Alertmanager of the demo stack. Every poll round ends within
//! its budget, the Alertmanager's alerts (and a new one posted to it) reach the board, and the
//! hung source keeps its place without being asked again while its first request hangs.
//! Health times come from a fake clock moved one interval per round.

use crate::support::{datasource, endpoints, start_stack};
use chrono::Utc;
use hinomi_alerts::history::AlertHistory;
use hinomi_alerts::poller::{AlertPoller, AlertSource};
use hinomi_core::clock::FakeClock;
use hinomi_core::settings::DatasourceKind;
use hinomi_demo_stack::Component;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const INTERVAL: Duration = Duration::from_secs(2);
const BUDGET: Duration = Duration::from_secs(1);

/// Accepts every connection and never writes a byte; counts the connections.
async fn hung_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (url, accepted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_prometheus_does_not_delay_alertmanager_alerts() {
    let state = tempfile::tempdir().unwrap();
    let stack = start_stack(state.path()).await;
    let (hung_url, accepted) = hung_server().await;
    let mut hung = datasource("hung-prom", DatasourceKind::Prometheus, hung_url);
    // Far longer than the test: only the round budget can keep the rounds short.
    hung.timeout_ms = 120_000;
    let alertmanager_url = stack.url(Component::Alertmanager);
    let endpoints = endpoints();
    let sources = vec![
        AlertSource::for_datasource(&hung, endpoints.clone()).unwrap(),
        AlertSource::for_datasource(
            &datasource("am", DatasourceKind::Alertmanager, alertmanager_url.clone()),
            endpoints,
        )
        .unwrap(),
    ];
    let start = Utc::now();
    let clock = FakeClock::at(start);
    let history = AlertHistory::open(&state.path().join("alerts.sqlite")).unwrap();
    let mut poller = AlertPoller::new(sources, history, Arc::new(clock.clone())).unwrap();
    poller.set_round_budget(BUDGET);

    // One round: it must end within its budget (plus slack for a loaded CI machine), far
    // inside the hung source's 120 s timeout.
    let mut round = async || {
        let began = Instant::now();
        let outcome = poller.poll().await;
        let took = began.elapsed();
        assert!(
            took < BUDGET + Duration::from_secs(3),
            "a round took {took:?} while a source hung"
        );
        clock.advance(INTERVAL);
        (outcome, poller.snapshot().alerts().to_vec())
    };

    // A first round, while the hung source's request is already out.
    let (first, _) = round().await;
    assert!(
        first
            .sources
            .iter()
            .any(|health| health.source.datasource_id == "am" && health.last_error.is_none()),
        "{:?}",
        first.sources
    );

    // A new alert on the healthy Alertmanager reaches the board at the very next round.
    let http = reqwest::Client::new();
    let post = http
        .post(format!("{alertmanager_url}/api/v2/alerts"))
        .json(&json!([{
            "labels": {"alertname": "DiskAlmostFull", "severity": "critical", "instance": "db-1"},
            "annotations": {"summary": "posted while Prometheus hangs"},
        }]))
        .send()
        .await
        .unwrap();
    assert!(post.status().is_success(), "{}", post.status());
    let (outcome, alerts) = round().await;
    let posted = alerts
        .iter()
        .find(|alert| alert.alertname() == "DiskAlmostFull")
        .unwrap();
    assert_eq!(posted.sources[0].datasource_id, "am");
    assert_eq!(
        posted.annotations["summary"],
        "posted while Prometheus hangs"
    );

    let health = |id: &str| {
        outcome
            .sources
            .iter()
            .find(|health| health.source.datasource_id == id)
            .unwrap_or_else(|| panic!("no health for {id}: {:?}", outcome.sources))
            .clone()
    };
    let am = health("am");
    assert!(am.last_error.is_none(), "{am:?}");
    assert_eq!(am.last_success, Some(start + INTERVAL), "{am:?}");
    // The hung source is still being waited for: no answer, no failure yet, watched since the
    // first round.
    let prom = health("hung-prom");
    assert_eq!(prom.last_success, None);
    assert_eq!(prom.last_error, None);
    assert_eq!(prom.watching_since, start);
    // One request in flight for all those rounds, not one per round.
    assert_eq!(accepted.load(Ordering::SeqCst), 1);

    stack.shutdown().await;
}
