//! Which Elasticsearch type each dotted field has, so a query on it means what it means there.
//!
//! The differential test runs against the seed's index template: `level`, `service`, `app`,
//! `context.request_id` / `user_id` / `action` and `log.file.path` are `keyword`, everything
//! else dynamic. Elasticsearch's dynamic mapping gives a field its type the first time it sees
//! it: a string becomes `text` with a `.keyword` subfield (`ignore_above: 256`; 1024 for
//! `message` in the template), an integer `long`, a fraction `float`, `true`/`false`
//! `boolean`. The detected time field is a `date`. The catalog records the same, first sight
//! wins, and is committed with the index.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Keyword,
    Text,
    Long,
    Float,
    Boolean,
    Date,
}

impl FieldKind {
    /// The name `_field_caps` would give.
    pub fn es_type(self) -> &'static str {
        match self {
            Self::Keyword => "keyword",
            Self::Text => "text",
            Self::Long => "long",
            Self::Float => "float",
            Self::Boolean => "boolean",
            Self::Date => "date",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Long | Self::Float)
    }
}

/// The keyword fields of the seed's template (`tests/demo-stack/dataset-management.index-template.json`).
pub const DEFAULT_KEYWORD_FIELDS: &[&str] = &[
    "level",
    "service",
    "app",
    "context.request_id",
    "context.user_id",
    "context.action",
    "log.file.path",
];

/// `ignore_above` of a text field's `.keyword` subfield.
pub fn keyword_ignore_above(path: &str) -> usize {
    if path == "message" { 1024 } else { 256 }
}

/// The fields seen so far and their kinds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub fields: BTreeMap<String, FieldKind>,
}

/// The JSON type of a value at first sight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeenAs {
    String,
    Integer,
    Fraction,
    Boolean,
    Date,
}

/// Decides kinds: configured keyword patterns first, then what the value looks like.
#[derive(Debug, Clone)]
pub struct Mapping {
    keyword: Vec<glob::Pattern>,
}

impl Mapping {
    pub fn new(keyword_patterns: &[String]) -> Self {
        Self {
            keyword: keyword_patterns
                .iter()
                .filter_map(|p| glob::Pattern::new(p).ok())
                .collect(),
        }
    }

    /// The seed template's keyword fields ([`DEFAULT_KEYWORD_FIELDS`]), as the tests index.
    #[cfg(test)]
    pub(crate) fn seed_defaults() -> Self {
        Self::new(
            &DEFAULT_KEYWORD_FIELDS
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        )
    }

    pub fn kind_for(&self, path: &str, seen: SeenAs) -> FieldKind {
        if seen == SeenAs::Date {
            return FieldKind::Date;
        }
        if self.keyword.iter().any(|p| p.matches(path)) {
            return FieldKind::Keyword;
        }
        match seen {
            SeenAs::String => FieldKind::Text,
            SeenAs::Integer => FieldKind::Long,
            SeenAs::Fraction => FieldKind::Float,
            SeenAs::Boolean => FieldKind::Boolean,
            SeenAs::Date => FieldKind::Date,
        }
    }
}

impl Catalog {
    /// The field's kind, recording it on first sight.
    pub fn observe(&mut self, mapping: &Mapping, path: &str, seen: SeenAs) -> FieldKind {
        if let Some(kind) = self.fields.get(path) {
            return *kind;
        }
        let kind = mapping.kind_for(path, seen);
        self.fields.insert(path.to_string(), kind);
        kind
    }

    pub fn kind(&self, path: &str) -> Option<FieldKind> {
        self.fields.get(path).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_keywords_then_first_sight() {
        let mapping = Mapping::seed_defaults();
        let mut catalog = Catalog::default();
        // In order: the second `took_ms` shows that first sight wins, as in a dynamic mapping.
        let sightings = [
            ("context.user_id", SeenAs::Integer, FieldKind::Keyword),
            ("message", SeenAs::String, FieldKind::Text),
            ("took_ms", SeenAs::Integer, FieldKind::Long),
            ("took_ms", SeenAs::String, FieldKind::Long),
            ("ratio", SeenAs::Fraction, FieldKind::Float),
            ("timestamp", SeenAs::Date, FieldKind::Date),
        ];
        for (path, seen, kind) in sightings {
            assert_eq!(
                catalog.observe(&mapping, path, seen),
                kind,
                "{path} {seen:?}"
            );
        }
        assert_eq!(keyword_ignore_above("message"), 1024);
        assert_eq!(keyword_ignore_above("other"), 256);
    }
}
