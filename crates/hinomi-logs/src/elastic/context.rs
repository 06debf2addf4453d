//! Surrounding documents: the lines just before and after one hit, in the same index.
//!
//! Like Kibana's context view this ignores the query bar and the window (the point is to see
//! what else happened), stays in the hit's concrete `_index`, and may be narrowed to the same
//! `context.request_id`. The anchor's own sort values are looked up again inside a fresh PIT on
//! that index (a cursor from another PIT does not carry over: `_shard_doc` numbers shards per
//! PIT), then `search_after` runs forward for "after" and with the sort reversed for "before",
//! which is put back in time order. "Load more" is the same call with the outermost hit as
//! the anchor.

use super::client::ElasticClient;
use super::convert::{split_hit_id, to_hit};
use super::dialect::Dialect;
use super::search::PageRequest;
use super::wire::{BoolQuery, Query, SortOrder};
use crate::error::LogsError;
use crate::model::{LogHit, LogTarget, SurroundingHits};
use std::collections::BTreeMap;

/// The field that ties the lines of one API request together (seed §6.2).
pub const REQUEST_ID_FIELD: &str = "context.request_id";

impl ElasticClient {
    /// `before` older and `after` newer lines around `anchor`, each side oldest first.
    pub async fn surrounding(
        &self,
        target: &LogTarget,
        anchor: &LogHit,
        before: u32,
        after: u32,
        same_request: bool,
    ) -> Result<SurroundingHits, LogsError> {
        let (index, id) =
            split_hit_id(&anchor.id).ok_or_else(|| LogsError::NotAHitId(anchor.id.clone()))?;
        let mut base = BoolQuery::default();
        if same_request {
            let request_id = anchor
                .fields
                .get(REQUEST_ID_FIELD)
                .ok_or_else(|| LogsError::NoRequestField(REQUEST_ID_FIELD.to_owned()))?;
            base.filter.push(Query::MatchPhrase(BTreeMap::from([(
                REQUEST_ID_FIELD.to_string(),
                request_id.clone(),
            )])));
        }
        let dialect = self.dialect().await?;
        let pit = if dialect.supports_pit() {
            Some(self.open_pit(&dialect, index).await?)
        } else {
            None
        };
        let found = self
            .surrounding_in(
                &dialect,
                target,
                index,
                id,
                base,
                pit.clone(),
                before,
                after,
            )
            .await;
        if let Some(pit) = pit {
            self.close_pit_quietly(&dialect, &pit).await;
        }
        found
    }

    #[allow(clippy::too_many_arguments)]
    async fn surrounding_in(
        &self,
        dialect: &Dialect,
        target: &LogTarget,
        index: &str,
        id: &str,
        base: BoolQuery,
        mut pit: Option<String>,
        before: u32,
        after: u32,
    ) -> Result<SurroundingHits, LogsError> {
        let page = |query, order, size, search_after, pit: Option<String>| {
            let request = PageRequest {
                index,
                time_field: &target.time_field,
                query,
                order,
                size,
                search_after,
                pit: None,
                track_total_hits: Some(false),
            };
            async move {
                self.fetch_page(
                    dialect,
                    PageRequest {
                        pit: pit.as_deref(),
                        ..request
                    },
                )
                .await
            }
        };
        let anchor_query = Query::Bool(BoolQuery {
            filter: vec![Query::Ids {
                values: vec![id.to_string()],
            }],
            must_not: vec![],
        });
        let found = page(anchor_query, SortOrder::Desc, 1, None, pit.clone()).await?;
        pit = found.pit_id.or(pit);
        let anchor = found
            .hits
            .into_iter()
            .next()
            .ok_or_else(|| LogsError::LineGone {
                id: id.to_owned(),
                index: index.to_owned(),
            })?;
        let newer = if after > 0 {
            let got = page(
                Query::Bool(base.clone()),
                SortOrder::Asc,
                after,
                Some(anchor.sort.clone()),
                pit.clone(),
            )
            .await?;
            pit = got.pit_id.or(pit);
            got.hits
        } else {
            Vec::new()
        };
        let mut older = if before > 0 {
            page(
                Query::Bool(base),
                SortOrder::Desc,
                before,
                Some(anchor.sort.clone()),
                pit,
            )
            .await?
            .hits
        } else {
            Vec::new()
        };
        older.reverse();
        let convert = |hits: Vec<_>| {
            hits.iter()
                .map(|hit| to_hit(hit, &target.time_field, true))
                .collect::<Vec<_>>()
        };
        Ok(SurroundingHits {
            before: convert(older),
            anchor: to_hit(&anchor, &target.time_field, true),
            after: convert(newer),
        })
    }
}
