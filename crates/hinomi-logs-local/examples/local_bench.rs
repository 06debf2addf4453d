//! The "Local files" benchmark (docs/benchmarks.md): ingest of generated seed lines, index size,
//! the Discover query with its histogram, and the memory (PSS) of this process while indexing
//! and afterwards. `scripts/bench-local-logs.sh` runs it next to ripgrep and lnav on the same
//! files.
//!
//! `cargo run --release -p hinomi-logs-local --example local_bench -- [MIB] [DIR] [RUNS]`
//! (defaults 1024 MiB, /tmp/hinomi-local-bench, 21 query runs; `THREADS=n` indexing threads and
//! `WRITER_MIB=n` writer memory, else the app's defaults). The files are generated once into
//! `DIR/logs` (4 files, `DIR/logs.complete` marks them done; seeded, the same lines as `examples/ingest_bench.rs` makes) and reused
//! while their size matches; the index is rebuilt in `DIR/index-local-bench` every run.
//! The last line printed is a JSON summary.

use hinomi_core::clock::SystemClock;
use hinomi_logs::{LogQuery, LogWindow};
use hinomi_logs_local::seedgen::SeedGenerator;
use hinomi_logs_local::{IngestOptions, LocalLogs, LocalSourceConfig};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

// The same allocator as the app (src-tauri/src/main.rs), so the figure is the app's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const START_MS: i64 = 1_714_557_600_000;
const FILES: u64 = 4;
const QUERY: &str = "level:ERROR AND context.action:create_dataset";

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(meta) if meta.is_dir() => dir_size(&e.path()),
                    Ok(meta) => meta.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// This process's proportional set size, in bytes.
fn pss() -> u64 {
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kb| kb * 1024)
}

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    (ticks(11).unwrap_or(0.0) + ticks(12).unwrap_or(0.0)) / 100.0
}

