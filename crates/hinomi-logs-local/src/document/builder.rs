//! Over 400 lines: one builder and its cache of line shapes, with reference tests.
//! [`LineBuilder`]: the documents of [`super::build_line`], built for the ingest loop.
//!
//! Most lines of a file have the same fields as the line before them. So per *shape* (the
//! sequence of leaf paths) the builder keeps what does not depend on the values: each leaf's
//! kind (first sight wins, so a known field's kind never changes), the `_exists` names and
//! which leaves may hold the time. Lines are flattened without a `Value` tree (see
//! [`super::flatten`]), terms are written into buffers reused from line to line, and the line
//! is stored from the borrowed text. Anything unusual — a line long enough to have a value cut,
//! repeated keys — goes through [`super::build_line`]; a unit test checks that both give the
//! same documents, value for value and in the same order.

use super::flatten::{Flat, Outcome, RawLeaf, RawValue};
use super::{
    BuiltLine, FILE_PATH_FIELD, LineInput, MAX_KEYWORD_BYTES, MAX_VALUE_BYTES, TimeConfig,
    build_line, exists_terms, finish_line, push_with_parents,
};
use crate::analyze::PATH_SEP;
use crate::catalog::{Catalog, FieldKind, Mapping, SeenAs, keyword_ignore_above};
use crate::schema::{Fields, sortable_f64};
use crate::timeparse::{self, CANDIDATE_FIELDS};
use std::fmt::Write;
use tantivy::TantivyDocument;

use super::Leaf;

/// Shapes remembered; more distinct shapes than this in a row start the cache over.
const MAX_SHAPES: usize = 64;

/// Builds line documents, reusing its buffers; one per catalog (its cache of field kinds is
/// only valid for the catalog it was filled from).
#[derive(Default)]
pub struct LineBuilder {
    flat: Flat,
    shapes: Vec<Shape>,
    /// The time field the shapes were made for.
    time_field: Option<Option<String>>,
    key: Vec<u8>,
    terms: Terms,
    file_kind: Option<FieldKind>,
    /// `_exists` terms of plain lines: without and with a level.
    plain_exists: [Vec<String>; 2],
}

struct Shape {
    key: Vec<u8>,
    kinds: Vec<FieldKind>,
    /// The `_exists` terms, the file path's names included.
    exists: Vec<String>,
    /// Leaves that may hold the time, in the order they are tried.
    time_leaves: Vec<usize>,
}

/// Term buffers.
#[derive(Default)]
struct Terms {
    term: String,
    value: String,
    bytes: Vec<u8>,
}

