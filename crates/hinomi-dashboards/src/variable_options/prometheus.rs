//! Query variables against Prometheus: Grafana's helper functions (`label_values`,
//! `label_names`, `metrics`, `query_result`, or a bare series selector) turned into the HTTP
//! request the caller must make, and the caller's answer turned into options.
//!
//! No I/O here: the caller owns the HTTP client, its TLS settings and timeouts.

use super::filter_and_sort;
use crate::error::{AnswerElement, AnswerProblem, DashboardError, Result, VariableProblem};
use crate::model::{Variable, VariableKind, VariableOption};
use crate::template::TemplateScope;
use crate::time_range::TimeWindow;
use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use specta::Type;
use std::sync::LazyLock;

/// What a query variable asks Prometheus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VariableQuery {
    /// `label_names()` or `label_names(selector)`.
    LabelNames { matcher: Option<String> },
    /// `label_values(label)` or `label_values(selector, label)`.
    LabelValues {
        label: String,
        matcher: Option<String>,
    },
    /// `metrics(regex)`: metric names matching an unanchored regex.
    Metrics { regex: String },
    /// `query_result(expr)`: one option per result line, `metric{labels} value timestamp`.
    QueryResult { expr: String },
    /// Anything else is a series selector; one option per series.
    Series { matcher: String },
}

/// A GET request relative to the Prometheus base URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PrometheusRequest {
    /// e.g. `/api/v1/label/job/values`
    pub path: String,
    pub params: Vec<QueryParam>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct QueryParam {
    pub name: String,
    pub value: String,
}

/// Everything needed to refresh one query variable: the request to make, and what
/// [`options_from_answer`] needs to read the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct VariableRequest {
    pub variable: String,
    pub query: VariableQuery,
    pub request: PrometheusRequest,
    /// The variable's regex with other variables already substituted.
    pub regex: Option<String>,
    pub sort: u32,
}

static LABEL_NAMES: LazyLock<Regex> = LazyLock::new(|| static_regex(r"(?s)^label_names\((.*)\)$"));
static LABEL_VALUES: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(r"(?s)^label_values\((?:(.+),\s*)?([a-zA-Z_$][a-zA-Z0-9_]*)\s*\)$")
});
static METRICS: LazyLock<Regex> = LazyLock::new(|| static_regex(r"(?s)^metrics\((.+)\)$"));
static QUERY_RESULT: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?s)^query_result\((.+)\)$"));
static LABEL_NAME: LazyLock<Regex> = LazyLock::new(|| static_regex(r"^[a-zA-Z_][a-zA-Z0-9_]*$"));

fn static_regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|err| unreachable!("static regex {pattern}: {err}"))
}

