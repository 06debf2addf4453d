//! The bilingual check every crate runs on the errors it words itself: in Japanese only the
//! message changes, and it really is Japanese.

use crate::error::HinomiError;
use crate::texts::{Lang, user_lang};

/// `err` as the user sees it with errors worded in `lang` (on this thread only).
pub fn worded_in<E>(lang: Lang, err: E) -> HinomiError
where
    HinomiError: From<E>,
{
    user_lang::with(lang, || HinomiError::from(err))
}

/// Words the errors `variants` makes in English and in Japanese and asserts, for each, that the
/// code and the detail are the same in both and that the Japanese message is not empty, differs
/// from the English and has kana or kanji in it. The list is made anew for each language (errors
/// are often not `Clone`) and must not be empty. Returns the (English, Japanese) pairs for any
/// further checks a crate makes.
pub fn assert_worded_in_both_languages<E>(
    variants: impl Fn() -> Vec<E>,
) -> Vec<(HinomiError, HinomiError)>
where
    HinomiError: From<E>,
{
    let word_all = |lang| {
        user_lang::with(lang, || {
            variants()
                .into_iter()
                .map(HinomiError::from)
                .collect::<Vec<_>>()
        })
    };
    let english = word_all(Lang::En);
    let japanese = word_all(Lang::Ja);
    assert!(!english.is_empty(), "no errors to word");
    assert_eq!(
        english.len(),
        japanese.len(),
        "the list of errors changed between languages"
    );
    for (index, (en, ja)) in english.iter().zip(&japanese).enumerate() {
        assert_eq!(
            en.code, ja.code,
            "code changed in Japanese, #{index}: {en:?}"
        );
        assert_eq!(
            en.detail, ja.detail,
            "detail changed in Japanese, #{index}: {en:?}"
        );
        assert!(
            !ja.message.trim().is_empty(),
            "empty Japanese, #{index}: {en:?}"
        );
        assert_ne!(en.message, ja.message, "untranslated, #{index}: {en:?}");
        assert!(
            ja.message.chars().any(is_kana_or_kanji),
            "no kana or kanji in the Japanese, #{index}: {:?}",
            ja.message
        );
    }
    english.into_iter().zip(japanese).collect()
}

/// Hiragana, katakana, or a CJK unified ideograph.
fn is_kana_or_kanji(c: char) -> bool {
    ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::texts::user_lang::say;

    /// A made-up error that words itself as told: the codes, details and wordings per language.
    struct Sample {
        code: (ErrorCode, ErrorCode),
        detail: (&'static str, &'static str),
        message: (&'static str, &'static str),
    }

    impl From<Sample> for HinomiError {
        fn from(sample: Sample) -> Self {
            let (code, detail) = match user_lang::current() {
                Lang::En => (sample.code.0, sample.detail.0),
                Lang::Ja => (sample.code.1, sample.detail.1),
            };
            HinomiError::new(code, say(sample.message.0, sample.message.1)).with_detail(detail)
        }
    }

    /// A sample whose code and detail stay put: only the message is worded.
    fn worded(en: &'static str, ja: &'static str) -> Sample {
        Sample {
            code: (ErrorCode::Io, ErrorCode::Io),
            detail: ("/etc/hinomi.toml", "/etc/hinomi.toml"),
            message: (en, ja),
        }
    }

    #[test]
    fn passes_a_translation_with_the_same_code_and_detail_and_returns_the_pairs() {
        let pairs = assert_worded_in_both_languages(|| {
            vec![
                worded("Cannot read the file.", "ファイルを読み込めません。"),
                worded("Disk full.", "ディスクがいっぱいです。"),
            ]
        });
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[1].0.message, "Disk full.");
        assert_eq!(pairs[1].1.message, "ディスクがいっぱいです。");
        assert_eq!(pairs[1].1.detail.as_deref(), Some("/etc/hinomi.toml"));
    }

    #[test]
    fn worded_in_words_in_the_language_given() {
        let sample = || worded("Disk full.", "ディスクがいっぱいです。");
        assert_eq!(
            worded_in(Lang::Ja, sample()).message,
            "ディスクがいっぱいです。"
        );
        assert_eq!(worded_in(Lang::En, sample()).message, "Disk full.");
    }

    #[test]
    #[should_panic(expected = "untranslated")]
    fn fails_when_the_japanese_is_the_english() {
        assert_worded_in_both_languages(|| vec![worded("Disk full.", "Disk full.")]);
    }

    #[test]
    #[should_panic(expected = "code changed in Japanese")]
    fn fails_when_the_code_differs() {
        assert_worded_in_both_languages(|| {
            vec![Sample {
                code: (ErrorCode::Io, ErrorCode::Internal),
                ..worded("Disk full.", "ディスクがいっぱいです。")
            }]
        });
    }

    #[test]
    #[should_panic(expected = "detail changed in Japanese")]
    fn fails_when_the_detail_differs() {
        assert_worded_in_both_languages(|| {
            vec![Sample {
                detail: ("/etc/hinomi.toml", "/etc/ひのみ.toml"),
                ..worded("Disk full.", "ディスクがいっぱいです。")
            }]
        });
    }

    #[test]
    #[should_panic(expected = "no kana or kanji")]
    fn fails_when_the_japanese_is_not_japanese() {
        assert_worded_in_both_languages(|| vec![worded("Disk full.", "Disque plein.")]);
    }

    #[test]
    #[should_panic(expected = "empty Japanese")]
    fn fails_when_the_japanese_is_blank() {
        assert_worded_in_both_languages(|| vec![worded("Disk full.", " ")]);
    }

    #[test]
    #[should_panic(expected = "no errors to word")]
    fn fails_on_an_empty_list() {
        assert_worded_in_both_languages(Vec::<HinomiError>::new);
    }
}
