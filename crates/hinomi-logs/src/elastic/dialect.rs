//! Which engine answers, and what that changes in the requests.
//!
//! Elasticsearch and OpenSearch share the search API but differ where Discover needs them most:
//! point-in-time paths and bodies, and the tiebreaker sort. ES 7.12+ has `_shard_doc` under a
//! PIT; OpenSearch 2.x refuses it ("No mapping found for [_shard_doc]"), so there the tiebreaker
//! is `_index` then `_doc` (Lucene's doc id, fixed under a PIT; unique per shard, which is the
//! whole index for the default single-shard daily indices). Without a PIT the tiebreaker is
//! `_doc`, as Kibana's context view uses it; `_id` is not an option because Elasticsearch 8
//! refuses to sort on it (no fielddata on `_id`).

use super::client::ElasticClient;
use super::wire::{SortClause, SortOrder, SortSpec};
use crate::error::LogsError;
use crate::model::LogEngine;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    pub engine: LogEngine,
    /// As the server reports it, e.g. `8.17.0`.
    pub version: String,
    pub major: u32,
    pub minor: u32,
}

#[derive(Deserialize)]
struct Root {
    version: RootVersion,
}

#[derive(Deserialize)]
struct RootVersion {
    number: String,
    distribution: Option<String>,
}

#[derive(Deserialize)]
struct NodesInfo {
    nodes: BTreeMap<String, NodeInfo>,
}

#[derive(Deserialize)]
struct NodeInfo {
    version: String,
    build_flavor: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ClusterHealth {
    pub cluster_name: String,
    /// `green`, `yellow` or `red`.
    pub status: String,
    pub number_of_nodes: u32,
}

impl ClusterHealth {
    /// Yellow is ready for a single node: its replicas have nowhere to go.
    pub fn is_ready(&self) -> bool {
        self.status == "green" || self.status == "yellow"
    }
}

impl Dialect {
    pub fn new(engine: LogEngine, version: &str) -> Self {
        let mut parts = version
            .split(['.', '-'])
            .map(|p| p.parse::<u32>().unwrap_or(0));
        Self {
            engine,
            version: version.to_string(),
            major: parts.next().unwrap_or(0),
            minor: parts.next().unwrap_or(0),
        }
    }

    /// `GET /` names the distribution; Elasticsearch's minimal test distribution has no root
    /// handler (405), so the local node's info is asked instead, where only Elasticsearch says
    /// `build_flavor` and sends `X-elastic-product`.
    pub(crate) async fn detect(client: &ElasticClient) -> Result<Self, LogsError> {
        let root = client
            .send_raw(reqwest::Method::GET, "/", &[], None::<&()>)
            .await?;
        if root.status.is_success() {
            let root: Root = root.decode()?;
            let engine = match root.version.distribution.as_deref() {
                Some("opensearch") => LogEngine::OpenSearch,
                _ => LogEngine::Elasticsearch,
            };
            return Ok(Self::new(engine, &root.version.number));
        }
        let info = client
            .send_raw(
                reqwest::Method::GET,
                "/_nodes/_local/version,build_flavor",
                &[],
                None::<&()>,
            )
            .await?;
        let elastic_product = info.elastic_product;
        let url = info.shown_url.clone();
        let nodes: NodesInfo = info.decode()?;
        let node = nodes
            .nodes
            .into_values()
            .next()
            .ok_or_else(|| LogsError::Decode {
                url,
                cause: "the node info lists no node".into(),
            })?;
        let engine = if elastic_product || node.build_flavor.is_some() {
            LogEngine::Elasticsearch
        } else {
            LogEngine::OpenSearch
        };
        Ok(Self::new(engine, &node.version))
    }

    fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }

    /// Point in time: Elasticsearch 7.10+, OpenSearch 2.4+.
    pub fn supports_pit(&self) -> bool {
        match self.engine {
            LogEngine::Elasticsearch => self.at_least(7, 10),
            LogEngine::OpenSearch => self.at_least(2, 4),
        }
    }

    pub(crate) fn open_pit_path(&self, index: &str) -> String {
        match self.engine {
            LogEngine::Elasticsearch => format!("/{index}/_pit"),
            LogEngine::OpenSearch => format!("/{index}/_search/point_in_time"),
        }
    }

    /// The sort after the time field, which makes the order total (see the module doc).
    pub fn tiebreaker(&self, with_pit: bool) -> &'static [&'static str] {
        match (with_pit, self.engine) {
            (true, LogEngine::Elasticsearch) if self.at_least(7, 12) => &["_shard_doc"],
            (true, _) => &["_index", "_doc"],
            (false, _) => &["_doc"],
        }
    }

    /// Time first, then the tiebreaker, all in one direction.
    pub fn sort(&self, time_field: &str, order: SortOrder, with_pit: bool) -> Vec<SortClause> {
        let mut sort = vec![SortClause::from([(
            time_field.to_string(),
            SortSpec {
                order,
                unmapped_type: Some("date"),
            },
        )])];
        for field in self.tiebreaker(with_pit) {
            sort.push(SortClause::from([(
                field.to_string(),
                SortSpec {
                    order,
                    unmapped_type: None,
                },
            )]));
        }
        sort
    }
}

impl ElasticClient {
    /// `_cluster/health`, for "is it ready" before the first search.
    pub async fn health(&self) -> Result<ClusterHealth, LogsError> {
        self.send(reqwest::Method::GET, "/_cluster/health", &[], None::<&()>)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_decide_pit_and_tiebreaker() {
        let es8 = Dialect::new(LogEngine::Elasticsearch, "8.17.0");
        assert!(es8.supports_pit());
        assert_eq!(es8.tiebreaker(true), ["_shard_doc"]);
        assert_eq!(es8.open_pit_path("logs-*"), "/logs-*/_pit");
        let es79 = Dialect::new(LogEngine::Elasticsearch, "7.9.3");
        assert!(!es79.supports_pit());
        let os = Dialect::new(LogEngine::OpenSearch, "2.19.3");
        assert!(os.supports_pit());
        assert_eq!(os.tiebreaker(true), ["_index", "_doc"]);
        assert_eq!(os.tiebreaker(false), ["_doc"]);
        assert_eq!(
            os.open_pit_path("a,b"),
            "/a,b/_search/point_in_time".to_string()
        );
        assert!(!Dialect::new(LogEngine::OpenSearch, "2.3.0").supports_pit());
    }

    #[test]
    fn sort_puts_time_first_with_unmapped_type() {
        let es8 = Dialect::new(LogEngine::Elasticsearch, "8.17.0");
        let json = serde_json::to_value(es8.sort("@timestamp", SortOrder::Desc, true)).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"@timestamp": {"order": "desc", "unmapped_type": "date"}},
                {"_shard_doc": {"order": "desc"}}
            ])
        );
    }
}
