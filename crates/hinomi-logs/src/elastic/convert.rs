//! From an engine's hit to the view's [`LogHit`].
//!
//! The table and sidebar get text only: `_source` flattened to dotted names with display strings
//! (arrays joined by ", "). The time comes from the hit's first sort value when the search
//! sorted by time (the engine already parsed the field with its mapping), else from the field
//! itself: epoch milliseconds, RFC 3339, or the seed's `yyyy-MM-dd HH:mm:ss` read as UTC (as an
//! engine reads a date without a zone).

use super::wire::RawHit;
use crate::model::{LogHit, SortCursor};
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// A hit as a result set keeps it: small, converted only when shown.
#[derive(Debug, Clone)]
pub struct KeptHit {
    pub index: String,
    pub id: String,
    pub source: Option<Box<RawValue>>,
    pub sort: Vec<Value>,
}

impl From<RawHit> for KeptHit {
    fn from(hit: RawHit) -> Self {
        Self {
            index: hit.index,
            id: hit.id,
            source: hit.source,
            sort: hit.sort,
        }
    }
}

/// `sort_by_time`: the search sorted by the time field first, so `sort[0]` is its epoch millis.
pub fn to_hit(hit: &KeptHit, time_field: &str, sort_by_time: bool) -> LogHit {
    let source: Value = hit
        .source
        .as_deref()
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or(Value::Null);
    let mut fields = BTreeMap::new();
    flatten("", &source, &mut fields);
    let time_ms = sort_by_time
        .then(|| hit.sort.first().and_then(Value::as_f64))
        .flatten()
        .or_else(|| lookup(&source, time_field).and_then(parse_time));
    let level = ["level", "log.level"]
        .iter()
        .find_map(|name| fields.get(*name))
        .map(|level| level.to_uppercase());
    LogHit {
        id: hit_id(&hit.index, &hit.id),
        index: hit.index.clone(),
        time_ms,
        level,
        fields,
        source_json: serde_json::to_string_pretty(&source).unwrap_or_default(),
        cursor: cursor_of(&hit.sort),
    }
}

/// `index/_id`: index names cannot contain `/`, so the first one splits it back.
pub fn hit_id(index: &str, id: &str) -> String {
    format!("{index}/{id}")
}

pub fn split_hit_id(hit_id: &str) -> Option<(&str, &str)> {
    hit_id.split_once('/')
}

pub fn cursor_of(sort: &[Value]) -> SortCursor {
    SortCursor(serde_json::to_string(sort).unwrap_or_else(|_| "[]".into()))
}

/// The sort values back; serde_json keeps 64-bit integers exact, which a JavaScript number
/// would not.
pub fn parse_cursor(cursor: &SortCursor) -> Option<Vec<Value>> {
    serde_json::from_str::<Vec<Value>>(&cursor.0)
        .ok()
        .filter(|values| !values.is_empty())
}

/// A dotted path in the document: `a.b.c` may be `{"a": {"b": {"c": ..}}}`, `{"a.b": {"c": ..}}`
/// or `{"a.b.c": ..}`.
fn lookup<'a>(source: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(found) = source.get(path) {
        return Some(found);
    }
    path.match_indices('.').find_map(|(cut, _)| {
        source
            .get(&path[..cut])
            .and_then(|inner| lookup(inner, &path[cut + 1..]))
    })
}

pub fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, inner, out);
            }
        }
        Value::Array(items) => {
            if items.iter().any(Value::is_object) {
                // Arrays of objects: each leaf lists the values of all elements.
                for item in items {
                    let mut one = BTreeMap::new();
                    flatten(prefix, item, &mut one);
                    for (name, text) in one {
                        append(out, name, text);
                    }
                }
            } else {
                let text = items.iter().map(display).collect::<Vec<_>>().join(", ");
                append(out, prefix.to_string(), text);
            }
        }
        scalar if !prefix.is_empty() => append(out, prefix.to_string(), display(scalar)),
        _ => {}
    }
}

fn append(out: &mut BTreeMap<String, String>, name: String, text: String) {
    out.entry(name)
        .and_modify(|existing| {
            existing.push_str(", ");
            existing.push_str(&text);
        })
        .or_insert(text);
}

fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// A time field's value in epoch milliseconds.
pub fn parse_time(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => parse_time_text(text.trim()),
        Value::Array(items) => items.first().and_then(parse_time),
        _ => None,
    }
}

fn parse_time_text(text: &str) -> Option<f64> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(at.timestamp_millis() as f64);
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return Some(naive.and_utc().timestamp_millis() as f64);
        }
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<f64>().ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kept(source: Value, sort: Vec<Value>) -> KeptHit {
        KeptHit {
            index: "dataset-management-2024.05.01".into(),
            id: "abc/def".into(),
            source: Some(RawValue::from_string(source.to_string()).unwrap()),
            sort,
        }
    }

    #[test]
    fn flattens_nested_objects_and_arrays_to_text() {
        let hit = to_hit(
            &kept(
                json!({
                    "timestamp": "2024-05-01 10:00:00",
                    "level": "error",
                    "context": {"request_id": "r-1", "tags": ["a", "b"], "n": 3},
                    "events": [{"k": "x"}, {"k": "y"}],
                    "none": null
                }),
                vec![],
            ),
            "timestamp",
            false,
        );
        assert_eq!(hit.fields["context.request_id"], "r-1");
        assert_eq!(hit.fields["context.tags"], "a, b");
        assert_eq!(hit.fields["context.n"], "3");
        assert_eq!(hit.fields["events.k"], "x, y");
        assert_eq!(hit.fields["none"], "null");
        assert_eq!(hit.level.as_deref(), Some("ERROR"));
        assert_eq!(hit.time_ms, Some(1_714_557_600_000.0));
        assert_eq!(hit.id, "dataset-management-2024.05.01/abc/def");
        assert_eq!(
            split_hit_id(&hit.id),
            Some(("dataset-management-2024.05.01", "abc/def"))
        );
        assert!(hit.source_json.contains("\n  \"context\""));
    }

    #[test]
    fn time_comes_from_the_sort_value_first_then_any_format() {
        let hit = to_hit(
            &kept(
                json!({"@timestamp": "garbage"}),
                vec![json!(1_714_557_600_123_i64), json!(7)],
            ),
            "@timestamp",
            true,
        );
        assert_eq!(hit.time_ms, Some(1_714_557_600_123.0));
        assert_eq!(
            parse_time(&json!("2024-05-01T10:00:00.5+09:00")),
            Some(1_714_525_200_500.0)
        );
        assert_eq!(
            parse_time(&json!(1_714_557_600_000_i64)),
            Some(1_714_557_600_000.0)
        );
        assert_eq!(
            parse_time(&json!("1714557600000")),
            Some(1_714_557_600_000.0)
        );
        assert_eq!(parse_time(&json!("yesterday")), None);
        let dotted = to_hit(
            &kept(
                json!({"log": {"time": "2024-05-01 10:00:00"}, "log.level": "warn"}),
                vec![],
            ),
            "log.time",
            false,
        );
        assert_eq!(dotted.time_ms, Some(1_714_557_600_000.0));
        assert_eq!(dotted.level.as_deref(), Some("WARN"));
    }

    #[test]
    fn cursors_round_trip_64_bit_values_exactly() {
        let sort = vec![
            json!(1_714_557_600_000_i64),
            json!(u64::MAX - 1),
            json!("idx"),
        ];
        let cursor = cursor_of(&sort);
        assert_eq!(parse_cursor(&cursor).unwrap(), sort);
        assert!(parse_cursor(&SortCursor("not json".into())).is_none());
        assert!(parse_cursor(&SortCursor("[]".into())).is_none());
    }

    #[test]
    fn hostile_text_stays_text() {
        let nasty = "<script>alert(1)</script>\u{1b}[31mred\u{202e}evil\u{0}end";
        let hit = to_hit(&kept(json!({"message": nasty}), vec![]), "t", false);
        assert_eq!(hit.fields["message"], nasty);
        let back: Value = serde_json::from_str(&hit.source_json).unwrap();
        assert_eq!(back["message"], nasty);
    }
}
