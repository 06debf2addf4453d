//! Reading and checking a personal watch-rule file, which is a Prometheus rule file.
//!
//! Checked as `promtool check rules` would: YAML syntax and unknown fields with line and
//! column, then every rule's problems at once, each naming the file, the group, the rule's
//! 1-based index and name, and the field. Watch rules are alerting rules only: Hinomi has no
//! storage to record series into.

use super::template::Template;
use crate::alert::LabelSet;
use crate::duration::parse_duration;
use serde::{Deserialize, Deserializer, Serialize};
use specta::Type;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::time::Duration;

/// A checked rule file.
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
    pub labels: Vec<(String, Template)>,
    pub annotations: Vec<(String, Template)>,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireFile {
    #[serde(default)]
    groups: Vec<WireGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireGroup {
    #[serde(default)]
    name: String,
    #[serde(default, deserialize_with = "scalar")]
    interval: Option<String>,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    rules: Vec<WireRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireRule {
    #[serde(default, deserialize_with = "scalar")]
    record: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    alert: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    expr: Option<String>,
    #[serde(rename = "for", default, deserialize_with = "scalar")]
    for_duration: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    keep_firing_for: Option<String>,
    #[serde(default, deserialize_with = "scalar_map")]
    labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "scalar_map")]
    annotations: BTreeMap<String, String>,
}

/// Prometheus reads `expr: 1` or `for: 0` as text; so do we.
fn scalar_text(value: serde_norway::Value) -> Option<String> {
    match value {
        serde_norway::Value::String(text) => Some(text),
        serde_norway::Value::Number(number) => Some(number.to_string()),
        serde_norway::Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn scalar<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let value = serde_norway::Value::deserialize(deserializer)?;
    if value.is_null() {
        return Ok(None);
    }
    scalar_text(value)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom("expected a single value, not a list or map"))
}

fn scalar_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let map = Option::<BTreeMap<String, serde_norway::Value>>::deserialize(deserializer)?;
    map.unwrap_or_default()
        .into_iter()
        .map(|(name, value)| {
            let text = if value.is_null() {
                Some(String::new())
            } else {
                scalar_text(value)
            };
            text.map(|text| (name.clone(), text))
                .ok_or_else(|| serde::de::Error::custom(format!("{name}: expected a single value")))
        })
        .collect()
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Where we are in the file, for error messages.
struct Place<'a> {
    file: &'a str,
    group: &'a str,
    rule_index: usize,
    rule_name: Option<&'a str>,
}

