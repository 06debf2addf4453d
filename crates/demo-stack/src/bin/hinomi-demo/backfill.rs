//! `hinomi-demo backfill`: a Prometheus backfilled with synthetic series, for benchmarks.
//!
//! Prints one JSON line (`url`, `metric`, the [`Backfill`] and its `start_secs`) once every
//! series answers, then serves until SIGINT or SIGTERM.

use crate::BackfillArgs;
use anyhow::Context;
use hinomi_demo_stack::backfill::{BENCH_METRIC, Backfill, BackfilledPrometheus};
use std::io::Write;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

pub async fn run(args: BackfillArgs) -> anyhow::Result<()> {
    let mut interrupt = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
    let mut terminate =
        signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let backfill = Backfill::ending_before(
        args.series,
        args.points,
        i64::try_from(args.step.as_secs()).context("step")?.max(1),
        chrono::Utc::now().timestamp(),
    );
    eprintln!(
        "backfilling {} series x {} points into {} ...",
        backfill.series,
        backfill.points,
        args.dir.display()
    );
    let server = tokio::select! {
        started = BackfilledPrometheus::start(backfill, &args.dir, Duration::from_secs(300)) => started?,
        _ = interrupt.recv() => anyhow::bail!("interrupted while starting"),
        _ = terminate.recv() => anyhow::bail!("terminated while starting"),
    };
    let line = serde_json::json!({
        "url": server.url(),
        "metric": BENCH_METRIC,
        "series": backfill.series,
        "points": backfill.points,
        "step_secs": backfill.step_secs,
        "start_secs": backfill.start_secs(),
        "end_secs": backfill.end_secs,
    });
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{line}")?;
    stdout.flush()?;
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
    drop(server);
    Ok(())
}
