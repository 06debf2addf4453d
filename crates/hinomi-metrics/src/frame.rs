//! The binary answer of `run_panel`: every query's series as `Float64Array`-ready columns, so a
//! big range result never becomes JSON numbers.
//!
//! Layout: `"HNP1" | u32 LE header length | header JSON | zero pad to 8 | one HNM1 frame per
//! successful query` ([`hinomi_prometheus::downsample::encode_frame`]), each starting at an
//! 8-aligned `offset` named in the header. A failed query has an `error` and no frame. An HNM1
//! frame holds each series' timestamps and values, or, when its series share one time grid,
//! the grid once and each series' values on it (`grid_points`; see `encode_frame`).

use hinomi_core::HinomiError;
use hinomi_prometheus::QueryPosition;
use hinomi_prometheus::downsample::pad8;
use serde::{Deserialize, Serialize};
use specta::Type;

pub const PANEL_MAGIC: &[u8; 4] = b"HNP1";

/// One query of the panel as the header describes it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct QueryHeader {
    pub ref_id: String,
    pub expr: String,
    pub legend_format: Option<String>,
    pub instant: bool,
    pub step_seconds: f64,
    pub datasource_id: Option<String>,
    /// Prometheus's (or the transport's) error, verbatim.
    pub error: Option<HinomiError>,
    /// Where a PromQL parse error is, when Prometheus says.
    pub error_position: Option<QueryPosition>,
    /// Byte offset and length of this query's HNM1 frame; 0/0 when it failed.
    #[specta(type = u32)]
    pub offset: usize,
    #[specta(type = u32)]
    pub length: usize,
}

/// A query's result before packing: its header and, when it succeeded, its HNM1 frame.
pub struct QueryOutcome {
    pub header: QueryHeader,
    pub frame: Option<Vec<u8>>,
}

/// The JSON header of an HNP1 frame. Exported to TypeScript (ui/src/lib/bindings.ts), so
/// `frame.ts` decodes exactly what is written here.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct PanelFrameHeader {
    pub queries: Vec<QueryHeader>,
    /// On an answer kept from before: when it was fetched (ms since the epoch), because
    /// Prometheus could not answer now ([`mark_stale`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub stale_since_ms: Option<f64>,
    /// Why the fresh answer could not be had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub stale_error: Option<HinomiError>,
}

