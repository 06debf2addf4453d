//! Over 400 lines: one tree walk to tantivy, a case per field kind, with its tests.
//! From the parsed bar, the filter pills and the window to one tantivy query, with
//! Elasticsearch's meaning for each field type (see [`crate::catalog`]):
//!
//! - `keyword` / `boolean`: the value as typed, case-sensitive, whole (a quoted phrase too);
//! - `text`: the value through the standard analyzer; several tokens of an unquoted term are
//!   OR-ed (the default operator), a quoted phrase must match in order; wildcards are analysed
//!   (`analyze_wildcard`, as Kibana sends it): `Dat*` finds the token `dataset`;
//! - `long` / `float`: numbers, numeric ranges;
//! - `date` (the time field): date math ranges and exact times on `_time`;
//! - no field: every known field, skipping those the value does not fit (Elasticsearch's
//!   `default_field: *` is lenient);
//! - `field:*` and `_exists_:field`: the field has a value; an unknown field matches nothing.
//!
//! A boolean group with only negative clauses matches everything except them, as
//! Elasticsearch's `fixNegativeQueryIfNeeded` does for every group.

use super::automaton::{Materialized, PathAutomatonQuery, wildcard_regex};
use super::datemath::{self, Rounding};
use super::exists::ExistsQuery;
use super::parse::{Node, Occur, Value, Wild};
use crate::analyze::{PATH_SEP, path_term, standard_tokens};
use crate::catalog::{Catalog, FieldKind};
use crate::schema::{Fields, num_term_bytes};
use hinomi_logs::{LogFilter, LogWindow};
use std::ops::Bound;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, EmptyQuery, InvertedIndexRangeQuery, Occur as TOccur, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

/// A query the bar cannot mean: shown at the query bar like Elasticsearch's own error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslateError(pub String);

/// What the translation needs to know.
pub struct Context<'a> {
    pub fields: &'a Fields,
    pub catalog: &'a Catalog,
    pub now_ms: i64,
}

type Boxed = Box<dyn Query>;