/// Writes the files (unless they are there for this size); returns the input bytes and the
/// time of the last line.
fn generate(logs: &Path, mebibytes: u64) -> (u64, i64) {
    let per_file = mebibytes * 1024 * 1024 / FILES;
    let done = logs.with_extension("complete");
    let marker = std::fs::read_to_string(&done).unwrap_or_default();
    if let Some((size, last_ms)) = marker.split_once(' ')
        && size == mebibytes.to_string()
        && let Ok(last_ms) = last_ms.parse()
    {
        return (dir_size(logs), last_ms);
    }
    let _ = std::fs::remove_dir_all(logs);
    std::fs::create_dir_all(logs).unwrap();
    let began = Instant::now();
    let mut input = 0;
    let mut last_ms = START_MS;
    for file in 0..FILES {
        let mut generator = SeedGenerator::new(file + 1, START_MS, 50);
        let path = logs.join(format!("app-{file}.log"));
        let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
        let mut written = 0;
        while written < per_file {
            let line = generator.line();
            last_ms = last_ms.max(line.time_ms);
            let text = line.to_json();
            out.write_all(text.as_bytes()).unwrap();
            out.write_all(b"\n").unwrap();
            written += text.len() as u64 + 1;
        }
        out.flush().unwrap();
        input += written;
    }
    std::fs::write(&done, format!("{mebibytes} {last_ms}")).unwrap();
    eprintln!(
        "generated {:.0} MB in {:.1} s",
        input as f64 / 1e6,
        began.elapsed().as_secs_f64()
    );
    (input, last_ms)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mebibytes: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1024);
    let root = args
        .next()
        .unwrap_or_else(|| "/tmp/hinomi-local-bench".into());
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(21);
    let root = Path::new(&root);
    let logs = root.join("logs");
    let (input, last_ms) = generate(&logs, mebibytes);
    let index = root.join("index-local-bench");
    let _ = std::fs::remove_dir_all(&index);

    let mut options = IngestOptions::default();
    if let Some(threads) = std::env::var("THREADS").ok().and_then(|v| v.parse().ok()) {
        options.writer_threads = threads;
    }
    if let Some(mib) = std::env::var("WRITER_MIB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        options.writer_memory_bytes = mib * 1024 * 1024;
    }
    eprintln!(
        "writer: {} threads, {} MiB",
        options.writer_threads,
        options.writer_memory_bytes >> 20
    );
    let pss_before = pss();
    let config = LocalSourceConfig::new(vec![logs.display().to_string()]);
    let source = LocalLogs::open(&index, config, options, Arc::new(SystemClock)).unwrap();

    // PSS sampled every 250 ms while indexing.
    let indexing = Arc::new(AtomicBool::new(true));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (indexing, peak) = (Arc::clone(&indexing), Arc::clone(&peak));
        std::thread::spawn(move || {
            while indexing.load(Ordering::Relaxed) {
                peak.fetch_max(pss(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };
    let cpu_before = cpu_seconds();
    let began = Instant::now();
    let report = source.refresh().unwrap();
    let ingest_s = began.elapsed().as_secs_f64();
    let ingest_cpu = cpu_seconds() - cpu_before;
    indexing.store(false, Ordering::Relaxed);
    sampler.join().unwrap();
    let index_bytes = dir_size(&index);
    println!(
        "ingest: {:.1} MB ({} lines) in {ingest_s:.1} s = {:.1} MB/s ({:.1} MiB/s), {ingest_cpu:.1} CPU-s; \
         index {:.1} MB = {:.1}% of the input",
        input as f64 / 1e6,
        report.lines,
        input as f64 / 1e6 / ingest_s,
        input as f64 / 1048576.0 / ingest_s,
        index_bytes as f64 / 1e6,
        100.0 * index_bytes as f64 / input as f64,
    );
    // The writer keeps merging segments after the pass; "afterwards" is once this process has
    // been idle (under 5% of a core) for a second, so index size and queries see the merged
    // index, not the middle of a merge.
    let settling = Instant::now();
    loop {
        let cpu = cpu_seconds();
        std::thread::sleep(Duration::from_secs(1));
        if cpu_seconds() - cpu < 0.05 || settling.elapsed() > Duration::from_secs(300) {
            break;
        }
    }
    let settle_s = settling.elapsed().as_secs_f64();
    let merge_cpu = cpu_seconds() - cpu_before - ingest_cpu;
    let settled_bytes = dir_size(&index);
    let pss_after_ingest = pss();
    println!(
        "merges settled {settle_s:.0} s after the pass ({merge_cpu:.1} CPU-s more): index {:.1} MB = {:.1}% of the input",
        settled_bytes as f64 / 1e6,
        100.0 * settled_bytes as f64 / input as f64,
    );

    let query = LogQuery {
        query: QUERY.into(),
        filters: vec![],
        window: LogWindow {
            from_ms: START_MS as f64,
            to_ms: (last_ms + 1000) as f64,
        },
    };
    let mut times = Vec::new();
    let mut hits = 0;
    for run in 0..runs + 2 {
        let began = Instant::now();
        let page = source.search(&query, None, 200).unwrap();
        let histogram = source.histogram(&query).unwrap();
        let took = began.elapsed().as_secs_f64() * 1000.0;
        hits = page.total.value;
        assert_eq!(histogram.buckets.iter().map(|b| b.count).sum::<u32>(), hits);
        // The first two warm the page cache and the searcher.
        if run >= 2 {
            times.push(took);
        }
    }
    let query_ms = median(times.clone());
    let pss_after_queries = pss();
    println!(
        "query + histogram ({QUERY}): {hits} hits, median {query_ms:.1} ms of {runs} (min {:.1}, max {:.1})",
        times.iter().copied().fold(f64::MAX, f64::min),
        times.iter().copied().fold(0.0, f64::max),
    );
    let mib = |bytes: u64| bytes as f64 / 1048576.0;
    println!(
        "PSS: {:.0} MiB before, peak {:.0} MiB while indexing, {:.0} MiB after the pass, {:.0} MiB after the queries",
        mib(pss_before),
        mib(peak.load(Ordering::Relaxed)),
        mib(pss_after_ingest),
        mib(pss_after_queries)
    );
    println!(
        "{}",
        serde_json::json!({
            "input_bytes": input,
            "lines": report.lines,
            "ingest_s": ingest_s,
            "ingest_cpu_s": ingest_cpu,
            "mb_per_s": input as f64 / 1e6 / ingest_s,
            "index_bytes": index_bytes,
            "index_share": index_bytes as f64 / input as f64,
            "settle_s": settle_s,
            "merge_cpu_s": merge_cpu,
            "settled_index_bytes": settled_bytes,
            "settled_index_share": settled_bytes as f64 / input as f64,
            "hits": hits,
            "query_median_ms": query_ms,
            "pss_peak_mib": mib(peak.load(Ordering::Relaxed)),
            "pss_after_ingest_mib": mib(pss_after_ingest),
            "pss_after_queries_mib": mib(pss_after_queries),
        })
    );
}
