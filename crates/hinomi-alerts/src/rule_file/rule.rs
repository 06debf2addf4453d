//! The checks of one group's fields and one rule, in promtool's words.

use super::wire::WireRule;
use super::{RuleFileError, RuleKinds, WatchRule};
use crate::duration::parse_duration;
use crate::local_rules::Template;
use std::collections::BTreeMap;
use std::time::Duration;

/// Where we are in the file, for error messages.
#[derive(Clone, Copy)]
pub(super) struct Place<'a> {
    pub file: &'a str,
    pub group: &'a str,
    pub group_index: usize,
    /// The rule's 0-based index and its name.
    pub rule: Option<(usize, Option<&'a str>)>,
}

impl Place<'_> {
    /// A problem with `field` (relative to the group or rule, as promtool names it).
    pub fn error(&self, field: Option<&str>, message: impl Into<String>) -> RuleFileError {
        self.error_at(field, field, message)
    }

    /// A problem `field` does not name, best fixed at `path_field` (e.g. a missing `alert`).
    fn error_at(
        &self,
        field: Option<&str>,
        path_field: Option<&str>,
        message: impl Into<String>,
    ) -> RuleFileError {
        let mut path = format!("groups[{}]", self.group_index);
        if let Some((index, _)) = self.rule {
            path.push_str(&format!(".rules[{index}]"));
        }
        if let Some(path_field) = path_field {
            path.push('.');
            path.push_str(path_field);
        }
        RuleFileError {
            file: self.file.to_owned(),
            line: None,
            column: None,
            group: Some(self.group.to_owned()),
            rule_index: self
                .rule
                .and_then(|(index, _)| u32::try_from(index + 1).ok()),
            rule_name: self.rule.and_then(|(_, name)| name).map(str::to_owned),
            field: field.map(str::to_owned),
            path: Some(path),
            message: message.into(),
        }
    }
}

/// Checks one rule. An alerting rule without problems is returned, with its labels (the
/// group's and its own) for the duplicate check.
pub(super) fn check_rule(
    place: &Place<'_>,
    rule: &WireRule,
    group_labels: &BTreeMap<String, String>,
    kinds: RuleKinds,
    errors: &mut Vec<RuleFileError>,
) -> Option<(WatchRule, BTreeMap<String, String>)> {
    let before = errors.len();
    let alert = match (&rule.alert, &rule.record) {
        (Some(_), Some(_)) => {
            errors.push(place.error_at(
                None,
                Some("record"),
                "only one of 'record' and 'alert' must be set",
            ));
            None
        }
        (None, None) => {
            errors.push(place.error_at(
                None,
                Some("alert"),
                "one of 'record' or 'alert' must be set",
            ));
            None
        }
        (None, Some(record)) => {
            check_recording_rule(place, rule, record, kinds, errors);
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
    let for_duration = duration(place, "for", rule.for_duration.as_deref(), errors);
    duration(
        place,
        "keep_firing_for",
        rule.keep_firing_for.as_deref(),
        errors,
    );
    // The group's labels go to every rule, the rule's own win; their names were checked with
    // the group. Only alerting rules are templated (promtool checks no template of a record).
    let mut labels = group_labels.clone();
    labels.extend(rule.labels.clone());
    let templated = rule.alert.is_some();
    let label_templates = check_labels(place, "labels", &labels, &rule.labels, templated, errors);
    let annotations = check_labels(
        place,
        "annotations",
        &rule.annotations,
        &rule.annotations,
        templated,
        errors,
    );
    let alert = alert?;
    if errors.len() != before {
        return None;
    }
    let watch_rule = WatchRule {
        alert,
        expr: expr.to_owned(),
        for_duration: for_duration.unwrap_or(Duration::ZERO),
        labels: label_templates,
        annotations,
    };
    Some((watch_rule, labels))
}

/// What promtool refuses in a recording rule, or the rule itself where only alerting rules go.
fn check_recording_rule(
    place: &Place<'_>,
    rule: &WireRule,
    record: &str,
    kinds: RuleKinds,
    errors: &mut Vec<RuleFileError>,
) {
    if kinds == RuleKinds::AlertingOnly {
        errors.push(place.error(
            Some("record"),
            "recording rules cannot be watch rules; write an alerting rule ('alert')",
        ));
        return;
    }
    if !is_metric_name(record) {
        errors.push(place.error(
            Some("record"),
            format!("invalid recording rule name: {record}"),
        ));
    }
    for (field, set) in [
        ("annotations", !rule.annotations.is_empty()),
        ("for", rule.for_duration.is_some()),
        ("keep_firing_for", rule.keep_firing_for.is_some()),
    ] {
        if set {
            errors.push(place.error(
                Some(field),
                format!("invalid field '{field}' in recording rule"),
            ));
        }
    }
}

/// A Prometheus duration, or its error; `None` when not written.
pub(super) fn duration(
    place: &Place<'_>,
    field: &str,
    text: Option<&str>,
    errors: &mut Vec<RuleFileError>,
) -> Option<Duration> {
    match text.map(parse_duration)? {
        Ok(duration) => Some(duration),
        Err(err) => {
            errors.push(place.error(Some(field), err.to_string()));
            None
        }
    }
}

/// A group's label names.
pub(super) fn check_label_names(
    place: &Place<'_>,
    map: &BTreeMap<String, String>,
    errors: &mut Vec<RuleFileError>,
) {
    for name in map.keys().filter(|name| !is_label_name(name)) {
        errors.push(place.error(
            Some(&format!("labels.{name}")),
            format!("invalid label name: {name}"),
        ));
    }
}

/// A rule's labels or annotations (`kind`): names written in `own` are checked, and with
/// `templated` every value of `map` is parsed as a template.
fn check_labels(
    place: &Place<'_>,
    kind: &str,
    map: &BTreeMap<String, String>,
    own: &BTreeMap<String, String>,
    templated: bool,
    errors: &mut Vec<RuleFileError>,
) -> Vec<(String, Template)> {
    let mut parsed = Vec::new();
    for (name, text) in map {
        let field = format!("{kind}.{name}");
        if !is_label_name(name) {
            if own.contains_key(name) {
                let what = if kind == "labels" {
                    "label"
                } else {
                    "annotation"
                };
                errors.push(place.error(Some(&field), format!("invalid {what} name: {name}")));
            }
            continue;
        }
        if !templated {
            continue;
        }
        match Template::parse(text) {
            Ok(template) => parsed.push((name.clone(), template)),
            Err(message) => errors.push(place.error(Some(&field), format!("template: {message}"))),
        }
    }
    parsed
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`
fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`
fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}
