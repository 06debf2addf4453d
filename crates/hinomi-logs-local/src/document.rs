//! Over 400 lines: a log line to an index document; builder and flatten are already split out.
//! One log line as an index document.
//!
//! A line that is a JSON object is flattened to dotted names as Elasticsearch shows them
//! (`{"context": {"request_id": ..}}` → `context.request_id`, arrays give several values to one
//! name, `null` is absent). Any other line is plain text: the whole line is `message`, with a
//! leading timestamp and level word read when present. Values are indexed by their field's kind
//! (see [`crate::catalog`]); the detected time field goes to `_time` only, as a `date` would.
//!
//! Nothing is dropped: a string value over [`MAX_VALUE_BYTES`] (or a plain line over
//! [`MAX_PLAIN_BYTES`]) is cut at a character boundary and marked; the file keeps it whole.

mod builder;
mod flatten;

pub use builder::LineBuilder;

use crate::analyze::path_term;
use crate::catalog::{Catalog, FieldKind, Mapping, SeenAs, keyword_ignore_above};
use crate::schema::{self, FLAG_LOSSY_UTF8, FLAG_REAL_TIME, FLAG_TRUNCATED, Fields};
use crate::timeparse;
use serde_json::{Map, Value};
use tantivy::TantivyDocument;
use tantivy::schema::Term;

/// Longest string value indexed and stored per field.
pub const MAX_VALUE_BYTES: usize = 32 * 1024;
/// Longest plain-text line indexed and stored.
pub const MAX_PLAIN_BYTES: usize = 64 * 1024;
/// Largest keyword term (Lucene's own limit is 32,766 bytes).
const MAX_KEYWORD_BYTES: usize = 32_766;

/// The field a file's path is shown and filtered under, as Filebeat names it.
pub const FILE_PATH_FIELD: &str = "log.file.path";

/// Where the line came from and what came before it.
pub struct LineInput<'a> {
    pub text: &'a str,
    pub file_id: u64,
    pub line: u64,
    pub seq: u64,
    pub path: &'a str,
    /// The previous line's time, for a line without one.
    pub inherited_ms: i64,
    pub lossy_utf8: bool,
    /// The line was longer than the reader keeps in memory.
    pub cut_by_reader: bool,
}

/// How to find each line's time.
#[derive(Debug, Clone)]
pub struct TimeConfig {
    /// The configured field; `None` tries [`timeparse::CANDIDATE_FIELDS`].
    pub field: Option<String>,
    /// The zone of wall times written without one.
    pub zone: timeparse::LineZone,
}

pub struct BuiltLine {
    pub doc: TantivyDocument,
    /// The line's own time, if it had one.
    pub time_ms: Option<i64>,
    pub truncated: bool,
}

/// A leaf value of a flattened document.
#[derive(Debug, Clone, PartialEq)]
pub enum Leaf<'a> {
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Leaf<'_> {
    /// What the catalog is told the value looked like.
    pub fn seen_as(&self) -> SeenAs {
        match self {
            Leaf::Str(_) => SeenAs::String,
            Leaf::Int(_) => SeenAs::Integer,
            Leaf::Float(_) => SeenAs::Fraction,
            Leaf::Bool(_) => SeenAs::Boolean,
        }
    }

    /// The value as a number field holds it; `None` for a boolean or text that is no number.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Leaf::Int(i) => Some(*i as f64),
            Leaf::Float(f) => Some(*f),
            Leaf::Str(s) => s.trim().parse::<f64>().ok(),
            Leaf::Bool(_) => None,
        }
    }
}

/// Dotted leaves of a JSON object, arrays giving several values to one path.
pub fn flatten_leaves<'a>(
    prefix: &str,
    map: &'a Map<String, Value>,
    out: &mut Vec<(String, Leaf<'a>)>,
) {
    for (key, value) in map {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        push_value(&path, value, out);
    }
}

fn push_value<'a>(path: &str, value: &'a Value, out: &mut Vec<(String, Leaf<'a>)>) {
    match value {
        Value::Object(inner) => flatten_leaves(path, inner, out),
        Value::Array(items) => items.iter().for_each(|item| push_value(path, item, out)),
        Value::String(text) => out.push((path.to_string(), Leaf::Str(text))),
        Value::Number(n) => match n.as_i64() {
            Some(i) => out.push((path.to_string(), Leaf::Int(i))),
            None => out.push((path.to_string(), Leaf::Float(n.as_f64().unwrap_or(0.0)))),
        },
        Value::Bool(b) => out.push((path.to_string(), Leaf::Bool(*b))),
        Value::Null => {}
    }
}

/// Cuts every long string value in place; true when something was cut.
fn truncate_values(value: &mut Value) -> bool {
    match value {
        Value::String(text) if text.len() > MAX_VALUE_BYTES => {
            let total = text.len();
            cut(text, MAX_VALUE_BYTES, total);
            true
        }
        Value::Object(map) => map
            .values_mut()
            .fold(false, |acc, v| truncate_values(v) | acc),
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |acc, v| truncate_values(v) | acc),
        _ => false,
    }
}

