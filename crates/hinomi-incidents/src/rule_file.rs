//! Checks that a proposed alert rule is a Prometheus rule file Prometheus would load.
//!
//! A postmortem's monitoring improvements are only useful if they can be pasted into a rule
//! file, so they are parsed with the same shape and the same strictness (unknown fields are
//! errors) as Prometheus's `rulefmt`, and problems name the line and the field. PromQL itself is
//! not parsed here; a Prometheus server can check `expr`.

use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RuleFileProblem {
    /// 1-based; `None` when the problem is about a value rather than the YAML's shape.
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Where in the file, e.g. `groups[0].rules[1].expr`.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for RuleFileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
            if let Some(column) = self.column {
                write!(f, ", column {column}")?;
            }
            f.write_str(": ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RuleFileSummary {
    pub groups: u32,
    pub alerting_rules: u32,
    pub recording_rules: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    groups: Vec<RuleGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleGroup {
    name: String,
    #[serde(default)]
    interval: Option<String>,
    #[serde(default)]
    query_offset: Option<String>,
    /// Accepted because Prometheus accepts it; a u32 is all there is to check.
    #[serde(default, rename = "limit")]
    _limit: Option<u32>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    #[serde(default)]
    alert: Option<String>,
    #[serde(default)]
    record: Option<String>,
    expr: String,
    #[serde(default, rename = "for")]
    for_duration: Option<String>,
    #[serde(default)]
    keep_firing_for: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

pub fn validate_rule_file(yaml: &str) -> Result<RuleFileSummary, RuleFileProblem> {
    let file: RuleFile = serde_norway::from_str(yaml).map_err(|err| shape_problem(&err))?;
    let mut summary = RuleFileSummary {
        groups: 0,
        alerting_rules: 0,
        recording_rules: 0,
    };
    let mut group_names = HashSet::new();
    for (g, group) in file.groups.iter().enumerate() {
        let at = |field: &str| format!("groups[{g}].{field}");
        if group.name.trim().is_empty() {
            return Err(value_problem(at("name"), "a group needs a name"));
        }
        if !group_names.insert(group.name.as_str()) {
            return Err(value_problem(
                at("name"),
                format!("group name {:?} is used twice", group.name),
            ));
        }
        for (field, value) in [
            ("interval", &group.interval),
            ("query_offset", &group.query_offset),
        ] {
            check_duration(value.as_deref(), || at(field))?;
        }
        check_label_names(&group.labels, || at("labels"))?;
        summary.groups += 1;
        for (r, rule) in group.rules.iter().enumerate() {
            let at = |field: &str| format!("groups[{g}].rules[{r}].{field}");
            check_rule(rule, &at)?;
            if rule.alert.is_some() {
                summary.alerting_rules += 1;
            } else {
                summary.recording_rules += 1;
            }
        }
    }
    Ok(summary)
}

fn check_rule(rule: &Rule, at: &dyn Fn(&str) -> String) -> Result<(), RuleFileProblem> {
    match (rule.alert.as_deref(), rule.record.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(value_problem(
                at("record"),
                "a rule is either an alert or a record, not both",
            ));
        }
        (None, None) => {
            return Err(value_problem(
                at("alert"),
                "a rule needs `alert` or `record`",
            ));
        }
        (Some(alert), None) if alert.trim().is_empty() => {
            return Err(value_problem(at("alert"), "the alert name is empty"));
        }
        (None, Some(record)) => {
            if !is_metric_name(record) {
                return Err(value_problem(
                    at("record"),
                    format!("{record:?} is not a valid metric name"),
                ));
            }
            if !rule.annotations.is_empty() {
                return Err(value_problem(
                    at("annotations"),
                    "recording rules cannot have annotations",
                ));
            }
            if rule.for_duration.is_some() || rule.keep_firing_for.is_some() {
                return Err(value_problem(
                    at("for"),
                    "recording rules cannot have `for` or `keep_firing_for`",
                ));
            }
        }
        (Some(_), None) => {}
    }
    if rule.expr.trim().is_empty() {
        return Err(value_problem(at("expr"), "the expression is empty"));
    }
    check_duration(rule.for_duration.as_deref(), || at("for"))?;
    check_duration(rule.keep_firing_for.as_deref(), || at("keep_firing_for"))?;
    check_label_names(&rule.labels, || at("labels"))?;
    check_label_names(&rule.annotations, || at("annotations"))
}

fn check_duration(value: Option<&str>, field: impl Fn() -> String) -> Result<(), RuleFileProblem> {
    match value {
        Some(text) if !is_prometheus_duration(text) => Err(value_problem(
            field(),
            format!("{text:?} is not a Prometheus duration like 30s, 5m or 1h30m"),
        )),
        _ => Ok(()),
    }
}

fn check_label_names(
    labels: &BTreeMap<String, String>,
    field: impl Fn() -> String,
) -> Result<(), RuleFileProblem> {
    match labels.keys().find(|name| !is_label_name(name)) {
        Some(name) => Err(value_problem(
            field(),
            format!("{name:?} is not a valid label name"),
        )),
        None => Ok(()),
    }
}

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`
fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`
fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Prometheus durations: one or more `<digits><unit>` with units y w d h m s ms, largest first.
fn is_prometheus_duration(text: &str) -> bool {
    const UNITS: [&str; 7] = ["y", "w", "d", "h", "m", "s", "ms"];
    let mut rest = text;
    let mut last_unit: Option<usize> = None;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        // "ms" must win over "m".
        let Some(unit) = UNITS
            .iter()
            .enumerate()
            .filter(|(_, u)| rest.starts_with(**u))
            .max_by_key(|(_, u)| u.len())
            .map(|(i, _)| i)
        else {
            return false;
        };
        if last_unit.is_some_and(|last| unit <= last) {
            return false;
        }
        last_unit = Some(unit);
        rest = &rest[UNITS[unit].len()..];
    }
    true
}

fn value_problem(field: String, message: impl Into<String>) -> RuleFileProblem {
    RuleFileProblem {
        line: None,
        column: None,
        field: Some(field),
        message: message.into(),
    }
}

/// serde_norway says `groups[0].rules[1]: missing field `expr` at line 4 column 5`; split that
/// into its parts so the UI can point at the line.
fn shape_problem(err: &serde_norway::Error) -> RuleFileProblem {
    let location = err.location();
    let mut message = err.to_string();
    if let Some(loc) = &location {
        let suffix = format!(" at line {} column {}", loc.line(), loc.column());
        if let Some(cut) = message.find(&suffix) {
            message.replace_range(cut..cut + suffix.len(), "");
        }
    }
    let mut field = None;
    if let Some((path, rest)) = message.split_once(": ")
        && !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
    {
        field = Some(path.to_string());
        message = rest.to_string();
    }
    RuleFileProblem {
        line: location.as_ref().and_then(|l| u32::try_from(l.line()).ok()),
        column: location
            .as_ref()
            .and_then(|l| u32::try_from(l.column()).ok()),
        field,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed's own rules (§4.1) must pass.
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
  - record: job:api_requests:rate5m
    expr: sum by (job) (rate(api_requests_total[5m]))
"#;

    #[test]
    fn seed_rules_are_valid() {
        assert_eq!(
            validate_rule_file(SEED_RULES),
            Ok(RuleFileSummary {
                groups: 1,
                alerting_rules: 1,
                recording_rules: 1
            })
        );
    }

    #[test]
    fn shape_errors_name_line_and_field() {
        let problem =
            validate_rule_file("groups:\n- name: a\n  rules:\n  - alert: X\n    exp: up\n")
                .unwrap_err();
        assert_eq!(problem.line, Some(5));
        assert_eq!(problem.field.as_deref(), Some("groups[0].rules[0]"));
        assert!(problem.message.contains("unknown field `exp`"), "{problem}");

        let missing =
            validate_rule_file("groups:\n- name: a\n  rules:\n  - alert: X\n").unwrap_err();
        assert_eq!(missing.line, Some(4));
        assert!(
            missing.message.contains("missing field `expr`"),
            "{missing}"
        );

        let broken = validate_rule_file("groups: [\n").unwrap_err();
        assert!(broken.line.is_some(), "{broken}");
    }

    #[test]
    fn value_errors_name_the_field() {
        let cases = [
            (
                "groups:\n- name: a\n  rules:\n  - expr: up\n",
                "groups[0].rules[0].alert",
            ),
            (
                "groups:\n- name: a\n  rules:\n  - alert: A\n    record: b\n    expr: up\n",
                "groups[0].rules[0].record",
            ),
            (
                "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    for: 5 minutes\n",
                "groups[0].rules[0].for",
            ),
            (
                "groups:\n- name: a\n  rules:\n  - record: 'bad name'\n    expr: up\n",
                "groups[0].rules[0].record",
            ),
            (
                "groups:\n- name: a\n  rules: []\n- name: a\n  rules: []\n",
                "groups[1].name",
            ),
            (
                "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: ' '\n",
                "groups[0].rules[0].expr",
            ),
        ];
        for (yaml, field) in cases {
            let problem = validate_rule_file(yaml).unwrap_err();
            assert_eq!(problem.field.as_deref(), Some(field), "{yaml}: {problem}");
        }
    }

    #[test]
    fn durations_follow_prometheus() {
        for ok in ["5m", "1h30m", "30s", "100ms", "1d", "2w", "1y"] {
            assert!(is_prometheus_duration(ok), "{ok}");
        }
        for bad in ["", "5", "m", "30m1h", "5 m", "1.5h", "5mm"] {
            assert!(!is_prometheus_duration(bad), "{bad}");
        }
    }
}