impl Context<'_> {
    /// The bar (already parsed), the pills and the window: one filter.
    pub fn full_query(
        &self,
        bar: &Node,
        filters: &[LogFilter],
        window: Option<&LogWindow>,
    ) -> Result<Boxed, TranslateError> {
        let mut clauses: Vec<(TOccur, Boxed)> = Vec::new();
        match self.node(bar)? {
            Some(query) => clauses.push((TOccur::Must, query)),
            None => return Ok(Box::new(EmptyQuery)),
        }
        for filter in filters {
            let (query, negate) = match filter {
                LogFilter::Is {
                    field,
                    value,
                    negate,
                } => (
                    self.field_leaf(
                        field,
                        &Value::Phrase {
                            text: value.clone(),
                            slop: 0,
                        },
                        false,
                    )?,
                    *negate,
                ),
                LogFilter::Exists { field, negate } => {
                    (self.field_leaf(field, &Value::Exists, false)?, *negate)
                }
            };
            let query = query.unwrap_or_else(|| Box::new(EmptyQuery));
            clauses.push((
                if negate {
                    TOccur::MustNot
                } else {
                    TOccur::Must
                },
                query,
            ));
        }
        if let Some(window) = window {
            clauses.push((
                TOccur::Must,
                self.time_range(
                    Bound::Included(window.from_ms.floor() as i64),
                    Bound::Included(window.to_ms.ceil() as i64),
                ),
            ));
        }
        Ok(fix_negative(clauses))
    }

    pub fn time_range(&self, lower: Bound<i64>, upper: Bound<i64>) -> Boxed {
        let field = self.fields.time;
        Box::new(RangeQuery::new(
            lower.map(|v| Term::from_field_i64(field, v)),
            upper.map(|v| Term::from_field_i64(field, v)),
        ))
    }

    /// `None`: the node analysed to nothing (Lucene drops such a clause).
    pub fn node(&self, node: &Node) -> Result<Option<Boxed>, TranslateError> {
        match node {
            Node::MatchAll => Ok(Some(Box::new(AllQuery))),
            Node::Bool(items) => {
                let mut clauses = Vec::new();
                for (occur, item) in items {
                    if let Some(query) = self.node(item)? {
                        let occur = match occur {
                            Occur::Must => TOccur::Must,
                            Occur::Should => TOccur::Should,
                            Occur::MustNot => TOccur::MustNot,
                        };
                        clauses.push((occur, query));
                    }
                }
                if clauses.is_empty() {
                    return Ok(None);
                }
                Ok(Some(fix_negative(clauses)))
            }
            Node::Leaf { field: None, value } => Ok(self.any_field(value)),
            Node::Leaf {
                field: Some(field),
                value,
            } => {
                if field.contains('*') || field.contains('?') {
                    let pattern = glob::Pattern::new(field).map_err(|err| {
                        TranslateError(format!("bad field pattern {field}: {err}"))
                    })?;
                    let names: Vec<&String> = self
                        .catalog
                        .fields
                        .keys()
                        .filter(|name| pattern.matches(name))
                        .collect();
                    let mut clauses = Vec::new();
                    for name in names {
                        if let Some(query) = self.field_leaf(name, value, true)? {
                            clauses.push((TOccur::Should, query));
                        }
                    }
                    return Ok(Some(or_all(clauses)));
                }
                self.field_leaf(field, value, false)
            }
        }
    }

    /// Every field, leniently: Elasticsearch's `default_field: *`.
    fn any_field(&self, value: &Value) -> Option<Boxed> {
        let mut clauses = Vec::new();
        for (name, kind) in &self.catalog.fields {
            if let Ok(Some(query)) = self.kind_leaf(name, *kind, value, true) {
                clauses.push((TOccur::Should, query));
            }
            if *kind == FieldKind::Text
                && let Ok(Some(query)) =
                    self.keyword_leaf(self.fields.kwt, &format!("{name}.keyword"), name, value)
            {
                clauses.push((TOccur::Should, query));
            }
        }
        if clauses.is_empty() {
            return Some(Box::new(EmptyQuery));
        }
        Some(or_all(clauses))
    }

    fn field_leaf(
        &self,
        field: &str,
        value: &Value,
        lenient: bool,
    ) -> Result<Option<Boxed>, TranslateError> {
        if let Some(kind) = self.catalog.kind(field) {
            return match self.kind_leaf(field, kind, value, lenient) {
                // A value the field cannot hold: Elasticsearch answers `MatchNoDocsQuery`.
                Err(_) => Ok(Some(Box::new(EmptyQuery))),
                found => found,
            };
        }
        if let Some(base) = field.strip_suffix(".keyword")
            && self.catalog.kind(base) == Some(FieldKind::Text)
        {
            return self.keyword_leaf(self.fields.kwt, field, base, value);
        }
        if *value == Value::Exists {
            // An object (`context`) exists when one of its leaves does.
            return Ok(Some(self.exists(field)));
        }
        // A field no line has: nothing matches, as on an unmapped field.
        Ok(Some(Box::new(EmptyQuery)))
    }

    fn kind_leaf(
        &self,
        path: &str,
        kind: FieldKind,
        value: &Value,
        lenient: bool,
    ) -> Result<Option<Boxed>, TranslateError> {
        match kind {
            FieldKind::Keyword | FieldKind::Boolean => {
                self.keyword_leaf(self.fields.kw, path, path, value)
            }
            FieldKind::Text => Ok(self.text_leaf(path, value)),
            FieldKind::Long | FieldKind::Float => self.number_leaf(path, value, lenient),
            FieldKind::Date => self.date_leaf(path, value, lenient),
        }
    }

    fn exists(&self, path: &str) -> Boxed {
        Box::new(ExistsQuery::new(self.fields.exists, path))
    }

    fn term(&self, field: Field, path: &str, value: &str) -> Boxed {
        Box::new(TermQuery::new(
            Term::from_field_text(field, &path_term(path, value)),
            IndexRecordOption::Basic,
        ))
    }

    fn prefix_of(path: &str) -> String {
        let mut prefix = path.to_string();
        prefix.push(PATH_SEP);
        prefix
    }

    /// `exists_path` is the field whose presence `field:*` asks about.
    fn keyword_leaf(
        &self,
        field: Field,
        path: &str,
        exists_path: &str,
        value: &Value,
    ) -> Result<Option<Boxed>, TranslateError> {
        Ok(Some(match value {
            Value::Term { text, fuzzy: None } | Value::Phrase { text, .. } => {
                self.term(field, path, text)
            }
            Value::Term {
                text,
                fuzzy: Some(distance),
            } => Box::new(PathAutomatonQuery::fuzzy(
                field,
                Self::prefix_of(path),
                text,
                distance.unwrap_or_else(|| auto_fuzziness(text)),
            )),
            Value::Wildcard(parts) => wildcard(field, path, parts, false)?,
            Value::Regex(pattern) => Box::new(
                PathAutomatonQuery::regex(field, Self::prefix_of(path), pattern)
                    .map_err(TranslateError)?,
            ),
            Value::Range { lower, upper } => {
                string_range(field, path, lower.as_ref(), upper.as_ref(), |s| {
                    s.to_string()
                })
            }
            Value::Exists => self.exists(exists_path),
        }))
    }

    fn text_leaf(&self, path: &str, value: &Value) -> Option<Boxed> {
        let field = self.fields.tx;
        match value {
            Value::Term { text, fuzzy: None } => {
                let tokens = standard_tokens(text);
                match tokens.len() {
                    0 => None,
                    1 => Some(self.term(field, path, &tokens[0])),
                    _ => Some(or_all(
                        tokens
                            .iter()
                            .map(|t| (TOccur::Should, self.term(field, path, t)))
                            .collect(),
                    )),
                }
            }
            Value::Term {
                text,
                fuzzy: Some(distance),
            } => {
                let lowered = text.to_lowercase();
                Some(Box::new(PathAutomatonQuery::fuzzy(
                    field,
                    Self::prefix_of(path),
                    &lowered,
                    distance.unwrap_or_else(|| auto_fuzziness(&lowered)),
                )))
            }
            Value::Phrase { text, slop } => {
                let tokens = standard_tokens(text);
                match tokens.len() {
                    0 => None,
                    1 => Some(self.term(field, path, &tokens[0])),
                    _ => {
                        let terms = tokens
                            .iter()
                            .map(|t| Term::from_field_text(field, &path_term(path, t)))
                            .collect();
                        let mut phrase = PhraseQuery::new(terms);
                        phrase.set_slop(*slop);
                        Some(Box::new(Materialized(Box::new(phrase))))
                    }
                }
            }
            Value::Wildcard(parts) => analyzed_wildcard(field, path, parts),
            Value::Regex(pattern) => {
                PathAutomatonQuery::regex(field, Self::prefix_of(path), pattern)
                    .ok()
                    .map(|q| Box::new(q) as Boxed)
            }
            Value::Range { lower, upper } => Some(string_range(
                field,
                path,
                lower.as_ref(),
                upper.as_ref(),
                str::to_lowercase,
            )),
            Value::Exists => Some(self.exists(path)),
        }
    }

    fn number_leaf(
        &self,
        path: &str,
        value: &Value,
        lenient: bool,
    ) -> Result<Option<Boxed>, TranslateError> {
        let parse = |text: &str| -> Result<Option<f64>, TranslateError> {
            match text.trim().parse::<f64>() {
                Ok(n) => Ok(Some(n)),
                Err(_) if lenient => Ok(None),
                // Elasticsearch turns a value its field cannot hold into "match nothing".
                Err(_) => Err(TranslateError(format!("{text} is not a number ({path})"))),
            }
        };
        let field = self.fields.num;
        let bytes_term = |bytes: Vec<u8>| Term::from_field_bytes(field, &bytes);
        Ok(match value {
            Value::Term { text, .. } | Value::Phrase { text, .. } => parse(text)?.map(|n| {
                Box::new(TermQuery::new(
                    bytes_term(num_term_bytes(path, n)),
                    IndexRecordOption::Basic,
                )) as Boxed
            }),
            Value::Range { lower, upper } => {
                let bound =
                    |b: &Bound<String>| -> Result<Option<Bound<Term>>, TranslateError> {
                        Ok(match b {
                            Bound::Unbounded => Some(Bound::Unbounded),
                            Bound::Included(t) => parse(t)?
                                .map(|n| Bound::Included(bytes_term(num_term_bytes(path, n)))),
                            Bound::Excluded(t) => parse(t)?
                                .map(|n| Bound::Excluded(bytes_term(num_term_bytes(path, n)))),
                        })
                    };
                let (Some(lower), Some(upper)) = (bound(lower)?, bound(upper)?) else {
                    return Ok(None);
                };
                let mut start = path.as_bytes().to_vec();
                start.push(PATH_SEP as u8);
                let mut end = path.as_bytes().to_vec();
                end.push(PATH_SEP as u8 + 1);
                let lower = match lower {
                    Bound::Unbounded => Bound::Included(bytes_term(start)),
                    other => other,
                };
                let upper = match upper {
                    Bound::Unbounded => Bound::Excluded(bytes_term(end)),
                    other => other,
                };
                Some(Box::new(InvertedIndexRangeQuery::new(lower, upper)))
            }
            Value::Exists => Some(self.exists(path)),
            _ => None,
        })
    }

    fn date_leaf(
        &self,
        path: &str,
        value: &Value,
        lenient: bool,
    ) -> Result<Option<Boxed>, TranslateError> {
        let resolve = |text: &str, rounding| -> Result<Option<i64>, TranslateError> {
            match datemath::resolve(text, self.now_ms, rounding) {
                Some(ms) => Ok(Some(ms)),
                None if lenient => Ok(None),
                None => Err(TranslateError(format!("{text} is not a date ({path})"))),
            }
        };
        let (lower, upper) = match value {
            Value::Exists => return Ok(Some(self.exists(path))),
            Value::Term { text, .. } | Value::Phrase { text, .. } => {
                let (Some(low), Some(high)) =
                    (resolve(text, Rounding::Down)?, resolve(text, Rounding::Up)?)
                else {
                    return Ok(None);
                };
                (Bound::Included(low), Bound::Included(high))
            }
            Value::Range { lower, upper } => {
                let lower = match lower {
                    Bound::Unbounded => Bound::Unbounded,
                    Bound::Included(t) => match resolve(t, Rounding::Down)? {
                        Some(ms) => Bound::Included(ms),
                        None => return Ok(None),
                    },
                    Bound::Excluded(t) => match resolve(t, Rounding::Up)? {
                        Some(ms) => Bound::Excluded(ms),
                        None => return Ok(None),
                    },
                };
                let upper = match upper {
                    Bound::Unbounded => Bound::Unbounded,
                    Bound::Included(t) => match resolve(t, Rounding::Up)? {
                        Some(ms) => Bound::Included(ms),
                        None => return Ok(None),
                    },
                    Bound::Excluded(t) => match resolve(t, Rounding::Down)? {
                        Some(ms) => Bound::Excluded(ms),
                        None => return Ok(None),
                    },
                };
                (lower, upper)
            }
            _ => return Ok(None),
        };
        Ok(Some(Box::new(BooleanQuery::new(vec![
            (TOccur::Must, self.exists(path)),
            (TOccur::Must, self.time_range(lower, upper)),
        ]))))
    }
}

