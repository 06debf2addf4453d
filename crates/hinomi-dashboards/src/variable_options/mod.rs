//! Where a variable's choices come from and which one is selected.
//!
//! `custom`, `interval` and `constant` variables carry their options in the dashboard; `query`
//! variables need Prometheus ([`prometheus`] builds the request and reads the answer, the
//! caller does the HTTP); `datasource` variables list the caller's datasources. Whatever the
//! source, options go through the variable's `regex` and `sort`, then [`apply_options`] stores
//! them and keeps the selection valid, as Grafana does on refresh.

pub mod prometheus;

pub use prometheus::{
    PrometheusRequest, QueryParam, VariableQuery, VariableRequest, options_from_answer,
    variable_request,
};

use crate::error::{DashboardError, Result, VariableProblem};
use crate::js_regex;
use crate::model::Dashboard;
use crate::model::{
    ALL_VALUE, Variable, VariableCurrent, VariableKind, VariableOption, VariableValue,
};
use crate::template;
use std::cmp::Ordering;
use std::collections::HashSet;

/// The options to offer now: computed for kinds defined inline, the saved list otherwise.
/// Includes "All" first when the variable allows it.
pub fn effective_options(variable: &Variable) -> Vec<VariableOption> {
    let mut options = match variable.kind {
        VariableKind::Custom => custom_options(variable.query_text()),
        VariableKind::Interval => interval_options(variable),
        VariableKind::Constant => {
            let value = variable.query_text();
            vec![VariableOption::new(value, value)]
        }
        _ => {
            return variable.saved_options().to_vec();
        }
    };
    if variable.includes_all() && variable.kind == VariableKind::Custom {
        options.insert(0, VariableOption::new("All", ALL_VALUE));
    }
    options
}

/// `a, b, c` or `Label : value, Other : value2`; `\,` escapes a comma. Grafana only splits on a
/// colon with spaces around it, so URLs like `http://x` stay whole.
pub fn custom_options(query: &str) -> Vec<VariableOption> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                current.push(',');
                chars.next();
            }
            ',' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|part| match part.split_once(" : ") {
            Some((text, value)) if !text.trim().is_empty() && !value.trim().is_empty() => {
                VariableOption::new(text.trim(), value.trim())
            }
            _ => VariableOption::new(part.trim(), part.trim()),
        })
        .collect()
}

/// `1m,10m,1h`, with `auto` first when enabled.
fn interval_options(variable: &Variable) -> Vec<VariableOption> {
    let mut options: Vec<VariableOption> = variable
        .query_text()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| VariableOption::new(s, s))
        .collect();
    if variable.auto == Some(true) {
        options.insert(
            0,
            VariableOption::new("auto", format!("$__auto_interval_{}", variable.name)),
        );
    }
    options
}

/// Query variables to refresh, in dashboard order, after the selection of `changed` changed:
/// those whose query, regex or datasource refers to it, directly or through another one.
pub fn dependents(dashboard: &Dashboard, changed: &str) -> Vec<String> {
    let mut stale: Vec<String> = vec![changed.to_owned()];
    let mut out = Vec::new();
    // Grafana resolves variables in list order, so one pass in order reaches chains like
    // job → nodename → node; a reference to a later variable is caught by the loop.
    loop {
        let before = out.len();
        for variable in dashboard.variables() {
            if variable.kind != VariableKind::Query || out.contains(&variable.name) {
                continue;
            }
            let mut texts = vec![variable.query_text()];
            texts.extend(variable.regex.as_deref());
            texts.extend(variable.datasource.as_ref().and_then(|d| d.key()));
            let refers = texts
                .iter()
                .flat_map(|t| template::referenced_names(t))
                .any(|name| stale.contains(&name) && name != variable.name);
            if refers {
                out.push(variable.name.clone());
                stale.push(variable.name.clone());
            }
        }
        if out.len() == before {
            break;
        }
    }
    let order: Vec<&str> = dashboard
        .variables()
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    out.sort_by_key(|name| order.iter().position(|n| n == name));
    out
}

/// Datasource variables: the caller's datasource names, through the variable's regex.
pub fn datasource_options(variable: &Variable, names: &[String]) -> Result<Vec<VariableOption>> {
    let regex = variable.regex.as_deref().filter(|r| !r.is_empty());
    let raw = names.iter().map(|n| (n.clone(), n.clone())).collect();
    filter_and_sort(&variable.name, raw, regex, 1)
}

/// Grafana's `metricNamesToVariableValues`: the regex keeps matching items and, through a
/// first capture group or groups named `text` and `value`, rewrites them; duplicates (by
/// value) are dropped; then the variable's sort order applies.
pub fn filter_and_sort(
    variable: &str,
    items: Vec<(String, String)>,
    regex: Option<&str>,
    sort: u32,
) -> Result<Vec<VariableOption>> {
    let regex = regex
        .map(|r| {
            js_regex::parse(r).map_err(|err| DashboardError::InvalidVariable {
                variable: variable.to_owned(),
                reason: VariableProblem::BadRegex {
                    regex: r.to_owned(),
                    cause: err.to_string(),
                },
            })
        })
        .transpose()?;
    let mut seen = HashSet::new();
    let mut options = Vec::new();
    for (text, value) in items {
        let (text, value) = match &regex {
            None => (text, value),
            Some(re) => {
                let Some(caps) = re.captures(&text) else {
                    continue;
                };
                let named_text = caps.name("text").map(|m| m.as_str().to_owned());
                let named_value = caps.name("value").map(|m| m.as_str().to_owned());
                if named_text.is_some() || named_value.is_some() {
                    let value = named_value
                        .clone()
                        .or(named_text.clone())
                        .unwrap_or_default();
                    (named_text.or(named_value).unwrap_or_default(), value)
                } else if let Some(group) = caps.get(1) {
                    (group.as_str().to_owned(), group.as_str().to_owned())
                } else {
                    (text, value)
                }
            }
        };
        if seen.insert(value.clone()) {
            options.push(VariableOption::new(text, value));
        }
    }
    sort_options(&mut options, sort);
    Ok(options)
}

