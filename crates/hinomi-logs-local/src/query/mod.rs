//! The query bar: Lucene syntax parsed as Elasticsearch's `query_string` does ([`parse`]),
//! translated per field type to tantivy ([`translate`]), with date math ([`datemath`]) and
//! path-scoped term automata ([`automaton`]) and field-name sets ([`exists`]).

pub mod automaton;
pub mod datemath;
pub mod exists;
pub mod parse;
pub mod translate;

pub use parse::{Node, ParseError, parse};
pub use translate::{Context, TranslateError};
