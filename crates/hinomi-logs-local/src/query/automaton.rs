//! Wildcard, regex, prefix and fuzzy terms of one dotted field.
//!
//! All values of a field are the `path \u{1f}` slice of a term dictionary (see
//! [`crate::schema`]). tantivy's own `RegexQuery`/`FuzzyTermQuery` would run over the whole
//! term, path included (a fuzzy edit could change the field name). [`PathAutomatonQuery`]
//! restricts the dictionary walk to the path's slice and runs the automaton on the value part
//! only, through tantivy's `AutomatonWeight`.

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use std::sync::{Arc, OnceLock};
use tantivy::query::{AutomatonWeight, EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy_fst::{Automaton, Regex};

#[derive(Clone)]
pub enum Matcher {
    Regex(Arc<Regex>),
    Fuzzy(Arc<Levenshtein>),
    Prefix(String),
}

#[derive(Clone)]
pub struct PathAutomatonQuery {
    field: Field,
    /// `path \u{1f}`
    prefix: String,
    matcher: Matcher,
    describe: String,
}

impl std::fmt::Debug for PathAutomatonQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PathAutomaton({:?} {})", self.prefix, self.describe)
    }
}

impl PathAutomatonQuery {
    pub fn regex(field: Field, prefix: String, pattern: &str) -> Result<Self, String> {
        let regex =
            Regex::new(pattern).map_err(|err| format!("invalid regular expression: {err}"))?;
        Ok(Self {
            field,
            prefix,
            matcher: Matcher::Regex(Arc::new(regex)),
            describe: format!("/{pattern}/"),
        })
    }

    pub fn prefix(field: Field, prefix: String, value_prefix: &str) -> Self {
        Self {
            field,
            prefix,
            matcher: Matcher::Prefix(value_prefix.to_string()),
            describe: format!("{value_prefix}*"),
        }
    }

    /// Damerau-Levenshtein distance `distance` (at most 2), as Elasticsearch's default
    /// `fuzzy_transpositions: true`.
    pub fn fuzzy(field: Field, prefix: String, value: &str, distance: u8) -> Self {
        static BUILDERS: [OnceLock<LevenshteinAutomatonBuilder>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let distance = distance.min(2);
        let builder = BUILDERS[usize::from(distance)]
            .get_or_init(|| LevenshteinAutomatonBuilder::new(distance, true));
        Self {
            field,
            prefix,
            matcher: Matcher::Fuzzy(Arc::new(Levenshtein(builder.build_dfa(value)))),
            describe: format!("{value}~{distance}"),
        }
    }
}

impl Query for PathAutomatonQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let prefix = self.prefix.as_bytes();
        Ok(match &self.matcher {
            Matcher::Regex(regex) => Box::new(AutomatonWeight::new_for_json_path(
                self.field,
                Prefixed::new(prefix, regex.clone()),
                prefix,
            )),
            Matcher::Fuzzy(dfa) => Box::new(AutomatonWeight::new_for_json_path(
                self.field,
                Prefixed::new(prefix, dfa.clone()),
                prefix,
            )),
            Matcher::Prefix(value) => {
                let mut whole = self.prefix.clone();
                whole.push_str(value);
                Box::new(AutomatonWeight::new_for_json_path(
                    self.field,
                    StartsWith(whole.clone().into_bytes()),
                    whole.as_bytes(),
                ))
            }
        })
    }
}

/// A Levenshtein DFA as an fst automaton.
pub struct Levenshtein(DFA);

impl Automaton for Levenshtein {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Terms beginning with these bytes.
struct StartsWith(Vec<u8>);

impl Automaton for StartsWith {
    /// Bytes matched so far, or `None` once it failed.
    type State = Option<usize>;

    fn start(&self) -> Option<usize> {
        Some(0)
    }

    fn is_match(&self, state: &Option<usize>) -> bool {
        *state == Some(self.0.len())
    }

    fn can_match(&self, state: &Option<usize>) -> bool {
        state.is_some()
    }

    fn will_always_match(&self, state: &Option<usize>) -> bool {
        *state == Some(self.0.len())
    }

