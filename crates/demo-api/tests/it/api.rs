//! The dataset API, its metrics and its log lines, exercised over real HTTP on loopback.

use std::time::{Duration, Instant};

use crate::support::{client, read_logs, scrape, start_server};
use hinomi_demo_api::http::{DatasetList, ErrorBody};
use hinomi_demo_api::logs::{Level, SERVICE};
use reqwest::StatusCode;
use serde_json::json;

const LIST: &str = "/api/v1/datasets";
const ONE: &str = "/api/v1/datasets/{id}";

#[tokio::test]
async fn dataset_api_answers_and_is_counted_by_route_template() {
    let logs = tempfile::tempdir().unwrap();
    let server = start_server(logs.path(), |_| {}).await;
    let base = server.base_url();
    let http = client();

    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");

    let list: DatasetList = http
        .get(format!("{base}{LIST}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.total, 8);
    assert_eq!(list.datasets[0].id, "ds-001");

    let hostile = "<script>alert(1)</script>";
    let created = http
        .post(format!("{base}{LIST}"))
        .header("x-user-id", "user123")
        .json(&json!({ "name": hostile, "size_bytes": 4096 }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.headers()["location"], "/api/v1/datasets/ds-009");
    let create_request_id = created.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let dataset: serde_json::Value = created.json().await.unwrap();
    assert_eq!(dataset["id"], "ds-009");
    assert_eq!(dataset["name"], hostile);
    assert_eq!(dataset["size_bytes"], 4096);
    assert_eq!(dataset["status"], "active");

    let fetched: serde_json::Value = http
        .get(format!("{base}{LIST}/ds-009"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, dataset);

    let deleted = http
        .delete(format!("{base}{LIST}/ds-009"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let missing = http
        .get(format!("{base}{LIST}/ds-009"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body: ErrorBody = missing.json().await.unwrap();
    assert_eq!(body.error.code, "not_found");
    let deleted_again = http
        .delete(format!("{base}{LIST}/ds-009"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted_again.status(), StatusCode::NOT_FOUND);

    let bad_bodies = [
        ("application/json", r#"{"size_bytes": 1}"#),
        ("application/json", r#"{"name": "   "}"#),
        ("application/json", r#"{"name": "x", "size_bytes": -1}"#),
        ("application/json", "not json"),
        ("text/plain", r#"{"name": "x"}"#),
    ];
    for (content_type, body) in bad_bodies {
        let response = http
            .post(format!("{base}{LIST}"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
    }

    let metrics = scrape(&http, &base).await;
    assert!(
        metrics
            .content_type
            .starts_with("application/openmetrics-text"),
        "{}",
        metrics.content_type
    );
    let requests = |method, endpoint, status| {
        metrics.value(
            "api_requests_total",
            &[
                ("method", method),
                ("endpoint", endpoint),
                ("status", status),
            ],
        )
    };
    assert_eq!(requests("GET", LIST, "200"), Some(1.0));
    assert_eq!(requests("POST", LIST, "201"), Some(1.0));
    assert_eq!(requests("POST", LIST, "422"), Some(5.0));
    assert_eq!(requests("GET", ONE, "200"), Some(1.0));
    assert_eq!(requests("GET", ONE, "404"), Some(1.0));
    assert_eq!(requests("DELETE", ONE, "204"), Some(1.0));
    assert_eq!(requests("DELETE", ONE, "404"), Some(1.0));
    let total: f64 = metrics.named("api_requests_total").map(|s| s.value).sum();
    assert_eq!(total, 11.0, "health and metrics are not dataset requests");
    assert!(
        metrics
            .samples
            .iter()
            .all(|s| !s.labels.get("endpoint").is_some_and(|e| e.contains("ds-"))),
        "raw ids must not become label values"
    );

    let count = metrics.value(
        "api_request_duration_seconds_count",
        &[("method", "POST"), ("endpoint", LIST)],
    );
    assert_eq!(count, Some(6.0));
    let top_bucket = metrics.value(
        "api_request_duration_seconds_bucket",
        &[("method", "POST"), ("endpoint", LIST), ("le", "10.0")],
    );
    assert_eq!(top_bucket, Some(6.0));

    assert_eq!(
        metrics.value("datasets_total", &[("status", "active")]),
        Some(7.0)
    );
    assert_eq!(
        metrics.value("datasets_total", &[("status", "archived")]),
        Some(2.0)
    );
    assert_eq!(
        metrics.value("datasets_total", &[("status", "deleted")]),
        Some(1.0)
    );
    assert_eq!(
        metrics.value("dataset_size_bytes", &[("dataset_id", "ds-002")]),
        Some(870.0 * 1024.0 * 1024.0)
    );
    assert_eq!(
        metrics.value("dataset_size_bytes", &[("dataset_id", "ds-009")]),
        None
    );
    assert_eq!(metrics.named("dataset_size_bytes").count(), 8);

    server.shutdown().await.unwrap();

    let lines = read_logs(logs.path());
    assert!(lines.iter().all(|l| l.service == SERVICE));
    let dataset_lines: Vec<_> = lines
        .iter()
        .filter(|l| l.context.action.contains("dataset"))
        .collect();
    assert_eq!(dataset_lines.len(), 11, "one line per dataset request");

    let create = lines
        .iter()
        .find(|l| l.context.request_id == create_request_id)
        .expect("the response's request id is the log line's");
    assert_eq!(create.level, Level::Info);
    assert_eq!(create.context.action, "create_dataset");
    assert_eq!(create.context.user_id, "user123");
    assert!(create.message.contains(hostile), "{}", create.message);

    let not_found: Vec<_> = lines
        .iter()
        .filter(|l| l.message.starts_with("データセットが見つかりません"))
        .collect();
    assert_eq!(not_found.len(), 2);
    assert!(not_found.iter().all(|l| l.level == Level::Warn));
    assert!(
        lines
            .iter()
            .filter(|l| l.context.action == "get_dataset")
            .all(|l| l.context.user_id == "anonymous")
    );
}

#[tokio::test]
async fn built_in_traffic_makes_real_requests() {
    let logs = tempfile::tempdir().unwrap();
    let server = start_server(logs.path(), |options| options.traffic_rps = 40.0).await;
    let base = server.base_url();
    let http = client();

    // Waits for real traffic, not for a timer: the loop ends as soon as enough has arrived.
    let deadline = Instant::now() + Duration::from_secs(10);
    let total = loop {
        let metrics = scrape(&http, &base).await;
        let total: f64 = metrics.named("api_requests_total").map(|s| s.value).sum();
        if total >= 20.0 || Instant::now() > deadline {
            break total;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(total >= 20.0, "only {total} requests arrived");
    server.shutdown().await.unwrap();

    let lines = read_logs(logs.path());
    let traffic: Vec<_> = lines
        .iter()
        .filter(|l| l.context.action.contains("dataset"))
        .collect();
    assert!(traffic.len() >= 20);
    assert!(traffic.iter().any(|l| l.context.action == "list_datasets"));
    assert!(
        traffic
            .iter()
            .all(|l| l.context.user_id.starts_with("user"))
    );
    assert!(lines.iter().any(|l| l.context.action == "shutdown"));
}
