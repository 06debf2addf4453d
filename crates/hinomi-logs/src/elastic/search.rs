//! One page of hits: the request every paging feature (result sets, export, surrounding
//! documents, live tail) is built on, and how its answer is judged.
//!
//! With a PIT the request goes to `POST /_search` with no index (the PIT names them); without
//! one to `POST /{index}/_search` with `ignore_unavailable` as the datasource says. A 200 with
//! failed shards is not an error: its hits are real, and the distinct shard reasons are
//! reported as [`PartialResults`].

use super::client::ElasticClient;
use super::convert::KeptHit;
use super::dialect::Dialect;
use super::pit::PIT_KEEP_ALIVE;
use super::wire::{Query, SearchBody, SearchResponse, Shards, SortOrder};
use crate::error::LogsError;
use crate::model::{HitCount, PartialResults};
use serde::de::DeserializeOwned;

/// What to fetch; the query is already built.
pub(crate) struct PageRequest<'a> {
    pub index: &'a str,
    pub time_field: &'a str,
    pub query: Query,
    pub order: SortOrder,
    pub size: u32,
    pub search_after: Option<Vec<serde_json::Value>>,
    pub pit: Option<&'a str>,
    /// `None` leaves the engine's default (exact up to 10,000, then a lower bound).
    pub track_total_hits: Option<bool>,
}

pub(crate) struct Page {
    pub hits: Vec<KeptHit>,
    pub total: Option<HitCount>,
    pub partial: Option<PartialResults>,
    pub pit_id: Option<String>,
}

impl ElasticClient {
    pub(crate) async fn fetch_page(
        &self,
        dialect: &Dialect,
        request: PageRequest<'_>,
    ) -> Result<Page, LogsError> {
        let mut body = SearchBody::new(request.query, request.size);
        body.sort = dialect.sort(request.time_field, request.order, request.pit.is_some());
        body.search_after = request.search_after;
        body.track_total_hits = request.track_total_hits;
        let answer: SearchResponse<super::wire::NoAggs> =
            self.search_body(request.index, request.pit, body).await?;
        Ok(Page {
            total: answer.hits.total.as_ref().map(hit_count),
            partial: partial_results(&answer.shards),
            pit_id: answer.pit_id,
            hits: answer.hits.hits.into_iter().map(KeptHit::from).collect(),
        })
    }

    /// Sends a search body, in a PIT or on the index.
    pub(crate) async fn search_body<A: DeserializeOwned>(
        &self,
        index: &str,
        pit: Option<&str>,
        mut body: SearchBody,
    ) -> Result<SearchResponse<A>, LogsError> {
        match pit {
            Some(id) => {
                body.pit = Some(super::wire::PitRef {
                    id: id.to_string(),
                    keep_alive: PIT_KEEP_ALIVE.into(),
                });
                self.send(reqwest::Method::POST, "/_search", &[], Some(&body))
                    .await
                    .map_err(pit_expired)
            }
            None => {
                let ignore = if self.ignore_unavailable() {
                    "true"
                } else {
                    "false"
                };
                self.send(
                    reqwest::Method::POST,
                    &format!("/{index}/_search"),
                    &[("ignore_unavailable", ignore), ("allow_no_indices", "true")],
                    Some(&body),
                )
                .await
            }
        }
    }
}

/// A PIT that timed out on the server says `search_context_missing_exception`.
fn pit_expired(err: LogsError) -> LogsError {
    match err {
        LogsError::Engine { ref kind, .. } if kind == "search_context_missing_exception" => {
            LogsError::PitExpired
        }
        other => other,
    }
}

pub(crate) fn hit_count(total: &super::wire::TotalHits) -> HitCount {
    HitCount {
        value: total.value.min(u64::from(u32::MAX)) as u32,
        exact: total.relation != "gte",
    }
}

/// Failed shards of a 200 answer, each distinct `type: reason` once.
pub(crate) fn partial_results(shards: &Shards) -> Option<PartialResults> {
    if shards.failed == 0 {
        return None;
    }
    let mut reasons: Vec<String> = Vec::new();
    for failure in &shards.failures {
        let mut text = super::client::describe(&failure.reason);
        if let Some(index) = &failure.index
            && !text.contains(index.as_str())
        {
            text.push_str(&format!(" (index {index})"));
        }
        if !reasons.contains(&text) {
            reasons.push(text);
        }
    }
    Some(PartialResults {
        failed_shards: shards.failed,
        total_shards: shards.total,
        reasons,
    })
}

/// A search answer decoded from bytes and judged as [`ElasticClient::fetch_page`] judges it,
/// without a server: for the fuzz targets in `fuzz/` (an answer is outside data).
#[doc(hidden)]
pub mod decode {
    use super::*;
    use crate::model::LogHit;

    /// A judged page: its hits as shown, the total and the failed shards.
    pub type JudgedPage = (Vec<LogHit>, Option<HitCount>, Option<PartialResults>);

    /// The raw answer as the client holds it after the request.
    fn raw(status: u16, body: &[u8]) -> super::super::client::RawAnswer {
        super::super::client::RawAnswer {
            status: reqwest::StatusCode::from_u16(status).unwrap_or(reqwest::StatusCode::OK),
            elastic_product: true,
            body: body.to_vec(),
            shown_url: "http://fuzz/_search".into(),
        }
    }

