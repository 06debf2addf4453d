//! Hits over time: a `date_histogram` over the whole window, empty buckets included.
//!
//! The interval is one of Kibana's round steps, the smallest that gives at most
//! [`MAX_BUCKETS`] buckets, so a window shows roughly 50–120 bars and bucket edges fall on
//! round times. Also used alone for the log-volume lane under a dashboard chart.

use super::client::ElasticClient;
use super::query::build_query;
use super::wire::{Aggregation, Bounds, Buckets, DateHistogram, SearchBody, SearchResponse};
use crate::error::LogsError;
use crate::model::{HistogramBucket, LogHistogram, LogQuery, LogTarget, LogWindow};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const MAX_BUCKETS: f64 = 120.0;

const SECOND: f64 = 1000.0;
const MINUTE: f64 = 60.0 * SECOND;
const HOUR: f64 = 60.0 * MINUTE;
const DAY: f64 = 24.0 * HOUR;

/// Kibana-like steps, as `fixed_interval` spells them.
const STEPS: &[(f64, &str)] = &[
    (SECOND, "1s"),
    (5.0 * SECOND, "5s"),
    (10.0 * SECOND, "10s"),
    (30.0 * SECOND, "30s"),
    (MINUTE, "1m"),
    (5.0 * MINUTE, "5m"),
    (10.0 * MINUTE, "10m"),
    (30.0 * MINUTE, "30m"),
    (HOUR, "1h"),
    (3.0 * HOUR, "3h"),
    (12.0 * HOUR, "12h"),
    (DAY, "1d"),
    (7.0 * DAY, "7d"),
    (30.0 * DAY, "30d"),
    (365.0 * DAY, "365d"),
];

/// The bucket width for a window: `(milliseconds, label)`.
pub fn choose_interval(window: &LogWindow) -> (f64, &'static str) {
    let span = (window.to_ms - window.from_ms).max(0.0);
    STEPS
        .iter()
        .copied()
        .find(|(ms, _)| span / ms <= MAX_BUCKETS)
        .unwrap_or(STEPS[STEPS.len() - 1])
}

#[derive(Deserialize)]
pub(crate) struct HistogramAggs {
    histogram: Buckets<RawBucket>,
}

#[derive(Deserialize)]
struct RawBucket {
    key: f64,
    doc_count: u64,
}

/// The histogram request for a query: `size: 0`, one `date_histogram`.
pub fn histogram_body(target: &LogTarget, query: &LogQuery) -> SearchBody {
    let (_, label) = choose_interval(&query.window);
    let mut body = SearchBody::new(build_query(target, query), 0);
    body.aggs = BTreeMap::from([(
        "histogram".to_string(),
        Aggregation::DateHistogram(DateHistogram {
            field: target.time_field.clone(),
            fixed_interval: label.to_string(),
            min_doc_count: 0,
            extended_bounds: Bounds {
                min: query.window.from_ms.floor() as i64,
                max: query.window.to_ms.ceil() as i64,
            },
        }),
    )]);
    body.track_total_hits = Some(false);
    body
}

impl ElasticClient {
    /// Matching lines per bucket over the query's window (the log-volume lane).
    pub async fn histogram(
        &self,
        target: &LogTarget,
        query: &LogQuery,
    ) -> Result<LogHistogram, LogsError> {
        self.histogram_in(target, query, None).await
    }

    pub(crate) async fn histogram_in(
        &self,
        target: &LogTarget,
        query: &LogQuery,
        pit: Option<&str>,
    ) -> Result<LogHistogram, LogsError> {
        let answer: SearchResponse<HistogramAggs> = self
            .search_body(&target.index, pit, histogram_body(target, query))
            .await?;
        Ok(histogram_from(answer, &query.window))
    }
}

/// The decoded answer as the log-volume lane shows it (also what the fuzz target checks).
pub(crate) fn histogram_from(
    answer: SearchResponse<HistogramAggs>,
    window: &LogWindow,
) -> LogHistogram {
    let (interval_ms, label) = choose_interval(window);
    let buckets = answer
        .aggregations
        .map(|aggs| aggs.histogram.buckets)
        .unwrap_or_default()
        .into_iter()
        .map(|bucket| HistogramBucket {
            start_ms: bucket.key,
            count: bucket.doc_count.min(u64::from(u32::MAX)) as u32,
        })
        .collect();
    LogHistogram {
        interval_ms,
        interval_label: label.to_string(),
        buckets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(span_ms: f64) -> LogWindow {
        LogWindow {
            from_ms: 1_700_000_000_000.0,
            to_ms: 1_700_000_000_000.0 + span_ms,
        }
    }

    #[test]
    fn intervals_give_about_50_to_120_buckets() {
        let cases = [
            (MINUTE, "1s"),
            (15.0 * MINUTE, "10s"),
            (HOUR, "30s"),
            (6.0 * HOUR, "5m"),
            (24.0 * HOUR, "30m"),
            (7.0 * DAY, "3h"),
            (30.0 * DAY, "12h"),
        ];
        for (span, expected) in cases {
            let (ms, label) = choose_interval(&window(span));
            assert_eq!(label, expected, "span {span}");
            let buckets = span / ms;
            assert!((1.0..=MAX_BUCKETS).contains(&buckets), "{label}: {buckets}");
        }
        assert_eq!(choose_interval(&window(0.0)).1, "1s");
        assert_eq!(choose_interval(&window(100.0 * 365.0 * DAY)).1, "365d");
    }

    #[test]
    fn the_body_asks_for_empty_buckets_over_the_whole_window() {
        let target = LogTarget {
            datasource_id: "x".into(),
            index: "logs-*".into(),
            time_field: "@timestamp".into(),
            local_files: false,
        };
        let query = LogQuery {
            query: "level:ERROR".into(),
            filters: vec![],
            window: window(HOUR),
        };
        let json = serde_json::to_value(histogram_body(&target, &query)).unwrap();
        assert_eq!(json["size"], 0);
        assert_eq!(
            json["aggs"]["histogram"]["date_histogram"],
            serde_json::json!({
                "field": "@timestamp",
                "fixed_interval": "30s",
                "min_doc_count": 0,
                "extended_bounds": {"min": 1_700_000_000_000_i64, "max": 1_700_003_600_000_i64}
            })
        );
    }
}
