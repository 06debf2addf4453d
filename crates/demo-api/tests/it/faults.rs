//! Faults switched on through the control endpoint and seen where the seed's alerts look: in the
//! status codes, the latency histogram and the log levels.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::{client, read_logs, scrape, start_server};
use hinomi_demo_api::cli::{FaultAction, FaultArgs, fault};
use hinomi_demo_api::clock::ManualClock;
use hinomi_demo_api::faults::{ActiveFault, ClearedFaults, FaultKind, FaultList};
use hinomi_demo_api::logs::Level;
use reqwest::StatusCode;
use serde_json::json;

const LIST: &str = "/api/v1/datasets";

async fn start_fault(http: &reqwest::Client, base: &str, kind: &str, secs: u64) -> ActiveFault {
    let response = http
        .post(format!("{base}/control/faults"))
        .json(&json!({ "kind": kind, "duration_secs": secs }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn active_faults(http: &reqwest::Client, base: &str) -> FaultList {
    http.get(format!("{base}/control/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn error_burst_answers_a_share_of_requests_with_5xx_until_cleared() {
    let logs = tempfile::tempdir().unwrap();
    let server = start_server(logs.path(), |_| {}).await;
    let base = server.base_url();
    let http = client();

    let started = start_fault(&http, &base, "error_burst", 60).await;
    assert_eq!(started.kind, FaultKind::ErrorBurst);
    assert_eq!(started.remaining_secs, 60);

    let mut failures: u32 = 0;
    for _ in 0..40 {
        let status = http
            .get(format!("{base}{LIST}"))
            .send()
            .await
            .unwrap()
            .status();
        if status.is_server_error() {
            assert!(status == 500 || status == 503, "{status}");
            failures += 1;
        } else {
            assert_eq!(status, StatusCode::OK);
        }
    }
    assert!((10..=35).contains(&failures), "{failures} of 40 failed");

    let metrics = scrape(&http, &base).await;
    let counted_5xx: f64 = metrics
        .named("api_requests_total")
        .filter(|s| s.labels["status"].starts_with('5'))
        .map(|s| s.value)
        .sum();
    assert_eq!(counted_5xx, f64::from(failures));
    assert_eq!(
        metrics.value("demo_fault_active", &[("kind", "error_burst")]),
        Some(1.0)
    );
    assert_eq!(
        metrics.value(
            "api_requests_total",
            &[("method", "GET"), ("endpoint", LIST), ("status", "200")]
        ),
        Some(f64::from(40 - failures))
    );

    let cleared: ClearedFaults = http
        .delete(format!("{base}/control/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cleared.cleared, vec![FaultKind::ErrorBurst]);
    for _ in 0..10 {
        let status = http
            .get(format!("{base}{LIST}"))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(
        scrape(&http, &base)
            .await
            .value("demo_fault_active", &[("kind", "error_burst")]),
        Some(0.0)
    );

    server.shutdown().await.unwrap();
    let lines = read_logs(logs.path());
    let errors = lines
        .iter()
        .filter(|l| l.level == Level::Error && l.context.action == "list_datasets")
        .count();
    assert_eq!(errors, failures as usize, "every 5xx is an ERROR line");
    assert!(lines.iter().any(|l| l.context.action == "inject_fault"));
    assert!(lines.iter().any(|l| l.context.action == "clear_faults"));
}

#[tokio::test]
async fn latency_spike_puts_observations_above_one_second() {
    let logs = tempfile::tempdir().unwrap();
    let server = start_server(logs.path(), |_| {}).await;
    let base = server.base_url();
    let http = client();
    start_fault(&http, &base, "latency_spike", 60).await;

    // Concurrent, so the test takes one spike (≤3 s), not four.
    let started = Instant::now();
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let http = http.clone();
        let url = format!("{base}{LIST}");
        requests.spawn(async move {
            let sent = Instant::now();
            let status = http.get(url).send().await.unwrap().status();
            (status, sent.elapsed())
        });
    }
    while let Some(result) = requests.join_next().await {
        let (status, elapsed) = result.unwrap();
        assert_eq!(status, StatusCode::OK);
        assert!(elapsed >= Duration::from_millis(1_500), "{elapsed:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(6));

    let metrics = scrape(&http, &base).await;
    let bucket = |le| {
        metrics
            .value(
                "api_request_duration_seconds_bucket",
                &[("method", "GET"), ("endpoint", LIST), ("le", le)],
            )
            .unwrap()
    };
    assert_eq!(bucket("1.0"), 0.0, "nothing finished within a second");
    assert_eq!(bucket("5.0"), 4.0);
    let sum = metrics
        .value(
            "api_request_duration_seconds_sum",
            &[("method", "GET"), ("endpoint", LIST)],
        )
        .unwrap();
    assert!(sum >= 6.0, "sum of four ≥1.5 s requests was {sum}");

    server.shutdown().await.unwrap();
    let slow = read_logs(logs.path())
        .into_iter()
        .filter(|l| l.level == Level::Warn && l.message.contains("slow response"))
        .count();
    assert_eq!(slow, 4);
}

#[tokio::test]
async fn faults_run_out_on_the_server_clock() {
    let logs = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let server_clock = Arc::new(clock.clone());
    let server = start_server(logs.path(), |options| options.clock = server_clock).await;
    let base = server.base_url();
    let http = client();

    start_fault(&http, &base, "error_burst", 600).await;
    start_fault(&http, &base, "growth_spurt", 60).await;
    clock.advance(Duration::from_secs(599));
    let active = active_faults(&http, &base).await.active;
    assert_eq!(
        active,
        vec![ActiveFault {
            kind: FaultKind::ErrorBurst,
            remaining_secs: 1
        }]
    );

    clock.advance(Duration::from_secs(1));
    assert!(active_faults(&http, &base).await.active.is_empty());
    for _ in 0..20 {
        let status = http
            .get(format!("{base}{LIST}"))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::OK, "the burst is over");
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn control_endpoint_rejects_unknown_kinds_and_silly_durations() {
    let logs = tempfile::tempdir().unwrap();
    let server = start_server(logs.path(), |_| {}).await;
    let base = server.base_url();
    let http = client();
    for body in [
        json!({ "kind": "meltdown", "duration_secs": 60 }),
        json!({ "kind": "error_burst", "duration_secs": 0 }),
        json!({ "kind": "error_burst", "duration_secs": 2 * 24 * 3600 }),
        json!({ "kind": "error_burst" }),
    ] {
        let response = http
            .post(format!("{base}/control/faults"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
    }
    assert!(active_faults(&http, &base).await.active.is_empty());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn fault_command_drives_the_control_endpoint() {
    let logs = tempfile::tempdir().unwrap();
    let server = start_server(logs.path(), |_| {}).await;
    let run = |action| {
        let args = FaultArgs {
            action,
            duration: Duration::from_secs(90),
            api: format!("{}/", server.base_url()),
        };
        async move { fault(&args).await.unwrap() }
    };

    assert_eq!(run(FaultAction::Status).await, "no active faults");
    assert_eq!(
        run(FaultAction::GrowthSpurt).await,
        "growth_spurt active for 1m 30s"
    );
    let status = run(FaultAction::Status).await;
    assert!(status.starts_with("growth_spurt: 1m"), "{status}");
    assert_eq!(run(FaultAction::Clear).await, "cleared: growth_spurt");
    assert_eq!(run(FaultAction::Clear).await, "no fault was active");

    let too_long = FaultArgs {
        action: FaultAction::ErrorBurst,
        duration: Duration::from_secs(3 * 24 * 3600),
        api: server.base_url(),
    };
    let error = fault(&too_long).await.unwrap_err().to_string();
    assert!(
        error.contains("422") && error.contains("duration_secs"),
        "{error}"
    );
    server.shutdown().await.unwrap();
}
