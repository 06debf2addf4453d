//! The index layout, and why it looks like this.
//!
//! tantivy's schema is fixed when an index is created, but log lines bring arbitrary dotted
//! fields. Instead of tantivy's JSON field (whose regex, range and prefix support on paths is
//! partial), every field's values go into a few shared fields as `path \u{1f} value` terms:
//!
//! | field | holds | for |
//! |---|---|---|
//! | `_kw` | `keyword` / `boolean` values and keyword-coerced numbers, raw | exact, wildcard, regex, fuzzy, range; top values |
//! | `_kwt` | a `text` field's value as its `.keyword` subfield (under `ignore_above`) | `message.keyword:"..."`; top values |
//! | `_tx` | `text` values, standard-analyzed, with positions | words and phrases |
//! | `_num` | numbers as order-preserving bytes | numeric terms and ranges |
//! | `_exists` | the set of a line's leaf paths and their parents, one JSON-array term | `_exists_:f`, `f:*` |
//! | `_time` | epoch ms (the line's own, or its predecessor's when it has none); columnar | window, histogram, sort |
//! | `_file`, `_line` | file id and 1-based line number; columnar | surrounding lines, stable tiebreaker |
//! | `_seq` | arrival order, never reused; columnar | live tail that misses no late line |
//! | `_flags` | real time / truncated / lossy UTF-8 bits | hit display |
//! | `_src` | the line as indexed (stored, lz4) | the hit's document |
//!
//! A dotted path is thus one prefix of a term dictionary: "all values of `context.action`" is a
//! contiguous term range, which is also what wildcard and fuzzy automata are restricted to, and
//! what top values walk (postings against the matching documents; no string columns, which
//! cost ingest time and space for every message).

use crate::analyze::PathTextTokenizer;
use tantivy::Index;
use tantivy::schema::{
    BytesOptions, FAST, Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;

/// Bump when the layout or the meaning of a field changes: an index of another version is
/// rebuilt from the files.
pub const SCHEMA_VERSION: u32 = 3;

pub const PATH_TOKENIZER: &str = "hinomi_path_standard";

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub kw: Field,
    pub kwt: Field,
    pub tx: Field,
    pub num: Field,
    pub exists: Field,
    pub time: Field,
    pub file: Field,
    pub line: Field,
    pub seq: Field,
    pub flags: Field,
    pub src: Field,
}

pub const FLAG_REAL_TIME: u64 = 1;
pub const FLAG_TRUNCATED: u64 = 2;
pub const FLAG_LOSSY_UTF8: u64 = 4;

pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let kw = builder.add_text_field("_kw", STRING);
    let kwt = builder.add_text_field("_kwt", STRING);
    let tx = builder.add_text_field(
        "_tx",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(PATH_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    let num = builder.add_bytes_field("_num", BytesOptions::default().set_indexed());
    let exists = builder.add_text_field("_exists", STRING);
    // Ranges on these run on their columns; only `_file` (few values) needs term lookups.
    let time = builder.add_i64_field("_time", FAST);
    let file = builder.add_u64_field("_file", NumericOptions::default() | INDEXED | FAST);
    let line = builder.add_u64_field("_line", FAST);
    let seq = builder.add_u64_field("_seq", FAST);
    let flags = builder.add_u64_field("_flags", FAST);
    let src = builder.add_text_field("_src", STORED);
    let fields = Fields {
        kw,
        kwt,
        tx,
        num,
        exists,
        time,
        file,
        line,
        seq,
        flags,
        src,
    };
    (builder.build(), fields)
}

pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        PATH_TOKENIZER,
        TextAnalyzer::from(PathTextTokenizer::default()),
    );
}

/// `f64` as 8 bytes that sort like the numbers (sign bit flipped; negatives inverted).
pub fn sortable_f64(value: f64) -> [u8; 8] {
    let bits = value.to_bits();
    let key = if bits >> 63 == 1 {
        !bits
    } else {
        bits ^ (1 << 63)
    };
    key.to_be_bytes()
}

/// The `_num` term bytes of `path = value`.
pub fn num_term_bytes(path: &str, value: f64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(path.len() + 9);
    bytes.extend_from_slice(path.as_bytes());
    bytes.push(crate::analyze::PATH_SEP as u8);
    bytes.extend_from_slice(&sortable_f64(value));
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sortable_numbers_sort_like_numbers() {
        let values = [-1e9, -2.5, -0.0, 0.0, 1.0, 2.5, 500.0, 1e12];
        for pair in values.windows(2) {
            assert!(sortable_f64(pair[0]) <= sortable_f64(pair[1]), "{pair:?}");
        }
    }
}