/// Packs the outcomes, computing each frame's offset. The header's own length changes with the
/// offsets written into it, so offsets are computed until they stop moving.
pub fn pack(outcomes: Vec<QueryOutcome>) -> Vec<u8> {
    let mut headers: Vec<QueryHeader> = outcomes.iter().map(|o| o.header.clone()).collect();
    let mut header_json = Vec::new();
    for _ in 0..8 {
        let header = PanelFrameHeader {
            queries: headers.clone(),
            stale_since_ms: None,
            stale_error: None,
        };
        header_json = serde_json::to_vec(&header).unwrap_or_else(|_| b"{\"queries\":[]}".to_vec());
        let mut at = (8 + header_json.len()).div_ceil(8) * 8;
        let mut moved = false;
        for (header, outcome) in headers.iter_mut().zip(&outcomes) {
            let length = outcome.frame.as_ref().map_or(0, Vec::len);
            let offset = if length == 0 { 0 } else { at };
            moved |= header.offset != offset || header.length != length;
            header.offset = offset;
            header.length = length;
            at = (at + length).div_ceil(8) * 8;
        }
        if !moved {
            break;
        }
    }
    let mut bytes = Vec::with_capacity(
        16 + header_json.len()
            + outcomes
                .iter()
                .map(|o| o.frame.as_ref().map_or(0, Vec::len) + 8)
                .sum::<usize>(),
    );
    bytes.extend_from_slice(PANEL_MAGIC);
    bytes.extend_from_slice(&(header_json.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&header_json);
    pad8(&mut bytes);
    for (header, outcome) in headers.iter().zip(outcomes) {
        if let Some(frame) = outcome.frame {
            debug_assert_eq!(bytes.len(), header.offset);
            bytes.extend_from_slice(&frame);
            pad8(&mut bytes);
        }
    }
    bytes
}

/// Splits a packed panel frame back into each successful query and its series (failed queries
/// carry no data and are left out); `None` when the bytes are not a whole panel frame. Used to
/// keep what a panel draws as incident evidence without asking Prometheus again.
pub fn unpack(frame: &[u8]) -> Option<Vec<(QueryHeader, Vec<hinomi_prometheus::Series>)>> {
    if frame.len() < 8 || &frame[..4] != PANEL_MAGIC {
        return None;
    }
    let len = u32::from_le_bytes(frame[4..8].try_into().ok()?) as usize;
    let head: PanelFrameHeader = serde_json::from_slice(frame.get(8..8 + len)?).ok()?;
    head.queries
        .into_iter()
        .filter(|q| q.length > 0)
        .map(|q| {
            let bytes = frame.get(q.offset..q.offset.checked_add(q.length)?)?;
            let series = hinomi_prometheus::frame_decode::decode_frame(bytes)?;
            Some((q, series))
        })
        .collect()
}

/// Rewrites a packed frame's header with `stale_since_ms` and `stale_error`, moving the series
/// data (and the offsets that point at it) to where the longer header now ends. `None` when the
/// bytes are not a panel frame.
pub fn mark_stale(frame: &[u8], saved_ms: f64, error: &HinomiError) -> Option<Vec<u8>> {
    if frame.len() < 8 || &frame[..4] != PANEL_MAGIC {
        return None;
    }
    let len = u32::from_le_bytes(frame[4..8].try_into().ok()?) as usize;
    let mut header: PanelFrameHeader = serde_json::from_slice(frame.get(8..8 + len)?).ok()?;
    let old_start = (8 + len).div_ceil(8) * 8;
    let data = frame.get(old_start..)?;
    header.stale_since_ms = Some(saved_ms);
    header.stale_error = Some(error.clone());
    let originals: Vec<usize> = header.queries.iter().map(|q| q.offset).collect();
    // Where the data will start depends on the header's length, which depends on the offsets.
    let mut start = old_start;
    let mut json = Vec::new();
    for _ in 0..8 {
        for (query, original) in header.queries.iter_mut().zip(&originals) {
            if query.length > 0 {
                query.offset = original.checked_sub(old_start)? + start;
            }
        }
        json = serde_json::to_vec(&header).ok()?;
        let actual = (8 + json.len()).div_ceil(8) * 8;
        if actual == start {
            break;
        }
        start = actual;
    }
    let mut bytes = Vec::with_capacity(8 + json.len() + 8 + data.len());
    bytes.extend_from_slice(PANEL_MAGIC);
    bytes.extend_from_slice(&(json.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&json);
    pad8(&mut bytes);
    bytes.extend_from_slice(data);
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_prometheus::Series;
    use hinomi_prometheus::downsample::encode_frame;

    fn header(ref_id: &str) -> QueryHeader {
        QueryHeader {
            ref_id: ref_id.into(),
            expr: "up".into(),
            legend_format: None,
            instant: false,
            step_seconds: 15.0,
            datasource_id: None,
            error: None,
            error_position: None,
            offset: 0,
            length: 0,
        }
    }

    #[test]
    fn frames_sit_at_the_aligned_offsets_the_header_names() {
        let series = vec![Series {
            labels: [("job".to_owned(), "api".to_owned())].into(),
            timestamps: vec![1.0, 2.0, 3.0],
            values: vec![4.0, 5.0, 6.0],
        }];
        let a = encode_frame(&series, 0.0, 4.0, 100, 200);
        let mut failed = header("B");
        failed.error = Some(HinomiError::internal("parse error"));
        let packed = pack(vec![
            QueryOutcome {
                header: header("A"),
                frame: Some(a.clone()),
            },
            QueryOutcome {
                header: failed,
                frame: None,
            },
            QueryOutcome {
                header: header("C"),
                frame: Some(a.clone()),
            },
        ]);
        assert_eq!(&packed[..4], PANEL_MAGIC);
        let len = u32::from_le_bytes(packed[4..8].try_into().unwrap()) as usize;
        let head: serde_json::Value = serde_json::from_slice(&packed[8..8 + len]).unwrap();
        let queries = head["queries"].as_array().unwrap();
        assert_eq!(queries.len(), 3);
        for (i, expect) in [(0, true), (1, false), (2, true)] {
            let offset = queries[i]["offset"].as_u64().unwrap() as usize;
            let length = queries[i]["length"].as_u64().unwrap() as usize;
            if expect {
                assert_eq!(offset % 8, 0);
                assert_eq!(&packed[offset..offset + length], &a[..]);
            } else {
                assert_eq!((offset, length), (0, 0));
                assert_eq!(queries[i]["error"]["message"], "parse error");
            }
        }
    }

    #[test]
    fn a_packed_panel_unpacks_into_each_successful_query_and_its_series() {
        let api = Series {
            labels: [("job".to_owned(), "api".to_owned())].into(),
            timestamps: vec![10.0, 20.0, 30.0],
            values: vec![0.1, 0.2, 0.3],
        };
        let outcome = |ref_id: &str, expr: &str, series: Option<Vec<Series>>| QueryOutcome {
            header: QueryHeader {
                expr: expr.into(),
                datasource_id: Some("demo-prometheus".into()),
                ..header(ref_id)
            },
            frame: series.map(|s| encode_frame(&s, 0.0, 100.0, 800, 200)),
        };
        let packed = pack(vec![
            outcome(
                "A",
                "rate(errors[5m])",
                Some(vec![api.clone(), api.clone()]),
            ),
            outcome("B", "broken(", None),
            outcome("C", "up", Some(vec![api.clone()])),
        ]);
        let queries = unpack(&packed).expect("a whole frame");
        let summary: Vec<(&str, usize)> = queries
            .iter()
            .map(|(q, s)| (q.expr.as_str(), s.len()))
            .collect();
        assert_eq!(summary, vec![("rate(errors[5m])", 2), ("up", 1)]);
        assert_eq!(queries[0].1[0].values, vec![0.1, 0.2, 0.3]);
        assert_eq!(
            queries[0].0.datasource_id.as_deref(),
            Some("demo-prometheus")
        );
        assert!(unpack(&packed[..packed.len() - 4]).is_none(), "truncated");
        let stale = mark_stale(&packed, 1.0, &HinomiError::internal("down")).expect("stale frame");
        assert_eq!(
            unpack(&stale).map(|q| q.len()),
            Some(2),
            "a stale frame still unpacks"
        );
    }
}
