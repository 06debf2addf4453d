//! Over 400 lines: the query decoders and their tests (half the file), pinned side by side.
//! Instant and range queries, decoded straight into columns.
//!
//! A range query over 1,000 series × 1,440 points is 1.4 M `[ts, "value"]` pairs; decoding goes
//! from the response bytes into `f64` columns without building a JSON tree or owning a `String`
//! per sample (values are borrowed from the buffer and parsed in place).

use crate::api::PrometheusClient;
use crate::error::PrometheusError;
use crate::pairs::parse_value;
use crate::range_stream::RangeStreamDecoder;
use chrono::{DateTime, Utc};
use hinomi_core::query_step;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;
use std::time::Duration;
use tracing::Instrument;

/// One time series as columns: seconds since the epoch and values (NaN where Prometheus said
/// "NaN"; ±Inf kept).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub labels: BTreeMap<String, String>,
    pub timestamps: Vec<f64>,
    pub values: Vec<f64>,
}

/// An instant vector element.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Sample {
    pub labels: BTreeMap<String, String>,
    pub timestamp: f64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InstantResult {
    Vector {
        samples: Vec<Sample>,
    },
    Scalar {
        timestamp: f64,
        value: f64,
    },
    String {
        timestamp: f64,
        value: String,
    },
    /// A range-vector selector evaluated instantly (e.g. `up[5m]`).
    Matrix {
        series_count: u32,
    },
}

/// Where in the query Prometheus found a syntax error, when it says (`1:14: parse error: ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Type)]
pub struct QueryPosition {
    pub line: u32,
    pub column: u32,
}