/// Elasticsearch's `fuzziness: AUTO`: 0 edits up to 2 characters, 1 up to 5, else 2.
pub fn auto_fuzziness(text: &str) -> u8 {
    match text.chars().count() {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

fn or_all(mut clauses: Vec<(TOccur, Boxed)>) -> Boxed {
    match clauses.len() {
        0 => Box::new(EmptyQuery),
        1 => clauses
            .pop()
            .map(|(_, q)| q)
            .unwrap_or_else(|| Box::new(EmptyQuery)),
        _ => Box::new(BooleanQuery::new(clauses)),
    }
}

/// A group of only negative clauses matches everything else.
fn fix_negative(mut clauses: Vec<(TOccur, Boxed)>) -> Boxed {
    if clauses.iter().all(|(occur, _)| *occur == TOccur::MustNot) {
        clauses.push((TOccur::Must, Box::new(AllQuery)));
    }
    if clauses.len() == 1 && clauses[0].0 != TOccur::MustNot {
        return clauses
            .pop()
            .map(|(_, q)| q)
            .unwrap_or_else(|| Box::new(EmptyQuery));
    }
    Box::new(BooleanQuery::new(clauses))
}

fn string_range(
    field: Field,
    path: &str,
    lower: Bound<&String>,
    upper: Bound<&String>,
    normalize: impl Fn(&str) -> String,
) -> Boxed {
    let term = |value: &str| Term::from_field_text(field, &path_term(path, &normalize(value)));
    let lower = match lower {
        Bound::Unbounded => Bound::Included(Term::from_field_text(field, &path_term(path, ""))),
        Bound::Included(v) => Bound::Included(term(v)),
        Bound::Excluded(v) => Bound::Excluded(term(v)),
    };
    let upper = match upper {
        Bound::Unbounded => {
            let mut end = path.to_string();
            end.push(char::from(PATH_SEP as u8 + 1));
            Bound::Excluded(Term::from_field_text(field, &end))
        }
        Bound::Included(v) => Bound::Included(term(v)),
        Bound::Excluded(v) => Bound::Excluded(term(v)),
    };
    Box::new(InvertedIndexRangeQuery::new(lower, upper))
}

/// A trailing `*` only: a prefix; anything else: an anchored regex on the raw value.
fn wildcard(
    field: Field,
    path: &str,
    parts: &[Wild],
    lowercase: bool,
) -> Result<Boxed, TranslateError> {
    if let Some(literal) = prefix_literal(parts) {
        let literal = if lowercase {
            literal.to_lowercase()
        } else {
            literal
        };
        return Ok(Box::new(PathAutomatonQuery::prefix(
            field,
            Context::prefix_of(path),
            &literal,
        )));
    }
    PathAutomatonQuery::regex(
        field,
        Context::prefix_of(path),
        &wildcard_regex(parts, lowercase),
    )
    .map(|q| Box::new(q) as Boxed)
    .map_err(TranslateError)
}

/// `abc*` → `abc`.
fn prefix_literal(parts: &[Wild]) -> Option<String> {
    let (last, head) = parts.split_last()?;
    if *last != Wild::Any {
        return None;
    }
    head.iter()
        .map(|p| match p {
            Wild::Lit(c) => Some(*c),
            _ => None,
        })
        .collect()
}

/// `analyze_wildcard` on a text field: a prefix term is analysed, the last token becomes the
/// prefix and the others plain terms (OR-ed, the default operator), as Elasticsearch's
/// `getPossiblyAnalyzedPrefixQuery` does; other patterns match one lower-cased token.
fn analyzed_wildcard(field: Field, path: &str, parts: &[Wild]) -> Option<Boxed> {
    if let Some(literal) = prefix_literal(parts) {
        let tokens = standard_tokens(&literal);
        let (last, head) = tokens.split_last()?;
        let prefix = Box::new(PathAutomatonQuery::prefix(
            field,
            Context::prefix_of(path),
            last,
        )) as Boxed;
        if head.is_empty() {
            return Some(prefix);
        }
        let mut clauses: Vec<(TOccur, Boxed)> = head
            .iter()
            .map(|t| {
                (
                    TOccur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &path_term(path, t)),
                        IndexRecordOption::Basic,
                    )) as Boxed,
                )
            })
            .collect();
        clauses.push((TOccur::Should, prefix));
        return Some(or_all(clauses));
    }
    wildcard(field, path, parts, true).ok()
}

