//! From a stored line to the view's [`LogHit`], shown exactly as the Elasticsearch client shows
//! its hits (the same flattening and level rule), with the file's path as `log.file.path`.

use super::collect::Key;
use crate::document::FILE_PATH_FIELD;
use crate::schema::{FLAG_REAL_TIME, Fields};
use hinomi_logs::elastic::convert::flatten;
use hinomi_logs::{LogHit, SortCursor};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use tantivy::schema::Value as _;
use tantivy::{DocAddress, Searcher, TantivyDocument};

/// `file:line`, stable for the life of the index.
pub fn hit_id(file: u64, line: u64) -> String {
    format!("{file}:{line}")
}

pub fn parse_hit_id(id: &str) -> Option<(u64, u64)> {
    let (file, line) = id.split_once(':')?;
    Some((file.parse().ok()?, line.parse().ok()?))
}

pub fn cursor_of(key: Key) -> SortCursor {
    SortCursor(format!("[{},{},{}]", key.0, key.1, key.2))
}

pub fn parse_cursor(cursor: &SortCursor) -> Option<Key> {
    let values: Vec<Value> = serde_json::from_str(&cursor.0).ok()?;
    match values.as_slice() {
        [t, f, l] => Some((t.as_i64()?, f.as_u64()?, l.as_u64()?)),
        _ => None,
    }
}

/// The document a stored line stands for: the JSON object, or `{"message": line}`.
pub fn source_of(stored: &str) -> Value {
    if stored.trim_start().starts_with('{')
        && let Ok(Value::Object(map)) = serde_json::from_str::<Value>(stored)
    {
        return Value::Object(map);
    }
    let mut map = Map::new();
    map.insert("message".into(), Value::String(stored.to_string()));
    if let (_, Some(level)) =
        crate::timeparse::leading_time_and_level(stored, &crate::timeparse::UTC)
    {
        map.insert("level".into(), Value::String(level.to_string()));
    }
    Value::Object(map)
}

pub fn load_hit(
    searcher: &Searcher,
    fields: &Fields,
    address: DocAddress,
    paths: &BTreeMap<u64, String>,
) -> tantivy::Result<LogHit> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let stored = doc
        .get_first(fields.src)
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    let reader = searcher.segment_reader(address.segment_ord);
    let fast = reader.fast_fields();
    let time = fast.i64("_time")?.first(address.doc_id).unwrap_or(0);
    let file = fast.u64("_file")?.first(address.doc_id).unwrap_or(0);
    let line = fast.u64("_line")?.first(address.doc_id).unwrap_or(0);
    let flags = fast.u64("_flags")?.first(address.doc_id).unwrap_or(0);
    let source = source_of(&stored);
    let mut shown = BTreeMap::new();
    flatten("", &source, &mut shown);
    let path = paths.get(&file).cloned().unwrap_or_default();
    shown.insert(FILE_PATH_FIELD.to_string(), path.clone());
    let level = ["level", "log.level"]
        .iter()
        .find_map(|name| shown.get(*name))
        .map(|level| level.to_uppercase());
    Ok(LogHit {
        id: hit_id(file, line),
        index: path,
        time_ms: (flags & FLAG_REAL_TIME != 0).then_some(time as f64),
        level,
        fields: shown,
        source_json: serde_json::to_string_pretty(&source).unwrap_or_default(),
        cursor: cursor_of((time, file, line)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_cursors_round_trip() {
        assert_eq!(parse_hit_id(&hit_id(3, 42)), Some((3, 42)));
        assert_eq!(parse_hit_id("x"), None);
        let key = (1_714_557_600_000, u64::MAX - 1, 7);
        assert_eq!(parse_cursor(&cursor_of(key)), Some(key));
        assert_eq!(parse_cursor(&SortCursor("[]".into())), None);
    }

    #[test]
    fn plain_lines_are_a_message() {
        assert_eq!(
            source_of("hello {"),
            serde_json::json!({"message": "hello {"})
        );
        assert_eq!(source_of("{\"a\":1}"), serde_json::json!({"a": 1}));
    }
}