impl Place<'_> {
    fn error(&self, field: Option<&str>, message: impl Into<String>) -> RuleFileError {
        RuleFileError {
            file: self.file.to_owned(),
            line: None,
            column: None,
            group: Some(self.group.to_owned()),
            rule_index: u32::try_from(self.rule_index + 1).ok(),
            rule_name: self.rule_name.map(str::to_owned),
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// Parses and checks `text`, which was read from `file` (the name is only for messages).
pub fn parse_rule_file(file: &str, text: &str) -> Result<WatchRules, RuleFileErrors> {
    let wire: WireFile = serde_norway::from_str(text).map_err(|err| {
        let location = err.location();
        RuleFileErrors {
            errors: vec![RuleFileError {
                file: file.to_owned(),
                line: location.as_ref().and_then(|l| u32::try_from(l.line()).ok()),
                column: location
                    .as_ref()
                    .and_then(|l| u32::try_from(l.column()).ok()),
                group: None,
                rule_index: None,
                rule_name: None,
                field: None,
                message: yaml_message(&err),
            }],
        }
    })?;
    let mut errors = Vec::new();
    let mut group_names = HashSet::new();
    let mut groups = Vec::new();
    for group in wire.groups {
        let file_error = |message: String, field: &str| RuleFileError {
            file: file.to_owned(),
            line: None,
            column: None,
            group: Some(group.name.clone()),
            rule_index: None,
            rule_name: None,
            field: Some(field.to_owned()),
            message,
        };
        if group.name.trim().is_empty() {
            errors.push(file_error("Groupname must not be empty".into(), "name"));
        } else if !group_names.insert(group.name.clone()) {
            errors.push(file_error(
                format!("groupname: {:?} is repeated in the same file", group.name),
                "name",
            ));
        }
        let interval = match group.interval.as_deref().map(parse_duration) {
            Some(Err(err)) => {
                errors.push(file_error(err.to_string(), "interval"));
                None
            }
            other => other.and_then(Result::ok),
        };
        let _ = group.limit;
        let mut rules = Vec::new();
        let mut seen: Vec<(String, BTreeMap<String, String>, usize)> = Vec::new();
        for (index, rule) in group.rules.into_iter().enumerate() {
            let place = Place {
                file,
                group: &group.name,
                rule_index: index,
                rule_name: rule.alert.as_deref().or(rule.record.as_deref()),
            };
            if let Some((alert, labels)) = check_rule(&place, &rule, &mut errors, &mut rules) {
                if let Some((_, _, first)) = seen
                    .iter()
                    .find(|(name, seen_labels, _)| *name == alert && *seen_labels == labels)
                {
                    errors.push(place.error(
                        Some("alert"),
                        format!(
                            "duplicate rule: {alert:?} with the same labels is also rule {}",
                            first + 1
                        ),
                    ));
                }
                seen.push((alert, labels, index));
            }
        }
        groups.push(WatchGroup {
            name: group.name,
            interval,
            rules,
        });
    }
    if errors.is_empty() {
        Ok(WatchRules { groups })
    } else {
        Err(RuleFileErrors { errors })
    }
}

/// serde_norway appends " at line L column C" to messages; the location has its own fields.
fn yaml_message(err: &serde_norway::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Checks one rule; pushes it to `rules` if sound. Returns its name and labels for the
/// duplicate check.
fn check_rule(
    place: &Place<'_>,
    rule: &WireRule,
    errors: &mut Vec<RuleFileError>,
    rules: &mut Vec<WatchRule>,
) -> Option<(String, BTreeMap<String, String>)> {
    let before = errors.len();
    let alert = match (&rule.alert, &rule.record) {
        (Some(_), Some(_)) => {
            errors.push(place.error(None, "only one of 'record' and 'alert' must be set"));
            None
        }
        (None, None) => {
            errors.push(place.error(None, "one of 'record' or 'alert' must be set"));
            None
        }
        (None, Some(_)) => {
            errors.push(place.error(
                Some("record"),
                "recording rules cannot be watch rules; write an alerting rule ('alert')",
            ));
            None
        }
        (Some(alert), None) if alert.trim().is_empty() => {
            errors.push(place.error(Some("alert"), "the alert name must not be empty"));
            None
        }
        (Some(alert), None) => Some(alert.clone()),
    };
    let expr = rule.expr.as_deref().map(str::trim).unwrap_or_default();
    if expr.is_empty() {
        errors.push(place.error(Some("expr"), "field 'expr' must be set in rule"));
    }
    let mut duration =
        |field: &str, text: &Option<String>| match text.as_deref().map(parse_duration) {
            None => Duration::ZERO,
            Some(Ok(duration)) => duration,
            Some(Err(err)) => {
                errors.push(place.error(Some(field), err.to_string()));
                Duration::ZERO
            }
        };
    let for_duration = duration("for", &rule.for_duration);
    duration("keep_firing_for", &rule.keep_firing_for);
    let mut templates = |kind: &str, map: &BTreeMap<String, String>| {
        let mut parsed = Vec::new();
        for (name, text) in map {
            let field = format!("{kind}.{name}");
            if !valid_name(name) {
                let what = if kind == "labels" {
                    "label"
                } else {
                    "annotation"
                };
                errors.push(place.error(Some(&field), format!("invalid {what} name: {name}")));
                continue;
            }
            match Template::parse(text) {
                Ok(template) => parsed.push((name.clone(), template)),
                Err(message) => {
                    errors.push(place.error(Some(&field), format!("template: {message}")))
                }
            }
        }
        parsed
    };
    let labels = templates("labels", &rule.labels);
    let annotations = templates("annotations", &rule.annotations);
    let alert = alert?;
    if errors.len() != before {
        return None;
    }
    rules.push(WatchRule {
        alert: alert.clone(),
        expr: expr.to_owned(),
        for_duration,
        labels,
        annotations,
    });
    Some((alert, rule.labels.clone()))
}

/// The labels a rule adds, rendered for one result series.
pub(super) fn render_all(
    templates: &[(String, Template)],
    labels: &LabelSet,
    value: f64,
) -> LabelSet {
    templates
        .iter()
        .map(|(name, template)| {
            // Rendering only fails on values a checked template cannot meet (a label that is
            // not a number piped into humanize); show the error where the text would be.
            let text = template
                .render(labels, value)
                .unwrap_or_else(|err| format!("<error expanding template: {err}>"));
            (name.clone(), text)
        })
        .collect()
}

#[cfg(test)]
mod tests;
