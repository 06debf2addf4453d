//! Over 400 lines: a table of route-tree scenarios on one shared harness.
//! Grouping and timing by the live route tree of the Alertmanager that reported an alert, on a
//! FakeClock: the test moves time, nothing sleeps.

use super::tests::{Harness, alert, restarted, summary};
use super::*;
use crate::alert::tests::labels;
use crate::alert::{SourceKind, SourceRef};
use crate::board::Grouping;

/// Root: by alertname, 30s / 5m / 4h to `team` (resolved notices on). Critical alerts: by
/// alertname and instance, 10s / 1m / 30m to `pager`, whose only integration does not send
/// resolved notices.
const TWO_ROUTES: &str = "
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
  - matchers: ['severity=\"critical\"']
    receiver: pager
    group_by: [alertname, instance]
    group_wait: 10s
    group_interval: 1m
    repeat_interval: 30m
receivers:
- name: team
  webhook_configs:
  - url: http://127.0.0.1:9/team
    send_resolved: true
- name: pager
  webhook_configs:
  - url: http://127.0.0.1:9/pager
    send_resolved: false
";

fn tree(yaml: &str) -> Arc<RouteTree> {
    Arc::new(RouteTree::from_yaml(yaml).unwrap())
}

/// A planner that knows Alertmanager `am`'s tree (the tests' alerts come from `am`).
fn with_tree(yaml: &str) -> Harness {
    let mut h = Harness::seed();
    h.planner.set_route_trees(&[("am".into(), tree(yaml))]);
    h
}

fn keys(outcome: &TickOutcome) -> Vec<String> {
    let mut keys: Vec<String> = outcome
        .deliver
        .iter()
        .map(|n| n.group_key.clone())
        .collect();
    keys.sort();
    keys
}

fn from(mut alert: Alert, kind: SourceKind, id: &str) -> Alert {
    alert.sources = vec![SourceRef::new(id, kind)];
    alert
}

