//! What one poll costs with 10,000 alerts in 50 groups, from one Alertmanager and from an HA
//! pair (20,000 answers to deduplicate), along the path the shell takes: the poller's merge (dedupe), diff and history write, building the
//! board, and a notification tick. 1% of the alerts change each poll. Run with
//! `cargo run --release -p hinomi-alerts --example poll_cost` (`POLLS=30` for more); the budget
//! is well under 50 ms per poll.

use chrono::{TimeZone, Utc};
use hinomi_alerts::board::{BoardOptions, Filter, Grouping, build_board};
use hinomi_alerts::history::AlertHistory;
use hinomi_alerts::notify::{NotificationPlanner, NotificationSettings};
use hinomi_alerts::poller::{AlertPoller, SourceResult};
use hinomi_alerts::{Alert, AlertState, LabelSet, SourceKind, SourceRef};
use hinomi_core::clock::SystemClock;
use std::sync::Arc;
use std::time::Instant;

fn alerts(source: &str, generation: usize) -> Vec<Alert> {
    let severities = ["critical", "warning", "info", "none", "page"];
    (0..10_000)
        .map(|i| {
            let labels: LabelSet = [
                ("alertname", format!("Alert{:02}", i % 10)),
                ("severity", severities[(i / 10) % 5].to_owned()),
                ("instance", format!("host-{i}:9100")),
                ("job", "node-exporter".to_owned()),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
            let mut alert = Alert::new(
                labels,
                AlertState::Firing,
                SourceRef::new(source, SourceKind::Alertmanager),
            );
            alert.active_since = Utc.timestamp_opt(1_700_000_000 + i as i64, 0).single();
            // Each generation rewords 1% of the alerts, so the diff has work to do.
            let summary = if i % 100 == 0 { generation } else { 0 };
            alert
                .annotations
                .insert("summary".into(), format!("ディスクの空き容量 {summary}"));
            alert
        })
        .collect()
}

/// Milliseconds since `from`.
fn ms(from: Instant) -> f64 {
    from.elapsed().as_secs_f64() * 1000.0
}

/// Median and worst of the polls after the first (which writes 10,000 new history rows).
fn run(sources: &[&str], board_options: BoardOptions, polls: usize) -> (f64, f64) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let history = AlertHistory::open(&dir.path().join("alerts.sqlite")).expect("history");
    let mut poller =
        AlertPoller::new(Vec::new(), history, Arc::new(SystemClock)).expect("a poller");
    let mut planner =
        NotificationPlanner::new(&NotificationSettings::default(), Arc::new(SystemClock))
            .expect("default settings are valid");
    let mut totals = Vec::new();
    for generation in 0..polls {
        // Decoding the answers is the clients' cost, not measured here.
        let answers = sources
            .iter()
            .map(|id| SourceResult {
                source: SourceRef::new(*id, SourceKind::Alertmanager),
                result: Ok(alerts(id, generation)),
            })
            .collect();
        let started = Instant::now();
        let outcome = poller.apply(answers);
        let apply = ms(started);
        let step = Instant::now();
        let board = build_board(
            poller.snapshot().alerts(),
            &Grouping::default(),
            &Filter::all(),
            board_options,
        );
        let group = ms(step);
        let step = Instant::now();
        let tick = planner.tick(poller.snapshot().alerts(), &outcome.sources);
        let notify = ms(step);
        let total = ms(started);
        assert_eq!(board.groups.len(), 50);
        assert!(outcome.history_error.is_none());
        println!(
            "poll {generation:2}: {total:6.2} ms = merge+diff+history {apply:5.2} + board \
             {group:5.2} + notify {notify:5.2} ({} alerts, {} changes, {} notifications)",
            poller.snapshot().len(),
            outcome.changes.len(),
            tick.deliver.len()
        );
        if generation > 0 {
            totals.push(total);
        }
    }
    totals.sort_by(f64::total_cmp);
    (totals[totals.len() / 2], totals[totals.len() - 1])
}

fn main() {
    let polls = std::env::var("POLLS")
        .ok()
        .and_then(|polls| polls.parse().ok())
        .unwrap_or(10_usize)
        .max(2);
    let first_100 = BoardOptions {
        alerts_per_group: Some(100),
    };
    let mut results = Vec::new();
    for (what, sources) in [
        ("one Alertmanager", &["am-1"][..]),
        (
            "an HA pair, both reporting all 10,000",
            &["am-1", "am-2"][..],
        ),
    ] {
        for (board, options) in [
            ("first 100 of each group", first_100),
            ("every alert", BoardOptions::default()),
        ] {
            println!("{what}, board with {board}:");
            let (median, worst) = run(sources, options, polls);
            results.push(format!(
                "{what}, {board}: median {median:.2} ms, worst {worst:.2} ms"
            ));
        }
    }
    println!("\nafter the first poll (which writes 10,000 new history rows):");
    for line in results {
        println!("  {line}");
    }
}