/// Finds the `line:col: parse error` Prometheus puts in a syntax error (behind an
/// `invalid parameter "query": ` prefix in some versions).
pub fn error_position(message: &str) -> Option<QueryPosition> {
    let at = message.find(": parse error")?;
    let head = &message[..at];
    let mut numbers = head
        .rsplit(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    let column = numbers.next()?.parse().ok()?;
    let line = numbers.next()?.parse().ok()?;
    // Both numbers must be the `line:col` right before the marker, nothing else in between.
    head.ends_with(&format!("{line}:{column}"))
        .then_some(QueryPosition { line, column })
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum RawResult<'a> {
    Matrix(Vec<RawSeries>),
    #[serde(borrow)]
    Vector(Vec<RawSample<'a>>),
    #[serde(borrow)]
    Scalar((f64, &'a str)),
    String((f64, String)),
}

#[derive(Deserialize)]
struct RawSeries {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Columns,
}

/// `[[ts, "v"], ...]` read straight into two columns: no intermediate `Vec` of pairs, no
/// `String` per sample. This is the hot loop of a big range query.
#[derive(Default)]
struct Columns {
    timestamps: Vec<f64>,
    values: Vec<f64>,
}

impl<'de> Deserialize<'de> for Columns {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor;
        impl<'de> serde::de::Visitor<'de> for PairsVisitor {
            type Value = Columns;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of [timestamp, \"value\"] pairs")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Columns, A::Error> {
                let capacity = seq.size_hint().unwrap_or(0);
                let mut columns = Columns {
                    timestamps: Vec::with_capacity(capacity),
                    values: Vec::with_capacity(capacity),
                };
                while let Some(RawPair(t, v)) = seq.next_element()? {
                    columns.timestamps.push(t);
                    columns.values.push(v);
                }
                Ok(columns)
            }
        }
        deserializer.deserialize_seq(PairsVisitor)
    }
}

/// One `[ts, "v"]` pair; the value string is borrowed from the response and parsed in place.
struct RawPair(f64, f64);

impl<'de> Deserialize<'de> for RawPair {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Prometheus never escapes inside a sample value, so the string can always be borrowed.
        let (t, v): (f64, &'de str) = Deserialize::deserialize(deserializer)?;
        Ok(RawPair(t, parse_value(v)))
    }
}

#[derive(Deserialize)]
struct RawSample<'a> {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(borrow)]
    value: (f64, &'a str),
}

/// When a range answer's body arrived, for the benchmark.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct BodyArrival {
    pub first: std::time::Instant,
    pub last: std::time::Instant,
    /// How many requests the query was asked in ([`crate::split`]).
    pub parts: usize,
}

/// A range query's time parameters as Prometheus reads them.
struct RangeParams {
    start: String,
    end: String,
    step: String,
}

impl RangeParams {
    fn new(start: DateTime<Utc>, end: DateTime<Utc>, step: Duration) -> Self {
        Self {
            start: rfc3339(start),
            end: rfc3339(end),
            step: step_param(query_step::whole_milliseconds(step)),
        }
    }

    fn query<'a>(&'a self, expr: &'a str) -> [(&'a str, &'a str); 4] {
        [
            ("query", expr),
            ("start", &self.start),
            ("end", &self.end),
            ("step", &self.step),
        ]
    }
}

/// A step of whole milliseconds written so Prometheus reads exactly it: whole seconds as a
/// number ("15", as Grafana sends it), anything else in Prometheus's duration syntax ("1001ms").
/// Not as float seconds: Prometheus reads "1.001" as `1.001 × 10⁹` truncated to nanoseconds,
/// 1,000,999,999 ns, and truncates that to a 1,000 ms grid (about 2 % of millisecond steps
/// lose a millisecond this way).
fn step_param(ms: i64) -> String {
    if ms % 1_000 == 0 {
        (ms / 1_000).to_string()
    } else {
        format!("{ms}ms")
    }
}

fn utc_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Decodes a `/api/v1/query_range` body into series; public for the benchmark.
///
/// A successful matrix in Prometheus's own layout is scanned by hand ([`crate::pairs`]); any
/// other body (errors, other result types, unusual but valid JSON) goes through serde.
pub fn decode_range_body(body: &[u8]) -> Result<Vec<Series>, PrometheusError> {
    if let Some(series) = crate::pairs::scan_matrix(body) {
        return Ok(series);
    }
    decode_range_body_generic(body)
}

/// The serde path: the fallback of [`decode_range_body`], and its reference in tests and in the
/// differential fuzz target (`fuzz/fuzz_targets/prometheus_range.rs`).
#[doc(hidden)]
pub fn decode_range_body_generic(body: &[u8]) -> Result<Vec<Series>, PrometheusError> {
    match crate::api::unwrap_envelope::<RawResult<'_>>(body, None)? {
        RawResult::Matrix(raw) => Ok(raw
            .into_iter()
            .map(|series| Series {
                labels: series.metric,
                timestamps: series.values.timestamps,
                values: series.values.values,
            })
            .collect()),
        _ => Err(PrometheusError::NotAMatrix),
    }
}

