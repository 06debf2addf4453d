//! Rule-file checking: what promtool accepts passes, every mistake is located.

use super::*;

const SEED_RULES: &str = r#"
groups:
- name: dataset-management
  rules:
  - alert: HighErrorRate
    expr: rate(api_requests_total{status=~"5.."}[5m]) > 0.1
    for: 5m
    labels:
      severity: critical
    annotations:
      summary: "高エラー率を検出"
      description: "5xxエラーが10%を超えています"
  - alert: TargetDown
    expr: up == 0
    for: 1m
    labels:
      severity: critical
    annotations:
      summary: "監視対象がダウンしています: {{ $labels.job }}"
      description: "{{ $labels.instance }} の空き容量が {{ $value | humanizePercentage }} です"
"#;

fn errors(text: &str) -> Vec<RuleFileError> {
    parse_rule_file("watch.yml", text).unwrap_err().errors
}

#[test]
fn the_seed_rules_are_valid_watch_rules() {
    let rules = parse_rule_file("alert.rules", SEED_RULES).unwrap();
    let group = &rules.groups[0];
    assert_eq!(group.name, "dataset-management");
    assert_eq!(group.rules.len(), 2);
    assert_eq!(group.rules[0].for_duration, Duration::from_secs(300));
    assert_eq!(group.rules[0].labels[0].0, "severity");
}

#[test]
fn the_repositorys_demo_rules_are_valid_watch_rules() {
    let text = include_str!("../../../../../tests/demo-stack/alert.rules");
    let rules = parse_rule_file("alert.rules", text).unwrap();
    let names: Vec<&str> = rules
        .groups
        .iter()
        .flat_map(|g| g.rules.iter().map(|r| r.alert.as_str()))
        .collect();
    assert!(names.contains(&"Watchdog"), "{names:?}");
}

#[test]
fn every_rule_problem_is_reported_with_group_index_name_and_field() {
    let found = errors(
        r#"
groups:
- name: mine
  rules:
  - alert: NoExpr
    expr: "  "
  - alert: BadFor
    expr: up == 0
    for: 5x
  - record: job:up:sum
    expr: sum(up)
  - alert: BadLabel
    expr: up == 0
    labels:
      0bad: x
  - alert: BadTemplate
    expr: up == 0
    annotations:
      summary: "{{ $value | frobnicate }}"
  - expr: up
  - alert: BadTemplate
    expr: up == 1
    annotations:
      summary: fine
- name: mine
  interval: forever
"#,
    );
    let rendered: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [
            r#"watch.yml: group "mine", rule 1, "NoExpr", expr: field 'expr' must be set in rule"#,
            r#"watch.yml: group "mine", rule 2, "BadFor", for: not a valid duration string: "5x""#,
            r#"watch.yml: group "mine", rule 3, "job:up:sum", record: recording rules cannot be watch rules; write an alerting rule ('alert')"#,
            r#"watch.yml: group "mine", rule 4, "BadLabel", labels.0bad: invalid label name: 0bad"#,
            r#"watch.yml: group "mine", rule 5, "BadTemplate", annotations.summary: template: function "frobnicate" not defined"#,
            r#"watch.yml: group "mine", rule 6, one of 'record' or 'alert' must be set"#,
            r#"watch.yml: group "mine", name: groupname: "mine" is repeated in the same file"#,
            r#"watch.yml: group "mine", interval: not a valid duration string: "forever""#,
        ]
    );
    assert_eq!(found[1].rule_index, Some(2));
    assert_eq!(found[1].field.as_deref(), Some("for"));
}

#[test]
fn duplicate_rules_are_named_with_the_first_ones_index() {
    let found = errors(
        r#"
groups:
- name: g
  rules:
  - alert: Same
    expr: up == 0
    labels: {severity: critical}
  - alert: Same
    expr: up == 0
    labels: {severity: warning}
  - alert: Same
    expr: up > 1
    labels: {severity: critical}
"#,
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule_index, Some(3));
    assert!(found[0].message.contains("also rule 1"), "{}", found[0]);
}

#[test]
fn yaml_mistakes_have_line_and_column() {
    let found = errors("groups:\n- name: g\n  rules:\n  - alert: A\n    exp: up\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, Some(5));
    assert!(
        found[0].message.contains("unknown field `exp`"),
        "{}",
        found[0]
    );
    assert!(
        found[0].to_string().starts_with("watch.yml:5:"),
        "{}",
        found[0]
    );
    let found = errors("groups:\n- name: [unclosed\n");
    assert!(found[0].line.is_some());
}

#[test]
fn numbers_are_accepted_where_prometheus_accepts_them() {
    let rules = parse_rule_file(
        "w.yml",
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: 1\n    for: 0\n    labels:\n      code: 500\n",
    )
    .unwrap();
    let rule = &rules.groups[0].rules[0];
    assert_eq!(rule.expr, "1");
    assert_eq!(rule.for_duration, Duration::ZERO);
}
