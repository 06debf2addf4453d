//! Checks that a proposed alert rule is a Prometheus rule file Prometheus would load.
//!
//! A postmortem's monitoring improvements are only useful if they can be pasted into a rule
//! file, so they are checked by the same checker as watch rules ([`hinomi_alerts::rule_file`],
//! promtool's strictness and words), with recording rules allowed. The editor shows one problem
//! per rule, the first, located on its line and named by its path in the file.

use hinomi_alerts::rule_file::{RuleKinds, check_rule_file, locate};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::fmt;

pub use hinomi_alerts::rule_file::RuleFileSummary;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RuleFileProblem {
    /// 1-based; `None` when the problem cannot be placed on a line.
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Where in the file, e.g. `groups[0].rules[1].expr`.
    pub field: Option<String>,
    /// The first problem's text, saying how many more there are.
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

pub fn validate_rule_file(yaml: &str) -> Result<RuleFileSummary, RuleFileProblem> {
    let errors = match check_rule_file("rule", yaml, RuleKinds::AlertingAndRecording) {
        Ok(checked) => return Ok(checked.summary),
        Err(errors) => errors.errors,
    };
    let more = errors.len().saturating_sub(1);
    let Some(first) = errors.into_iter().next() else {
        return Err(RuleFileProblem {
            line: None,
            column: None,
            field: None,
            message: "not a valid rule file".into(),
        });
    };
    let first = locate(yaml, first);
    // A YAML error's text starts with its path, which `field` already shows.
    let mut message = first
        .path
        .as_deref()
        .and_then(|path| first.message.strip_prefix(&format!("{path}: ")))
        .unwrap_or(&first.message)
        .to_owned();
    if more > 0 {
        message.push_str(&format!(" (and {more} more)"));
    }
    Err(RuleFileProblem {
        line: first.line,
        column: first.column,
        field: first.path,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed's own rules (§4.1) must pass.
    const SEED_RULES: &str = concat!(
        "\ngroups:\n",
        include_str!("../../../tests/demo-stack/spec-high-error-rate.rules"),
        "  - record: job:api_requests:rate5m\n",
        "    expr: sum by (job) (rate(api_requests_total[5m]))\n",
    );

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
            missing.message.contains("field 'expr' must be set in rule"),
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
    fn the_first_problem_is_shown_on_its_line_and_the_rest_counted() {
        let problem = validate_rule_file(
            "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    for: soon\n    annotations:\n      summary: '{{ $value | frobnicate }}'\n",
        )
        .unwrap_err();
        assert_eq!((problem.line, problem.column), (Some(6), Some(5)));
        assert_eq!(problem.field.as_deref(), Some("groups[0].rules[0].for"));
        assert_eq!(
            problem.message,
            r#"not a valid duration string: "soon" (and 1 more)"#
        );
    }
}
