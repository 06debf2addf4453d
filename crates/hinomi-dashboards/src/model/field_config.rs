//! How values are shown: unit, range, decimals, thresholds and per-series overrides.
//!
//! [`FieldConfig::display_for`] applies the overrides for one series so the UI gets a plain
//! answer ("bytes, red, called 'Receive'") instead of re-implementing Grafana's matchers.

use super::json_type::{JsonObject, JsonValue};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use specta::Type;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct FieldConfig {
    #[serde(default)]
    pub defaults: FieldDefaults,
    #[serde(default)]
    pub overrides: Vec<FieldOverride>,
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldDefaults {
    /// Grafana unit id: `percent`, `percentunit`, `bytes`, `s`, `reqps`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<FieldColor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Thresholds>,
    /// Text shown when a query returns nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_value: Option<String>,
    /// Value mappings, `custom` draw options and anything newer.
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

/// Colour scheme: `fixed` (with `fixedColor`), `thresholds`, `palette-classic`...
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldColor {
    #[serde(default)]
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_color: Option<String>,
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct Thresholds {
    #[serde(default)]
    pub mode: ThresholdsMode,
    #[serde(default)]
    pub steps: Vec<ThresholdStep>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum ThresholdsMode {
    #[default]
    Absolute,
    /// Step values are percentages of the min..max range.
    Percentage,
}

/// A colour from `value` upwards; the base step has no value (minus infinity).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ThresholdStep {
    pub color: String,
    #[serde(default)]
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FieldOverride {
    pub matcher: FieldMatcher,
    #[serde(default)]
    pub properties: Vec<OverrideProperty>,
    /// e.g. `__systemRef` on the overrides Grafana adds when a series is hidden from the legend.
    #[serde(flatten)]
    #[specta(type = JsonObject)]
    pub extra: Map<String, Value>,
}

/// Which fields an override applies to: `byName`, `byRegexp`, `byNames`, `byFrameRefID`...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FieldMatcher {
    pub id: String,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    #[specta(type = JsonValue)]
    pub options: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct OverrideProperty {
    /// `unit`, `min`, `max`, `decimals`, `displayName`, `color`, `thresholds`, `custom.*`...
    pub id: String,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    #[specta(type = JsonValue)]
    pub value: Value,
}

/// The settings that apply to one series after overrides.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Type)]
pub struct FieldDisplay {
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub decimals: Option<u32>,
    pub display_name: Option<String>,
    pub color: Option<FieldColor>,
    pub thresholds: Option<Thresholds>,
}

impl Thresholds {
    /// The colour for `value`. Percentage steps are measured against `min..max`.
    pub fn color_for(&self, value: f64, min: f64, max: f64) -> Option<&str> {
        let position = match self.mode {
            ThresholdsMode::Absolute => value,
            ThresholdsMode::Percentage if max > min => (value - min) / (max - min) * 100.0,
            ThresholdsMode::Percentage => return self.steps.first().map(|s| s.color.as_str()),
        };
        // Steps are ordered; the last one at or below the value wins, the base step always does.
        self.steps
            .iter()
            .rev()
            .find(|step| step.value.is_none_or(|at| position >= at))
            .map(|step| step.color.as_str())
    }
}

impl FieldMatcher {
    /// Whether this matcher selects the series named `name` produced by query `ref_id`.
    pub fn matches(&self, name: &str, ref_id: Option<&str>) -> bool {
        match self.id.as_str() {
            "byName" => self.options.as_str() == Some(name),
            // A pattern Rust's regex cannot compile (lookaround) matches nothing.
            "byRegexp" => self
                .options
                .as_str()
                .and_then(|pattern| crate::js_regex::parse(pattern).ok())
                .is_some_and(|re| re.is_match(name)),
            "byNames" => self
                .options
                .get("names")
                .and_then(Value::as_array)
                .is_some_and(|names| names.iter().any(|n| n.as_str() == Some(name))),
            "byFrameRefID" => ref_id.is_some() && self.options.as_str() == ref_id,
            // byType and byValue need the data's field types; the UI does not get those here.
            _ => false,
        }
    }
}

impl FieldConfig {
    /// Defaults with every matching override applied in order, as Grafana does.
    pub fn display_for(&self, name: &str, ref_id: Option<&str>) -> FieldDisplay {
        let d = &self.defaults;
        let mut out = FieldDisplay {
            unit: d.unit.clone(),
            min: d.min,
            max: d.max,
            decimals: d.decimals,
            display_name: d.display_name.clone(),
            color: d.color.clone(),
            thresholds: d.thresholds.clone(),
        };
        for rule in self
            .overrides
            .iter()
            .filter(|o| o.matcher.matches(name, ref_id))
        {
            for property in &rule.properties {
                let v = &property.value;
                match property.id.as_str() {
                    "unit" => out.unit = v.as_str().map(str::to_owned),
                    "min" => out.min = v.as_f64(),
                    "max" => out.max = v.as_f64(),
                    "decimals" => out.decimals = v.as_u64().and_then(|n| u32::try_from(n).ok()),
                    "displayName" => out.display_name = v.as_str().map(str::to_owned),
                    "color" => out.color = serde_json::from_value(v.clone()).ok(),
                    "thresholds" => out.thresholds = serde_json::from_value(v.clone()).ok(),
                    // custom.* draw options are the renderer's business.
                    _ => {}
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config() -> FieldConfig {
        serde_json::from_value(json!({
            "defaults": {
                "unit": "bytes", "min": 0, "decimals": 1,
                "thresholds": {"mode": "absolute", "steps": [
                    {"color": "green", "value": null},
                    {"color": "red", "value": 80}
                ]}
            },
            "overrides": [
                {"matcher": {"id": "byName", "options": "Receive"}, "properties": [
                    {"id": "unit", "value": "bps"},
                    {"id": "displayName", "value": "In"},
                    {"id": "color", "value": {"mode": "fixed", "fixedColor": "blue"}},
                    {"id": "max", "value": 1000}
                ]},
                {"matcher": {"id": "byRegexp", "options": "/.*Trans.*/"}, "properties": [
                    {"id": "min", "value": -5}
                ]},
                {"matcher": {"id": "byRegexp", "options": "Tx.*"}, "properties": [
                    {"id": "custom.transform", "value": "negative-Y"},
                    {"id": "decimals", "value": 3}
                ]},
                {"matcher": {"id": "byNames", "options": {"mode": "exclude", "names": ["a", "b"]}},
                 "properties": [{"id": "displayName", "value": "ab"}]},
                {"matcher": {"id": "byFrameRefID", "options": "B"}, "properties": [
                    {"id": "unit", "value": "short"}
                ]}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn by_name_override_replaces_unit_color_name_and_max() {
        let display = config().display_for("Receive", Some("A"));
        assert_eq!(display.unit.as_deref(), Some("bps"));
        assert_eq!(display.display_name.as_deref(), Some("In"));
        assert_eq!(display.max, Some(1000.0));
        assert_eq!(display.min, Some(0.0));
        let color = display.color.unwrap();
        assert_eq!(
            (color.mode.as_str(), color.fixed_color.as_deref()),
            ("fixed", Some("blue"))
        );
    }

    #[test]
    fn unmatched_series_keeps_defaults() {
        let display = config().display_for("Other", Some("A"));
        assert_eq!(display.unit.as_deref(), Some("bytes"));
        assert_eq!(display.decimals, Some(1));
        assert_eq!(display.display_name, None);
    }

    #[test]
    fn regexp_names_and_ref_id_matchers() {
        let c = config();
        assert_eq!(c.display_for("Tx eth0", None).decimals, Some(3));
        // `/.../` is an unanchored JavaScript literal; a bare pattern is anchored.
        assert_eq!(c.display_for("Transmit", None).min, Some(-5.0));
        assert_eq!(c.display_for("xTx", None).decimals, Some(1));
        assert_eq!(c.display_for("b", None).display_name.as_deref(), Some("ab"));
        assert_eq!(c.display_for("x", Some("B")).unit.as_deref(), Some("short"));
    }

    #[test]
    fn absolute_thresholds_pick_the_highest_step_reached() {
        let t = config().defaults.thresholds.unwrap();
        assert_eq!(t.color_for(-10.0, 0.0, 100.0), Some("green"));
        assert_eq!(t.color_for(79.9, 0.0, 100.0), Some("green"));
        assert_eq!(t.color_for(80.0, 0.0, 100.0), Some("red"));
    }

    #[test]
    fn percentage_thresholds_scale_to_min_max() {
        let t: Thresholds = serde_json::from_value(json!({"mode": "percentage", "steps": [
            {"color": "green"}, {"color": "yellow", "value": 70}, {"color": "red", "value": 90}
        ]}))
        .unwrap();
        assert_eq!(t.mode, ThresholdsMode::Percentage);
        assert_eq!(t.steps[0].value, None);
        assert_eq!(t.color_for(0.75, 0.0, 1.0), Some("yellow"));
        assert_eq!(t.color_for(0.95, 0.0, 1.0), Some("red"));
        assert_eq!(t.color_for(0.5, 0.0, 1.0), Some("green"));
    }
}
