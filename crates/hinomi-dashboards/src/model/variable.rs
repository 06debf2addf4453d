//! Template variables (`templating.list`): their definition, the saved selection (`current`)
//! and the saved option list, exactly where Grafana keeps them.

use super::DatasourceRef;
use super::json_type::JsonObject;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use specta::Type;

/// Grafana's value for "All selected".
pub const ALL_VALUE: &str = "$__all";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    #[serde(rename = "type")]
    #[specta(type = String)]
    pub kind: VariableKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// 0 shows label and value, 1 hides the label, 2 hides the variable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide: Option<u32>,
    /// Meaning depends on the kind: PromQL helper for `query`, comma list for `custom` and
    /// `interval`, the value for `constant`, plugin id for `datasource`, default for `textbox`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<VariableQueryField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DatasourceRef>,
    /// Filters and rewrites option values; capture groups `text` and `value` split them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// 0 never, 1 when the dashboard loads, 2 when the time range changes.
    #[serde(
        default,
        deserialize_with = "refresh_mode",
        skip_serializing_if = "Option::is_none"
    )]
    #[specta(type = Option<u32>)]
    pub refresh: Option<u32>,
    /// 0 none, 1/2 alphabetical, 3/4 numerical, 5/6 case-insensitive, 7/8 natural (asc/desc).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_all: Option<bool>,
    /// What "All" becomes in a query, e.g. `.*`; without it All is every option, joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<VariableCurrent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<VariableOption>>,
    /// Interval variables: offer `auto`, computed as range / `auto_count`, at least `auto_min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto: Option<bool>,
    #[serde(
        default,
        rename = "auto_count",
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_count: Option<u32>,
    #[serde(default, rename = "auto_min", skip_serializing_if = "Option::is_none")]
    pub auto_min: Option<String>,
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

/// The kinds Hinomi understands; anything else (`adhoc`, `groupby`, a plugin's) is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableKind {
    Query,
    Custom,
    Interval,
    Constant,
    Datasource,
    Textbox,
    Other(String),
}

impl VariableKind {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Query => "query",
            Self::Custom => "custom",
            Self::Interval => "interval",
            Self::Constant => "constant",
            Self::Datasource => "datasource",
            Self::Textbox => "textbox",
            Self::Other(name) => name,
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "query" => Self::Query,
            "custom" => Self::Custom,
            "interval" => Self::Interval,
            "constant" => Self::Constant,
            "datasource" => Self::Datasource,
            "textbox" => Self::Textbox,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl Serialize for VariableKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for VariableKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(d)?))
    }
}

/// `query` is a plain string in most kinds and old dashboards, and `{query, refId}` for
/// Prometheus query variables written by Grafana 9+.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(untagged)]
pub enum VariableQueryField {
    Text(String),
    Object(VariableQueryObject),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VariableQueryObject {
    #[serde(default)]
    pub query: String,
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

impl VariableQueryField {
    pub fn text(&self) -> &str {
        match self {
            Self::Text(text) => text,
            Self::Object(object) => &object.query,
        }
    }
}

/// A selection: one value, or several for multi-value variables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(untagged)]
pub enum VariableValue {
    One(String),
    Many(Vec<String>),
}

impl VariableValue {
    pub fn values(&self) -> Vec<String> {
        match self {
            Self::One(v) => vec![v.clone()],
            Self::Many(vs) => vs.clone(),
        }
    }

    pub fn is_all(&self) -> bool {
        match self {
            Self::One(v) => v == ALL_VALUE,
            Self::Many(vs) => vs.iter().any(|v| v == ALL_VALUE),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct VariableCurrent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<VariableValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<VariableValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<bool>,
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct VariableOption {
    pub text: String,
    pub value: String,
    #[serde(default)]
    pub selected: bool,
}

impl VariableOption {
    pub fn new(text: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            value: value.into(),
            selected: false,
        }
    }
}

impl Variable {
    pub fn query_text(&self) -> &str {
        self.query.as_ref().map_or("", VariableQueryField::text)
    }

    pub fn is_multi(&self) -> bool {
        self.multi == Some(true)
    }

    pub fn includes_all(&self) -> bool {
        self.include_all == Some(true)
    }

    /// A non-empty custom "All" value.
    pub fn custom_all_value(&self) -> Option<&str> {
        self.all_value.as_deref().filter(|v| !v.is_empty())
    }

    /// Whether "All" is selected.
    pub fn all_selected(&self) -> bool {
        self.current
            .as_ref()
            .and_then(|c| c.value.as_ref())
            .is_some_and(VariableValue::is_all)
    }

    /// The selected values as saved; empty when nothing is selected yet.
    pub fn selected_values(&self) -> Vec<String> {
        self.current
            .as_ref()
            .and_then(|c| c.value.as_ref())
            .map(VariableValue::values)
            .unwrap_or_default()
    }

    pub fn saved_options(&self) -> &[VariableOption] {
        self.options.as_deref().unwrap_or(&[])
    }
}

/// Old dashboards wrote `refresh` as a boolean.
fn refresh_mode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Refresh {
        Mode(u32),
        Flag(bool),
    }
    Ok(Option::<Refresh>::deserialize(d)?.map(|r| match r {
        Refresh::Mode(mode) => mode,
        Refresh::Flag(on) => u32::from(on),
    }))
}
