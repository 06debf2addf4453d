//! What one poll costs with 10,000 alerts in 50 groups, from one Alertmanager and from an HA
//! pair (20,000 answers to deduplicate), along the path the shell takes: the poller's merge (dedupe), diff and history write, building the
//! board, and a notification tick. 1% of the alerts change each poll. Run with
//! `cargo run --release -p hinomi-alerts --example poll_cost` (`POLLS=30` for more); the budget
//! is well under 50 ms per poll.
//!
//! A second part serves the same alerts as Alertmanager's `/api/v2/alerts` JSON from a loopback
//! HTTP server and measures, in the same run, the whole poll including the real client's fetch
//! and decode against a baseline of the bare minimum any client pays: an HTTP GET of the same
//! bytes and `serde_json` parsing them into a `Value`. The ratio is Hinomi's cost over that.
//!
//! `ROUTES=1` gives the notification planner each Alertmanager's route tree (the demo's, plus a
//! `continue` route for critical alerts), as the shell does, instead of the seed fallback.

use chrono::{TimeZone, Utc};
use hinomi_alerts::board::{BoardOptions, Filter, Grouping, build_board};
use hinomi_alerts::history::AlertHistory;
use hinomi_alerts::notify::{NotificationPlanner, NotificationSettings};
use hinomi_alerts::poller::{AlertPoller, SourceResult};
use hinomi_alerts::routing::RouteTree;
use hinomi_alerts::sources::AlertmanagerClient;
use hinomi_alerts::{Alert, AlertState, LabelSet, SourceKind, SourceRef};
use hinomi_core::clock::SystemClock;
use hinomi_core::http::Endpoint;
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use std::sync::Arc;
use std::time::Instant;

fn alerts(source: &str, generation: usize) -> Vec<Alert> {
    let severities = ["critical", "warning", "info", "none", "page"];
    (0..10_000)
        .map(|i| {
            let labels: LabelSet = [
                ("alertname", format!("Alert{:02}", i % 10)),
                ("severity", severities[(i / 10) % 5].to_owned()),
                ("instance", format!("host-{i}:9100")),
                ("job", "node-exporter".to_owned()),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
            let mut alert = Alert::new(
                labels,
                AlertState::Firing,
                SourceRef::new(source, SourceKind::Alertmanager),
            );
            alert.active_since = Utc.timestamp_opt(1_700_000_000 + i as i64, 0).single();
            // Each generation rewords 1% of the alerts, so the diff has work to do.
            let summary = if i % 100 == 0 { generation } else { 0 };
            alert
                .annotations
                .insert("summary".into(), format!("ディスクの空き容量 {summary}"));
            alert
        })
        .collect()
}

/// The demo's route, plus critical alerts also to a pager by alertname (`continue`).
const ROUTES_YML: &str = "
route:
  receiver: team
  group_by: [alertname, severity]
  routes:
  - matchers: ['severity=\"critical\"']
    receiver: pager
    group_by: [alertname]
    group_wait: 10s
    continue: true
  - matchers: ['alertname=\"Watchdog\"']
    receiver: watchdog
receivers:
- name: team
  webhook_configs: [{url: 'http://127.0.0.1:9/'}]
- name: pager
  webhook_configs: [{url: 'http://127.0.0.1:9/', send_resolved: false}]
- name: watchdog
";

fn with_routes(planner: &mut NotificationPlanner, sources: &[&str]) {
    if std::env::var_os("ROUTES").is_none() {
        return;
    }
    let tree = Arc::new(RouteTree::from_yaml(ROUTES_YML).expect("a valid route"));
    let trees: Vec<(String, Arc<RouteTree>)> = sources
        .iter()
        .map(|id| ((*id).to_owned(), tree.clone()))
        .collect();
    planner.set_route_trees(&trees);
}

/// Milliseconds since `from`.
fn ms(from: Instant) -> f64 {
    from.elapsed().as_secs_f64() * 1000.0
}

/// Median and worst of the polls after the first (which writes 10,000 new history rows).
fn run(sources: &[&str], board_options: BoardOptions, polls: usize) -> (f64, f64) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let history = AlertHistory::open(&dir.path().join("alerts.sqlite")).expect("history");
    let mut poller =
        AlertPoller::new(Vec::new(), history, Arc::new(SystemClock)).expect("a poller");
    let mut planner =
        NotificationPlanner::new(&NotificationSettings::default(), Arc::new(SystemClock))
            .expect("default settings are valid");
    with_routes(&mut planner, sources);
    let mut totals = Vec::new();
    for generation in 0..polls {
        // Decoding the answers is the clients' cost, not measured here.
        let answers = sources
            .iter()
            .map(|id| SourceResult {
                source: SourceRef::new(*id, SourceKind::Alertmanager),
                result: Ok(alerts(id, generation)),
            })
            .collect();
        let started = Instant::now();
        let outcome = poller.apply(answers);
        let apply = ms(started);
        let step = Instant::now();
        let board = build_board(
            poller.snapshot().alerts(),
            &Grouping::default(),
            &Filter::all(),
            board_options,
        );
        let group = ms(step);
        let step = Instant::now();
        let tick = planner.tick(poller.snapshot().alerts(), &outcome.sources);
        let notify = ms(step);
        let total = ms(started);
        assert_eq!(board.groups.len(), 50);
        assert!(outcome.history_error.is_none());
        println!(
            "poll {generation:2}: {total:6.2} ms = merge+diff+history {apply:5.2} + board \
             {group:5.2} + notify {notify:5.2} ({} alerts, {} changes, {} notifications)",
            poller.snapshot().len(),
            outcome.changes.len(),
            tick.deliver.len()
        );
        if generation > 0 {
            totals.push(total);
        }
    }
    totals.sort_by(f64::total_cmp);
    (totals[totals.len() / 2], totals[totals.len() - 1])
}