/// Sort orders 1–8: alphabetical, numerical (first number in the text), case-insensitive and
/// natural, odd ascending and even descending; 0 keeps the server's order.
pub fn sort_options(options: &mut [VariableOption], sort: u32) {
    if sort == 0 {
        return;
    }
    let kind = sort.div_ceil(2);
    match kind {
        1 => options.sort_by(|a, b| a.text.cmp(&b.text)),
        2 => options.sort_by_key(|o| first_number(&o.text)),
        3 => options.sort_by_key(|o| o.text.to_lowercase()),
        4 => options.sort_by(|a, b| natural_cmp(&a.text, &b.text)),
        _ => return,
    }
    if sort.is_multiple_of(2) {
        options.reverse();
    }
}

/// The first run of digits, or -1 when there is none (such options sort first, as in Grafana).
fn first_number(text: &str) -> i128 {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(-1)
}

/// Compares digit runs by value and the rest case-insensitively: `node2` < `node10`.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let split = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
                let (na, nb) = (split(a), split(b));
                let (da, db) = (
                    a[..na].trim_start_matches('0'),
                    b[..nb].trim_start_matches('0'),
                );
                let order = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
                if order != Ordering::Equal {
                    return order;
                }
                (a, b) = (&a[na..], &b[nb..]);
            }
            (Some(x), Some(y)) => {
                let order = x.to_lowercase().cmp(y.to_lowercase());
                if order != Ordering::Equal {
                    return order;
                }
                (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            }
        }
    }
}

/// Stores freshly loaded options (adding "All" when allowed) and keeps the selection valid:
/// values that disappeared are dropped, and an empty selection falls back to the first option.
pub fn apply_options(variable: &mut Variable, options: Vec<VariableOption>) {
    let mut options = options;
    if variable.includes_all() && options.first().is_none_or(|o| o.value != ALL_VALUE) {
        options.insert(0, VariableOption::new("All", ALL_VALUE));
    }
    variable.options = Some(options);
    let available = effective_options(variable);
    let selected = variable.selected_values();
    let keep: Vec<&VariableOption> = if selected.iter().any(|v| v == ALL_VALUE) {
        available.iter().filter(|o| o.value == ALL_VALUE).collect()
    } else {
        available
            .iter()
            .filter(|o| selected.contains(&o.value))
            .collect()
    };
    let chosen: Vec<VariableOption> = if keep.is_empty() {
        available.first().cloned().into_iter().collect()
    } else {
        keep.into_iter().cloned().collect()
    };
    set_current(variable, &chosen);
}

/// Selects values the user picked. For kinds with options, each value must be one of them;
/// a textbox takes any single value.
pub fn select(variable: &mut Variable, values: &[String]) -> Result<()> {
    let invalid = |reason: VariableProblem| DashboardError::InvalidVariable {
        variable: variable.name.clone(),
        reason,
    };
    if values.is_empty() {
        return Err(invalid(VariableProblem::NothingSelected));
    }
    if values.len() > 1 && !variable.is_multi() {
        return Err(invalid(VariableProblem::OnlyOneValue));
    }
    match variable.kind {
        VariableKind::Textbox => {
            let option = VariableOption::new(values[0].clone(), values[0].clone());
            set_current(variable, &[option]);
            return Ok(());
        }
        VariableKind::Constant | VariableKind::Other(_) => {
            return Err(invalid(VariableProblem::NotSelectable(
                variable.kind.as_str().to_owned(),
            )));
        }
        _ => {}
    }
    let available = effective_options(variable);
    let mut chosen = Vec::new();
    for value in values {
        let option = available
            .iter()
            .find(|o| &o.value == value)
            .ok_or_else(|| invalid(VariableProblem::NotAnOption(value.clone())))?;
        chosen.push(option.clone());
    }
    // All stands alone.
    if chosen.len() > 1 && chosen.iter().any(|o| o.value == ALL_VALUE) {
        chosen.retain(|o| o.value == ALL_VALUE);
    }
    set_current(variable, &chosen);
    Ok(())
}

fn set_current(variable: &mut Variable, chosen: &[VariableOption]) {
    let values: Vec<String> = chosen.iter().map(|o| o.value.clone()).collect();
    let texts: Vec<String> = chosen.iter().map(|o| o.text.clone()).collect();
    let multi = variable.is_multi();
    let wrap = |list: Vec<String>| {
        if multi {
            VariableValue::Many(list)
        } else {
            VariableValue::One(list.into_iter().next().unwrap_or_default())
        }
    };
    let extra = variable.current.take().map(|c| c.extra).unwrap_or_default();
    variable.current = Some(VariableCurrent {
        text: Some(wrap(texts)),
        value: Some(wrap(values.clone())),
        selected: Some(true),
        extra,
    });
    if let Some(options) = variable.options.as_mut() {
        for option in options {
            option.selected = values.contains(&option.value);
        }
    }
}

#[cfg(test)]
mod tests;
