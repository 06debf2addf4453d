//! Ingest and query benchmark of the local log index (issue 11).
//!
//! Generates `MB` megabytes (default 256) of seed-format lines into 4 files, indexes them,
//! and reports MB/s, index size as a share of the input, and the median time of
//! `level:ERROR AND context.action:create_dataset` with its histogram over the whole range.
//!
//! `cargo run --release -p hinomi-logs-local --example ingest_bench -- [MB] [DIR]`
//! (`THREADS=n` indexing threads, `WRITER_MIB=n` writer memory; defaults: the app's).

use hinomi_core::clock::SystemClock;
use hinomi_logs::{LogQuery, LogWindow};
use hinomi_logs_local::seedgen::SeedGenerator;
use hinomi_logs_local::{IngestOptions, LocalLogs, LocalSourceConfig};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let meta = e.metadata().unwrap();
                    if meta.is_dir() {
                        dir_size(&e.path())
                    } else {
                        meta.len()
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let megabytes: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(256);
    let keep = args.next();
    let temp = tempfile::tempdir().unwrap();
    let root = keep
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| temp.path().to_path_buf());
    let logs = root.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let start_ms = 1_714_557_600_000;
    let mut input = 0u64;
    let mut first_ms = i64::MAX;
    let mut last_ms = 0;
    if dir_size(&logs) == 0 {
        let per_file = megabytes * 1024 * 1024 / 4;
        for file in 0..4u64 {
            let mut generator = SeedGenerator::new(file + 1, start_ms, 50);
            let mut out = BufWriter::new(
                std::fs::File::create(logs.join(format!("app-{file}.log"))).unwrap(),
            );
            let mut written = 0;
            while written < per_file {
                let line = generator.line();
                first_ms = first_ms.min(line.time_ms);
                last_ms = last_ms.max(line.time_ms);
                let text = line.to_json();
                out.write_all(text.as_bytes()).unwrap();
                out.write_all(b"\n").unwrap();
                written += text.len() as u64 + 1;
            }
            input += written;
        }
    } else {
        input = dir_size(&logs);
        first_ms = start_ms;
        last_ms = start_ms + 365 * 86_400_000;
    }
    let index = root.join("index");
    let _ = std::fs::remove_dir_all(&index);
    let config = LocalSourceConfig::new(vec![logs.display().to_string()]);
    let source = LocalLogs::open(
        &index,
        config,
        IngestOptions::default(),
        Arc::new(SystemClock),
    )
    .unwrap();
    let began = Instant::now();
    let report = source.refresh().unwrap();
    let took = began.elapsed().as_secs_f64();
    let mb = input as f64 / 1024.0 / 1024.0;
    let index_size = dir_size(&index);
    println!(
        "ingest: {mb:.0} MiB, {} lines in {took:.1} s = {:.1} MiB/s; index {:.0} MiB = {:.0}% of the input",
        report.lines,
        mb / took,
        index_size as f64 / 1024.0 / 1024.0,
        100.0 * index_size as f64 / input as f64
    );
    let query = LogQuery {
        query: "level:ERROR AND context.action:create_dataset".into(),
        filters: vec![],
        window: LogWindow {
            from_ms: first_ms as f64,
            to_ms: last_ms as f64,
        },
    };
    let mut times = Vec::new();
    let mut total = 0;
    for _ in 0..21 {
        let began = Instant::now();
        let page = source.search(&query, None, 200).unwrap();
        let histogram = source.histogram(&query).unwrap();
        times.push(began.elapsed().as_secs_f64() * 1000.0);
        total = page.total.value;
        assert_eq!(
            histogram.buckets.iter().map(|b| b.count).sum::<u32>(),
            total
        );
    }
    times.sort_by(f64::total_cmp);
    println!(
        "query + histogram: {total} hits, median {:.1} ms (min {:.1}, max {:.1})",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
