//! A long range query asked as consecutive parts at once, the way the query frontends of
//! Cortex, Thanos and Mimir split by interval.
//!
//! Prometheus evaluates one query on one goroutine and writes its JSON only when the whole
//! answer is marshalled, so a heavy query keeps one of the server's cores busy while the others
//! wait. Asked as two halves of its evaluation times, the halves run on two cores at once: on
//! the two-core benchmark machine, the 1,000 × 1,440 benchmark query's first byte came after
//! 374–452 ms asked whole and after 145–161 ms asked in halves (docs/benchmarks.md, "Asking
//! the big query in two halves at once").
//!
//! The parts keep Prometheus's own evaluation times: a range query is evaluated at
//! `start + i·step` for every `i` up to `end`, each time independently of the others, so the
//! same step from a start on that grid gives exactly the points of the whole query, and the
//! series are the concatenation of the parts' (see the tests against a real Prometheus in
//! `tests/it/split.rs`). The one exception in PromQL is the `@` modifier: `@ start()` and
//! `@ end()` mean the query's own start and end, which differ per part, so an expression with
//! an `@` anywhere is asked whole. So is one calling a MetricsQL function whose value at one
//! time depends on the whole range (VictoriaMetrics answers the same API:
//! [`RANGE_WIDE_FUNCTIONS`]), and one Prometheus would refuse whole (more than 11,000
//! points). The grid is whole milliseconds on both sides: the start is sent to the millisecond,
//! and the step in a form Prometheus reads exactly (`query::step_param`).

use crate::query::Series;
use std::collections::{BTreeMap, HashMap};

/// A part has at least this many evaluation times: below it, a second request costs about what
/// evaluating the few points it would take saves.
pub const MIN_POINTS_PER_PART: u64 = 500;

/// At most this many parts at once: with curl on the two-core benchmark machine, four parts
/// were slower than two, and each part is a query the server runs beside everyone else's.
pub const MAX_PARTS: u64 = 2;

/// Prometheus refuses a range query of more evaluation times than this; such a query is asked
/// whole so the user sees Prometheus's own error, not a split answer it would not give.
const PROMETHEUS_MAX_POINTS: u64 = 11_000;

/// MetricsQL functions (VictoriaMetrics) whose value at one evaluation time depends on the
/// whole query range — the range's own bounds, a running total, a value carried over from
/// earlier points, or series picked by a statistic over the range —, so each part would answer
/// differently from the whole query. PromQL has none of these names.
const RANGE_WIDE_FUNCTIONS: &[&str] = &[
    "start",
    "end",
    "range",
    "keep_last_value",
    "keep_next_value",
    "interpolate",
    "smooth_exponential",
    "remove_resets",
    "outliersk",
    "outliers_mad",
    "outliers_iqr",
];

/// The families of such functions: `range_max`, `running_sum`, `topk_avg`, `bottomk_last`…
/// (PromQL's own `topk` and `bottomk` are per evaluation time, and have no suffix).
const RANGE_WIDE_PREFIXES: &[&str] = &["range_", "running_", "topk_", "bottomk_"];

/// Whether `expr` calls one of [`RANGE_WIDE_FUNCTIONS`]: a name of one followed by `(`. A name
/// inside a string can only make the query be asked whole, which is always right.
fn calls_range_wide_function(expr: &str) -> bool {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut rest = expr;
    while let Some(begin) = rest.find(|c: char| is_name(c)) {
        let after = &rest[begin..];
        let length = after.find(|c: char| !is_name(c)).unwrap_or(after.len());
        let name = after[..length].to_ascii_lowercase();
        let called = after[length..].trim_start().starts_with('(');
        if called
            && (RANGE_WIDE_FUNCTIONS.contains(&name.as_str())
                || RANGE_WIDE_PREFIXES.iter().any(|p| name.starts_with(p)))
        {
            return true;
        }
        rest = &after[length..];
    }
    false
}

/// One part's first and last evaluation times, in milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangePart {
    pub start_ms: i64,
    pub end_ms: i64,
}

