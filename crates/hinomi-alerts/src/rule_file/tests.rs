//! Rule-file checking: what promtool accepts passes, every mistake is located.

use super::*;
use crate::alert::LabelSet;

const SEED_RULES: &str = concat!(
    "\ngroups:\n",
    include_str!("../../../../tests/demo-stack/spec-high-error-rate.rules"),
    r#"  - alert: TargetDown
    expr: up == 0
    for: 1m
    labels:
      severity: critical
    annotations:
      summary: "監視対象がダウンしています: {{ $labels.job }}"
      description: "{{ $labels.instance }} の空き容量が {{ $value | humanizePercentage }} です"
"#
);

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
    let text = include_str!("../../../../tests/demo-stack/alert.rules");
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

fn check_any(text: &str) -> Result<CheckedRuleFile, Vec<RuleFileError>> {
    check_rule_file("rules.yml", text, RuleKinds::AlertingAndRecording).map_err(|e| e.errors)
}

#[test]
fn a_prometheus_rule_file_may_hold_recording_rules() {
    let text = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n  - record: job:up:sum\n    expr: sum by (job) (up)\n    labels:\n      team: x\n- name: empty\n";
    let checked = check_any(text).unwrap();
    assert_eq!(
        checked.summary,
        RuleFileSummary {
            groups: 2,
            alerting_rules: 1,
            recording_rules: 1
        }
    );
    assert_eq!(
        checked.rules.groups[0].rules.len(),
        1,
        "only alerting rules are evaluable"
    );
    assert!(
        parse_rule_file("w.yml", text).is_err(),
        "but they are no watch rules"
    );
}

#[test]
fn every_recording_rule_problem_is_reported_with_its_path() {
    let found = check_any(
        "groups:\n- name: g\n  rules:\n  - record: 'bad name'\n    expr: up\n    for: 5m\n    annotations:\n      summary: x\n  - record: ok:sum\n    expr: ''\n    labels:\n      0bad: x\n",
    )
    .unwrap_err();
    let paths: Vec<(&str, &str)> = found
        .iter()
        .map(|e| (e.path.as_deref().unwrap(), e.message.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            (
                "groups[0].rules[0].record",
                "invalid recording rule name: bad name"
            ),
            (
                "groups[0].rules[0].annotations",
                "invalid field 'annotations' in recording rule"
            ),
            (
                "groups[0].rules[0].for",
                "invalid field 'for' in recording rule"
            ),
            (
                "groups[0].rules[1].expr",
                "field 'expr' must be set in rule"
            ),
            ("groups[0].rules[1].labels.0bad", "invalid label name: 0bad"),
        ]
    );
}

#[test]
fn paths_name_the_place_to_fix_even_without_a_field() {
    let found = errors(
        "groups:\n- name: g\n  rules:\n  - expr: up\n  - alert: A\n    record: b\n    expr: up\n- name: ''\n",
    );
    let paths: Vec<Option<&str>> = found.iter().map(|e| e.path.as_deref()).collect();
    assert_eq!(
        paths,
        [
            Some("groups[0].rules[0].alert"),
            Some("groups[0].rules[1].record"),
            Some("groups[1].name"),
        ]
    );
    assert_eq!(found[0].field, None);
    let yaml = errors("groups:\n- name: a\n  rules:\n  - alert: X\n    exp: up\n");
    assert_eq!(yaml[0].path.as_deref(), Some("groups[0].rules[0]"));
}

#[test]
fn group_labels_go_to_every_alert_and_a_rules_own_win() {
    let rules = parse_rule_file(
        "w.yml",
        "groups:\n- name: g\n  labels:\n    team: db\n    severity: info\n  rules:\n  - alert: A\n    expr: up == 0\n    labels:\n      severity: critical\n",
    )
    .unwrap();
    let labels: Vec<(&str, String)> = rules.groups[0].rules[0]
        .labels
        .iter()
        .map(|(name, template)| {
            (
                name.as_str(),
                template.render(&LabelSet::new(), 1.0).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        labels,
        [("severity", "critical".into()), ("team", "db".into())]
    );
    let bad = errors("groups:\n- name: g\n  labels:\n    0bad: x\n  rules: []\n");
    assert_eq!(
        bad[0].to_string(),
        r#"watch.yml: group "g", labels.0bad: invalid label name: 0bad"#
    );
}

#[test]
fn query_offset_is_checked_and_refused_for_watch_rules_only() {
    let text = "groups:\n- name: g\n  query_offset: 1m\n  rules: []\n";
    assert!(check_any(text).is_ok());
    let found = errors(text);
    assert_eq!(found[0].field.as_deref(), Some("query_offset"));
    let bad = check_any("groups:\n- name: g\n  query_offset: soon\n").unwrap_err();
    assert_eq!(bad[0].message, r#"not a valid duration string: "soon""#);
}
