//! Live tail: lines newer than what the view already shows.
//!
//! A PIT cannot be used (it would never see new lines), and without one there is no unique
//! tiebreaker on Elasticsearch 8 (`_id` cannot be sorted on, `_doc` is per shard and changes
//! with merges). So instead of `search_after` on `[time, tiebreaker]` the cursor is the newest
//! time seen plus the ids of the lines at exactly that time: the next poll asks for
//! `time >= cursor` excluding those ids, ascending. Lines never repeat and lines sharing the
//! newest second (the seed's timestamps have one-second resolution) are not lost. Like every
//! polling tail it misses a line indexed later with a time older than the cursor.

use super::client::ElasticClient;
use super::convert::{KeptHit, split_hit_id, to_hit};
use super::query::{build_query, query_clauses, time_range};
use super::search::PageRequest;
use super::wire::{Query, SortOrder};
use crate::error::LogsError;
use crate::model::{LogQuery, LogTarget, SortCursor, TailBatch};
use serde::{Deserialize, Serialize};

/// How many lines one poll returns at most; the next poll continues from there.
pub const TAIL_BATCH: u32 = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct TailPosition {
    after_ms: i64,
    /// `index/_id` of the lines at exactly `after_ms` already returned.
    seen: Vec<String>,
}

impl ElasticClient {
    /// The first call (no cursor) returns the newest `first` lines of the query and window;
    /// later calls the lines added since, up to [`TAIL_BATCH`]. Oldest first.
    pub async fn tail(
        &self,
        target: &LogTarget,
        query: &LogQuery,
        cursor: Option<&SortCursor>,
        first: u32,
    ) -> Result<TailBatch, LogsError> {
        let dialect = self.dialect().await?;
        let position = match cursor {
            Some(cursor) => Some(
                serde_json::from_str::<TailPosition>(&cursor.0)
                    .map_err(|_| LogsError::NotATailCursor)?,
            ),
            None => None,
        };
        let request = |query, order, size| PageRequest {
            index: &target.index,
            time_field: &target.time_field,
            query,
            order,
            size,
            search_after: None,
            pit: None,
            track_total_hits: Some(false),
        };
        let mut hits: Vec<KeptHit> = match &position {
            None => {
                let page = self
                    .fetch_page(
                        &dialect,
                        request(build_query(target, query), SortOrder::Desc, first),
                    )
                    .await?;
                page.hits.into_iter().rev().collect()
            }
            Some(position) => {
                let mut clauses = query_clauses(query);
                clauses.filter.push(time_range(
                    &target.time_field,
                    Some(position.after_ms),
                    None,
                ));
                if !position.seen.is_empty() {
                    clauses.must_not.push(Query::Ids {
                        values: position
                            .seen
                            .iter()
                            .filter_map(|id| split_hit_id(id).map(|(_, id)| id.to_string()))
                            .collect(),
                    });
                }
                self.fetch_page(
                    &dialect,
                    request(Query::Bool(clauses), SortOrder::Asc, TAIL_BATCH),
                )
                .await?
                .hits
            }
        };
        // The ids filter is by `_id` alone; keep only lines really not seen (same id in
        // another index of the pattern).
        if let Some(position) = &position {
            hits.retain(|hit| {
                !position
                    .seen
                    .contains(&super::convert::hit_id(&hit.index, &hit.id))
            });
        }
        let next = advance(position, &hits, query.window.to_ms as i64);
        Ok(TailBatch {
            hits: hits
                .iter()
                .map(|hit| to_hit(hit, &target.time_field, true))
                .collect(),
            cursor: Some(SortCursor(
                serde_json::to_string(&next).unwrap_or_else(|_| "{}".into()),
            )),
        })
    }
}

/// The position after `hits` (ascending): the newest time and every id at that time.
fn advance(previous: Option<TailPosition>, hits: &[KeptHit], fallback_ms: i64) -> TailPosition {
    let time = |hit: &KeptHit| hit.sort.first().and_then(serde_json::Value::as_i64);
    let Some(newest) = hits.iter().filter_map(time).max() else {
        return previous.unwrap_or(TailPosition {
            after_ms: fallback_ms,
            seen: Vec::new(),
        });
    };
    let mut seen: Vec<String> = match previous {
        Some(previous) if previous.after_ms == newest => previous.seen,
        _ => Vec::new(),
    };
    seen.extend(
        hits.iter()
            .filter(|hit| time(hit) == Some(newest))
            .map(|hit| super::convert::hit_id(&hit.index, &hit.id)),
    );
    TailPosition {
        after_ms: newest,
        seen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: &str, t: i64) -> KeptHit {
        KeptHit {
            index: "i".into(),
            id: id.into(),
            source: None,
            sort: vec![t.into(), 0.into()],
        }
    }

    #[test]
    fn the_cursor_keeps_every_id_at_the_newest_time() {
        let first = advance(None, &[hit("a", 1), hit("b", 2), hit("c", 2)], 0);
        assert_eq!(first.after_ms, 2);
        assert_eq!(first.seen, ["i/b", "i/c"]);
        // More lines in the same second: added to the seen set, not replacing it.
        let same = advance(Some(first.clone()), &[hit("d", 2)], 0);
        assert_eq!(same.seen, ["i/b", "i/c", "i/d"]);
        let later = advance(Some(same), &[hit("e", 3)], 0);
        assert_eq!(later.seen, ["i/e"]);
        assert_eq!(advance(Some(later.clone()), &[], 0), later);
        assert_eq!(advance(None, &[], 42).after_ms, 42);
    }
}
