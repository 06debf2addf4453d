//! Grouping, ordering and limiting the board, up to 10,000 alerts from an HA pair.

use super::*;
use crate::alert::tests::labels;
use crate::alert::{SourceKind, SourceRef};
use crate::ingest::Snapshot;
use chrono::TimeZone;

fn alert(pairs: &[(&str, &str)], started_minute: Option<u32>) -> Alert {
    let mut alert = Alert::new(
        labels(pairs),
        AlertState::Firing,
        SourceRef::new("am", SourceKind::Alertmanager),
    );
    alert.active_since =
        started_minute.map(|minute| Utc.with_ymd_and_hms(2026, 3, 21, 9, minute, 0).unwrap());
    alert
}

#[test]
fn groups_by_alertname_and_severity_worst_then_oldest_first() {
    let alerts = vec![
        alert(
            &[
                ("alertname", "HighLatency"),
                ("severity", "warning"),
                ("instance", "a"),
            ],
            Some(1),
        ),
        alert(
            &[
                ("alertname", "HighLatency"),
                ("severity", "warning"),
                ("instance", "b"),
            ],
            Some(0),
        ),
        alert(&[("alertname", "Watchdog"), ("severity", "none")], Some(0)),
        alert(
            &[("alertname", "HighErrorRate"), ("severity", "critical")],
            Some(30),
        ),
        alert(
            &[
                ("alertname", "TargetDown"),
                ("severity", "critical"),
                ("job", "x"),
            ],
            Some(10),
        ),
        alert(&[("alertname", "Notice"), ("severity", "info")], None),
        alert(
            &[
                ("alertname", "TargetDown"),
                ("severity", "critical"),
                ("job", "y"),
            ],
            Some(20),
        ),
    ];
    let board = build_board(
        &alerts,
        &Grouping::default(),
        &Filter::all(),
        BoardOptions::default(),
    );
    let order: Vec<(&str, usize)> = board
        .groups
        .iter()
        .map(|g| (g.labels["alertname"].as_str(), g.alerts.len()))
        .collect();
    assert_eq!(
        order,
        [
            ("TargetDown", 2),
            ("HighErrorRate", 1),
            ("HighLatency", 2),
            ("Notice", 1),
            ("Watchdog", 1)
        ]
    );
    let target_down = &board.groups[0];
    assert_eq!(
        target_down.key,
        r#"{alertname="TargetDown", severity="critical"}"#
    );
    assert_eq!(target_down.worst_severity, Severity::Critical);
    assert_eq!(target_down.counts.firing, 2);
    assert_eq!(target_down.alerts[0].label("job"), "x", "older first");
    let latency = &board.groups[2];
    assert_eq!(latency.alerts[0].label("instance"), "b");
    assert_eq!(latency.oldest_since, latency.alerts[0].active_since);
    assert_eq!(board.total_alerts, 7);
    assert_eq!(board.shown_alerts, 7);
}