impl VariableQuery {
    /// Reads Grafana's Prometheus variable query syntax (after interpolation).
    pub fn parse(text: &str) -> Result<Self, VariableProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Err(VariableProblem::EmptyQuery);
        }
        let non_empty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        if let Some(caps) = LABEL_NAMES.captures(text) {
            return Ok(Self::LabelNames {
                matcher: non_empty(&caps[1]),
            });
        }
        if let Some(caps) = LABEL_VALUES.captures(text) {
            return Ok(Self::LabelValues {
                label: caps[2].to_owned(),
                matcher: caps.get(1).and_then(|m| non_empty(m.as_str())),
            });
        }
        if let Some(caps) = METRICS.captures(text) {
            return Ok(Self::Metrics {
                regex: caps[1].trim().to_owned(),
            });
        }
        if let Some(caps) = QUERY_RESULT.captures(text) {
            return Ok(Self::QueryResult {
                expr: caps[1].trim().to_owned(),
            });
        }
        if text.starts_with("label_values(") || text.starts_with("label_names(") {
            return Err(VariableProblem::NotLabelValues(text.to_owned()));
        }
        Ok(Self::Series {
            matcher: text.to_owned(),
        })
    }

    /// The request Grafana's Prometheus datasource makes for this query.
    pub fn request(&self, window: &TimeWindow) -> Result<PrometheusRequest, VariableProblem> {
        let param = |name: &str, value: &str| QueryParam {
            name: name.to_owned(),
            value: value.to_owned(),
        };
        // Whole seconds that cover the window.
        let start = format!("{}", (window.from_ms / 1000.0).floor());
        let end = format!("{}", (window.to_ms / 1000.0).ceil());
        let range = [param("start", &start), param("end", &end)];
        let with_match = |matcher: &Option<String>| -> Vec<QueryParam> {
            matcher
                .iter()
                .map(|m| param("match[]", m))
                .chain(range.clone())
                .collect()
        };
        Ok(match self {
            Self::LabelNames { matcher } => PrometheusRequest {
                path: "/api/v1/labels".into(),
                params: with_match(matcher),
            },
            Self::LabelValues { label, matcher } => {
                // The label goes into the URL path; anything but a plain name is refused.
                if !LABEL_NAME.is_match(label) {
                    return Err(VariableProblem::NotALabelName(label.clone()));
                }
                PrometheusRequest {
                    path: format!("/api/v1/label/{label}/values"),
                    params: with_match(matcher),
                }
            }
            Self::Metrics { .. } => PrometheusRequest {
                path: "/api/v1/label/__name__/values".into(),
                params: range.to_vec(),
            },
            Self::QueryResult { expr } => PrometheusRequest {
                path: "/api/v1/query".into(),
                params: vec![param("query", expr), param("time", &end)],
            },
            Self::Series { matcher } => PrometheusRequest {
                path: "/api/v1/series".into(),
                params: with_match(&Some(matcher.clone())),
            },
        })
    }
}

/// The request that refreshes `variable`, with other variables (from `scope`) and the time
/// built-ins substituted into its query.
pub fn variable_request(
    variable: &Variable,
    scope: &TemplateScope,
    window: &TimeWindow,
) -> Result<VariableRequest> {
    let invalid = |reason: VariableProblem| DashboardError::InvalidVariable {
        variable: variable.name.clone(),
        reason,
    };
    if variable.kind != VariableKind::Query {
        return Err(invalid(VariableProblem::NotAQuery(
            variable.kind.as_str().to_owned(),
        )));
    }
    let mut scope = scope.clone();
    // A variable's own query cannot refer to its own value.
    scope.remove(&variable.name);
    let query = VariableQuery::parse(&scope.interpolate(variable.query_text())).map_err(invalid)?;
    let request = query.request(window).map_err(invalid)?;
    let regex = variable
        .regex
        .as_deref()
        .filter(|r| !r.is_empty())
        .map(|r| scope.interpolate_with_format(r, "regex"));
    Ok(VariableRequest {
        variable: variable.name.clone(),
        query,
        request,
        regex,
        sort: variable.sort.unwrap_or(0),
    })
}