/// The parts the range query `expr` from `start_ms` to `end_ms` every `step` milliseconds is
/// asked in: one (the whole query) unless it has at least [`MIN_POINTS_PER_PART`] evaluation
/// times per part and no `@` modifier. `step` is the step as sent (see
/// `hinomi_core::query_step`).
pub fn plan_parts(expr: &str, start_ms: i64, end_ms: i64, step: i64) -> Vec<RangePart> {
    let whole = vec![RangePart { start_ms, end_ms }];
    // Only the `@` modifier makes an evaluation depend on the query's range; a `@` inside a
    // string merely asks such a query whole.
    if expr.contains('@') || calls_range_wide_function(expr) {
        return whole;
    }
    if step <= 0 || end_ms < start_ms {
        return whole;
    }
    let points = ((end_ms - start_ms) / step) as u64 + 1;
    if points > PROMETHEUS_MAX_POINTS {
        return whole;
    }
    let parts = (points / MIN_POINTS_PER_PART).min(MAX_PARTS);
    if parts < 2 {
        return whole;
    }
    (0..parts)
        .map(|part| {
            let first = points * part / parts;
            let last = points * (part + 1) / parts - 1;
            RangePart {
                start_ms: start_ms + first as i64 * step,
                // The last part ends where the whole query does: Prometheus stops at the last
                // grid time not after `end`, whether or not `end` is on the grid.
                end_ms: if part + 1 == parts {
                    end_ms
                } else {
                    start_ms + last as i64 * step
                },
            }
        })
        .collect()
}