/// The alerts as Alertmanager's `/api/v2/alerts` answers them.
fn alertmanager_json(generation: usize) -> Vec<u8> {
    let alerts: Vec<serde_json::Value> = alerts("am", generation)
        .into_iter()
        .map(|alert| {
            serde_json::json!({
                "fingerprint": alert.fingerprint,
                "labels": alert.labels,
                "annotations": alert.annotations,
                "startsAt": alert.active_since,
                "endsAt": "2026-11-24T10:00:00.000Z",
                "updatedAt": "2026-11-24T09:00:00.000Z",
                "generatorURL": "http://prometheus:9090/graph?g0.expr=up",
                "receivers": [{"name": "team-dataset"}],
                "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
            })
        })
        .collect();
    serde_json::to_vec(&alerts).expect("JSON")
}

/// A minimal HTTP/1.1 server on loopback that answers every request with `body` (keep-alive).
async fn serve(body: Arc<std::sync::Mutex<Arc<Vec<u8>>>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0_u8; 4096];
                loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    if !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        continue;
                    }
                    request.clear();
                    let payload = body.lock().expect("payload").clone();
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        payload.len()
                    );
                    if socket.write_all(head.as_bytes()).await.is_err()
                        || socket.write_all(&payload).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// Medians (ms) over the polls after the first: baseline (GET + serde_json::Value) and the whole
/// Hinomi poll (client fetch + decode + merge/diff/history + board + notification tick).
fn fetched(sources: usize, polls: usize) -> (f64, f64) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let payload = Arc::new(std::sync::Mutex::new(Arc::new(alertmanager_json(0))));
        let url = serve(payload.clone()).await;
        let clients: Vec<AlertmanagerClient> = (0..sources)
            .map(|i| {
                AlertmanagerClient::from_endpoint(
                    Endpoint::new(&Datasource {
                        id: format!("am-{i}"),
                        name: format!("am-{i}"),
                        kind: DatasourceKind::Alertmanager,
                        url: url.clone(),
                        timeout_ms: 30_000,
                        tls: TlsOptions::default(),
                        auth: Default::default(),
                        logs: None,
                        split_range_queries: true,
                    })
                    .expect("a client"),
                )
            })
            .collect();
        let http = reqwest::Client::new();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let history = AlertHistory::open(&dir.path().join("alerts.sqlite")).expect("history");
        let mut poller =
            AlertPoller::new(Vec::new(), history, Arc::new(SystemClock)).expect("a poller");
        let mut planner =
            NotificationPlanner::new(&NotificationSettings::default(), Arc::new(SystemClock))
                .expect("default settings are valid");
        let (mut baselines, mut wholes) = (Vec::new(), Vec::new());
        for generation in 0..polls {
            *payload.lock().expect("payload") = Arc::new(alertmanager_json(generation));
            let started = Instant::now();
            for _ in 0..sources {
                let bytes = http
                    .get(format!("{url}/api/v2/alerts"))
                    .send()
                    .await
                    .expect("GET")
                    .bytes()
                    .await
                    .expect("body");
                let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
                assert_eq!(value.as_array().map(Vec::len), Some(10_000));
            }
            let baseline = ms(started);

            let started = Instant::now();
            let mut answers = Vec::new();
            for client in &clients {
                answers.push(SourceResult {
                    source: client.source(),
                    result: client.alerts().await,
                });
            }
            let outcome = poller.apply(answers);
            let board = build_board(
                poller.snapshot().alerts(),
                &Grouping::default(),
                &Filter::all(),
                BoardOptions {
                    alerts_per_group: Some(100),
                },
            );
            planner.tick(poller.snapshot().alerts(), &outcome.sources);
            let whole = ms(started);
            assert_eq!(board.groups.len(), 50);
            assert!(outcome.sources.iter().all(|s| s.last_error.is_none()));
            println!(
                "poll {generation:2}: baseline GET+serde_json {baseline:6.2} ms, Hinomi poll \
                 {whole:6.2} ms ({:.2}x)",
                whole / baseline
            );
            if generation > 0 {
                baselines.push(baseline);
                wholes.push(whole);
            }
        }
        (median(baselines), median(wholes))
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let polls = std::env::var("POLLS")
        .ok()
        .and_then(|polls| polls.parse().ok())
        .unwrap_or(10_usize)
        .max(2);
    let first_100 = BoardOptions {
        alerts_per_group: Some(100),
    };
    let mut results = Vec::new();
    for (what, sources) in [
        ("one Alertmanager", &["am-1"][..]),
        (
            "an HA pair, both reporting all 10,000",
            &["am-1", "am-2"][..],
        ),
    ] {
        for (board, options) in [
            ("first 100 of each group", first_100),
            ("every alert", BoardOptions::default()),
        ] {
            println!("{what}, board with {board}:");
            let (median, worst) = run(sources, options, polls);
            results.push(format!(
                "{what}, {board}: median {median:.2} ms, worst {worst:.2} ms"
            ));
        }
    }
    for (what, sources) in [
        ("one Alertmanager", 1),
        ("an HA pair, both reporting all 10,000", 2),
    ] {
        println!("{what}, fetched over HTTP, board with the first 100 of each group:");
        let (baseline, whole) = fetched(sources, polls);
        results.push(format!(
            "{what}, fetched: baseline (GET + serde_json::Value) median {baseline:.2} ms, \
             Hinomi poll median {whole:.2} ms, ratio {:.2}x",
            whole / baseline
        ));
    }
    println!("\nafter the first poll (which writes 10,000 new history rows):");
    for line in results {
        println!("  {line}");
    }
}