/// Reads Prometheus's answer (the whole `{"status": ..., "data": ...}` body) into options.
pub fn options_from_answer(request: &VariableRequest, body: &str) -> Result<Vec<VariableOption>> {
    let unexpected = |reason: AnswerProblem| DashboardError::UnexpectedAnswer {
        variable: request.variable.clone(),
        reason,
    };
    let envelope: Value = serde_json::from_str(body)
        .map_err(|err| unexpected(AnswerProblem::NotJson(err.to_string())))?;
    if envelope.get("status").and_then(Value::as_str) == Some("error") {
        let message = envelope
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("unknown error");
        return Err(unexpected(AnswerProblem::PrometheusSaid(
            message.to_owned(),
        )));
    }
    let data = envelope
        .get("data")
        .ok_or_else(|| unexpected(AnswerProblem::NoData))?;
    let strings = || -> Result<Vec<String>> {
        data.as_array()
            .ok_or_else(|| unexpected(AnswerProblem::DataNotAList))?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| unexpected(AnswerProblem::NotAString))
            })
            .collect()
    };
    let texts: Vec<String> = match &request.query {
        VariableQuery::LabelNames { .. } | VariableQuery::LabelValues { .. } => strings()?,
        VariableQuery::Metrics { regex } => {
            let filter = Regex::new(regex).map_err(|err| DashboardError::InvalidVariable {
                variable: request.variable.clone(),
                reason: VariableProblem::BadMetricsRegex {
                    regex: regex.clone(),
                    cause: err.to_string(),
                },
            })?;
            strings()?
                .into_iter()
                .filter(|name| filter.is_match(name))
                .collect()
        }
        VariableQuery::Series { .. } => data
            .as_array()
            .ok_or_else(|| unexpected(AnswerProblem::DataNotSeries))?
            .iter()
            .map(|labels| {
                labels
                    .as_object()
                    .map(series_text)
                    .ok_or_else(|| unexpected(AnswerProblem::SeriesNotAnObject))
            })
            .collect::<Result<_>>()?,
        VariableQuery::QueryResult { .. } => query_result_lines(data).map_err(unexpected)?,
    };
    let items = texts.into_iter().map(|t| (t.clone(), t)).collect();
    filter_and_sort(
        &request.variable,
        items,
        request.regex.as_deref(),
        request.sort,
    )
}

/// `name{a="1",b="2"}` as Grafana writes a series for query variables.
fn series_text(labels: &Map<String, Value>) -> String {
    let name = labels.get("__name__").and_then(Value::as_str).unwrap_or("");
    let rest: Vec<String> = labels
        .iter()
        .filter(|(k, _)| k.as_str() != "__name__")
        .map(|(k, v)| format!("{k}=\"{}\"", v.as_str().unwrap_or("")))
        .collect();
    format!("{name}{{{}}}", rest.join(","))
}

/// Grafana's `query_result` lines: `series value timestamp_ms` per vector element; a scalar or
/// string result is its value.
fn query_result_lines(data: &Value) -> Result<Vec<String>, AnswerProblem> {
    let result = data.get("result").ok_or(AnswerProblem::NoResult)?;
    match data.get("resultType").and_then(Value::as_str) {
        Some("scalar" | "string") => Ok(vec![
            result
                .get(1)
                .and_then(Value::as_str)
                .ok_or(AnswerProblem::MalformedScalar)?
                .to_owned(),
        ]),
        Some("vector") => series_lines(result, AnswerElement::Sample, |item| item.get("value")),
        // The latest sample stands for the series.
        Some("matrix") => series_lines(result, AnswerElement::Series, |item| {
            item.get("values")
                .and_then(Value::as_array)
                .and_then(|v| v.last())
        }),
        other => Err(AnswerProblem::UnknownResultType(other.map(str::to_owned))),
    }
}

/// A `series value timestamp_ms` line per element of the list `result`: `sample_of` picks the
/// element's sample; `element` is what the elements are, for the error when one has none.
fn series_lines(
    result: &Value,
    element: AnswerElement,
    sample_of: impl Fn(&Value) -> Option<&Value>,
) -> Result<Vec<String>, AnswerProblem> {
    result
        .as_array()
        .ok_or(AnswerProblem::ResultNotAList)?
        .iter()
        .map(|item| {
            let labels = item
                .get("metric")
                .and_then(Value::as_object)
                .ok_or(AnswerProblem::NoMetric(element))?;
            let (value, ms) = sample_of(item)
                .and_then(sample_text)
                .ok_or(AnswerProblem::NoSample(element))?;
            Ok(format!("{} {value} {ms}", series_text(labels)))
        })
        .collect()
}

/// A `[time, "value"]` sample as its value and its time in whole milliseconds.
fn sample_text(sample: &Value) -> Option<(String, String)> {
    let value = sample.get(1)?.as_str()?.to_owned();
    let ms = sample.get(0)?.as_f64()? * 1000.0;
    Some((value, format!("{}", ms.round())))
}
