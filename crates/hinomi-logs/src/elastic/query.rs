//! From what the user typed to the query DSL.
//!
//! Kibana's semantics, so a query copied from Kibana finds the same lines: the bar is a
//! `query_string` (Lucene syntax, OR between terms, wildcards analysed), a filter pill "is" is a
//! `match_phrase` (exact for keyword fields, a phrase for text), "exists" is `exists`, a negated
//! pill goes to `must_not`, and the time picker is a `range` in epoch milliseconds. Everything
//! is a filter (no scoring): results are ordered by time.

use super::wire::{BoolQuery, Query, QueryString, RangeBounds};
use crate::model::{LogFilter, LogQuery, LogTarget};
use std::collections::BTreeMap;

/// The bar and the pills, without the time range.
pub fn query_clauses(query: &LogQuery) -> BoolQuery {
    let mut clauses = BoolQuery::default();
    if !query.query.trim().is_empty() {
        clauses.filter.push(Query::QueryString(QueryString {
            query: query.query.clone(),
            default_operator: "OR",
            analyze_wildcard: true,
        }));
    }
    for filter in &query.filters {
        let (clause, negate) = match filter {
            LogFilter::Is {
                field,
                value,
                negate,
            } => (
                Query::MatchPhrase(BTreeMap::from([(field.clone(), value.clone())])),
                *negate,
            ),
            LogFilter::Exists { field, negate } => (
                Query::Exists {
                    field: field.clone(),
                },
                *negate,
            ),
        };
        if negate {
            clauses.must_not.push(clause);
        } else {
            clauses.filter.push(clause);
        }
    }
    clauses
}

/// `range` on the time field; either bound may be open (live tail has no upper bound).
pub fn time_range(time_field: &str, gte: Option<i64>, lte: Option<i64>) -> Query {
    Query::Range(BTreeMap::from([(
        time_field.to_string(),
        RangeBounds {
            gte,
            lte,
            format: "epoch_millis",
        },
    )]))
}

/// The whole query of a search: bar, pills and the window on the target's time field.
pub fn build_query(target: &LogTarget, query: &LogQuery) -> Query {
    let mut clauses = query_clauses(query);
    clauses.filter.push(time_range(
        &target.time_field,
        Some(query.window.from_ms.floor() as i64),
        Some(query.window.to_ms.ceil() as i64),
    ));
    Query::Bool(clauses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LogWindow;
    use serde_json::json;

    fn target() -> LogTarget {
        LogTarget {
            datasource_id: "es".into(),
            index: "dataset-management-*".into(),
            time_field: "timestamp".into(),
            local_files: false,
        }
    }

    fn query(text: &str, filters: Vec<LogFilter>) -> LogQuery {
        LogQuery {
            query: text.into(),
            filters,
            window: LogWindow {
                from_ms: 1_700_000_000_000.0,
                to_ms: 1_700_003_600_000.0,
            },
        }
    }

    #[test]
    fn bar_pills_and_window_become_one_bool_filter() {
        let built = build_query(
            &target(),
            &query(
                "level:ERROR",
                vec![
                    LogFilter::Is {
                        field: "context.action".into(),
                        value: "create_dataset".into(),
                        negate: false,
                    },
                    LogFilter::Is {
                        field: "service".into(),
                        value: "other".into(),
                        negate: true,
                    },
                    LogFilter::Exists {
                        field: "context.user_id".into(),
                        negate: true,
                    },
                ],
            ),
        );
        assert_eq!(
            serde_json::to_value(built).unwrap(),
            json!({"bool": {
                "filter": [
                    {"query_string": {"query": "level:ERROR", "default_operator": "OR", "analyze_wildcard": true}},
                    {"match_phrase": {"context.action": "create_dataset"}},
                    {"range": {"timestamp": {"gte": 1_700_000_000_000_i64, "lte": 1_700_003_600_000_i64, "format": "epoch_millis"}}}
                ],
                "must_not": [
                    {"match_phrase": {"service": "other"}},
                    {"exists": {"field": "context.user_id"}}
                ]
            }})
        );
    }

    #[test]
    fn a_blank_bar_adds_no_query_string() {
        let built = serde_json::to_value(build_query(&target(), &query("  \t", vec![]))).unwrap();
        assert_eq!(built["bool"]["filter"].as_array().unwrap().len(), 1);
        assert!(built["bool"].get("must_not").is_none());
    }

    #[test]
    fn fractional_window_bounds_widen_to_whole_milliseconds() {
        let mut q = query("", vec![]);
        q.window.from_ms = 10.7;
        q.window.to_ms = 20.2;
        let built = serde_json::to_value(build_query(&target(), &q)).unwrap();
        assert_eq!(built["bool"]["filter"][0]["range"]["timestamp"]["gte"], 10);
        assert_eq!(built["bool"]["filter"][0]["range"]["timestamp"]["lte"], 21);
    }
}
