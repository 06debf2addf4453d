//! A Prometheus backfilled with synthetic series, for benchmarks of big range queries.
//!
//! Issue 4's benchmark is one range query over 1,000 series × 1,440 points. The demo stack
//! cannot produce that (it scrapes a few dozen series as time goes by), so this writes the
//! points as OpenMetrics text, turns them into TSDB blocks with `promtool tsdb
//! create-blocks-from openmetrics` (Debian's `prometheus` package), starts a Prometheus of its
//! own on a free loopback port over those blocks, and waits until every series answers. The
//! Rust benchmark (`range_overhead`) and the app benchmark (`hinomi-demo backfill`, driven by
//! `tests/e2e/bench/big-query.mjs`) use the same data.

use crate::error::StackError;
use serde::Serialize;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// The metric every backfilled series belongs to (`bench_metric{series="0001",job="bench"}`).
pub const BENCH_METRIC: &str = "bench_metric";

/// What to backfill: `series` series of `points` points `step_secs` apart, the last at
/// `end_secs` (seconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Backfill {
    pub series: usize,
    pub points: usize,
    pub step_secs: i64,
    pub end_secs: i64,
}

impl Backfill {
    /// Issue 4's benchmark: 1,000 series × 1,440 points a minute apart (one day).
    pub fn benchmark(now_secs: i64) -> Self {
        Self::ending_before(1_000, 1_440, 60, now_secs)
    }

    /// `series` × `points` ending on a whole hour at least 3 h before `now_secs`: promtool cuts
    /// blocks on 2 h boundaries and Prometheus will not load a block that overlaps its head.
    pub fn ending_before(series: usize, points: usize, step_secs: i64, now_secs: i64) -> Self {
        Self {
            series,
            points,
            step_secs,
            end_secs: (now_secs / 3600 - 3) * 3600,
        }
    }

    /// The first point's time.
    pub fn start_secs(&self) -> i64 {
        self.end_secs - self.step_secs * (self.points as i64 - 1).max(0)
    }

    /// The value of series `series` at point `point`: a wave per series with a spike now and
    /// then, so charts look like data and M4 has something to keep.
    pub fn value(series: usize, point: usize) -> f64 {
        100.0
            + 50.0 * ((point as f64 / 60.0) + series as f64).sin()
            + if point % 97 == series % 97 {
                400.0
            } else {
                0.0
            }
    }

    /// The points as OpenMetrics text, series by series (what promtool reads).
    pub fn write_openmetrics(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(
            out,
            "# HELP {BENCH_METRIC} Synthetic series for the range-query benchmark."
        )?;
        writeln!(out, "# TYPE {BENCH_METRIC} gauge")?;
        let start = self.start_secs();
        for s in 0..self.series {
            for p in 0..self.points {
                let t = start + p as i64 * self.step_secs;
                let v = Self::value(s, p);
                writeln!(
                    out,
                    "{BENCH_METRIC}{{series=\"{s:04}\",job=\"bench\"}} {v:.3} {t}"
                )?;
            }
        }
        writeln!(out, "# EOF")
    }
}

/// A running Prometheus serving a [`Backfill`]; stopped (SIGKILL) when dropped, and by the
/// kernel if this process dies first.
pub struct BackfilledPrometheus {
    url: String,
    backfill: Backfill,
    _child: Child,
}