impl LineBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// The document of one line, as [`build_line`] makes it.
    pub fn build(
        &mut self,
        fields: &Fields,
        catalog: &mut Catalog,
        mapping: &Mapping,
        time: &TimeConfig,
        input: &LineInput<'_>,
    ) -> BuiltLine {
        // No value of a shorter line can be long enough to be cut.
        if input.text.len() > MAX_VALUE_BYTES {
            return build_line(fields, catalog, mapping, time, input);
        }
        if self.time_field.as_ref() != Some(&time.field) {
            self.shapes.clear();
            self.time_field = Some(time.field.clone());
        }
        let mut doc = TantivyDocument::with_capacity(input.text.len() * 3 + 512);
        let (time_ms, exists) = if input.text.trim_start().starts_with('{') {
            match self.flat.parse(input.text) {
                Outcome::Object => self.json(fields, catalog, mapping, time, input, &mut doc),
                Outcome::NotObject => {
                    self.plain(fields, catalog, mapping, &time.zone, input, &mut doc)
                }
                Outcome::Unsupported => return build_line(fields, catalog, mapping, time, input),
            }
        } else {
            self.plain(fields, catalog, mapping, &time.zone, input, &mut doc)
        };
        let file_kind = *self
            .file_kind
            .get_or_insert_with(|| catalog.observe(mapping, FILE_PATH_FIELD, SeenAs::String));
        self.terms.leaf(
            fields,
            file_kind,
            FILE_PATH_FIELD,
            &Leaf::Str(input.path),
            &mut doc,
        );
        let exists = match exists {
            Exists::Shape(at) => &self.shapes[at].exists,
            Exists::Plain(level) => &self.plain_exists[usize::from(level)],
        };
        for term in exists {
            doc.add_text(fields.exists, term);
        }
        finish_line(fields, doc, input, time_ms, input.cut_by_reader, input.text)
    }

    fn json(
        &mut self,
        fields: &Fields,
        catalog: &mut Catalog,
        mapping: &Mapping,
        time: &TimeConfig,
        input: &LineInput<'_>,
        doc: &mut TantivyDocument,
    ) -> (Option<i64>, Exists) {
        let flat = &self.flat;
        self.key.clear();
        for leaf in &flat.leaves {
            let path = flat.path(leaf);
            self.key
                .extend_from_slice(&(path.len() as u32).to_le_bytes());
            self.key.extend_from_slice(path.as_bytes());
        }
        let known = self.shapes.iter().position(|s| s.key == self.key);
        let value = |leaf: &RawLeaf| resolve(input.text, flat, leaf);
        let shape_at = match known {
            Some(at) => at,
            None => {
                if self.shapes.len() >= MAX_SHAPES {
                    self.shapes.clear();
                }
                self.shapes
                    .push(new_shape(flat, self.key.clone(), time.field.as_deref()));
                self.shapes.len() - 1
            }
        };
        let shape = &mut self.shapes[shape_at];
        let found = shape.time_leaves.iter().find_map(|&i| {
            timeparse::leaf_time(&value(&flat.leaves[i]), &time.zone)
                .map(|ms| (flat.path(&flat.leaves[i]), ms))
        });
        let time_path = found.map(|(path, _)| path);
        if known.is_none() {
            // First sight of this shape: record new fields in the order `build_line` does.
            if let Some(path) = time_path {
                catalog.observe(mapping, path, SeenAs::Date);
            }
            shape.kinds = flat
                .leaves
                .iter()
                .map(|leaf| {
                    let path = flat.path(leaf);
                    match Some(path) == time_path {
                        true => catalog.observe(mapping, path, SeenAs::Date),
                        false => catalog.observe(mapping, path, value(leaf).seen_as()),
                    }
                })
                .collect();
        }
        for (leaf, kind) in flat.leaves.iter().zip(&shape.kinds) {
            let path = flat.path(leaf);
            if Some(path) != time_path {
                self.terms.leaf(fields, *kind, path, &value(leaf), doc);
            }
        }
        (found.map(|(_, ms)| ms), Exists::Shape(shape_at))
    }

    fn plain(
        &mut self,
        fields: &Fields,
        catalog: &mut Catalog,
        mapping: &Mapping,
        zone: &timeparse::LineZone,
        input: &LineInput<'_>,
        doc: &mut TantivyDocument,
    ) -> (Option<i64>, Exists) {
        let (time_ms, level) = timeparse::leading_time_and_level(input.text, zone);
        let kind = catalog.observe(mapping, "message", SeenAs::String);
        self.terms
            .leaf(fields, kind, "message", &Leaf::Str(input.text), doc);
        if let Some(level) = level {
            let kind = catalog.observe(mapping, "level", SeenAs::String);
            self.terms
                .leaf(fields, kind, "level", &Leaf::Str(level), doc);
        }
        if self.plain_exists[0].is_empty() {
            self.plain_exists = [&["message"][..], &["message", "level"]].map(|leaves| {
                let mut names = Vec::new();
                for path in leaves.iter().chain([&FILE_PATH_FIELD]) {
                    push_with_parents(path, &mut names);
                }
                exists_terms(&names)
            });
        }
        (time_ms, Exists::Plain(level.is_some()))
    }
}

