//! `_exists_:f` and `f:*`: the lines whose field names include `f`.
//!
//! A line's names (leaves and their parents, so `context` exists when any `context.*` leaf
//! does, as in Elasticsearch) are indexed as one `_exists` term holding the whole set (see
//! [`crate::document::exists_terms`]). Lines of one shape share a term, so a segment has few of
//! them: per segment, [`ExistsQuery`] reads every term of the field, keeps those whose set
//! holds the name, and unites their postings into a bit set (as tantivy's `AutomatonWeight`
//! does for the terms an automaton accepts).

use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TantivyError};

#[derive(Debug, Clone)]
pub struct ExistsQuery {
    field: Field,
    name: String,
}

impl ExistsQuery {
    pub fn new(field: Field, name: &str) -> Self {
        Self {
            field,
            name: name.to_string(),
        }
    }
}

impl Query for ExistsQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

/// Whether the `_exists` term `term` (a JSON array of names) holds `name`.
fn set_holds(term: &[u8], name: &str) -> bool {
    serde_json::from_slice::<Vec<std::borrow::Cow<'_, str>>>(term)
        .map(|names| names.iter().any(|n| n == name))
        .unwrap_or(false)
}

impl Weight for ExistsQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut docs = BitSet::with_max_value(reader.max_doc());
        let inverted_index = reader.inverted_index(self.field)?;
        let mut terms = inverted_index.terms().stream()?;
        while terms.advance() {
            if !set_holds(terms.key(), &self.name) {
                continue;
            }
            let mut postings = inverted_index
                .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            loop {
                let block = postings.docs();
                if block.is_empty() {
                    break;
                }
                for &doc in block {
                    docs.insert(doc);
                }
                postings.advance();
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("Exists", 1.0))
        } else {
            Err(TantivyError::InvalidArgument(format!(
                "document {doc} has no field {}",
                self.name
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::exists_terms;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_set_term_holds_exactly_its_names() {
        let odd = names(&[
            "a",
            "context.user_id",
            "context",
            "q\"uo,te",
            "ctl\u{1d}x",
            "",
        ]);
        let terms = exists_terms(&odd);
        assert_eq!(terms.len(), 1);
        for name in &odd {
            assert!(set_holds(terms[0].as_bytes(), name), "{name:?}");
        }
        for absent in ["b", "contex", "context.user", "q", "uo,te", "ctl", "\"a\""] {
            assert!(!set_holds(terms[0].as_bytes(), absent), "{absent:?}");
        }
    }

    #[test]
    fn a_long_set_is_split_and_nothing_is_lost() {
        let many: Vec<String> = (0..2000).map(|i| format!("field.number_{i}")).collect();
        let terms = exists_terms(&many);
        assert!(terms.len() > 1, "{} terms", terms.len());
        assert!(terms.iter().all(|t| t.len() <= 8 * 1024));
        for name in &many {
            let holders = terms
                .iter()
                .filter(|t| set_holds(t.as_bytes(), name))
                .count();
            assert_eq!(holders, 1, "{name}");
        }
    }
}
