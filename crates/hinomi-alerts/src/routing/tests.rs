//! Route matching replayed on a tree with every feature Alertmanager routes have.

use super::*;
use crate::alert::tests::labels;

/// A tree exercising every feature: new and legacy matchers, continue, nesting, inheritance.
const TREE: &str = r#"
global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: [alertname, severity]
  group_wait: 30s
  routes:
    - matchers: ['alertname="Watchdog"']
      receiver: watchdog
      group_wait: 0s
      repeat_interval: 1m
    - match:
        team: db
      receiver: db-pager
      continue: true
      group_by: ['...']
    - match_re:
        severity: critical|warning
      receiver: team-dataset
      group_interval: 1m
      routes:
        - matchers: ['{service=~"api.*", env!="dev"}']
          receiver: api-oncall
          group_by: [alertname, service]
        - matchers: [env="dev"]
receivers:
  - name: default
  - name: watchdog
    webhook_configs:
      - url: http://x/
        send_resolved: false
  - name: db-pager
    pagerduty_configs:
      - routing_key: <secret>
  - name: team-dataset
    email_configs:
      - to: a@example.com
  - name: api-oncall
    slack_configs:
      - channel: '#api'
        send_resolved: true
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
"#;

fn receivers_for(tree: &RouteTree, pairs: &[(&str, &str)]) -> Vec<String> {
    tree.routes_for(&labels(pairs))
        .iter()
        .map(|route| route.receiver.clone())
        .collect()
}

#[test]
fn first_matching_child_wins_and_continue_goes_on() {
    let tree = RouteTree::from_yaml(TREE).unwrap();
    assert_eq!(
        receivers_for(&tree, &[("alertname", "Watchdog"), ("severity", "none")]),
        ["watchdog"]
    );
    // Matches db-pager, which continues, and then team-dataset.
    assert_eq!(
        receivers_for(
            &tree,
            &[
                ("alertname", "DiskFull"),
                ("team", "db"),
                ("severity", "warning")
            ]
        ),
        ["db-pager", "team-dataset"]
    );
    // No child matches: the root takes it.
    assert_eq!(
        receivers_for(&tree, &[("alertname", "X"), ("severity", "info")]),
        ["default"]
    );
}

#[test]
fn nested_routes_and_their_parent_fallback() {
    let tree = RouteTree::from_yaml(TREE).unwrap();
    let api = [
        ("alertname", "HighErrorRate"),
        ("severity", "critical"),
        ("service", "api-gw"),
        ("env", "prod"),
    ];
    assert_eq!(receivers_for(&tree, &api), ["api-oncall"]);
    // The dev child has no receiver: it inherits team-dataset.
    let dev = [("alertname", "A"), ("severity", "critical"), ("env", "dev")];
    let routes = tree.routes_for(&labels(&dev));
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].path, "root.2.1");
    assert_eq!(routes[0].receiver, "team-dataset");
    // Neither nested child matches: the parent itself is the route.
    let other = [
        ("alertname", "A"),
        ("severity", "critical"),
        ("env", "prod"),
    ];
    let routes = tree.routes_for(&labels(&other));
    assert_eq!(routes[0].path, "root.2");
}

#[test]
fn grouping_and_timings_are_inherited() {
    let tree = RouteTree::from_yaml(TREE).unwrap();
    let root = &tree.root;
    assert_eq!(root.timing.group_wait, Duration::from_secs(30));
    // Not set at the root: Alertmanager's defaults.
    assert_eq!(root.timing.group_interval, Duration::from_secs(300));
    assert_eq!(root.timing.repeat_interval, Duration::from_secs(4 * 3600));
    let watchdog = &root.children[0];
    assert_eq!(watchdog.timing.group_wait, Duration::ZERO);
    assert_eq!(watchdog.timing.group_interval, Duration::from_secs(300));
    assert_eq!(watchdog.timing.repeat_interval, Duration::from_secs(60));
    assert_eq!(watchdog.group_by, GroupBy::seed());
    assert_eq!(root.children[1].group_by, GroupBy::All);
    let team = &root.children[2];
    let api = &team.children[0];
    let dev = &team.children[1];
    assert_eq!(api.timing.group_interval, Duration::from_secs(60));
    assert_eq!(api.timing.group_wait, Duration::from_secs(30));
    assert_eq!(
        api.group_by,
        GroupBy::Labels(vec!["alertname".into(), "service".into()])
    );
    assert_eq!(dev.group_by, GroupBy::seed());
    assert_eq!(dev.timing.group_interval, Duration::from_secs(60));
}

#[test]
fn explain_reports_groups_timings_and_send_resolved() {
    let tree = RouteTree::from_yaml(TREE).unwrap();
    let explained = tree.explain(&labels(&[
        ("alertname", "DiskFull"),
        ("team", "db"),
        ("severity", "warning"),
        ("instance", "db1"),
    ]));
    assert_eq!(explained.len(), 2);
    assert_eq!(explained[0].group_by, ["..."]);
    assert!(
        explained[0].send_resolved,
        "pagerduty sends resolved by default"
    );
    assert_eq!(explained[0].matchers, [r#"team="db""#]);
    assert!(explained[0].continue_matching);
    assert_eq!(explained[1].receiver, "team-dataset");
    assert!(!explained[1].send_resolved, "email does not by default");
    assert_eq!(explained[1].group_interval, "1m");
    assert_eq!(
        explained[1].group_labels,
        labels(&[("alertname", "DiskFull"), ("severity", "warning")])
    );
}

#[test]
fn the_seed_route_sends_everything_to_team_dataset() {
    let tree = RouteTree::seed();
    let routes = tree.explain(&labels(&[
        ("alertname", "HighErrorRate"),
        ("severity", "critical"),
    ]));
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].receiver, "team-dataset");
    assert_eq!(routes[0].group_wait, "30s");
    assert_eq!(routes[0].group_interval, "5m");
    assert_eq!(routes[0].repeat_interval, "4h");
    assert!(routes[0].send_resolved);
}

#[test]
fn configuration_mistakes_are_named() {
    let err = |yaml: &str| RouteTree::from_yaml(yaml).unwrap_err();
    assert_eq!(err("receivers: []"), RoutingError::NoRoute);
    assert!(matches!(err("route: ["), RoutingError::Yaml(_)));
    assert_eq!(
        err("route:\n  receiver: a\n  routes:\n    - receiver: b\nreceivers:\n  - name: a\n"),
        RoutingError::UnknownReceiver {
            route: "root.0".into(),
            receiver: "b".into()
        }
    );
    assert!(matches!(
        err("route:\n  receiver: a\n  group_wait: 5x\nreceivers:\n  - name: a\n"),
        RoutingError::BadDuration {
            field: "group_wait",
            ..
        }
    ));
    assert!(matches!(
        err("route:\n  receiver: a\n  routes:\n    - matchers: ['a=~\"(\"']\nreceivers:\n  - name: a\n"),
        RoutingError::BadMatcher { route, .. } if route == "root.0"
    ));
}