fn resolve<'a>(text: &'a str, flat: &'a Flat, leaf: &RawLeaf) -> Leaf<'a> {
    match leaf.value {
        RawValue::Borrowed(start, end) => Leaf::Str(&text[start as usize..end as usize]),
        RawValue::Owned(start, end) => Leaf::Str(&flat.owned[start as usize..end as usize]),
        RawValue::Int(i) => Leaf::Int(i),
        RawValue::Float(f) => Leaf::Float(f),
        RawValue::Bool(b) => Leaf::Bool(b),
    }
}

/// Which cached `_exists` terms a line has.
enum Exists {
    Shape(usize),
    /// A plain line; with a level or not.
    Plain(bool),
}

fn new_shape(flat: &Flat, key: Vec<u8>, time_field: Option<&str>) -> Shape {
    let mut names: Vec<String> = Vec::new();
    for leaf in &flat.leaves {
        push_with_parents(flat.path(leaf), &mut names);
    }
    push_with_parents(FILE_PATH_FIELD, &mut names);
    let exists = exists_terms(&names);
    let names: Vec<&str> = match time_field {
        Some(name) => vec![name],
        None => CANDIDATE_FIELDS.to_vec(),
    };
    let time_leaves = names
        .iter()
        .filter_map(|name| flat.leaves.iter().position(|l| flat.path(l) == *name))
        .collect();
    Shape {
        key,
        kinds: Vec::new(),
        exists,
        time_leaves,
    }
}