#[cfg(test)]
mod tests {
    //! Each case: a query over six known lines and the lines it must match, as Elasticsearch
    //! would answer on the seed's template.

    use super::*;
    use crate::catalog::Mapping;
    use crate::document::{LineInput, TimeConfig, build_line};
    use crate::query::parse;
    use crate::schema;
    use tantivy::collector::DocSetCollector;
    use tantivy::{Index, IndexWriter};

    const LINES: &[&str] = &[
        r#"{"timestamp":"2024-05-01 10:00:00","level":"ERROR","service":"api","message":"Upload failed: timeout after 30s","context":{"user_id":"user1","action":"upload_file"},"took_ms":3000}"#,
        r#"{"timestamp":"2024-05-01 10:00:01","level":"INFO","service":"api","message":"データセットを作成しました","context":{"user_id":"user12","action":"create_dataset"},"took_ms":12}"#,
        r#"{"timestamp":"2024-05-01 10:00:02","level":"WARN","service":"batch","message":"Slow query detected","context":{"user_id":"User2","action":"list_datasets"},"tags":["a","b"]}"#,
        r#"{"timestamp":"2024-05-01 10:00:03","level":"error","service":"api","message":"upload retried","context":{"action":"upload_file"},"ok":true}"#,
        "2024-05-01 10:00:04 ERROR plain worker crashed",
        r#"{"timestamp":"2024-05-01 10:00:05","level":"INFO","service":"api","message":"作成に失敗しました","context":{"user_id":"user3","action":"create_dataset"},"took_ms":1.5}"#,
    ];

