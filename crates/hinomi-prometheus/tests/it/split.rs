//! A long range query asked in parts gives exactly what the whole query gives, against a real
//! Prometheus (Debian's prometheus and promtool, backfilled), and a part that fails fails the
//! query with that part's error.

use chrono::{DateTime, Utc};
use hinomi_core::settings::{Datasource, DatasourceKind, TlsOptions};
use hinomi_core::{ErrorCode, HinomiError};
use hinomi_demo_stack::backfill::{Backfill, BackfilledPrometheus};
use hinomi_prometheus::{PrometheusClient, PrometheusError, Series};
use std::time::Duration;

fn client(url: &str) -> PrometheusClient {
    PrometheusClient::new(&Datasource {
        id: "split".into(),
        name: "split".into(),
        kind: DatasourceKind::Prometheus,
        url: url.into(),
        timeout_ms: 30_000,
        tls: TlsOptions::default(),
        auth: Default::default(),
        logs: None,
        split_range_queries: true,
    })
    .unwrap()
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap()
}

/// Fails with the first difference between two answers: labels, then timestamps, then the
/// values' bits (so NaN equals NaN), series by series.
fn assert_same(split: &[Series], whole: &[Series], expr: &str) {
    let labels = |xs: &[Series]| {
        xs.iter()
            .map(|s| format!("{:?}", s.labels))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        labels(split),
        labels(whole),
        "{expr}: the series and their order"
    );
    let bits = |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for (a, b) in split.iter().zip(whole) {
        let first_difference = |x: &[f64], y: &[f64]| {
            (0..x.len().max(y.len()))
                .find(|i| x.get(*i).map(|v| v.to_bits()) != y.get(*i).map(|v| v.to_bits()))
        };
        assert!(
            bits(&a.timestamps) == bits(&b.timestamps),
            "{expr} {:?}: timestamps differ from index {:?} ({} against {} points)",
            a.labels,
            first_difference(&a.timestamps, &b.timestamps),
            a.timestamps.len(),
            b.timestamps.len()
        );
        assert!(
            bits(&a.values) == bits(&b.values),
            "{expr} {:?}: values differ from index {:?}",
            a.labels,
            first_difference(&a.values, &b.values)
        );
    }
}