impl PrometheusClient {
    /// `GET /api/v1/query_range`. `timeout` is passed to Prometheus too, so a slow query is
    /// stopped server-side rather than abandoned and left running. The answer is decoded while
    /// it downloads, between its chunks ([`crate::range_stream`]), with exactly
    /// [`decode_range_body`]'s result.
    pub async fn query_range(
        &self,
        expr: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Result<Vec<Series>, PrometheusError> {
        let (series, _) = self.query_range_timed(expr, start, end, step).await?;
        Ok(series)
    }

    /// [`Self::query_range`], also saying when the body's first and last chunks arrived (the
    /// first part's first, the last part's last): the benchmark's "last byte → decoded".
    ///
    /// Unless the datasource turned it off, a long query is asked as consecutive parts at once
    /// ([`crate::split`]), each on a task of its own so the parts download and decode on
    /// separate cores; the first part to fail fails the query, and the others are stopped (as
    /// they are when this future is dropped). Each part may read its share of the answer-size
    /// limit, so a split answer is held to the same total; a part over its share stops the
    /// others and the query is asked again whole, under the whole limit.
    #[doc(hidden)]
    pub async fn query_range_timed(
        &self,
        expr: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Result<(Vec<Series>, Option<BodyArrival>), PrometheusError> {
        if !self.split_range_queries {
            return self.query_range_whole_timed(expr, start, end, step).await;
        }
        let parts = crate::split::plan_parts(
            expr,
            start.timestamp_millis(),
            end.timestamp_millis(),
            query_step::whole_milliseconds(step),
        );
        if parts.len() < 2 {
            return self.query_range_whole_timed(expr, start, end, step).await;
        }
        let share = self.max_answer_bytes().div_ceil(parts.len() as u64);
        let mut tasks = tokio::task::JoinSet::new();
        for (index, part) in parts.iter().enumerate() {
            let client = self.clone().with_max_answer_bytes(share);
            let expr = expr.to_owned();
            let (from, to) = (utc_ms(part.start_ms), utc_ms(part.end_ms));
            // The parts as sent, so a benchmark can ask Prometheus for the same at once.
            tracing::debug!(
                expr,
                index,
                start_ms = part.start_ms,
                end_ms = part.end_ms,
                "query_range_part"
            );
            // In the caller's span, so a part's retries are logged with the panel they serve.
            tasks.spawn(
                async move {
                    let answer = client.query_range_whole_timed(&expr, from, to, step).await;
                    (index, answer)
                }
                .in_current_span(),
            );
        }
        let mut answers: Vec<Option<(Vec<Series>, Option<BodyArrival>)>> =
            parts.iter().map(|_| None).collect();
        while let Some(joined) = tasks.join_next().await {
            // A part's task only ends by returning: it is never aborted while `tasks` lives,
            // and a panic in it is a bug to surface, not an answer.
            let (index, answer) =
                joined.unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()));
            match answer {
                Ok(answer) => answers[index] = Some(answer),
                // One part over its share is not the answer over the limit: the parts need not
                // be the same size (series that begin halfway through the range). Asked whole,
                // the query gets the whole limit, and fails only where it always would have.
                Err(PrometheusError::TooLarge(part)) => {
                    tracing::debug!(
                        index,
                        received = part.received,
                        share = part.limit,
                        "query_range_part over its share; asking whole"
                    );
                    tasks.abort_all();
                    return self.query_range_whole_timed(expr, start, end, step).await;
                }
                Err(err) => return Err(err),
            }
        }
        let (series, arrivals): (Vec<_>, Vec<_>) = answers.into_iter().flatten().unzip();
        let arrivals: Vec<BodyArrival> = arrivals.into_iter().flatten().collect();
        let arrival = arrivals
            .iter()
            .map(|a| a.first)
            .min()
            .zip(arrivals.iter().map(|a| a.last).max())
            .map(|(first, last)| BodyArrival {
                first,
                last,
                parts: parts.len(),
            });
        Ok((crate::split::merge_parts(series), arrival))
    }