    fn index() -> (Index, Fields, Catalog) {
        let (schema, fields) = schema::build();
        let index = Index::create_in_ram(schema);
        schema::register_tokenizers(&index);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mapping = Mapping::seed_defaults();
        let mut catalog = Catalog::default();
        for (i, text) in LINES.iter().enumerate() {
            let input = LineInput {
                text,
                file_id: 1,
                line: i as u64 + 1,
                seq: i as u64 + 1,
                path: "/logs/app.log",
                inherited_ms: 0,
                lossy_utf8: false,
                cut_by_reader: false,
            };
            let built = build_line(
                &fields,
                &mut catalog,
                &mapping,
                &TimeConfig {
                    field: None,
                    zone: crate::timeparse::LineZone::utc(),
                },
                &input,
            );
            writer.add_document(built.doc).unwrap();
        }
        writer.commit().unwrap();
        (index, fields, catalog)
    }

    /// Matching line numbers (1-based).
    fn run(index: &Index, fields: &Fields, catalog: &Catalog, text: &str) -> Vec<u64> {
        let context = Context {
            fields,
            catalog,
            now_ms: 1_714_557_605_000,
        };
        let query = context
            .full_query(&parse(text).unwrap(), &[], None)
            .unwrap();
        let searcher = index.reader().unwrap().searcher();
        let docs = searcher.search(query.as_ref(), &DocSetCollector).unwrap();
        let mut lines: Vec<u64> = docs
            .into_iter()
            .map(|address| {
                let reader = searcher.segment_reader(address.segment_ord);
                reader
                    .fast_fields()
                    .u64("_line")
                    .unwrap()
                    .first(address.doc_id)
                    .unwrap()
            })
            .collect();
        lines.sort();
        lines
    }