/// Asks `expr` whole and in parts, checks both answers are the same and that it was split,
/// and returns the whole answer.
async fn check_split(
    client: &PrometheusClient,
    expr: &str,
    from: i64,
    to: i64,
    step: Duration,
) -> Vec<Series> {
    let (whole, whole_arrival) = client
        .query_range_whole_timed(expr, at(from), at(to), step)
        .await
        .unwrap();
    let (split, split_arrival) = client
        .query_range_timed(expr, at(from), at(to), step)
        .await
        .unwrap();
    assert_eq!(whole_arrival.unwrap().parts, 1, "{expr}");
    assert_eq!(
        split_arrival.unwrap().parts,
        2,
        "{expr}: asked in two parts"
    );
    assert!(!whole.is_empty(), "{expr}: the case has data");
    assert_same(&split, &whole, expr);
    if expr.starts_with("bench_metric >") {
        let times = ((to - from) as u128 * 1_000 / step.as_millis() + 1) as usize;
        assert!(
            whole.iter().any(|s| s.timestamps.len() < times / 2),
            "{expr}: the series have gaps"
        );
    }
    whole
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parts_answer_exactly_what_the_whole_query_answers() {
    let dir = tempfile::tempdir().unwrap();
    // 40 series over 1,200 minutes: a day-long panel's worth of points.
    let backfill = Backfill::ending_before(40, 1_200, 60, Utc::now().timestamp());
    let server = BackfilledPrometheus::start(backfill, dir.path(), Duration::from_secs(90))
        .await
        .expect("the backfilled Prometheus starts");
    let client = client(server.url());
    let (start, end) = (backfill.start_secs(), backfill.end_secs);
    // Series 0010–0019 only in the first half, 0000–0009 only in the second: the merged answer
    // must still list them in Prometheus's order (by labels).
    let middle = start + 600 * 60;
    let halves = format!(
        "bench_metric{{series=~\"001.\"}} and on() (vector(time()) < {middle}) \
         or bench_metric{{series=~\"000.\"}} and on() (vector(time()) >= {middle})"
    );
    let cases = [
        // Every backfilled point, 1,200 evaluation times at the data's own step.
        ("bench_metric", start, end, 60),
        (halves.as_str(), start, end, 60),
        // Series that come and go (the waves cross 140), a range that begins two hours before
        // the data and ends off the step's grid.
        ("bench_metric > 140", start - 7_200, end - 17, 30),
        // Evaluated between samples, and aggregated.
        ("rate(bench_metric[5m])", start, end, 45),
        ("sum by (job) (bench_metric)", start, end, 20),
    ];
    for (expr, from, to, step) in cases {
        let step = Duration::from_secs(step);
        check_split(&client, expr, from, to, step).await;
    }
    // A step that float seconds cannot carry: Prometheus reads "1.001" as a 1,000 ms step. The
    // whole query's grid must be the one asked for, and the parts must agree with it.
    let step = Duration::from_millis(1_001);
    let (from, to) = (start, start + 1_500);
    let whole = check_split(&client, "bench_metric", from, to, step).await;
    let grid: Vec<f64> = (0..1_499)
        .map(|i| (from * 1_000 + i * 1_001) as f64 / 1_000.0)
        .collect();
    assert_eq!(
        whole[0].timestamps, grid,
        "a 1,001 ms step's evaluation times"
    );

    // A step of range / 11,000 (the planner's floor for long ranges) with a fraction of a
    // millisecond stays within Prometheus's 11,000 points: 4,401 s / 11,000 is 400.09 ms,
    // which rounded down to 400 ms would be 11,002 points and refused.
    let range = 4_401;
    let step = Duration::from_secs_f64(range as f64 / 11_000.0);
    let (series, arrival) = client
        .query_range_timed("bench_metric", at(start), at(start + range), step)
        .await
        .expect("a step of range / 11,000 is accepted");
    assert_eq!(arrival.unwrap().parts, 2);
    assert_eq!(series[0].timestamps.len(), 4_401_000 / 401 + 1);

    // Every byte in the second half, under a limit the whole answer fits: that half is over its
    // share of the limit, and the query is asked again whole instead of failing.
    let late = format!("bench_metric and on() (vector(time()) >= {middle})");
    let (from, to) = (start.to_string(), end.to_string());
    let whole_bytes = reqwest::Client::new()
        .get(format!("{}/api/v1/query_range", server.url()))
        .query(&[
            ("query", late.as_str()),
            ("start", &from),
            ("end", &to),
            ("step", "60"),
        ])
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len() as u64;
    let (whole, _) = client
        .query_range_whole_timed(&late, at(start), at(end), Duration::from_secs(60))
        .await
        .unwrap();
    let limited = |limit: u64| client.clone().with_max_answer_bytes(limit);
    let (series, arrival) = limited(whole_bytes + 1_000)
        .query_range_timed(&late, at(start), at(end), Duration::from_secs(60))
        .await
        .expect("an answer under the limit, in uneven halves");
    assert_eq!(arrival.unwrap().parts, 1, "asked again whole");
    assert!(!whole.is_empty());
    assert_same(&series, &whole, &late);
    // Under the whole answer's size it fails, naming the datasource's limit, not a part's share.
    let err = limited(whole_bytes - 1)
        .query_range_timed(&late, at(start), at(end), Duration::from_secs(60))
        .await
        .unwrap_err();
    match err {
        PrometheusError::TooLarge(too_large) => assert_eq!(too_large.limit, whole_bytes - 1),
        other => panic!("expected the answer too large, got {other:?}"),
    }

    // A datasource that turned the split off asks even a long query whole.
    let (_, arrival) = client
        .clone()
        .with_split_range_queries(false)
        .query_range_timed("bench_metric", at(start), at(end), Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(arrival.unwrap().parts, 1, "split turned off");

    // `@ end()` means each part's own end: asked whole.
    let (_, arrival) = client
        .query_range_timed(
            "bench_metric @ end()",
            at(start),
            at(end),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    assert_eq!(arrival.unwrap().parts, 1);

    // A short query is asked whole.
    let (_, arrival) = client
        .query_range_timed(
            "bench_metric",
            at(end - 3_600),
            at(end),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    assert_eq!(arrival.unwrap().parts, 1);

    // Prometheus's error for a bad query is the same either way.
    let bad = "sum(bench_metric";
    let whole = client
        .query_range_whole_timed(bad, at(start), at(end), Duration::from_secs(60))
        .await
        .unwrap_err();
    let split = client
        .query_range_timed(bad, at(start), at(end), Duration::from_secs(60))
        .await
        .unwrap_err();
    let (whole, split) = (HinomiError::from(whole), HinomiError::from(split));
    assert_eq!(split.code, ErrorCode::Backend);
    assert_eq!(split.message, whole.message);
}

/// A server that answers the part starting at `good_start` with a one-series matrix and any
/// other part with Prometheus's 422 (an execution error).
async fn serve_one_good_half(good_start: &'static str) -> String {
    use axum::extract::Query;
    use axum::http::StatusCode;
    use std::collections::HashMap;
    let app = axum::Router::new().route(
        "/api/v1/query_range",
        axum::routing::get(move |Query(q): Query<HashMap<String, String>>| async move {
            if q.get("start").map(String::as_str) == Some(good_start) {
                let body = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[1,"1"]]}]}}"#;
                (StatusCode::OK, body)
            } else {
                let body = r#"{"status":"error","errorType":"execution","error":"the second half failed"}"#;
                (StatusCode::UNPROCESSABLE_ENTITY, body)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_part_fails_the_query_with_its_error() {
    let url = serve_one_good_half("1970-01-01T00:00:00.000Z").await;
    // 2,000 evaluation times a second apart: two parts, the second one fails.
    let err = client(&url)
        .query_range_timed("up", at(0), at(1_999), Duration::from_secs(1))
        .await
        .unwrap_err();
    let err = HinomiError::from(err);
    assert_eq!(err.code, ErrorCode::Backend);
    assert!(
        err.message.contains("the second half failed"),
        "{}",
        err.message
    );
}