impl BackfilledPrometheus {
    /// Backfills into `dir` (which must exist and outlive the server), starts Prometheus and
    /// waits until all of `backfill.series` answer, for at most `timeout`.
    pub async fn start(
        backfill: Backfill,
        dir: &Path,
        timeout: Duration,
    ) -> Result<Self, StackError> {
        let om = dir.join("backfill.om");
        let file = std::fs::File::create(&om)
            .map_err(|e| StackError::io(format!("creating {}", om.display()), e))?;
        let mut out = BufWriter::new(file);
        backfill
            .write_openmetrics(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| StackError::io(format!("writing {}", om.display()), e))?;
        drop(out);
        let tsdb = dir.join("tsdb");
        let promtool = Command::new("promtool")
            .args(["tsdb", "create-blocks-from", "openmetrics"])
            .arg(&om)
            .arg(&tsdb)
            .stdout(Stdio::null())
            .output()
            .await
            .map_err(|e| StackError::io("running promtool (Debian package prometheus)", e))?;
        if !promtool.status.success() {
            return Err(StackError::Backfill(format!(
                "promtool failed: {}",
                String::from_utf8_lossy(&promtool.stderr)
            )));
        }
        // The text is ten times the blocks' size; only the blocks are needed from here on.
        let _ = std::fs::remove_file(&om);

        let port = crate::free_port().map_err(|e| StackError::io("finding a free port", e))?;
        let config = dir.join("prometheus.yml");
        std::fs::write(&config, "global:\n  scrape_interval: 1h\n")
            .map_err(|e| StackError::io(format!("writing {}", config.display()), e))?;
        let mut command = Command::new("prometheus");
        command
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", tsdb.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--storage.tsdb.retention.time=3650d")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        crate::launcher::die_with_supervisor(&mut command);
        let child = command
            .spawn()
            .map_err(|e| StackError::io("starting prometheus", e))?;
        let server = Self {
            url: format!("http://127.0.0.1:{port}"),
            backfill,
            _child: child,
        };
        server.wait_until_served(timeout).await?;
        Ok(server)
    }

    /// Where the Prometheus listens (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn backfill(&self) -> Backfill {
        self.backfill
    }

    /// Polls `count(bench_metric)` at the last point until it is the number of series.
    async fn wait_until_served(&self, timeout: Duration) -> Result<(), StackError> {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + timeout;
        let mut last = String::from("no answer yet");
        while Instant::now() < deadline {
            let answer = http
                .get(format!("{}/api/v1/query", self.url))
                .query(&[
                    ("query", format!("count({BENCH_METRIC})")),
                    ("time", self.backfill.end_secs.to_string()),
                ])
                .send()
                .await;
            match answer {
                Ok(response) => {
                    let text = response.text().await.unwrap_or_default();
                    if served_count(&text) == Some(self.backfill.series) {
                        return Ok(());
                    }
                    last = text.chars().take(300).collect();
                }
                Err(err) => last = err.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(StackError::Backfill(format!(
            "the backfilled series did not appear within {timeout:?} (last answer: {last})"
        )))
    }
}

/// The number in an instant `count(...)` answer, if it is one.
fn served_count(answer: &str) -> Option<usize> {
    let json: serde_json::Value = serde_json::from_str(answer).ok()?;
    json["data"]["result"][0]["value"][1].as_str()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_on_a_whole_hour_three_hours_back() {
        let b = Backfill::ending_before(2, 3, 60, 1_700_003_599);
        assert_eq!(b.end_secs % 3600, 0);
        assert_eq!(b.end_secs, (1_700_003_599 / 3600 - 3) * 3600);
        assert_eq!(b.start_secs(), b.end_secs - 120);
        assert_eq!(Backfill::benchmark(1_700_000_000).series, 1_000);
    }

    #[test]
    fn writes_every_point_of_every_series() {
        let b = Backfill::ending_before(2, 3, 60, 1_700_000_000);
        let mut out = Vec::new();
        b.write_openmetrics(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let samples: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(samples.len(), 6);
        assert_eq!(
            samples[0],
            format!(
                "bench_metric{{series=\"0000\",job=\"bench\"}} {:.3} {}",
                Backfill::value(0, 0),
                b.start_secs()
            )
        );
        assert!(samples[5].starts_with("bench_metric{series=\"0001\""));
        assert!(samples[5].ends_with(&format!(" {}", b.end_secs)));
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn reads_the_count_from_an_instant_answer() {
        let answer = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"3"]}]}}"#;
        assert_eq!(served_count(answer), Some(3));
        assert_eq!(
            served_count(r#"{"status":"success","data":{"result":[]}}"#),
            None
        );
    }
}