    /// A `date_histogram` answer (the log-volume lane and the histogram over the hits) for a
    /// query over `window`, as [`ElasticClient::histogram`] judges it.
    pub fn histogram(
        status: u16,
        body: &[u8],
        window: &crate::model::LogWindow,
    ) -> Result<crate::model::LogHistogram, LogsError> {
        let answer = raw(status, body).decode()?;
        Ok(super::super::histogram::histogram_from(answer, window))
    }

    /// A `terms` + `filter` answer (a field's top values), as
    /// [`ElasticClient::top_values`](super::super::client::ElasticClient::top_values) judges it.
    pub fn top_values(
        status: u16,
        body: &[u8],
        field: &str,
    ) -> Result<crate::model::FieldTopValues, LogsError> {
        let answer = raw(status, body).decode()?;
        Ok(super::super::fields::top_values_from(&answer, field))
    }

    /// An answer with this HTTP status: the page, or the engine's error.
    pub fn search_page(status: u16, body: &[u8]) -> Result<JudgedPage, LogsError> {
        let answer: SearchResponse<super::super::wire::NoAggs> = raw(status, body).decode()?;
        let hits = answer
            .hits
            .hits
            .into_iter()
            .map(KeptHit::from)
            .map(|hit| super::super::convert::to_hit(&hit, "@timestamp", true))
            .collect();
        Ok((
            hits,
            answer.hits.total.as_ref().map(hit_count),
            partial_results(&answer.shards),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_shards_become_partial_results_with_distinct_reasons() {
        // Recorded from OpenSearch 2.19.3: a pill on a field that is a number in one index.
        let shards: Shards = serde_json::from_str(
            r#"{"total":3,"successful":2,"skipped":0,"failed":1,"failures":[{"shard":0,"index":"a2","node":"n","reason":{"type":"query_shard_exception","reason":"failed to create query: For input string: \"ERROR\"","index":"a2","index_uuid":"u","caused_by":{"type":"number_format_exception","reason":"For input string: \"ERROR\""}}}]}"#,
        )
        .unwrap();
        let partial = partial_results(&shards).unwrap();
        assert_eq!((partial.failed_shards, partial.total_shards), (1, 3));
        assert_eq!(
            partial.reasons,
            [
                "query_shard_exception: failed to create query: For input string: \"ERROR\" (index a2)"
            ]
        );
        assert!(partial_results(&Shards::default()).is_none());
    }

    #[test]
    fn gte_totals_are_not_exact() {
        let total = |relation: &str| super::super::wire::TotalHits {
            value: 10_000,
            relation: relation.into(),
        };
        assert!(!hit_count(&total("gte")).exact);
        assert!(hit_count(&total("eq")).exact);
    }
}

#[cfg(test)]
mod aggregation_tests {
    use super::decode::{histogram, top_values};
    use crate::model::LogWindow;

    const HOUR: LogWindow = LogWindow {
        from_ms: 1_714_557_600_000.0,
        to_ms: 1_714_561_200_000.0,
    };

    /// The fuzz target's seeds, without their first (selector) byte.
    fn seed(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../fuzz/seeds/elastic_aggregations/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap()[1..].to_vec()
    }

    #[test]
    fn a_histogram_answer_keeps_every_bucket_and_caps_huge_counts() {
        let judged = histogram(200, &seed("histogram"), &HOUR).unwrap();
        assert_eq!(judged.interval_label, "30s");
        let counts: Vec<u32> = judged.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, [0, 17, u32::MAX]);
        assert_eq!(judged.buckets[2].start_ms, 1_714_557_660_000.0);
    }

    #[test]
    fn top_values_name_numbers_dates_and_booleans_as_text() {
        let judged = top_values(200, &seed("top-values"), "level").unwrap();
        let values: Vec<(&str, u32)> = judged
            .values
            .iter()
            .map(|v| (v.value.as_str(), v.count))
            .collect();
        assert_eq!(
            values,
            [
                ("ERROR", 5000),
                ("404", 7),
                ("2024-05-01T10:00:00.000Z", 3),
                ("true", 1),
                ("決済", 2)
            ]
        );
        assert_eq!((judged.with_field, judged.total), (9321, 10000));
    }

    #[test]
    fn no_aggregations_is_empty_and_an_error_document_is_the_engines_error() {
        let empty = seed("no-aggregations");
        assert!(histogram(200, &empty, &HOUR).unwrap().buckets.is_empty());
        assert!(top_values(200, &empty, "level").unwrap().values.is_empty());
        let err = top_values(400, &seed("error"), "level").unwrap_err();
        assert!(
            err.to_string().contains("Text fields are not optimised"),
            "{err}"
        );
        // A proxy's page or a cut-off body is a decode error, not a panic or an empty result.
        assert!(histogram(200, b"<html>502 Bad Gateway</html>", &HOUR).is_err());
        assert!(top_values(200, &seed("top-values")[..100], "level").is_err());
    }
}
