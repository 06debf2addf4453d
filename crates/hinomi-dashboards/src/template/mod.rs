//! Variable interpolation: `$var`, `${var}`, `${var:format}`, `[[var]]` and the built-ins
//! (`$__interval`, `$__rate_interval`, `$__range`, `$__from`...) replaced the way Grafana
//! replaces them for a Prometheus datasource.
//!
//! A [`TemplateScope`] is built from a dashboard's variables (their saved selection and
//! options) and a time window; the query planner adds the per-query interval built-ins.

mod format;

pub use format::{prometheus_plain_escape, prometheus_regex_escape};

use crate::duration::{self, format_seconds};
use crate::model::{ALL_VALUE, Dashboard, Variable, VariableKind, VariableValue};
use crate::time_range::TimeWindow;
use crate::variable_options;
use regex::{Captures, Regex};
use std::collections::HashMap;
use std::sync::LazyLock;

/// Grafana's variable syntax; names are ASCII word characters as in JavaScript's `\w`.
static VARIABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+?)(?::([A-Za-z0-9_]+))?\]\]|\$\{([A-Za-z0-9_]+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}",
    )
    .unwrap_or_else(|err| unreachable!("static regex: {err}"))
});

/// What one variable stands for right now.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScopedValue {
    /// Selected values; for "All" without a custom all value, every option.
    pub values: Vec<String>,
    /// What the user sees for each value.
    pub texts: Vec<String>,
    /// Multi-value or All-capable variables are regex-escaped and joined as `(a|b)` in PromQL.
    pub multi_or_all: bool,
    pub is_all: bool,
    /// "All" selected and the variable has an `allValue`: written verbatim.
    pub custom_all: Option<String>,
}

