//! Prometheus rule files, checked as `promtool check rules` checks them. The one checker for
//! personal watch rules (alerting rules Hinomi evaluates itself, [`crate::local_rules`]) and for
//! the rules a postmortem proposes (`hinomi-incidents`, where recording rules are welcome too:
//! [`RuleKinds`]).
//!
//! YAML syntax and unknown fields are reported with line and column; after that every problem
//! at once, each naming the file, the group, the rule's 1-based index and name, the field and
//! its path in the file (`groups[0].rules[1].expr`). [`locate`] finds the line of a problem found
//! after parsing. PromQL itself is not parsed: the Prometheus that runs the rule checks `expr`.

mod locate;
mod rule;
mod wire;

pub use locate::locate;

use crate::local_rules::Template;
use rule::{Place, check_label_names, check_rule, duration};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::time::Duration;
use wire::{WireFile, WireGroup};

/// Which rules a file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKinds {
    /// Watch rules: Hinomi has no storage to record series into.
    AlertingOnly,
    /// A rule file for a Prometheus server.
    AlertingAndRecording,
}

/// The alerting rules of a checked file, ready to evaluate.
#[derive(Debug, Clone)]
pub struct WatchRules {
    pub groups: Vec<WatchGroup>,
}

#[derive(Debug, Clone)]
pub struct WatchGroup {
    pub name: String,
    pub interval: Option<Duration>,
    pub rules: Vec<WatchRule>,
}

#[derive(Debug, Clone)]
pub struct WatchRule {
    pub alert: String,
    pub expr: String,
    pub for_duration: Duration,
    /// The group's labels and the rule's own (which win), as templates.
    pub labels: Vec<(String, Template)>,
    pub annotations: Vec<(String, Template)>,
}

/// What a valid file holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RuleFileSummary {
    pub groups: u32,
    pub alerting_rules: u32,
    pub recording_rules: u32,
}

/// A checked file: its alerting rules and what it holds.
#[derive(Debug, Clone)]
pub struct CheckedRuleFile {
    pub rules: WatchRules,
    pub summary: RuleFileSummary,
}

/// One problem, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RuleFileError {
    pub file: String,
    /// For YAML errors (1-based).
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub group: Option<String>,
    /// 1-based, like promtool.
    pub rule_index: Option<u32>,
    pub rule_name: Option<String>,
    /// `expr`, `for`, `labels.severity`, ...
    pub field: Option<String>,
    /// Where in the file, e.g. `groups[0].rules[1].expr`.
    pub path: Option<String>,
    pub message: String,
}

impl fmt::Display for RuleFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ":")?;
        if let Some(group) = &self.group {
            write!(f, " group {group:?},")?;
        }
        if let Some(index) = self.rule_index {
            write!(f, " rule {index},")?;
        }
        if let Some(name) = &self.rule_name {
            write!(f, " {name:?},")?;
        }
        if let Some(field) = &self.field {
            write!(f, " {field}:")?;
        }
        write!(f, " {}", self.message)
    }
}

/// Every problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, thiserror::Error)]
pub struct RuleFileErrors {
    pub errors: Vec<RuleFileError>,
}

impl RuleFileErrors {
    pub fn summary(&self) -> String {
        match self.errors.as_slice() {
            [only] => only.to_string(),
            [first, ..] => format!("{first} (and {} more)", self.errors.len() - 1),
            [] => "no errors".into(),
        }
    }
}

impl fmt::Display for RuleFileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        write!(f, "{}", lines.join("\n"))
    }
}

/// Parses and checks watch rules in `text`, which was read from `file` (the name is only for
/// messages).
pub fn parse_rule_file(file: &str, text: &str) -> Result<WatchRules, RuleFileErrors> {
    check_rule_file(file, text, RuleKinds::AlertingOnly).map(|checked| checked.rules)
}

/// Parses and checks `text`, read from `file`, reporting every problem.
pub fn check_rule_file(
    file: &str,
    text: &str,
    kinds: RuleKinds,
) -> Result<CheckedRuleFile, RuleFileErrors> {
    let wire: WireFile = serde_norway::from_str(text).map_err(|err| RuleFileErrors {
        errors: vec![wire::yaml_error(file, &err)],
    })?;
    let mut errors = Vec::new();
    let mut group_names = HashSet::new();
    let mut summary = RuleFileSummary::default();
    let mut groups = Vec::new();
    for (group_index, group) in wire.groups.into_iter().enumerate() {
        let place = Place {
            file,
            group: &group.name,
            group_index,
            rule: None,
        };
        let group_name = group.name.clone();
        if group.name.trim().is_empty() {
            errors.push(place.error(Some("name"), "Groupname must not be empty"));
        } else if !group_names.insert(group_name.clone()) {
            errors.push(place.error(
                Some("name"),
                format!("groupname: {:?} is repeated in the same file", group.name),
            ));
        }
        let interval = duration(&place, "interval", group.interval.as_deref(), &mut errors);
        duration(
            &place,
            "query_offset",
            group.query_offset.as_deref(),
            &mut errors,
        );
        if group.query_offset.is_some() && kinds == RuleKinds::AlertingOnly {
            errors.push(place.error(
                Some("query_offset"),
                "watch rules are evaluated at the current time; query_offset is not supported",
            ));
        }
        let _ = group.limit;
        check_label_names(&place, &group.labels, &mut errors);
        summary.groups += 1;
        let rules = check_rules(&place, &group, kinds, &mut summary, &mut errors);
        groups.push(WatchGroup {
            name: group_name,
            interval,
            rules,
        });
    }
    if errors.is_empty() {
        Ok(CheckedRuleFile {
            rules: WatchRules { groups },
            summary,
        })
    } else {
        Err(RuleFileErrors { errors })
    }
}

/// A group's rules: the sound alerting ones, with duplicates reported.
fn check_rules(
    group_place: &Place<'_>,
    group: &WireGroup,
    kinds: RuleKinds,
    summary: &mut RuleFileSummary,
    errors: &mut Vec<RuleFileError>,
) -> Vec<WatchRule> {
    let mut rules = Vec::new();
    let mut seen: Vec<(String, BTreeMap<String, String>, usize)> = Vec::new();
    for (index, rule) in group.rules.iter().enumerate() {
        let place = Place {
            rule: Some((index, rule.alert.as_deref().or(rule.record.as_deref()))),
            ..*group_place
        };
        if rule.alert.is_some() {
            summary.alerting_rules += 1;
        } else if rule.record.is_some() {
            summary.recording_rules += 1;
        }
        let Some((watch_rule, labels)) = check_rule(&place, rule, &group.labels, kinds, errors)
        else {
            continue;
        };
        if let Some((_, _, first)) = seen
            .iter()
            .find(|(name, seen_labels, _)| *name == watch_rule.alert && *seen_labels == labels)
        {
            errors.push(place.error(
                Some("alert"),
                format!(
                    "duplicate rule: {:?} with the same labels is also rule {}",
                    watch_rule.alert,
                    first + 1
                ),
            ));
        }
        seen.push((watch_rule.alert.clone(), labels, index));
        rules.push(watch_rule);
    }
    rules
}

#[cfg(test)]
mod tests;
