//! Elasticsearch's `standard` analyzer, so `message` splits into the same tokens on both
//! sources and a phrase query means the same thing.
//!
//! Lucene's StandardTokenizer implements the word boundaries of Unicode UAX #29 (as does
//! `unicode-segmentation`): Latin words keep `_`, `.` and `'` between letters, numbers keep
//! `.` and `,` between digits, every CJK ideograph and every hiragana is a token of its own,
//! katakana runs stay together. Tokens longer than 255 characters are split, as Lucene's
//! `max_token_length` does, and everything is lower-cased. No stop words, no stemming.
//!
//! Every value of the index's `_tx` field is `path \u{1f} text`; [`PathTextTokenizer`] emits
//! `path \u{1f} token` terms, so one tantivy field holds the text of every dotted field.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_segmentation::UnicodeSegmentation;

/// Separates a dotted field name from its value in the index's terms.
pub const PATH_SEP: char = '\u{1f}';

const MAX_TOKEN_CHARS: usize = 255;

/// The lower-cased tokens of `text`, as the standard analyzer produces them.
pub fn standard_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |token, _| out.push(token));
    out
}

/// Calls `emit(token, byte_offset)` for each token.
fn for_each_token(text: &str, mut emit: impl FnMut(String, usize)) {
    for (offset, word) in text.unicode_word_indices() {
        let lower = word.to_lowercase();
        if lower.chars().count() <= MAX_TOKEN_CHARS {
            emit(lower, offset);
        } else {
            let chars: Vec<char> = lower.chars().collect();
            for chunk in chars.chunks(MAX_TOKEN_CHARS) {
                emit(chunk.iter().collect(), offset);
            }
        }
    }
}

/// The term for `token` in field `path`.
pub fn path_term(path: &str, value: &str) -> String {
    let mut term = String::with_capacity(path.len() + 1 + value.len());
    term.push_str(path);
    term.push(PATH_SEP);
    term.push_str(value);
    term
}

/// Tokenizes `path \u{1f} text` into `path \u{1f} token` terms.
///
/// It runs on the index writer's threads for every text value, so it keeps its tokens (and
/// their strings) from one value to the next instead of allocating them again.
#[derive(Clone, Default)]
pub struct PathTextTokenizer {
    tokens: Vec<Token>,
    len: usize,
    lower: String,
}

pub struct PathTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl Tokenizer for PathTextTokenizer {
    type TokenStream<'a> = PathTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PathTokenStream<'a> {
        let (prefix, body) = match text.find(PATH_SEP) {
            Some(at) => text.split_at(at + PATH_SEP.len_utf8()),
            None => ("", text),
        };
        let start = prefix.len();
        self.len = 0;
        for (offset, word) in body.unicode_word_indices() {
            let lower: &str = if word.is_ascii() {
                // Lower-cased below, while it is copied into the token.
                word
            } else {
                self.lower = word.to_lowercase();
                &self.lower
            };
            if lower.len() <= MAX_TOKEN_CHARS || lower.chars().count() <= MAX_TOKEN_CHARS {
                push_token(
                    &mut self.tokens,
                    &mut self.len,
                    prefix,
                    lower,
                    start + offset,
                );
            } else {
                let chars: Vec<char> = lower.chars().collect();
                for chunk in chars.chunks(MAX_TOKEN_CHARS) {
                    let piece: String = chunk.iter().collect();
                    push_token(
                        &mut self.tokens,
                        &mut self.len,
                        prefix,
                        &piece,
                        start + offset,
                    );
                }
            }
        }
        PathTokenStream {
            tokens: &mut self.tokens[..self.len],
            next: 0,
        }
    }
}

/// Appends `prefix` + `token` (ASCII lower-cased) as token number `*len`, reusing its string.
fn push_token(tokens: &mut Vec<Token>, len: &mut usize, prefix: &str, token: &str, from: usize) {
    if *len == tokens.len() {
        tokens.push(Token::default());
    }
    let slot = &mut tokens[*len];
    slot.text.clear();
    slot.text.push_str(prefix);
    let at = slot.text.len();
    slot.text.push_str(token);
    slot.text[at..].make_ascii_lowercase();
    slot.offset_from = from;
    slot.offset_to = from + token.len();
    slot.position = *len;
    slot.position_length = 1;
    *len += 1;
}

impl TokenStream for PathTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_words_like_lucene_standard() {
        assert_eq!(
            standard_tokens("Dataset create_dataset FAILED: timeout after 30.5s (r-1) foo.bar"),
            [
                "dataset",
                "create_dataset",
                "failed",
                "timeout",
                "after",
                "30.5s",
                "r",
                "1",
                "foo.bar"
            ]
        );
        assert_eq!(
            standard_tokens("2024-05-01 10:00:00"),
            ["2024", "05", "01", "10", "00", "00"]
        );
        assert_eq!(standard_tokens("  -- !! "), Vec::<String>::new());
    }

    #[test]
    fn cjk_ideographs_and_hiragana_are_single_characters_katakana_runs_stay() {
        assert_eq!(
            standard_tokens("データセットを作成しました"),
            ["データセット", "を", "作", "成", "し", "ま", "し", "た"]
        );
        assert_eq!(standard_tokens("エラー発生"), ["エラー", "発", "生"]);
    }

    #[test]
    fn long_tokens_are_split_at_255_characters() {
        let long = "a".repeat(600);
        let tokens = standard_tokens(&long);
        assert_eq!(
            tokens.iter().map(String::len).collect::<Vec<_>>(),
            [255, 255, 90]
        );
    }

    #[test]
    fn the_tokenizer_prefixes_each_token_with_its_path() {
        let mut tokenizer = PathTextTokenizer::default();
        let mut stream = tokenizer.token_stream("message\u{1f}Hello 世界");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push((stream.token().text.clone(), stream.token().position));
        }
        assert_eq!(
            seen,
            [
                ("message\u{1f}hello".to_string(), 0),
                ("message\u{1f}世".to_string(), 1),
                ("message\u{1f}界".to_string(), 2)
            ]
        );
    }

    #[test]
    fn the_tokenizer_gives_the_standard_tokens_with_their_offsets() {
        let long = format!("{} Ünïcode", "B".repeat(300));
        let texts = [
            "Dataset create_dataset FAILED: timeout after 30.5s (r-1) foo.bar",
            "データセットを作成しました ÉCOLE Straße",
            long.as_str(),
            "",
            "Request completed in 12 ms; user=User12",
        ];
        let mut tokenizer = PathTextTokenizer::default();
        for text in texts {
            let value = format!("f.x\u{1f}{text}");
            let mut stream = tokenizer.token_stream(&value);
            let mut seen = Vec::new();
            while stream.advance() {
                let token = stream.token();
                seen.push(token.text.strip_prefix("f.x\u{1f}").unwrap().to_string());
                assert_eq!(token.position, seen.len() - 1);
            }
            assert_eq!(seen, standard_tokens(text), "{text}");
        }
    }
}