impl ScopedValue {
    pub fn single(value: impl Into<String>) -> Self {
        let value = value.into();
        Self {
            texts: vec![value.clone()],
            values: vec![value],
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TemplateScope {
    values: HashMap<String, ScopedValue>,
}

impl TemplateScope {
    pub fn new() -> Self {
        Self::default()
    }

    /// The dashboard's variables as currently selected, plus the time built-ins for `window`.
    pub fn for_dashboard(dashboard: &Dashboard, window: &TimeWindow) -> Self {
        let mut scope = Self::new();
        scope.set_time(window);
        scope.set("__dashboard", ScopedValue::single(dashboard.title.clone()));
        for variable in dashboard.variables() {
            if let Some(value) = scoped_value(variable, window) {
                scope.set(variable.name.clone(), value);
            }
        }
        scope
    }

    pub fn set(&mut self, name: impl Into<String>, value: ScopedValue) {
        self.values.insert(name.into(), value);
    }

    pub fn get(&self, name: &str) -> Option<&ScopedValue> {
        self.values.get(name)
    }

    pub fn remove(&mut self, name: &str) {
        self.values.remove(name);
    }

    /// `$__from`, `$__to` (Unix ms) and `$__range`, `$__range_s`, `$__range_ms`.
    pub fn set_time(&mut self, window: &TimeWindow) {
        let range_ms = window.range_ms().round();
        let range_s = (range_ms / 1000.0).round();
        self.set(
            "__from",
            ScopedValue::single(format!("{}", window.from_ms.round())),
        );
        self.set(
            "__to",
            ScopedValue::single(format!("{}", window.to_ms.round())),
        );
        self.set("__range_ms", ScopedValue::single(format!("{range_ms}")));
        self.set("__range_s", ScopedValue::single(format!("{range_s}")));
        self.set("__range", ScopedValue::single(format!("{range_s}s")));
    }

    /// `$__interval`, `$__interval_ms`, `$__rate_interval` (and `_ms`) for one query step.
    ///
    /// `$__rate_interval` is Grafana's max(step + scrape interval, 4 × scrape interval): long
    /// enough that `rate()` always sees at least four samples, and never skips data between
    /// steps.
    pub fn set_interval(&mut self, step_seconds: f64, scrape_interval_seconds: f64) {
        let scrape = if scrape_interval_seconds > 0.0 {
            scrape_interval_seconds
        } else {
            15.0
        };
        let rate = (step_seconds + scrape).max(4.0 * scrape);
        self.set(
            "__interval",
            ScopedValue::single(format_seconds(step_seconds)),
        );
        self.set(
            "__interval_ms",
            ScopedValue::single(format!("{}", (step_seconds * 1000.0).round())),
        );
        self.set("__rate_interval", ScopedValue::single(format_seconds(rate)));
        self.set(
            "__rate_interval_ms",
            ScopedValue::single(format!("{}", (rate * 1000.0).round())),
        );
    }

    /// Replaces every known variable in `text` with the PromQL default format. Unknown
    /// variables stay as written, as in Grafana, so the mistake is visible in the query.
    pub fn interpolate(&self, text: &str) -> String {
        self.interpolate_as(text, None)
    }

    /// Like [`interpolate`](Self::interpolate) with another default format, e.g. `regex` for a
    /// variable's own regex as Grafana does. `${var:format}` in the text still wins.
    pub fn interpolate_with_format(&self, text: &str, default_format: &str) -> String {
        self.interpolate_as(text, Some(default_format))
    }

    fn interpolate_as(&self, text: &str, default_format: Option<&str>) -> String {
        VARIABLE
            .replace_all(text, |caps: &Captures| {
                self.replacement(caps, default_format)
            })
            .into_owned()
    }

    fn replacement(&self, caps: &Captures, default_format: Option<&str>) -> String {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let name = caps
            .get(1)
            .or(caps.get(2))
            .or(caps.get(4))
            .map_or("", |m| m.as_str());
        let format = caps
            .get(3)
            .or(caps.get(6))
            .map(|m| m.as_str())
            .or(default_format);
        let Some(value) = self.values.get(name) else {
            return whole.to_owned();
        };
        let (format, arg) = match format.map(|f| f.split_once(':').unwrap_or((f, ""))) {
            Some((f, a)) => (Some(f), Some(a).filter(|a| !a.is_empty())),
            None => (None, None),
        };
        format::write(name, value, format, arg)
    }
}

/// Names of the variables `text` refers to, in any syntax.
pub fn referenced_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = VARIABLE
        .captures_iter(text)
        .filter_map(|caps| caps.get(1).or(caps.get(2)).or(caps.get(4)))
        .map(|m| m.as_str().to_owned())
        .collect();
    names.dedup();
    names
}

/// The value a variable stands for given its saved `current` selection and options.
/// `None` for kinds Hinomi does not resolve (ad hoc filters), which are left in the text.
pub fn scoped_value(variable: &Variable, window: &TimeWindow) -> Option<ScopedValue> {
    let multi_or_all = variable.is_multi() || variable.includes_all();
    let current = variable.current.as_ref();
    let current_values = current.and_then(|c| c.value.as_ref());
    let mut value = ScopedValue {
        multi_or_all,
        ..ScopedValue::default()
    };
    match &variable.kind {
        VariableKind::Other(_) => return None,
        VariableKind::Constant => return Some(ScopedValue::single(variable.query_text())),
        VariableKind::Textbox => {
            let text = current_values
                .map(VariableValue::values)
                .and_then(|v| v.into_iter().next())
                .unwrap_or_else(|| variable.query_text().to_owned());
            return Some(ScopedValue::single(text));
        }
        _ => {}
    }
    let options = variable_options::effective_options(variable);
    if variable.all_selected() {
        value.is_all = true;
        value.texts = vec!["All".into()];
        match variable.custom_all_value() {
            Some(all) => value.custom_all = Some(all.to_owned()),
            None => {
                value.values = options
                    .iter()
                    .filter(|o| o.value != ALL_VALUE)
                    .map(|o| o.value.clone())
                    .collect();
            }
        }
        return Some(value);
    }
    let mut values = current_values
        .map(VariableValue::values)
        .unwrap_or_default();
    if values.is_empty() {
        // Nothing saved yet: Grafana selects the first option.
        values.extend(
            options
                .iter()
                .filter(|o| o.value != ALL_VALUE)
                .take(1)
                .map(|o| o.value.clone()),
        );
    }
    if variable.kind == VariableKind::Interval {
        values = values
            .into_iter()
            .map(|v| {
                if v == "auto" || v.starts_with("$__auto_interval") {
                    format_seconds(auto_interval_seconds(variable, window))
                } else {
                    v
                }
            })
            .collect();
    }
    value.texts = match current.and_then(|c| c.text.as_ref()) {
        Some(text) if current_values.is_some() => text.values(),
        _ => values.clone(),
    };
    value.values = values;
    Some(value)
}

/// An interval variable's `auto`: the range split into `auto_count` steps (30 unless set),
/// rounded the Grafana way, never below `auto_min` (10 s unless set).
pub fn auto_interval_seconds(variable: &Variable, window: &TimeWindow) -> f64 {
    let count = f64::from(variable.auto_count.unwrap_or(30).max(1));
    let min = variable
        .auto_min
        .as_deref()
        .and_then(duration::parse_seconds)
        .unwrap_or(10.0);
    (duration::round_interval_ms(window.range_ms() / count) / 1000.0).max(min)
}

#[cfg(test)]
mod tests;
