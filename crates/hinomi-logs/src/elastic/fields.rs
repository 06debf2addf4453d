//! The field list (sidebar, autocomplete, column chooser) and a field's top values.
//!
//! Field caps come from `_field_caps?fields=*` across the pattern; metadata fields (`_id`,
//! `_index`, ...) and object containers are left out. A `text` field is not aggregatable, so
//! its top values and "filter for" use its `.keyword` subfield when the mapping has one (as
//! Elasticsearch's default dynamic mapping and the seed's template do).

use super::client::ElasticClient;
use super::query::build_query;
use super::search::hit_count;
use super::wire::{Aggregation, Buckets, DocCount, Query, SearchBody, SearchResponse, Terms};
use crate::error::LogsError;
use crate::model::{FieldTopValues, FieldValueCount, LogField, LogQuery, LogTarget};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct FieldCaps {
    fields: BTreeMap<String, BTreeMap<String, Capability>>,
}

#[derive(Deserialize)]
struct Capability {
    #[serde(default)]
    searchable: bool,
    #[serde(default)]
    aggregatable: bool,
    #[serde(default)]
    metadata_field: bool,
}

const CONTAINER_TYPES: &[&str] = &["object", "nested"];

impl ElasticClient {
    /// Every searchable field of the pattern, sorted by name.
    pub async fn fields(&self, target: &LogTarget) -> Result<Vec<LogField>, LogsError> {
        let caps = self.field_caps(&target.index, "*").await?;
        let names: Vec<&String> = caps.fields.keys().collect();
        let mut fields = Vec::new();
        for (name, by_type) in &caps.fields {
            if name.starts_with('_') || by_type.values().any(|c| c.metadata_field) {
                continue;
            }
            if by_type
                .keys()
                .all(|t| CONTAINER_TYPES.contains(&t.as_str()))
            {
                continue;
            }
            let field_type = if by_type.len() == 1 {
                by_type.keys().next().cloned().unwrap_or_default()
            } else {
                // Indices of the pattern disagree (Kibana calls this a conflict).
                "conflict".to_string()
            };
            let aggregatable = by_type.values().all(|c| c.aggregatable);
            let keyword = format!("{name}.keyword");
            let aggregatable_field = if aggregatable {
                Some(name.clone())
            } else if names.iter().any(|n| **n == keyword)
                && caps.fields[&keyword].values().all(|c| c.aggregatable)
            {
                Some(keyword)
            } else {
                None
            };
            fields.push(LogField {
                name: name.clone(),
                field_type,
                aggregatable,
                searchable: by_type.values().any(|c| c.searchable),
                aggregatable_field,
            });
        }
        Ok(fields)
    }

    async fn field_caps(&self, index: &str, fields: &str) -> Result<FieldCaps, LogsError> {
        let ignore = if self.ignore_unavailable() {
            "true"
        } else {
            "false"
        };
        self.send(
            reqwest::Method::GET,
            &format!("/{index}/_field_caps"),
            &[
                ("fields", fields),
                ("ignore_unavailable", ignore),
                ("allow_no_indices", "true"),
            ],
            None::<&()>,
        )
        .await
    }

    /// The field to aggregate on for `field`: itself, or its `.keyword` subfield.
    async fn aggregatable_name(&self, index: &str, field: &str) -> Result<String, LogsError> {
        let keyword = format!("{field}.keyword");
        let caps = self
            .field_caps(index, &format!("{field},{keyword}"))
            .await?;
        let aggregatable = |name: &str| {
            caps.fields
                .get(name)
                .is_some_and(|t| t.values().all(|c| c.aggregatable))
        };
        Ok(if !aggregatable(field) && aggregatable(&keyword) {
            keyword
        } else {
            field.to_string()
        })
    }

    /// A field's `size` most frequent values within the query and window, with how many
    /// documents have the field at all and how many were counted.
    pub async fn top_values(
        &self,
        target: &LogTarget,
        query: &LogQuery,
        field: &str,
        size: u32,
    ) -> Result<FieldTopValues, LogsError> {
        let agg_field = self.aggregatable_name(&target.index, field).await?;
        let mut body = SearchBody::new(build_query(target, query), 0);
        body.track_total_hits = Some(true);
        body.aggs = BTreeMap::from([
            (
                "values".to_string(),
                Aggregation::Terms(Terms {
                    field: agg_field,
                    size: size.max(1),
                }),
            ),
            (
                "with_field".to_string(),
                Aggregation::Filter(Query::Exists {
                    field: field.to_string(),
                }),
            ),
        ]);
        let answer: SearchResponse<TopAggs> = self.search_body(&target.index, None, body).await?;
        Ok(top_values_from(&answer, field))
    }
}

/// The decoded answer as the field list's "top values" shows it (also what the fuzz target
/// checks).
pub(crate) fn top_values_from(answer: &SearchResponse<TopAggs>, field: &str) -> FieldTopValues {
    let total = answer
        .hits
        .total
        .as_ref()
        .map(hit_count)
        .map_or(0, |t| t.value);
    let aggs = &answer.aggregations;
    FieldTopValues {
        field: field.to_string(),
        values: aggs
            .as_ref()
            .map(|a| {
                a.values
                    .buckets
                    .iter()
                    .map(|b| FieldValueCount {
                        value: b.key_as_string.clone().unwrap_or_else(|| match &b.key {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        }),
                        count: b.doc_count.min(u64::from(u32::MAX)) as u32,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        with_field: aggs.as_ref().map_or(0, |a| {
            a.with_field.doc_count.min(u64::from(u32::MAX)) as u32
        }),
        total,
    }
}

#[derive(Deserialize)]
pub(crate) struct TopAggs {
    values: Buckets<TermBucket>,
    with_field: DocCount,
}

#[derive(Deserialize)]
struct TermBucket {
    key: serde_json::Value,
    key_as_string: Option<String>,
    doc_count: u64,
}
