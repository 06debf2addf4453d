//! A backfilled Prometheus answers every backfilled point (needs Debian's prometheus/promtool).

use hinomi_demo_stack::backfill::{BENCH_METRIC, Backfill, BackfilledPrometheus};
use std::time::Duration;

#[tokio::test]
async fn serves_every_backfilled_point() {
    let dir = tempfile::tempdir().unwrap();
    let backfill = Backfill::ending_before(3, 20, 60, chrono::Utc::now().timestamp());
    let server = BackfilledPrometheus::start(backfill, dir.path(), Duration::from_secs(60))
        .await
        .unwrap();
    let answer: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/query_range", server.url()))
        .query(&[
            ("query", BENCH_METRIC.to_owned()),
            ("start", backfill.start_secs().to_string()),
            ("end", backfill.end_secs.to_string()),
            ("step", "60".to_owned()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let result = answer["data"]["result"].as_array().unwrap();
    assert_eq!(result.len(), 3);
    let values = result[1]["values"].as_array().unwrap();
    assert_eq!(values.len(), 20);
    assert_eq!(values[0][0].as_f64(), Some(backfill.start_secs() as f64));
    let first: f64 = values[0][1].as_str().unwrap().parse().unwrap();
    assert!((first - Backfill::value(1, 0)).abs() < 1e-3, "{first}");
}