impl Terms {
    /// The values [`super::index_leaf`] adds for one leaf.
    fn leaf(
        &mut self,
        fields: &Fields,
        kind: FieldKind,
        path: &str,
        leaf: &Leaf<'_>,
        doc: &mut TantivyDocument,
    ) {
        let value: &str = match (kind, leaf) {
            (FieldKind::Long | FieldKind::Float | FieldKind::Date, _) => "",
            (_, Leaf::Str(s)) => s,
            (_, Leaf::Int(i)) => {
                self.value.clear();
                let _ = write!(self.value, "{i}");
                &self.value
            }
            (_, Leaf::Float(f)) => {
                self.value = serde_json::Value::from(*f).to_string();
                &self.value
            }
            (_, Leaf::Bool(b)) => {
                if *b {
                    "true"
                } else {
                    "false"
                }
            }
        };
        let term = &mut self.term;
        let path_term = |term: &mut String, suffix: &str, value: &str| {
            term.clear();
            term.push_str(path);
            term.push_str(suffix);
            term.push(PATH_SEP);
            term.push_str(value);
        };
        match kind {
            FieldKind::Keyword | FieldKind::Boolean => {
                if value.len() <= MAX_KEYWORD_BYTES {
                    path_term(term, "", value);
                    doc.add_text(fields.kw, term.as_str());
                }
            }
            FieldKind::Text => {
                path_term(term, "", value);
                doc.add_text(fields.tx, term.as_str());
                let above = keyword_ignore_above(path);
                if value.len() <= above || value.chars().count() <= above {
                    path_term(term, ".keyword", value);
                    doc.add_text(fields.kwt, term.as_str());
                }
            }
            FieldKind::Long | FieldKind::Float => {
                if let Some(number) = leaf.as_number() {
                    self.bytes.clear();
                    self.bytes.extend_from_slice(path.as_bytes());
                    self.bytes.push(PATH_SEP as u8);
                    self.bytes.extend_from_slice(&sortable_f64(number));
                    doc.add_bytes(fields.num, &self.bytes);
                    self.value.clear();
                    if number.fract() == 0.0 && number.abs() < 1e15 {
                        let _ = write!(self.value, "{}", number as i64);
                    } else {
                        let _ = write!(self.value, "{number}");
                    }
                    path_term(term, "", &self.value);
                    doc.add_text(fields.kw, term.as_str());
                }
            }
            FieldKind::Date => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use crate::seedgen::SeedGenerator;
    use tantivy::schema::OwnedValue;

    fn values(doc: &TantivyDocument) -> Vec<(u32, OwnedValue)> {
        doc.field_values()
            .map(|(field, value)| (field.field_id(), OwnedValue::from(value)))
            .collect()
    }

    /// Builds every line both ways (each with its own catalog) and compares.
    fn same_documents(lines: &[String], time: &TimeConfig) {
        let (_, fields) = schema::build();
        let mapping = Mapping::seed_defaults();
        let (mut reference, mut fast) = (Catalog::default(), Catalog::default());
        let mut builder = LineBuilder::new();
        for (i, text) in lines.iter().enumerate() {
            let input = LineInput {
                text,
                file_id: 3,
                line: i as u64 + 1,
                seq: i as u64 + 10,
                path: "/logs/app.log",
                inherited_ms: 77,
                lossy_utf8: i % 7 == 0,
                cut_by_reader: false,
            };
            let want = build_line(&fields, &mut reference, &mapping, time, &input);
            let got = builder.build(&fields, &mut fast, &mapping, time, &input);
            assert_eq!(values(&got.doc), values(&want.doc), "line {i}: {text}");
            assert_eq!(
                (got.time_ms, got.truncated),
                (want.time_ms, want.truncated),
                "{text}"
            );
            assert_eq!(fast, reference, "catalog after line {i}: {text}");
        }
        assert!(!builder.shapes.is_empty(), "the fast path was taken");
    }

    #[test]
    fn seed_lines_give_the_reference_documents() {
        let mut generator = SeedGenerator::new(5, 1_714_557_600_000, 1000);
        let lines: Vec<String> = (0..2000).map(|_| generator.line().to_json()).collect();
        same_documents(
            &lines,
            &TimeConfig {
                field: None,
                zone: crate::timeparse::LineZone::utc(),
            },
        );
    }

    #[test]
    fn unusual_lines_give_the_reference_documents() {
        let long = "x".repeat(MAX_VALUE_BYTES + 5);
        let lines: Vec<String> = [
            r#"{"b":1,"a":{"z":"q","y":[1,2.5,"3",true,null]},"c":null}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"x":{"k":1},"y":2,"x":{"j":3}}"#,
            r#"{"objs":[{"k":"a b","j":"q"},{"k":"c"}],"n":-0,"big":18446744073709551615}"#,
            r#"{"a.b":1,"a":{"b":"two"}}"#,
            r#"{"esc\"aped":"line\nbreak \u00e9","":{"inner":1},"e":{"":2}}"#,
            r#"{"timestamp":"not a time","time":1714557600000,"ts":"2024-05-01T10:00:00Z"}"#,
            r#"{"timestamp":["2024-05-01 10:00:00","2024-05-01 11:00:00"],"level":"INFO"}"#,
            r#"{"timestamp":"2024-05-01 10:00:00"} trailing"#,
            r#"{"$serde_json::private::RawValue":"{}"}"#,
            r#"   {"level":"WARN","took":1.0e3,"ratio":0.1,"flag":false}"#,
            r#"{"level":5,"message":12,"context":{"user_id":7}}"#,
            r#"{"message":"ok","took":"12"}"#,
            r#"{"took":"soon","message":["a","b"]}"#,
            r#"{"unterminated":"#,
            r#"[1,2,3]"#,
            "{}",
            "2024-05-01 10:00:04 ERROR plain worker crashed",
            "[2024-05-01T10:00:00Z] [warn] bracketed",
            "no time at all",
            "データセットを作成しました",
            &format!(r#"{{"message":"{long}"}}"#),
            &long,
            r#"{"log":{"file":{"path":"/elsewhere"}},"message":"x"}"#,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        same_documents(
            &lines,
            &TimeConfig {
                field: None,
                zone: crate::timeparse::LineZone::utc(),
            },
        );
        same_documents(
            &lines,
            &TimeConfig {
                field: Some("ts".into()),
                zone: crate::timeparse::LineZone::utc(),
            },
        );
        // Shapes repeat: the cached kinds and time leaves give the same documents.
        let twice: Vec<String> = lines.iter().chain(lines.iter()).cloned().collect();
        same_documents(
            &twice,
            &TimeConfig {
                field: None,
                zone: crate::timeparse::LineZone::utc(),
            },
        );
    }
}
