//! A rule file as written: Prometheus's `rulefmt` shape, as strict as it is (unknown fields are
//! errors), and as lenient where it is lenient (`expr: 1` and `for: 0` are text).

use super::RuleFileError;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireFile {
    #[serde(default)]
    pub groups: Vec<WireGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireGroup {
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "scalar")]
    pub interval: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    pub query_offset: Option<String>,
    /// Accepted because Prometheus accepts it; a u32 is all there is to check.
    #[serde(default)]
    pub limit: Option<u32>,
    /// Added to every rule of the group (Prometheus 3); a rule's own label wins.
    #[serde(default, deserialize_with = "scalar_map")]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub rules: Vec<WireRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireRule {
    #[serde(default, deserialize_with = "scalar")]
    pub record: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    pub alert: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    pub expr: Option<String>,
    #[serde(rename = "for", default, deserialize_with = "scalar")]
    pub for_duration: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    pub keep_firing_for: Option<String>,
    #[serde(default, deserialize_with = "scalar_map")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "scalar_map")]
    pub annotations: BTreeMap<String, String>,
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

/// A YAML or shape error with the parser's line and column. serde_norway says
/// `groups[0].rules[1]: unknown field `exp`, ... at line 4 column 5`: the location goes to its
/// own fields, the leading path to `path` (the message keeps it, as promtool prints it).
pub(super) fn yaml_error(file: &str, err: &serde_norway::Error) -> RuleFileError {
    let location = err.location();
    let text = err.to_string();
    let message = match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    };
    let path = message
        .split_once(": ")
        .map(|(path, _)| path)
        .filter(|path| {
            !path.is_empty()
                && path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
        })
        .map(str::to_owned);
    RuleFileError {
        file: file.to_owned(),
        line: location.as_ref().and_then(|l| u32::try_from(l.line()).ok()),
        column: location
            .as_ref()
            .and_then(|l| u32::try_from(l.column()).ok()),
        group: None,
        rule_index: None,
        rule_name: None,
        field: None,
        path,
        message,
    }
}