    fn accept(&self, state: &Option<usize>, byte: u8) -> Option<usize> {
        match *state {
            Some(n) if n == self.0.len() => Some(n),
            Some(n) if self.0[n] == byte => Some(n + 1),
            _ => None,
        }
    }
}

/// Matches `prefix` exactly, then runs `inner` on the rest.
struct Prefixed<A> {
    prefix: Vec<u8>,
    inner: Arc<A>,
}

impl<A> Prefixed<A> {
    fn new(prefix: &[u8], inner: Arc<A>) -> Self {
        Self {
            prefix: prefix.to_vec(),
            inner,
        }
    }
}

#[derive(Clone)]
enum PrefixedState<S> {
    Prefix(usize),
    Inner(S),
    Dead,
}

impl<A: Automaton> Automaton for Prefixed<A>
where
    A::State: Clone,
{
    type State = PrefixedState<A::State>;

    fn start(&self) -> Self::State {
        if self.prefix.is_empty() {
            PrefixedState::Inner(self.inner.start())
        } else {
            PrefixedState::Prefix(0)
        }
    }

    fn is_match(&self, state: &Self::State) -> bool {
        matches!(state, PrefixedState::Inner(inner) if self.inner.is_match(inner))
    }

    fn can_match(&self, state: &Self::State) -> bool {
        match state {
            PrefixedState::Prefix(_) => true,
            PrefixedState::Inner(inner) => self.inner.can_match(inner),
            PrefixedState::Dead => false,
        }
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        match state {
            PrefixedState::Prefix(n) if self.prefix[*n] == byte => {
                if n + 1 == self.prefix.len() {
                    PrefixedState::Inner(self.inner.start())
                } else {
                    PrefixedState::Prefix(n + 1)
                }
            }
            PrefixedState::Inner(inner) => PrefixedState::Inner(self.inner.accept(inner, byte)),
            _ => PrefixedState::Dead,
        }
    }
}

/// A Lucene wildcard pattern as a regex for `tantivy_fst` (which anchors both ends).
pub fn wildcard_regex(parts: &[super::parse::Wild], lowercase: bool) -> String {
    use super::parse::Wild;
    let mut out = String::new();
    for part in parts {
        match part {
            Wild::Any => out.push_str(".*"),
            Wild::One => out.push('.'),
            Wild::Lit(c) => {
                let lowered: String = if lowercase {
                    c.to_lowercase().collect()
                } else {
                    c.to_string()
                };
                for c in lowered.chars() {
                    if "\\.+*?()|[]{}^$#&-~\"<>@".contains(c) {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::parse::Wild;
    use super::*;

    #[test]
    fn wildcards_become_anchored_regexes() {
        let parts = [Wild::Lit('U'), Wild::Lit('.'), Wild::Any, Wild::One];
        assert_eq!(wildcard_regex(&parts, true), "u\\..*.");
        assert_eq!(wildcard_regex(&parts, false), "U\\..*.");
        let regex = Regex::new(&wildcard_regex(&parts, true)).unwrap();
        let run = |text: &str| {
            let mut state = regex.start();
            for b in text.bytes() {
                state = regex.accept(&state, b);
            }
            regex.is_match(&state)
        };
        assert!(run("u.xx"));
        assert!(!run("ux.x"));
    }

    #[test]
    fn the_prefixed_automaton_leaves_the_path_alone() {
        let dfa = LevenshteinAutomatonBuilder::new(1, true).build_dfa("abc");
        let auto = Prefixed::new(b"f\x1f", Arc::new(Levenshtein(dfa)));
        let run = |text: &[u8]| {
            let mut state = auto.start();
            for b in text {
                state = auto.accept(&state, *b);
            }
            auto.is_match(&state)
        };
        assert!(run(b"f\x1fabd"));
        assert!(run(b"f\x1fbac"));
        assert!(!run(b"g\x1fabc"));
        assert!(!run(b"f\x1fxyz"));
    }
}

/// A query whose matches are collected into a bit set per segment before use.
///
/// tantivy 0.27's phrase scorer asserts (in debug builds) when an exclusion seeks it backwards
/// (`NOT message:"a b"`); a bit set can be sought in any order.
#[derive(Debug)]
pub struct Materialized(pub Box<dyn Query>);

impl Clone for Materialized {
    fn clone(&self) -> Self {
        Self(self.0.box_clone())
    }
}

struct MaterializedWeight(Box<dyn Weight>);

impl Query for Materialized {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(MaterializedWeight(self.0.weight(scoring)?)))
    }
}

impl Weight for MaterializedWeight {
    fn scorer(
        &self,
        reader: &tantivy::SegmentReader,
        boost: tantivy::Score,
    ) -> tantivy::Result<Box<dyn tantivy::query::Scorer>> {
        use tantivy::DocSet;
        let mut inner = self.0.scorer(reader, boost)?;
        let mut bits = tantivy::BitSet::with_max_value(reader.max_doc());
        let mut doc = inner.doc();
        while doc != tantivy::TERMINATED {
            bits.insert(doc);
            doc = inner.advance();
        }
        Ok(Box::new(tantivy::query::ConstScorer::new(
            tantivy::query::BitSetDocSet::from(bits),
            boost,
        )))
    }

    fn explain(
        &self,
        reader: &tantivy::SegmentReader,
        doc: tantivy::DocId,
    ) -> tantivy::Result<tantivy::query::Explanation> {
        self.0.explain(reader, doc)
    }
}
