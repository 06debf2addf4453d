//! Every fault in the shared table, through the shared client's `fetch`, and the retry policy
//! on a fake clock: what is retried, how long it waits, and that it never outlasts the timeout.

use chrono::DateTime;
use hinomi_core::clock::FakeClock;
use hinomi_core::error::{ErrorCode, HinomiError};
use hinomi_core::http::{Answer, Endpoint, Retry};
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_core::test_support::{Fault, FaultServer, Reply};
use std::sync::Arc;
use std::time::Duration;

fn clock() -> FakeClock {
    FakeClock::at(
        DateTime::parse_from_rfc3339("2026-12-04T06:00:00Z")
            .unwrap()
            .to_utc(),
    )
}

fn endpoint(url: &str, timeout_ms: u32, clock: &FakeClock) -> Endpoint {
    Endpoint::new(&Datasource {
        id: "f".into(),
        name: "f".into(),
        kind: DatasourceKind::Prometheus,
        url: url.into(),
        timeout_ms,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    })
    .unwrap()
    .with_retry_timer(Arc::new(clock.clone()))
}

/// What the user sees for a GET: the transport error, or the answer's fault.
async fn read(endpoint: &Endpoint, retry: Retry) -> Result<Answer, HinomiError> {
    let answer = endpoint
        .fetch(endpoint.client().get(endpoint.url("/api")), retry)
        .await?;
    match answer.fault("Prometheus JSON", endpoint.now()) {
        Some(err) => Err(err),
        None => Ok(answer),
    }
}

#[tokio::test]
async fn every_fault_gets_its_code_and_words() {
    for fault in Fault::ALL {
        let clock = clock();
        let url = fault.url().await;
        let err = read(
            &endpoint(&url, fault.timeout_ms(), &clock),
            Retry::Idempotent,
        )
        .await
        .expect_err(&format!("{fault:?}"));
        assert_eq!(err.code, fault.code(), "{fault:?}: {err:?}");
        assert!(
            err.message.contains(fault.words()),
            "{fault:?}: {}",
            err.message
        );
    }
}

#[tokio::test]
async fn a_503_then_200_succeeds_after_a_jittered_wait() {
    let server = FaultServer::start(vec![
        Reply::new(503, "text/plain", "restarting"),
        Reply::json("{}"),
    ])
    .await;
    let clock = clock();
    let start = hinomi_core::clock::Clock::now(&clock);
    let answer = read(&endpoint(server.url(), 5_000, &clock), Retry::Idempotent)
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(server.hits(), 2);
    let waited = (hinomi_core::clock::Clock::now(&clock) - start)
        .to_std()
        .unwrap();
    // 250 ms plus up to as much again of jitter.
    assert!(
        waited >= Duration::from_millis(250) && waited <= Duration::from_millis(500),
        "{waited:?}"
    );
}

#[tokio::test]
async fn retry_after_in_seconds_and_as_a_date_is_honoured() {
    for retry_after in ["2", "Fri, 04 Dec 2026 06:00:02 GMT"] {
        let server = FaultServer::start(vec![
            Reply::new(429, "text/plain", "slow down").with_header("retry-after", retry_after),
            Reply::json("{}"),
        ])
        .await;
        let clock = clock();
        let start = hinomi_core::clock::Clock::now(&clock);
        let answer = read(&endpoint(server.url(), 5_000, &clock), Retry::Idempotent)
            .await
            .unwrap();
        assert_eq!(answer.status, 200, "{retry_after}");
        let waited = hinomi_core::clock::Clock::now(&clock) - start;
        assert_eq!(waited.num_seconds(), 2, "{retry_after}");
    }
}