/// The series of consecutive parts as one answer: each series' points are its points in every
/// part, in the parts' order (a series missing from a part has no points there, as in the whole
/// query). When every part lists its series sorted by labels, as Prometheus does, so does the
/// answer; otherwise series come in the order they first appear.
pub fn merge_parts(parts: Vec<Vec<Series>>) -> Vec<Series> {
    let sorted = parts
        .iter()
        .all(|part| part.is_sorted_by(|a, b| a.labels <= b.labels));
    let mut parts = parts.into_iter();
    let Some(mut merged) = parts.next() else {
        return Vec::new();
    };
    let mut index: HashMap<BTreeMap<String, String>, usize> = merged
        .iter()
        .enumerate()
        .map(|(at, series)| (series.labels.clone(), at))
        .collect();
    for part in parts {
        for series in part {
            match index.get(&series.labels) {
                Some(&at) => {
                    let into = &mut merged[at];
                    into.timestamps.extend_from_slice(&series.timestamps);
                    into.values.extend_from_slice(&series.values);
                }
                None => {
                    index.insert(series.labels.clone(), merged.len());
                    merged.push(series);
                }
            }
        }
    }
    if sorted {
        merged.sort_by(|a, b| a.labels.cmp(&b.labels));
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, points: &[(f64, f64)]) -> Series {
        Series {
            labels: BTreeMap::from([("s".to_owned(), name.to_owned())]),
            timestamps: points.iter().map(|p| p.0).collect(),
            values: points.iter().map(|p| p.1).collect(),
        }
    }

    /// Every evaluation time of the parts, in order: must be the whole query's.
    fn grid(parts: &[RangePart], step: i64) -> Vec<i64> {
        parts
            .iter()
            .flat_map(|p| {
                (0..)
                    .map(move |i| p.start_ms + i * step)
                    .take_while(|t| *t <= p.end_ms)
            })
            .collect()
    }

    #[test]
    fn a_day_at_a_minute_is_two_halves_of_the_same_grid() {
        let start = 1_796_490_060_000;
        let end = start + 1_439 * 60_000;
        let parts = plan_parts("up", start, end, 60_000);
        assert_eq!(
            parts,
            [
                RangePart {
                    start_ms: start,
                    end_ms: start + 719 * 60_000
                },
                RangePart {
                    start_ms: start + 720 * 60_000,
                    end_ms: end
                },
            ]
        );
        let whole: Vec<i64> = (0..1_440).map(|i| start + i * 60_000).collect();
        assert_eq!(grid(&parts, 60_000), whole);
    }

    #[test]
    fn an_end_off_the_grid_and_an_odd_count_keep_every_time_once() {
        for points in [1_000_i64, 1_001, 1_999, 3_333] {
            let start = 1_000_000;
            let step = 15_000;
            let end = start + (points - 1) * step + 7_000;
            let parts = plan_parts("up", start, end, step);
            assert_eq!(parts.len(), 2, "{points} points");
            let whole: Vec<i64> = (0..points).map(|i| start + i * step).collect();
            assert_eq!(grid(&parts, step), whole, "{points} points");
        }
    }

    #[test]
    fn small_odd_or_refused_queries_are_asked_whole() {
        let whole = |start, end| {
            vec![RangePart {
                start_ms: start,
                end_ms: end,
            }]
        };
        // 999 points: one part would hold fewer than MIN_POINTS_PER_PART.
        assert_eq!(plan_parts("up", 0, 998 * 1_000, 1_000), whole(0, 998_000));
        // No step, an empty range.
        assert_eq!(plan_parts("up", 0, 10_000_000, 0), whole(0, 10_000_000));
        assert_eq!(plan_parts("up", 5_000, 0, 1), whole(5_000, 0));
        // Over Prometheus's 11,000 points: its own error, not an answer it would not give.
        assert_eq!(plan_parts("up", 0, 11_000, 1), whole(0, 11_000));
        assert_eq!(plan_parts("up", 0, 10_999, 1).len(), 2);
        // `@ start()` and `@ end()` would mean each part's own range.
        let at_end = "up @ end()";
        assert_eq!(plan_parts(at_end, 0, 10_999, 1), whole(0, 10_999));
    }

    #[test]
    fn metricsql_functions_of_the_whole_range_are_asked_whole() {
        let split = |expr: &str| plan_parts(expr, 0, 1_999_000, 1_000).len() == 2;
        for expr in [
            "running_sum(rate(x[5m]))",
            "range_max(rate(x[5m]))",
            "topk_max(3, rate(x[5m]))",
            "BOTTOMK_AVG (2, x)",
            "keep_last_value(x)",
            "sum(x) / end()",
            "outliersk(3, x)",
            "x - range_first (x)",
        ] {
            assert!(!split(expr), "{expr} is asked whole");
        }
        // PromQL, and names that are not calls of those functions.
        for expr in [
            "topk(3, rate(x[5m]))",
            "sum by (job) (rate(http_requests_total[5m]))",
            "range_bytes",
            "x{le=\"running\"}",
            "histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))",
            "max_over_time(x[1h:5m])",
            "endpoint_up + start_time_seconds",
        ] {
            assert!(split(expr), "{expr} is split");
        }
    }

    #[test]
    fn merged_series_follow_the_parts_and_keep_prometheus_order() {
        let first = vec![
            series("a", &[(1.0, 10.0), (2.0, 11.0)]),
            series("c", &[(2.0, 30.0)]),
        ];
        // "b" appears only in the second half, "c" only in the first.
        let second = vec![
            series("a", &[(3.0, 12.0)]),
            series("b", &[(3.0, 20.0), (4.0, f64::NAN)]),
        ];
        let merged = merge_parts(vec![first, second]);
        let names: Vec<&str> = merged.iter().map(|s| s.labels["s"].as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(merged[0].timestamps, [1.0, 2.0, 3.0]);
        assert_eq!(merged[0].values, [10.0, 11.0, 12.0]);
        assert_eq!(merged[1].timestamps, [3.0, 4.0]);
        assert!(merged[1].values[1].is_nan());
        assert_eq!(merged[2].timestamps, [2.0]);
    }

    #[test]
    fn unsorted_parts_keep_the_order_series_first_appear_in() {
        let first = vec![series("z", &[(1.0, 1.0)]), series("a", &[(1.0, 2.0)])];
        let second = vec![series("m", &[(2.0, 3.0)]), series("z", &[(2.0, 4.0)])];
        let merged = merge_parts(vec![first, second]);
        let names: Vec<&str> = merged.iter().map(|s| s.labels["s"].as_str()).collect();
        assert_eq!(names, ["z", "a", "m"]);
        assert_eq!(merged[0].values, [1.0, 4.0]);
        assert!(merge_parts(Vec::new()).is_empty());
    }
}
