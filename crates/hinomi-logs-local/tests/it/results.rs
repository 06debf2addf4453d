//! Result sets and export of the local source, as the shell serves them to Discover: the rows
//! the table scrolls to are the query's hits in order, each once, and the export file holds
//! exactly the matching lines.

use crate::support::*;
use hinomi_logs::{CancellationToken, ExportFormat};
use hinomi_logs_local::LocalResults;
use std::collections::HashSet;
use std::sync::Arc;

fn loaded(
    n: usize,
) -> (
    Fixture,
    Arc<hinomi_logs_local::LocalLogs>,
    Vec<hinomi_logs_local::seedgen::SeedLine>,
) {
    let fixture = Fixture::new();
    let lines = generate(7, n);
    write_lines(&fixture.logs().join("app.log"), &lines);
    let source = Arc::new(fixture.open());
    source.refresh().unwrap();
    (fixture, source, lines)
}

#[test]
fn scrolling_a_result_set_reaches_every_hit_once_newest_first() {
    let (_fixture, source, lines) = loaded(5_000);
    let results = LocalResults::default();
    let q = query("");
    let first = results.search(&source, &q).unwrap();
    assert!(LocalResults::owns(&first.result_id));
    assert_eq!(first.total.value, 5_000);
    assert!(first.total.exact);
    assert_eq!(first.row_count, 5_000);
    assert!(!first.capped);
    let bucketed: u32 = first.histogram.buckets.iter().map(|b| b.count).sum();
    assert_eq!(bucketed, 5_000);

    let mut seen = Vec::new();
    let mut offset = 0;
    while offset < 5_000 {
        let rows = results.rows(&first.result_id, offset, 700).unwrap();
        assert_eq!(rows.offset, offset);
        assert!(!rows.rows.is_empty());
        offset += rows.rows.len() as u32;
        seen.extend(rows.rows);
    }
    assert_eq!(seen.len(), lines.len());
    let ids: HashSet<_> = seen.iter().map(|hit| hit.id.clone()).collect();
    assert_eq!(ids.len(), lines.len(), "no row twice");
    assert!(
        seen.windows(2).all(|w| w[0].time_ms >= w[1].time_ms),
        "newest first"
    );
    assert_eq!(&seen[..first.first_rows.len()], &first.first_rows[..]);

    // Past the end: what is there, no error.
    assert!(
        results
            .rows(&first.result_id, 4_990, 100)
            .unwrap()
            .rows
            .len()
            == 10
    );
    results.close(&first.result_id);
    assert!(results.rows(&first.result_id, 0, 10).is_err());
}

#[test]
fn a_query_error_reaches_the_caller() {
    let (_fixture, source, _) = loaded(10);
    let err = LocalResults::default()
        .search(&source, &query("level:(ERROR"))
        .err()
        .unwrap();
    assert!(err.to_string().contains("Cannot parse"), "{err}");
}

#[test]
fn export_writes_exactly_the_matching_lines() {
    let (fixture, source, lines) = loaded(12_000);
    let errors = lines.iter().filter(|l| l.level == "ERROR").count();
    assert!(errors > 0);
    let ndjson = fixture.logs().join("../errors.ndjson");
    let mut updates = 0;
    let done = hinomi_logs_local::results::export(
        &source,
        &query("level:ERROR"),
        ExportFormat::Ndjson,
        &[],
        &ndjson,
        &CancellationToken::new(),
        |_| updates += 1,
    )
    .unwrap();
    assert!(done.done);
    assert_eq!(done.written as usize, errors);
    assert_eq!(done.total as usize, errors);
    assert!(updates >= 1);
    let text = std::fs::read_to_string(&ndjson).unwrap();
    assert_eq!(text.lines().count(), errors);
    for line in text.lines() {
        let doc: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(doc["level"], "ERROR", "{line}");
    }

    let csv = fixture.logs().join("../all.csv");
    let done = hinomi_logs_local::results::export(
        &source,
        &query(""),
        ExportFormat::Csv,
        &["level".into(), "context.request_id".into()],
        &csv,
        &CancellationToken::new(),
        |_| {},
    )
    .unwrap();
    assert_eq!(done.written as usize, lines.len());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().next(), Some("level,context.request_id"));
    assert_eq!(text.lines().count(), lines.len() + 1);

    let cancel = CancellationToken::new();
    cancel.cancel();
    let cancelled = fixture.logs().join("../cancelled.ndjson");
    assert!(
        hinomi_logs_local::results::export(
            &source,
            &query(""),
            ExportFormat::Ndjson,
            &[],
            &cancelled,
            &cancel,
            |_| {},
        )
        .is_err()
    );
    assert!(
        !cancelled.exists(),
        "nothing under the name of a cancelled export"
    );
}