/// Keeps the first `keep` bytes (at a character boundary) and appends the marker.
pub fn cut(text: &mut String, keep: usize, total_bytes: usize) {
    let mut end = keep.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(&truncation_marker(total_bytes));
}

pub fn truncation_marker(total_bytes: usize) -> String {
    format!(" …[truncated by Hinomi: {total_bytes} bytes in the file]")
}

/// Builds the document of one line, recording new fields in the catalog.
///
/// The reference: [`LineBuilder`] gives the same document faster, and falls back to this for
/// what it does not handle.
pub fn build_line(
    fields: &Fields,
    catalog: &mut Catalog,
    mapping: &Mapping,
    time: &TimeConfig,
    input: &LineInput<'_>,
) -> BuiltLine {
    let parsed = parse_object(input.text);
    let mut truncated = input.cut_by_reader;
    let mut doc = TantivyDocument::new();
    let mut names = Vec::new();
    let (time_ms, stored) = match parsed {
        Some(mut object) => {
            let mut value = Value::Object(std::mem::take(&mut object));
            let cut_values = truncate_values(&mut value);
            truncated |= cut_values;
            let Value::Object(object) = &value else {
                unreachable!("built as an object")
            };
            let mut leaves = Vec::new();
            flatten_leaves("", object, &mut leaves);
            let found = timeparse::find_time(&leaves, time.field.as_deref(), &time.zone);
            let time_path = found.as_ref().map(|(path, _)| path.clone());
            if let Some(path) = &time_path {
                catalog.observe(mapping, path, SeenAs::Date);
            }
            index_leaves(
                fields,
                catalog,
                mapping,
                &leaves,
                time_path.as_deref(),
                &mut names,
                &mut doc,
            );
            let stored = if cut_values {
                value.to_string()
            } else {
                input.text.to_string()
            };
            (found.map(|(_, ms)| ms), stored)
        }
        None => {
            let mut text = input.text.to_string();
            if text.len() > MAX_PLAIN_BYTES {
                let total = text.len();
                cut(&mut text, MAX_PLAIN_BYTES, total);
                truncated = true;
            }
            let (time_ms, level) = timeparse::leading_time_and_level(&text, &time.zone);
            let mut leaves = vec![("message".to_string(), Leaf::Str(&text))];
            if let Some(level) = level {
                leaves.push(("level".to_string(), Leaf::Str(level)));
            }
            index_leaves(
                fields, catalog, mapping, &leaves, None, &mut names, &mut doc,
            );
            (time_ms, text)
        }
    };
    let file_leaf = [(FILE_PATH_FIELD.to_string(), Leaf::Str(input.path))];
    index_leaves(
        fields, catalog, mapping, &file_leaf, None, &mut names, &mut doc,
    );
    for term in exists_terms(&names) {
        doc.add_text(fields.exists, term);
    }
    finish_line(fields, doc, input, time_ms, truncated, &stored)
}

/// Adds what every line's document carries besides its terms: time, position, flags and the
/// stored text. Both builders (this generic one and [`LineBuilder`]) end here.
pub(crate) fn finish_line(
    fields: &Fields,
    mut doc: TantivyDocument,
    input: &LineInput<'_>,
    time_ms: Option<i64>,
    truncated: bool,
    stored: &str,
) -> BuiltLine {
    let mut flags = 0;
    if time_ms.is_some() {
        flags |= FLAG_REAL_TIME;
    }
    if truncated {
        flags |= FLAG_TRUNCATED;
    }
    if input.lossy_utf8 {
        flags |= FLAG_LOSSY_UTF8;
    }
    doc.add_i64(fields.time, time_ms.unwrap_or(input.inherited_ms));
    doc.add_u64(fields.file, input.file_id);
    doc.add_u64(fields.line, input.line);
    doc.add_u64(fields.seq, input.seq);
    doc.add_u64(fields.flags, flags);
    doc.add_text(fields.src, stored);
    BuiltLine {
        doc,
        time_ms,
        truncated,
    }
}

/// A JSON object line, or `None` for anything else.
fn parse_object(text: &str) -> Option<Map<String, Value>> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') {
        return None;
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

