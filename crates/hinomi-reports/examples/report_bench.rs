//! Benchmark: exporting a P0 report with 20 metric snapshots (10 series × 720 points each) as
//! Markdown, HTML and PDF — the goal is under a second on the development machine.
//!
//! `cargo run --release -p hinomi-reports --example report_bench [runs]`
//!
//! Prints the median of `runs` (default 9) for each format, and for two baselines measured in
//! the same run on the same evidence: serialising it with serde_json, and writing that JSON to
//! disk. Loading from the store (SQLite) is measured too, since an export starts with it.

use chrono::{DateTime, Duration, Utc};
use hinomi_core::clock::FakeClock;
use hinomi_incidents::{
    EvidenceData, IncidentStore, MetricSeries, MetricSnapshot, NewIncident, Severity, TimeRange,
};
use hinomi_reports::{ReportFormat, ReportLanguage, render};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

const SNAPSHOTS: usize = 20;
const SERIES: usize = 10;
const POINTS: usize = 720;

fn median_ms(runs: usize, mut work: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn snapshot(index: usize, start: DateTime<Utc>) -> MetricSnapshot {
    let t0 = start.timestamp() as f64;
    MetricSnapshot {
        annotations: Vec::new(),
        title: format!("パネル {index}: 5xx rate"),
        query: format!(
            "sum by (instance) (rate(http_requests_total{{code=~\"5..\",panel=\"{index}\"}}[5m]))"
        ),
        datasource: "demo-prometheus".into(),
        range: TimeRange {
            start,
            end: start + Duration::hours(6),
            step_seconds: Some(30.0),
        },
        unit: Some("reqps".into()),
        series: (0..SERIES)
            .map(|s| {
                let samples: Vec<(f64, f64)> = (0..POINTS)
                    .map(|p| {
                        let x = p as f64;
                        (
                            t0 + x * 30.0,
                            1.0 + s as f64 + (x / 40.0 + index as f64).sin(),
                        )
                    })
                    .collect();
                MetricSeries::from_samples(
                    BTreeMap::from([("instance".to_string(), format!("api-{s}:8080"))]),
                    &samples,
                )
            })
            .collect(),
    }
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(9);
    let dir = tempfile::tempdir().expect("temp dir");
    let start = DateTime::parse_from_rfc3339("2026-11-24T03:00:00Z")
        .unwrap()
        .to_utc();
    let store = IncidentStore::open(
        &dir.path().join("incidents.sqlite"),
        Arc::new(FakeClock::at(start)),
    )
    .expect("store");
    let incident = store
        .create_incident(NewIncident {
            title: "決済API ダウン / Payment API down".into(),
            description: String::new(),
            severity: Severity::P0,
            commander: Some("山田".into()),
            assignees: vec!["佐藤".into()],
            labels: BTreeMap::new(),
            actor: Some("山田".into()),
        })
        .expect("incident");
    for index in 0..SNAPSHOTS {
        store
            .pin_evidence(
                &incident.id,
                EvidenceData::Metric(snapshot(index, start)),
                Some("山田"),
            )
            .expect("pin");
    }

    let load_ms = median_ms(runs, || {
        hinomi_reports::load::load(&store, &incident.id).expect("load");
    });
    let input = hinomi_reports::load::load(&store, &incident.id).expect("load");
    let evidence: Vec<&EvidenceData> = input.evidence.iter().map(|e| &e.data).collect();
    let json = serde_json::to_vec(&evidence).expect("json");
    let json_ms = median_ms(runs, || {
        std::hint::black_box(serde_json::to_vec(&evidence).expect("json"));
    });
    let out = dir.path().join("evidence.json");
    let write_ms = median_ms(runs, || std::fs::write(&out, &json).expect("write"));

    println!(
        "P0 report, {SNAPSHOTS} metric snapshots × {SERIES} series × {POINTS} points, median of {runs} runs"
    );
    println!(
        "{:<28} {:>10} {:>12} {:>14}",
        "step", "median ms", "size", "× serde_json"
    );
    println!(
        "{:<28} {load_ms:>10.1} {:>12} {:>14.2}",
        "load from store",
        "",
        load_ms / json_ms
    );
    println!(
        "{:<28} {json_ms:>10.1} {:>12} {:>14.2}",
        "baseline: serde_json",
        json.len(),
        1.0
    );
    println!(
        "{:<28} {write_ms:>10.1} {:>12} {:>14.2}",
        "baseline: write JSON",
        json.len(),
        write_ms / json_ms
    );
    let mut all_formats_ms = load_ms;
    for format in [
        ReportFormat::Markdown,
        ReportFormat::Html,
        ReportFormat::Pdf,
    ] {
        let mut size = 0;
        let ms = median_ms(runs, || {
            size = render(&input, format, ReportLanguage::Ja)
                .expect("render")
                .len();
        });
        all_formats_ms += ms;
        println!(
            "{:<28} {ms:>10.1} {size:>12} {:>14.2}",
            format!("render {format:?}"),
            ms / json_ms
        );
    }
    println!(
        "{:<28} {all_formats_ms:>10.1} {:>12} {:>14.2}",
        "load + all three formats",
        "",
        all_formats_ms / json_ms
    );
}
