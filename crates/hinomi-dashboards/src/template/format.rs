//! How a variable's value is written into text: the `${var:format}` formats, and the default
//! for PromQL, which Grafana's Prometheus datasource defines (regex-escaped `(a|b)` for
//! multi-value and All, plain escaping otherwise).

use super::ScopedValue;

/// Writes `value` with an explicit `${var:format}` or, when `format` is `None`, the PromQL
/// default. `arg` is the part after a second colon (`${__from:date:iso}`).
pub(crate) fn write(
    name: &str,
    value: &ScopedValue,
    format: Option<&str>,
    arg: Option<&str>,
) -> String {
    // Grafana writes a custom All value as given: it is meant to be a regex such as `.*`.
    if let Some(all) = &value.custom_all
        && !matches!(format, Some("text" | "queryparam"))
    {
        return all.clone();
    }
    let values = &value.values;
    match format {
        None => prometheus(value),
        Some("raw") => values.join(","),
        Some("regex") => match values.as_slice() {
            [one] => regex_escape(one),
            many => format!(
                "({})",
                many.iter()
                    .map(|v| regex_escape(v))
                    .collect::<Vec<_>>()
                    .join("|")
            ),
        },
        Some("pipe") => values.join("|"),
        Some("csv") => values.join(","),
        Some("distributed") => match values.split_first() {
            Some((first, rest)) => std::iter::once(first.clone())
                .chain(rest.iter().map(|v| format!("{name}={v}")))
                .collect::<Vec<_>>()
                .join(","),
            None => String::new(),
        },
        Some("json") => match values.as_slice() {
            [one] if !value.multi_or_all => serde_json::Value::from(one.as_str()).to_string(),
            many => serde_json::Value::from(many.to_vec()).to_string(),
        },
        Some("doublequote") => quoted(values, '"', |v| v.replace('"', "\\\"")),
        Some("singlequote") => quoted(values, '\'', |v| v.replace('\'', "\\'")),
        Some("sqlstring") => quoted(values, '\'', |v| v.replace('\'', "''")),
        Some("text") => {
            if value.is_all {
                "All".to_owned()
            } else {
                value.texts.join(" + ")
            }
        }
        Some("percentencode") => {
            glob(&values.iter().map(|v| percent_encode(v)).collect::<Vec<_>>())
        }
        Some("queryparam") => {
            let written: Vec<String> = if value.is_all {
                vec!["$__all".into()]
            } else {
                values.clone()
            };
            written
                .iter()
                .map(|v| format!("var-{}={}", percent_encode(name), percent_encode(v)))
                .collect::<Vec<_>>()
                .join("&")
        }
        Some("date") => date(values.first().map_or("", String::as_str), arg),
        // Grafana falls back to `glob` for a format it does not know.
        Some(_) => glob(values),
    }
}

/// Grafana's Prometheus `interpolateQueryExpr`.
fn prometheus(value: &ScopedValue) -> String {
    if !value.multi_or_all {
        return value
            .values
            .iter()
            .map(|v| prometheus_plain_escape(v))
            .collect::<Vec<_>>()
            .join(",");
    }
    match value.values.as_slice() {
        [one] => prometheus_regex_escape(one),
        many => format!(
            "({})",
            many.iter()
                .map(|v| prometheus_regex_escape(v))
                .collect::<Vec<_>>()
                .join("|")
        ),
    }
}

/// Keeps a value intact inside a PromQL string literal.
pub fn prometheus_plain_escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\\\'")
}

/// Makes a value match itself literally inside a PromQL `=~"..."` string: regex
/// metacharacters get a backslash, itself doubled because the PromQL string unescapes once.
pub fn prometheus_regex_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 2);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\\\\\"),
            '$' | '^' | '*' | '{' | '}' | '[' | ']' | '\'' | '+' | '?' | '.' | '(' | ')' | '|' => {
                out.push_str("\\\\");
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Grafana's generic `regexEscape` (one backslash), used by `${var:regex}`.
fn regex_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 2);
    for c in value.chars() {
        if "\\^$*+?.()|[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn glob(values: &[String]) -> String {
    match values {
        [one] => one.clone(),
        many => format!("{{{}}}", many.join(",")),
    }
}

fn quoted(values: &[String], quote: char, escape: impl Fn(&str) -> String) -> String {
    values
        .iter()
        .map(|v| format!("{quote}{}{quote}", escape(v)))
        .collect::<Vec<_>>()
        .join(",")
}

/// `encodeURIComponent`.
fn percent_encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `${__from:date}` (ISO), `${__from:date:seconds}`, `${__from:date:iso}`; other patterns
/// keep the milliseconds.
fn date(ms_text: &str, arg: Option<&str>) -> String {
    let Ok(ms) = ms_text.parse::<i64>() else {
        return ms_text.to_owned();
    };
    let iso = || {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_else(|| ms_text.to_owned())
    };
    match arg {
        None | Some("iso") => iso(),
        Some("seconds") => (ms.div_euclid(1000)).to_string(),
        Some(_) => ms_text.to_owned(),
    }
}