#[test]
fn each_route_groups_and_times_its_alerts_by_its_own_group_by_and_intervals() {
    let mut h = with_tree(TWO_ROUTES);
    let alerts = vec![
        alert("HighErrorRate", "critical", 1, 0),
        alert("HighErrorRate", "critical", 2, 1),
        alert("HighLatency", "warning", 1, 2),
        alert("HighLatency", "warning", 2, 3),
    ];
    assert!(h.tick_at(0, &alerts).deliver.is_empty());
    assert!(h.tick_at(9, &alerts).deliver.is_empty());
    // The critical route's 10s group_wait, one group per instance.
    let critical = h.tick_at(10, &alerts);
    assert_eq!(
        keys(&critical),
        [
            r#"am:am:root.0:{alertname="HighErrorRate", instance="host-1"}"#,
            r#"am:am:root.0:{alertname="HighErrorRate", instance="host-2"}"#,
        ]
    );
    assert!(
        critical
            .deliver
            .iter()
            .all(|n| n.firing_count == 1 && n.worst_severity == Severity::Critical)
    );
    assert!(h.tick_at(29, &alerts).deliver.is_empty());
    // The root's 30s, one group for both instances.
    let root = h.tick_at(30, &alerts);
    assert_eq!(keys(&root), [r#"am:am:root:{alertname="HighLatency"}"#]);
    assert_eq!(
        summary(&root),
        [(NotificationKind::Firing, "HighLatency".into(), 2, 0)]
    );

    // A new warning waits for the root's 5m group_interval (30s + 5m), not the child's 1m.
    let mut more = alerts.clone();
    more.push(alert("HighLatency", "warning", 3, 40));
    for secs in [70, 130, 190, 250, 310] {
        assert!(h.tick_at(secs, &more).deliver.is_empty(), "at {secs}s");
    }
    assert_eq!(
        summary(&h.tick_at(330, &more)),
        [(NotificationKind::Changed, "HighLatency".into(), 3, 0)]
    );
    // The critical groups repeat after their 30m (flushes at 10s + n·1m; the first one after
    // 10s + 30m is at 31m10s); the root's 4h is far away.
    assert!(h.tick_at(1810, &more).deliver.is_empty());
    let repeat = h.tick_at(1870, &more);
    assert_eq!(repeat.deliver.len(), 2, "{:#?}", summary(&repeat));
    assert!(
        repeat
            .deliver
            .iter()
            .all(|n| n.kind == NotificationKind::Repeat && n.group_key.contains(":root.0:"))
    );
    // When it is due is the child's 1m rhythm, not the root's 5m.
    let next = h.planner.next_due().unwrap();
    assert_eq!(next, h.start + chrono::Duration::seconds(1930));
}

#[test]
fn group_by_all_labels_is_one_group_per_alert_and_none_one_group_per_route() {
    let all = "
route:
  receiver: r
  group_by: ['...']
  group_wait: 5s
receivers:
- name: r
";
    let mut h = with_tree(all);
    let alerts = vec![
        alert("DiskAlmostFull", "warning", 1, 0),
        alert("DiskAlmostFull", "warning", 2, 0),
        alert("DiskAlmostFull", "warning", 3, 0),
    ];
    h.tick_at(0, &alerts);
    let due = h.tick_at(5, &alerts);
    assert_eq!(due.deliver.len(), 3, "{:#?}", summary(&due));
    assert!(due.deliver.iter().all(|n| n.firing_count == 1
        && n.group_labels.contains_key("instance")
        && n.group_key.starts_with("am:am:root:{alertname=")));

    let none = "
route:
  receiver: r
  group_by: []
  group_wait: 5s
receivers:
- name: r
";
    let mut h = with_tree(none);
    let mixed = vec![
        alert("DiskAlmostFull", "warning", 1, 0),
        alert("HighLatency", "warning", 2, 1),
        alert("TargetDown", "critical", 3, 2),
    ];
    h.tick_at(0, &mixed);
    let due = h.tick_at(5, &mixed);
    assert_eq!(keys(&due), ["am:am:root:{}"]);
    assert_eq!(due.deliver[0].firing_count, 3);
    assert_eq!(due.deliver[0].worst_severity, Severity::Critical);
}

#[test]
fn an_alert_matching_several_routes_with_continue_is_in_a_group_of_each() {
    let yaml = "
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  routes:
  - matchers: ['team=\"db\"']
    receiver: dba
    continue: true
  - matchers: ['severity=\"critical\"']
    receiver: pager
    group_wait: 10s
receivers:
- name: team
- name: dba
- name: pager
";
    let mut h = with_tree(yaml);
    let with_team = |mut alert: Alert, team: &str| {
        alert.labels.insert("team".into(), team.into());
        alert
    };
    let alerts = vec![
        // dba and pager
        with_team(alert("ReplicationLag", "critical", 1, 0), "db"),
        // dba only
        with_team(alert("SlowQueries", "warning", 2, 0), "db"),
        // pager only
        with_team(alert("TargetDown", "critical", 3, 0), "web"),
    ];
    h.tick_at(0, &alerts);
    assert_eq!(
        keys(&h.tick_at(10, &alerts)),
        [
            r#"am:am:root.1:{alertname="ReplicationLag"}"#,
            r#"am:am:root.1:{alertname="TargetDown"}"#,
        ]
    );
    assert_eq!(
        keys(&h.tick_at(30, &alerts)),
        [
            r#"am:am:root.0:{alertname="ReplicationLag"}"#,
            r#"am:am:root.0:{alertname="SlowQueries"}"#,
        ]
    );
    assert_eq!(h.planner.groups().len(), 4);
    assert_eq!(h.planner.group_keys_of(&alerts[0]).len(), 2);
}

#[test]
fn no_resolved_notice_where_the_receiver_sends_none() {
    let mut h = with_tree(TWO_ROUTES);
    let alerts = vec![
        alert("HighErrorRate", "critical", 1, 0),
        alert("HighLatency", "warning", 1, 0),
    ];
    h.tick_at(0, &alerts);
    assert_eq!(h.tick_at(10, &alerts).deliver.len(), 1);
    assert_eq!(h.tick_at(30, &alerts).deliver.len(), 1);
    // Both resolve: the pager (send_resolved false) stays quiet, the team is told.
    let mut told = Vec::new();
    for secs in (40..=400).step_by(10) {
        told.extend(summary(&h.tick_at(secs, &[])));
    }
    assert_eq!(
        told,
        [(NotificationKind::Resolved, "HighLatency".into(), 0, 1)]
    );
    assert!(h.planner.groups().is_empty(), "both groups are finished");
}

#[test]
fn alerts_without_a_known_tree_follow_the_seed_route() {
    let mut h = with_tree(TWO_ROUTES);
    let from_am = alert("HighErrorRate", "critical", 1, 0);
    let prometheus_only = from(
        alert("TargetDown", "critical", 2, 0),
        SourceKind::Prometheus,
        "prom",
    );
    // An Alertmanager whose status has not answered yet.
    let unread = from(
        alert("HighLatency", "warning", 3, 0),
        SourceKind::Alertmanager,
        "am-2",
    );
    let alerts = vec![from_am, prometheus_only, unread];
    h.tick_at(0, &alerts);
    assert_eq!(
        keys(&h.tick_at(10, &alerts)),
        [r#"am:am:root.0:{alertname="HighErrorRate", instance="host-1"}"#]
    );
    assert!(h.tick_at(29, &alerts).deliver.is_empty());
    assert_eq!(
        keys(&h.tick_at(30, &alerts)),
        [
            r#"seed:root:{alertname="HighLatency", severity="warning"}"#,
            r#"seed:root:{alertname="TargetDown", severity="critical"}"#,
        ]
    );
    // The same alerts without any tree: all on the seed route, exactly as before trees.
    let mut seed = Harness::seed();
    seed.tick_at(0, &alerts);
    assert!(seed.tick_at(10, &alerts).deliver.is_empty());
    let due = seed.tick_at(30, &alerts);
    assert_eq!(due.deliver.len(), 3);
    assert!(
        due.deliver
            .iter()
            .all(|n| n.group_key.starts_with("seed:root:{"))
    );
}

#[test]
fn a_reloaded_tree_keeps_groups_whose_key_is_unchanged() {
    let mut h = with_tree(TWO_ROUTES);
    let alerts = vec![alert("HighErrorRate", "critical", 1, 0)];
    h.tick_at(0, &alerts);
    assert_eq!(h.tick_at(10, &alerts).deliver.len(), 1);
    // Same routes, a longer group_interval: the group is still told, and waits 2m now.
    let slower = TWO_ROUTES.replace("group_interval: 1m", "group_interval: 2m");
    h.planner.set_route_trees(&[("am".into(), tree(&slower))]);
    assert!(h.tick_at(70, &alerts).deliver.is_empty(), "nothing new");
    let mut more = alerts.clone();
    let mut second = alert("HighErrorRate", "critical", 1, 80);
    second.labels.insert("path".into(), "/api".into());
    second.fingerprint = crate::alert::fingerprint_hex(&second.labels);
    more.push(second);
    assert!(h.tick_at(80, &more).deliver.is_empty());
    assert!(
        h.tick_at(130, &more).deliver.is_empty(),
        "the old 1m rhythm"
    );
    assert_eq!(
        summary(&h.tick_at(190, &more)),
        [(NotificationKind::Changed, "HighErrorRate".into(), 2, 0)]
    );
    // Grouped differently now: a new group (told after its group_wait); the old one ends
    // without a "resolved" notice, since its alerts did not resolve.
    let regrouped = TWO_ROUTES.replace("[alertname, instance]", "[alertname]");
    h.planner
        .set_route_trees(&[("am".into(), tree(&regrouped))]);
    assert!(h.tick_at(195, &more).deliver.is_empty());
    let mut told = Vec::new();
    for secs in (200..=500).step_by(5) {
        told.extend(keys(&h.tick_at(secs, &more)));
    }
    assert_eq!(told, [r#"am:am:root.0:{alertname="HighErrorRate"}"#]);
    assert_eq!(h.planner.groups().len(), 1);
}

#[test]
fn memory_with_route_keys_survives_a_restart_and_old_memory_loads() {
    let mut h = with_tree(TWO_ROUTES);
    let alerts = vec![
        alert("HighErrorRate", "critical", 1, 0),
        alert("HighErrorRate", "critical", 2, 0),
        alert("HighLatency", "warning", 1, 0),
    ];
    h.tick_at(0, &alerts);
    assert_eq!(h.tick_at(10, &alerts).deliver.len(), 2);
    assert_eq!(h.tick_at(30, &alerts).deliver.len(), 1);
    let host_2 = r#"am:am:root.0:{alertname="HighErrorRate", instance="host-2"}"#;
    h.planner
        .snooze(host_2, h.start + chrono::Duration::hours(2));

    let mut planner = restarted(
        &h,
        NotificationSettings {
            escalate_after_secs: None,
            ..NotificationSettings::default()
        },
    );
    planner.set_route_trees(&[("am".into(), tree(TWO_ROUTES))]);
    assert_eq!(planner.groups().len(), 3);
    // 30 minutes of ticks: nothing told again until the critical groups' 30m repeat, and of
    // those only host-1 (host-2 is snoozed).
    let mut told = Vec::new();
    let mut held = Vec::new();
    for _ in 0..60 {
        h.clock.advance(std::time::Duration::from_secs(30));
        let outcome = planner.tick(&alerts, &[]);
        told.extend(keys(&outcome));
        held.extend(
            outcome
                .held_back
                .into_iter()
                .map(|h| h.notification.group_key),
        );
    }
    assert_eq!(
        told,
        [r#"am:am:root.0:{alertname="HighErrorRate", instance="host-1"}"#]
    );
    assert_eq!(held, [host_2]);

    // Memory an older Hinomi saved (keys were the group labels alone) loads; its groups are
    // dropped, its snoozes kept (they match no group now and run out).
    let old = r#"{"group_by":["alertname","severity"],"groups":[{"id":42,
        "key":"{alertname=\"HighLatency\", severity=\"warning\"}",
        "labels":{"alertname":"HighLatency","severity":"warning"},
        "next_flush":"2026-03-21T00:05:30Z","last_sent_at":"2026-03-21T00:00:30Z",
        "last_sent_firing":[1],"last_delivered_at":"2026-03-21T00:00:30Z",
        "acknowledged":false,"critical_notified_at":null,"escalated":false}],
        "snoozed":[["{alertname=\"HighLatency\", severity=\"warning\"}","2026-03-21T05:00:00Z"]]}"#;
    let memory: PlannerMemory = serde_json::from_str(old).unwrap();
    assert_eq!(memory.key_scheme, 0);
    let mut planner =
        NotificationPlanner::new(&NotificationSettings::default(), Arc::new(h.clock.clone()))
            .unwrap();
    planner.restore(memory);
    assert!(planner.groups().is_empty());
    assert_eq!(planner.snoozes().len(), 1);
}

#[test]
fn snoozing_a_board_group_reaches_the_planner_groups_of_its_alerts() {
    // Critical alerts go to the pager and, with `continue`, a db team's to the team as well.
    let yaml = "
route:
  receiver: team
  group_by: [alertname]
  routes:
  - matchers: ['severity=\"critical\"']
    receiver: pager
    group_by: [alertname, instance]
    continue: true
  - matchers: ['team=\"db\"']
    group_by: [team]
receivers:
- name: team
- name: pager
";
    let routes = tree(yaml);
    let mut h = Harness::seed();
    h.planner.set_route_trees(&[("am".into(), routes.clone())]);
    let mut db = alert("ReplicationLag", "critical", 1, 0);
    db.labels.insert("team".into(), "db".into());
    db.fingerprint = crate::alert::fingerprint_hex(&db.labels);
    let alerts = vec![db.clone(), alert("HighLatency", "warning", 1, 0)];
    // The board groups by the first route: the critical route, by alertname and instance.
    let grouping = Grouping::Route(routes);
    let board_labels = labels(&[("alertname", "ReplicationLag"), ("instance", "host-1")]);
    let snoozed = h
        .planner
        .group_keys_of_board_group(&alerts, &grouping, &board_labels);
    assert_eq!(
        snoozed,
        [
            r#"am:am:root.0:{alertname="ReplicationLag", instance="host-1"}"#,
            r#"am:am:root.1:{team="db"}"#,
        ]
    );
    let until = h.start + chrono::Duration::hours(1);
    for key in &snoozed {
        h.planner.snooze(key, until);
    }
    assert_eq!(h.planner.snoozed_until_of(&db), Some(until));
    assert_eq!(h.planner.snoozed_until_of(&alerts[1]), None);
    h.tick_at(0, &alerts);
    let mut told = Vec::new();
    let mut held = 0;
    for secs in (10..=60).step_by(10) {
        let outcome = h.tick_at(secs, &alerts);
        told.extend(keys(&outcome));
        held += outcome.held_back.len();
    }
    assert_eq!(told, [r#"am:am:root:{alertname="HighLatency"}"#]);
    assert_eq!(held, 2);
}
