//! The JSON both engines speak, as types: request bodies we send and the answers we read.
//!
//! Only the subset of the query DSL that Discover builds is modelled; `_source` stays raw JSON
//! text (it is arbitrary) and sort values stay JSON values (numbers or strings, engine-chosen).

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

// ---- requests -------------------------------------------------------------------------------

/// The query DSL clauses Discover uses; serialised externally tagged, as the DSL is
/// (`{"exists": {"field": "x"}}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Query {
    MatchAll {},
    Bool(BoolQuery),
    QueryString(QueryString),
    /// `{"match_phrase": {field: value}}`
    MatchPhrase(BTreeMap<String, String>),
    Exists {
        field: String,
    },
    /// `{"range": {field: {...}}}`
    Range(BTreeMap<String, RangeBounds>),
    Ids {
        values: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct BoolQuery {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filter: Vec<Query>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub must_not: Vec<Query>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryString {
    pub query: String,
    pub default_operator: &'static str,
    pub analyze_wildcard: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RangeBounds {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gte: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lte: Option<i64>,
    pub format: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    Asc,
    Desc,
}

impl SortOrder {
    pub fn reversed(self) -> Self {
        match self {
            Self::Asc => Self::Desc,
            Self::Desc => Self::Asc,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SortSpec {
    pub order: SortOrder,
    /// An index of the pattern without the time field sorts its documents last instead of
    /// failing its shards.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unmapped_type: Option<&'static str>,
}

/// `{field: {order, ...}}`
pub type SortClause = BTreeMap<String, SortSpec>;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PitRef {
    pub id: String,
    pub keep_alive: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    DateHistogram(DateHistogram),
    Terms(Terms),
    Filter(Query),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateHistogram {
    pub field: String,
    pub fixed_interval: String,
    pub min_doc_count: u32,
    pub extended_bounds: Bounds,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bounds {
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Terms {
    pub field: String,
    pub size: u32,
}

/// A `_search` body. Without a PIT the index goes in the path; with one, only here.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchBody {
    pub size: u32,
    pub query: Query,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sort: Vec<SortClause>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_after: Option<Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pit: Option<PitRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track_total_hits: Option<bool>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub aggs: BTreeMap<String, Aggregation>,
    /// `false` for aggregation-only requests.
    #[serde(rename = "_source", skip_serializing_if = "Option::is_none")]
    pub source: Option<bool>,
}

impl SearchBody {
    pub fn new(query: Query, size: u32) -> Self {
        Self {
            size,
            query,
            sort: Vec::new(),
            search_after: None,
            pit: None,
            track_total_hits: None,
            aggs: BTreeMap::new(),
            source: None,
        }
    }
}

// ---- answers --------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct SearchResponse<A> {
    #[serde(default)]
    pub took: u64,
    #[serde(rename = "_shards", default)]
    pub shards: Shards,
    pub hits: Hits,
    pub aggregations: Option<A>,
    /// A PIT id may change between requests; the latest one must be used next.
    pub pit_id: Option<String>,
}

/// An answer whose aggregations are not read.
#[derive(Debug, Deserialize)]
pub struct NoAggs {}

#[derive(Debug, Default, Deserialize)]
pub struct Shards {
    #[serde(default)]
    pub total: u32,
    #[serde(default)]
    pub failed: u32,
    #[serde(default)]
    pub failures: Vec<ShardFailure>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShardFailure {
    pub index: Option<String>,
    pub reason: ErrorCause,
}

#[derive(Debug, Deserialize)]
pub struct Hits {
    pub total: Option<TotalHits>,
    #[serde(default)]
    pub hits: Vec<RawHit>,
}

#[derive(Debug, Deserialize)]
pub struct TotalHits {
    pub value: u64,
    pub relation: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawHit {
    #[serde(rename = "_index")]
    pub index: String,
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_source")]
    pub source: Option<Box<RawValue>>,
    #[serde(default)]
    pub sort: Vec<serde_json::Value>,
}

/// An error document, or one of its causes.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorCause {
    #[serde(rename = "type", default)]
    pub kind: String,
    pub reason: Option<String>,
    /// The index a cause is about (`index_closed_exception` says only "closed").
    pub index: Option<String>,
    pub caused_by: Option<Box<ErrorCause>>,
    #[serde(default)]
    pub root_cause: Vec<ErrorCause>,
    #[serde(default)]
    pub failed_shards: Vec<ShardFailure>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorValue,
}

/// Most errors are documents; a few (wrong method, old versions) are a bare string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ErrorValue {
    Cause(ErrorCause),
    Text(String),
}

#[derive(Debug, Deserialize)]
pub struct Buckets<B> {
    pub buckets: Vec<B>,
}

#[derive(Debug, Deserialize)]
pub struct DocCount {
    pub doc_count: u64,
}