#[tokio::test]
async fn a_retry_after_past_the_budget_is_not_waited_for() {
    let server = FaultServer::start(vec![
        Reply::new(503, "text/plain", "maintenance").with_header("retry-after", "60"),
        Reply::json("{}"),
    ])
    .await;
    let clock = clock();
    let start = hinomi_core::clock::Clock::now(&clock);
    let err = read(&endpoint(server.url(), 5_000, &clock), Retry::Idempotent)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unavailable);
    assert_eq!(server.hits(), 1);
    assert_eq!(hinomi_core::clock::Clock::now(&clock), start);
}

#[tokio::test]
async fn retries_are_bounded_and_fit_the_timeout() {
    let server = FaultServer::start(vec![Reply::new(502, "text/plain", "down")]).await;
    let clock = clock();
    let start = hinomi_core::clock::Clock::now(&clock);
    let err = read(&endpoint(server.url(), 5_000, &clock), Retry::Idempotent)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unavailable);
    assert_eq!(server.hits(), 3, "one attempt and two retries");
    let waited = (hinomi_core::clock::Clock::now(&clock) - start)
        .to_std()
        .unwrap();
    assert!(waited < Duration::from_secs(5), "{waited:?}");

    // A budget smaller than the first wait: no retry at all.
    let server = FaultServer::start(vec![Reply::new(502, "text/plain", "down")]).await;
    let _ = read(&endpoint(server.url(), 200, &clock), Retry::Idempotent).await;
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn writes_and_permanent_faults_are_sent_once() {
    let server =
        FaultServer::start(vec![Reply::new(503, "text/plain", "x"), Reply::json("{}")]).await;
    let clock = clock();
    let err = read(&endpoint(server.url(), 5_000, &clock), Retry::Never)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unavailable);
    assert_eq!(server.hits(), 1);

    let server = FaultServer::start(vec![
        Reply::new(500, "text/plain", "bug"),
        Reply::json("{}"),
    ])
    .await;
    let err = read(&endpoint(server.url(), 5_000, &clock), Retry::Idempotent)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unavailable);
    assert_eq!(
        server.hits(),
        1,
        "a 500 is the server's answer, not a passing state"
    );
}

#[tokio::test]
async fn a_truncated_body_is_retried() {
    let server = FaultServer::start(vec![
        Reply::Truncated {
            declared: 100,
            body: "{\"partial\":".into(),
        },
        Reply::json("{\"whole\":true}"),
    ])
    .await;
    let clock = clock();
    let answer = read(&endpoint(server.url(), 5_000, &clock), Retry::Idempotent)
        .await
        .unwrap();
    assert_eq!(answer.body, b"{\"whole\":true}");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn each_read_writes_the_datasources_health() {
    use hinomi_core::health::{HealthState, book};
    let server = FaultServer::start(vec![
        Reply::json("{}"),
        Reply::new(502, "text/html", "<html><title>502</title></html>"),
        Reply::json("{}"),
    ])
    .await;
    let clock = clock();
    let ep = Endpoint::new(&Datasource {
        id: "health-probe".into(),
        name: "h".into(),
        kind: DatasourceKind::Prometheus,
        url: server.url().into(),
        timeout_ms: 5_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    })
    .unwrap()
    .with_retry_timer(Arc::new(clock.clone()));
    let first = hinomi_core::clock::Clock::now(&clock);
    read(&ep, Retry::Never).await.unwrap();
    assert_eq!(book().get("health-probe").unwrap().state, HealthState::Ok);

    clock.advance(Duration::from_secs(60));
    read(&ep, Retry::Never).await.unwrap_err();
    let failing = book().get("health-probe").unwrap();
    assert_eq!(failing.state, HealthState::Failing);
    assert_eq!(failing.error.unwrap().code, ErrorCode::ProxyPage);
    assert_eq!(failing.last_success, Some(first));
    assert_eq!(
        failing.failing_since,
        Some(first + chrono::Duration::seconds(60))
    );

    read(&ep, Retry::Never).await.unwrap();
    let ok = book().get("health-probe").unwrap();
    assert_eq!((ok.state, ok.failing_since), (HealthState::Ok, None));
}