    #[test]
    fn queries_mean_what_they_mean_in_elasticsearch() {
        let (index, fields, catalog) = index();
        let cases: &[(&str, &[u64])] = &[
            ("", &[1, 2, 3, 4, 5, 6]),
            ("level:ERROR", &[1, 5]),
            ("level:error", &[4]),
            ("level:ERR*", &[1, 5]),
            ("ERROR", &[1, 5]),
            ("error", &[4, 5]),
            ("upload", &[1, 4]),
            ("message:UPLOAD", &[1, 4]),
            ("message:\"upload failed\"", &[1]),
            ("message:\"failed upload\"", &[]),
            ("message:\"upload timeout\"~2", &[1]),
            ("message:uplaod~1", &[1, 4]),
            ("message:upl*", &[1, 4]),
            ("message:u?load", &[1, 4]),
            ("message:\"作成\"", &[2, 6]),
            ("message:\"成に失\"", &[6]),
            ("message:作成", &[2, 6]),
            ("context.user_id:user1*", &[1, 2]),
            ("context.user_id:user?", &[1, 6]),
            ("context.user_id:/[uU]ser[0-9]/", &[1, 3, 6]),
            ("context.user_id:[user1 TO user2]", &[1, 2]),
            ("context.user_id:{user1 TO user3]", &[2, 6]),
            ("context.user_id:*", &[1, 2, 3, 6]),
            ("_exists_:context.user_id", &[1, 2, 3, 6]),
            ("NOT _exists_:context.user_id", &[4, 5]),
            ("_exists_:context", &[1, 2, 3, 4, 6]),
            ("took_ms:>=12", &[1, 2]),
            ("took_ms:[1 TO 12}", &[6]),
            ("took_ms:3000", &[1]),
            ("took_ms:abc", &[]),
            ("ok:true", &[4]),
            ("tags:a AND tags:b", &[3]),
            ("service:api AND NOT level:INFO", &[1, 4]),
            ("a OR level:ERROR AND service:api", &[1]),
            ("+service:api -context.action:upload_file", &[2, 6]),
            ("(level:ERROR OR level:WARN) && service:batch", &[3]),
            ("level:(ERROR OR WARN)", &[1, 3, 5]),
            ("context.*:create_dataset", &[2, 6]),
            (
                "timestamp:[\"2024-05-01 10:00:01\" TO \"2024-05-01 10:00:02\"]",
                &[2, 3],
            ),
            ("timestamp:>now-3s", &[4, 6]),
            ("timestamp:\"2024-05-01 10:00:03\"", &[4]),
            ("nothing:here", &[]),
            ("message.keyword:\"upload retried\"", &[4]),
            ("message.keyword:upload*", &[4]),
            ("crashed", &[5]),
        ];
        let mut wrong = Vec::new();
        for (query, expected) in cases {
            let got = run(&index, &fields, &catalog, query);
            if got != *expected {
                wrong.push(format!("{query}: got {got:?}, expected {expected:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn fuzziness_auto_follows_the_term_length() {
        assert_eq!(auto_fuzziness("ab"), 0);
        assert_eq!(auto_fuzziness("abcde"), 1);
        assert_eq!(auto_fuzziness("abcdef"), 2);
        assert_eq!(
            prefix_literal(&[Wild::Lit('a'), Wild::Any]),
            Some("a".into())
        );
        assert_eq!(prefix_literal(&[Wild::Any, Wild::Lit('a')]), None);
    }
}