    /// The range query asked whole, in one request, decoded while it downloads: the benchmark's
    /// reference for the split query, and each part of one.
    #[doc(hidden)]
    pub async fn query_range_whole_timed(
        &self,
        expr: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Result<(Vec<Series>, Option<BodyArrival>), PrometheusError> {
        let params = RangeParams::new(start, end, step);
        let query = params.query(expr);
        let path = "/api/v1/query_range";
        // Only a successful answer can be a matrix; any other is decoded whole, as before.
        let success = |status: reqwest::StatusCode| status.is_success();
        // The decode runs in this task, between chunks: a thread beside it measured no faster on
        // two cores and cost a second copy of the body (docs/benchmarks.md, "Decoding while the
        // answer downloads").
        let watch = |status| success(status).then(RangeStreamDecoder::new);
        let (body, decoder) = self.get_body_watched(path, &query, watch).await?;
        let decoder = decoder.unwrap_or_default();
        let arrival = decoder
            .first_received()
            .zip(decoder.last_received())
            .map(|(first, last)| BodyArrival {
                first,
                last,
                parts: 1,
            });
        Ok((decoder.finish(&body)?, arrival))
    }

    /// The undecoded body: the benchmark's baseline, and what the cache stores.
    pub async fn query_range_raw(
        &self,
        expr: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Result<bytes::Bytes, PrometheusError> {
        let params = RangeParams::new(start, end, step);
        self.get_body("/api/v1/query_range", &params.query(expr))
            .await
    }

    /// `GET /api/v1/query` at `time` (now when `None`).
    pub async fn query_instant(
        &self,
        expr: &str,
        time: Option<DateTime<Utc>>,
    ) -> Result<InstantResult, PrometheusError> {
        let time = time.map(rfc3339);
        let mut query = vec![("query", expr)];
        if let Some(time) = time.as_deref() {
            query.push(("time", time));
        }
        let body = self.get_body("/api/v1/query", &query).await?;
        decode_instant_body(&body)
    }
}

/// Decodes a `/api/v1/query` body: a vector, scalar, string or (for a range selector) matrix.
pub fn decode_instant_body(body: &[u8]) -> Result<InstantResult, PrometheusError> {
    Ok(
        match crate::api::unwrap_envelope::<RawResult<'_>>(body, None)? {
            RawResult::Vector(samples) => InstantResult::Vector {
                samples: samples
                    .into_iter()
                    .map(|s| Sample {
                        labels: s.metric,
                        timestamp: s.value.0,
                        value: parse_value(s.value.1),
                    })
                    .collect(),
            },
            RawResult::Scalar((timestamp, value)) => InstantResult::Scalar {
                timestamp,
                value: parse_value(value),
            },
            RawResult::String((timestamp, value)) => InstantResult::String { timestamp, value },
            RawResult::Matrix(series) => InstantResult::Matrix {
                series_count: u32::try_from(series.len()).unwrap_or(u32::MAX),
            },
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::{ErrorCode, HinomiError};

    #[test]
    fn steps_are_sent_as_the_whole_milliseconds_prometheus_evaluates_on() {
        let sent = |step: Duration| step_param(query_step::whole_milliseconds(step));
        assert_eq!(sent(Duration::from_secs(15)), "15");
        assert_eq!(sent(Duration::from_millis(290)), "290ms");
        // "1.001" would be read as 1,000,999,999 ns: a 1,000 ms grid.
        assert_eq!(sent(Duration::from_millis(1_001)), "1001ms");
        assert_eq!(sent(Duration::from_secs_f64(1.001)), "1001ms");
        // Fractions of a millisecond round up, so there are never more points than asked
        // for; never a zero step.
        assert_eq!(sent(Duration::from_nanos(1_000_999_999)), "1001ms");
        assert_eq!(sent(Duration::from_micros(1_000_100)), "1001ms");
        assert_eq!(sent(Duration::from_micros(1_000_000)), "1");
        assert_eq!(sent(Duration::ZERO), "1ms");
        assert_eq!(sent(Duration::from_micros(200)), "1ms");
    }

    fn code(err: PrometheusError) -> ErrorCode {
        HinomiError::from(err).code
    }

    #[test]
    fn decodes_a_matrix_into_columns() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"__name__":"up","job":"node"},"values":[[1700000000,"1"],[1700000015.5,"NaN"],[1700000030,"+Inf"]]},
            {"metric":{},"values":[]}]}}"#;
        let series = decode_range_body(body).unwrap();
        assert_eq!(series.len(), 2);
        assert_eq!(series[0].labels["job"], "node");
        assert_eq!(
            series[0].timestamps,
            vec![1_700_000_000.0, 1_700_000_015.5, 1_700_000_030.0]
        );
        assert_eq!(series[0].values[0], 1.0);
        assert!(series[0].values[1].is_nan());
        assert_eq!(series[0].values[2], f64::INFINITY);
        assert!(series[1].timestamps.is_empty());
    }

    #[test]
    fn the_scanner_and_serde_read_the_same_series() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"__name__":"up","job":"no\"de","x":"\u65e5"},"values":[[1700000000,"1"],[1700000015.5,"NaN"],[1700000030.25,"1e-07"]]},
            {"metric":{},"values":[[1700000000,"-Inf"],[1700000015.5,"+Inf"],[1700000030.25,"123.456"]]}]},
            "warnings":["a warning"]}"#;
        let scanned = crate::pairs::scan_matrix(body).expect("Prometheus's layout is scanned");
        let generic = decode_range_body_generic(body).unwrap();
        assert_eq!(scanned.len(), 2);
        assert_eq!(scanned[0].labels["job"], "no\"de");
        assert_eq!(scanned[0].labels["x"], "日");
        for (a, b) in scanned.iter().zip(&generic) {
            assert_eq!(a.labels, b.labels);
            assert_eq!(a.timestamps, b.timestamps);
            let bits = |s: &Series| s.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(a), bits(b));
        }
    }

    #[test]
    fn the_scanner_matches_serde_bit_for_bit_on_many_value_shapes() {
        // Values written the way Go's strconv.FormatFloat(v, 'f', -1, 64) and Rust's Display
        // write them, across magnitudes, with sub-second timestamps.
        let mut result = Vec::new();
        for s in 0..20 {
            let pairs: Vec<String> = (0..200)
                .map(|p| {
                    let x = (f64::from(p) * 0.37 + f64::from(s)).sin() * 10f64.powi(p % 30 - 12);
                    let t = 1_700_000_000.0 + f64::from(p) * 15.125;
                    format!("[{t},\"{x}\"]")
                })
                .collect();
            result.push(format!(
                r#"{{"metric":{{"series":"{s}"}},"values":[{}]}}"#,
                pairs.join(",")
            ));
        }
        let body = format!(
            r#"{{"status":"success","data":{{"resultType":"matrix","result":[{}]}}}}"#,
            result.join(",")
        );
        let scanned = crate::pairs::scan_matrix(body.as_bytes()).unwrap();
        let generic = decode_range_body_generic(body.as_bytes()).unwrap();
        assert_eq!(scanned.len(), 20);
        for (a, b) in scanned.iter().zip(&generic) {
            assert_eq!(a.labels, b.labels);
            let bits = |xs: &[f64]| xs.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a.timestamps), bits(&b.timestamps));
            assert_eq!(bits(&a.values), bits(&b.values));
        }
    }

    #[test]
    fn text_the_scanner_does_not_expect_is_decoded_by_serde() {
        // An escaped key is valid JSON the hand scanner refuses.
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"job":"a"},"v\u0061lues":[[1,"10"],[2,"+Inf"]]}]}}"#;
        assert!(crate::pairs::scan_matrix(body).is_none());
        let series = decode_range_body(body).unwrap();
        assert_eq!(series[0].values, vec![10.0, f64::INFINITY]);
        let bad = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{},"values":[[1,{"x":1}]]}]}}"#;
        assert_eq!(code(decode_range_body(bad).unwrap_err()), ErrorCode::Decode);
        let error = br#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        assert_eq!(
            code(decode_range_body(error).unwrap_err()),
            ErrorCode::Backend
        );
    }

    #[test]
    fn non_matrix_range_answer_is_a_decode_error() {
        let body = br#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#;
        assert_eq!(
            code(decode_range_body(body).unwrap_err()),
            ErrorCode::Decode
        );
    }

    #[test]
    fn reads_syntax_error_positions() {
        assert_eq!(
            error_position("1:14: parse error: unexpected right parenthesis ')'"),
            Some(QueryPosition {
                line: 1,
                column: 14
            })
        );
        assert_eq!(
            error_position("query timed out in expression evaluation"),
            None
        );
        assert_eq!(
            error_position("invalid parameter \"query\": 2:3: parse error: bad"),
            Some(QueryPosition { line: 2, column: 3 })
        );
    }
}