fn index_leaves(
    fields: &Fields,
    catalog: &mut Catalog,
    mapping: &Mapping,
    leaves: &[(String, Leaf<'_>)],
    time_path: Option<&str>,
    names: &mut Vec<String>,
    doc: &mut TantivyDocument,
) {
    for (path, leaf) in leaves {
        push_with_parents(path, names);
        if Some(path.as_str()) == time_path {
            continue;
        }
        let kind = catalog.observe(mapping, path, leaf.seen_as());
        index_leaf(fields, kind, path, leaf, doc);
    }
}

/// Adds `path` and each of its parents (`a.b.c`, `a.b`, `a`) to `names`, once each.
pub(crate) fn push_with_parents(path: &str, names: &mut Vec<String>) {
    let mut at = path.len();
    loop {
        let name = &path[..at];
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
        match name.rfind('.') {
            Some(dot) => at = dot,
            None => break,
        }
    }
}

/// Longest `_exists` term made; a line with more names gets several.
const MAX_EXISTS_TERM_BYTES: usize = 8 * 1024;

/// The `_exists` terms of a line whose field names (leaves and their parents) are `names`.
///
/// One term holds the whole set, as a JSON array of strings, instead of one term per name:
/// lines of one shape share the term, so the writer hashes and posts one term a line instead
/// of a dozen (a seed line has 11 names). The query side ([`crate::query::exists`]) walks the
/// few distinct sets of a segment and unites the postings of those that hold the name. JSON
/// escaping keeps any name (quotes, control characters) exact. A set longer than
/// [`MAX_EXISTS_TERM_BYTES`] is split over several terms; a name is in the line's set when it
/// is in any of them.
pub fn exists_terms(names: &[String]) -> Vec<String> {
    let mut terms = Vec::new();
    let mut chunk: Vec<&str> = Vec::new();
    let mut chunk_bytes = 2;
    for name in names {
        let encoded = name.len() + 3;
        if !chunk.is_empty() && chunk_bytes + encoded > MAX_EXISTS_TERM_BYTES {
            terms.push(serde_json::to_string(&chunk).unwrap_or_default());
            chunk.clear();
            chunk_bytes = 2;
        }
        chunk.push(name);
        chunk_bytes += encoded;
    }
    if !chunk.is_empty() {
        terms.push(serde_json::to_string(&chunk).unwrap_or_default());
    }
    terms
}

fn index_leaf(
    fields: &Fields,
    kind: FieldKind,
    path: &str,
    leaf: &Leaf<'_>,
    doc: &mut TantivyDocument,
) {
    let text = || match leaf {
        Leaf::Str(s) => (*s).to_string(),
        Leaf::Int(i) => i.to_string(),
        Leaf::Float(f) => Value::from(*f).to_string(),
        Leaf::Bool(b) => b.to_string(),
    };
    match kind {
        FieldKind::Keyword | FieldKind::Boolean => {
            let value = text();
            if value.len() <= MAX_KEYWORD_BYTES {
                doc.add_text(fields.kw, path_term(path, &value));
            }
        }
        FieldKind::Text => {
            let value = text();
            doc.add_text(fields.tx, path_term(path, &value));
            if value.chars().count() <= keyword_ignore_above(path) {
                doc.add_text(fields.kwt, path_term(&format!("{path}.keyword"), &value));
            }
        }
        FieldKind::Long | FieldKind::Float => {
            if let Some(number) = leaf.as_number() {
                doc.add_bytes(fields.num, &schema::num_term_bytes(path, number));
                // The text form too, so top values can read it from the column.
                doc.add_text(fields.kw, path_term(path, &display_number(number)));
            }
        }
        FieldKind::Date => {}
    }
}

/// A number as Elasticsearch shows a `long`/`float` bucket key.
pub fn display_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

/// The `_kw` term of a keyword value (exposed for the query side).
pub fn keyword_term(fields: &Fields, path: &str, value: &str) -> Term {
    Term::from_field_text(fields.kw, &path_term(path, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_and_arrays_flatten_to_dotted_leaves() {
        let value = json!({"a": {"b": {"c": "x"}}, "tags": ["p", "q"], "n": 3, "f": 1.5, "ok": true,
            "none": null, "objs": [{"k": 1}, {"k": 2}]});
        let mut out = Vec::new();
        flatten_leaves("", value.as_object().unwrap(), &mut out);
        let mut names: Vec<_> = out.iter().map(|(p, l)| format!("{p}={l:?}")).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "a.b.c=Str(\"x\")",
                "f=Float(1.5)",
                "n=Int(3)",
                "objs.k=Int(1)",
                "objs.k=Int(2)",
                "ok=Bool(true)",
                "tags=Str(\"p\")",
                "tags=Str(\"q\")"
            ]
        );
    }

    #[test]
    fn long_values_are_cut_at_a_character_boundary_with_a_marker() {
        let mut text = "あ".repeat(20);
        cut(&mut text, 10, 60);
        assert!(
            text.starts_with("あああ …[truncated by Hinomi: 60 bytes"),
            "{text}"
        );
        let mut value = json!({"message": "x".repeat(MAX_VALUE_BYTES + 10), "short": "y"});
        assert!(truncate_values(&mut value));
        assert!(value["message"].as_str().unwrap().len() < MAX_VALUE_BYTES + 100);
        assert_eq!(value["short"], "y");
    }

    #[test]
    fn numbers_display_like_bucket_keys() {
        assert_eq!(display_number(500.0), "500");
        assert_eq!(display_number(1.5), "1.5");
    }
}