#[test]
fn a_filter_hides_alerts_and_empty_groups() {
    let alerts = vec![
        alert(
            &[("alertname", "HighLatency"), ("severity", "warning")],
            Some(1),
        ),
        alert(
            &[("alertname", "HighErrorRate"), ("severity", "critical")],
            Some(0),
        ),
    ];
    let filter = Filter::parse(r#"severity="critical""#).unwrap();
    let board = build_board(
        &alerts,
        &Grouping::default(),
        &filter,
        BoardOptions::default(),
    );
    assert_eq!(board.groups.len(), 1);
    assert_eq!(board.total_alerts, 2);
    assert_eq!(board.shown_alerts, 1);
}

#[test]
fn worst_severity_of_a_mixed_group_decides_its_place() {
    let by_name = Grouping::Labels(GroupBy::Labels(vec!["alertname".into()]));
    let alerts = vec![
        alert(&[("alertname", "A"), ("severity", "info")], Some(0)),
        alert(&[("alertname", "B"), ("severity", "warning")], Some(5)),
        alert(&[("alertname", "B"), ("severity", "info")], Some(1)),
        alert(&[("alertname", "A"), ("severity", "critical")], Some(9)),
    ];
    let board = build_board(&alerts, &by_name, &Filter::all(), BoardOptions::default());
    assert_eq!(board.groups[0].labels["alertname"], "A");
    assert_eq!(board.groups[0].worst_severity, Severity::Critical);
    assert_eq!(board.groups[0].alerts[0].severity, Severity::Critical);
}

#[test]
fn grouping_by_route_keeps_routes_apart() {
    let tree = RouteTree::from_yaml(
        r#"
route:
  receiver: team
  group_by: [alertname]
  routes:
    - matchers: [alertname="Watchdog"]
      receiver: watchdog
    - matchers: [team="db"]
      receiver: db
      group_by: [team]
receivers: [{name: team}, {name: watchdog}, {name: db}]
"#,
    )
    .unwrap();
    let alerts = vec![
        alert(&[("alertname", "Watchdog")], Some(0)),
        alert(&[("alertname", "DiskFull"), ("team", "db")], Some(0)),
        alert(&[("alertname", "Replication"), ("team", "db")], Some(0)),
        alert(&[("alertname", "DiskFull")], Some(0)),
    ];
    let board = build_board(
        &alerts,
        &Grouping::Route(Arc::new(tree)),
        &Filter::all(),
        BoardOptions::default(),
    );
    let mut groups: Vec<(Option<&str>, &str, usize)> = board
        .groups
        .iter()
        .map(|g| (g.receiver.as_deref(), g.key.as_str(), g.alerts.len()))
        .collect();
    groups.sort();
    assert_eq!(
        groups,
        [
            (Some("db"), r#"root.1:{team="db"}"#, 2),
            (Some("team"), r#"root:{alertname="DiskFull"}"#, 1),
            (Some("watchdog"), r#"root.0:{alertname="Watchdog"}"#, 1),
        ]
    );
}

#[test]
fn a_limited_board_keeps_counts_and_the_worst_oldest_alerts() {
    let alerts: Vec<Alert> = (0..10)
        .map(|i| {
            alert(
                &[("alertname", "A"), ("instance", &i.to_string())],
                Some(10 - i),
            )
        })
        .collect();
    let limited = BoardOptions {
        alerts_per_group: Some(3),
    };
    let board = build_board(&alerts, &Grouping::default(), &Filter::all(), limited);
    let group = &board.groups[0];
    assert_eq!(group.alert_count, 10);
    assert_eq!(group.counts.firing, 10);
    let instances: Vec<&str> = group.alerts.iter().map(|a| a.label("instance")).collect();
    assert_eq!(instances, ["9", "8", "7"], "oldest first");
}

/// Not timed (a debug build on a busy machine says nothing); checks the large case is right.
#[test]
fn ten_thousand_alerts_from_an_ha_pair_make_fifty_groups() {
    // Five distinct severity values (`page` is unknown to Hinomi but still a group label).
    let severities = ["critical", "warning", "info", "none", "page"];
    let alert_at = |i: usize, source: &str| {
        let name = format!("Alert{:02}", i % 10);
        let instance = format!("host-{i}");
        let mut alert = Alert::new(
            labels(&[
                ("alertname", &name),
                ("severity", severities[(i / 10) % 5]),
                ("instance", &instance),
            ]),
            AlertState::Firing,
            SourceRef::new(source, SourceKind::Alertmanager),
        );
        alert.active_since = Some(Utc.timestamp_opt(1_700_000_000 + i as i64, 0).unwrap());
        alert
    };
    // Both Alertmanagers of the pair report all 10,000, in different orders.
    let first: Vec<Alert> = (0..10_000).map(|i| alert_at(i, "am-1")).collect();
    let second: Vec<Alert> = (0..10_000).rev().map(|i| alert_at(i, "am-2")).collect();
    let snapshot = Snapshot::merge([first, second]);
    assert_eq!(snapshot.len(), 10_000);
    assert!(snapshot.alerts().iter().all(|a| a.sources.len() == 2));

    let board = build_board(
        snapshot.alerts(),
        &Grouping::default(),
        &Filter::all(),
        BoardOptions::default(),
    );
    assert_eq!(board.groups.len(), 50);
    assert!(board.groups.iter().all(|g| g.alerts.len() == 200));
    assert!(board.groups.iter().all(|g| {
        g.alerts.iter().all(|a| {
            a.alertname() == g.labels["alertname"] && a.label("severity") == g.labels["severity"]
        })
    }));
    assert!(
        board
            .groups
            .windows(2)
            .all(|w| w[0].worst_severity >= w[1].worst_severity)
    );
    assert_eq!(board.groups[0].worst_severity, Severity::Critical);
    assert!(board.groups.iter().all(|g| g.alert_count == 200));
    // Within a group, oldest first.
    assert!(
        board.groups[0]
            .alerts
            .windows(2)
            .all(|w| w[0].active_since <= w[1].active_since)
    );
}

#[test]
fn state_toggles_narrow_the_typed_filter() {
    let mut firing = alert(&[("alertname", "A")], Some(1));
    firing.state = AlertState::Firing;
    let mut pending = alert(&[("alertname", "B")], Some(2));
    pending.state = AlertState::Pending;
    let alerts = [firing, pending];
    let shown = |filter: &Filter| {
        alerts
            .iter()
            .filter(|a| filter.matches(a))
            .map(|a| a.alertname().to_owned())
            .collect::<Vec<_>>()
    };

    let mut filter = Filter::parse("").unwrap();
    filter.restrict_states(&[AlertState::Pending]);
    assert_eq!(shown(&filter), ["B"]);

    let mut filter = Filter::parse("state:firing").unwrap();
    filter.restrict_states(&[AlertState::Firing, AlertState::Pending]);
    assert_eq!(shown(&filter), ["A"]);

    let mut filter = Filter::parse("state:firing").unwrap();
    filter.restrict_states(&[AlertState::Pending]);
    assert!(shown(&filter).is_empty());

    let mut filter = Filter::parse("").unwrap();
    filter.restrict_states(&[]);
    assert!(shown(&filter).is_empty());
}
