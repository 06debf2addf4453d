//! Text shown inside markup (an HTML report, a notification body a server reads as markup),
//! escaped so that it stays text.

use std::borrow::Cow;

/// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes. Text without
/// any of them comes back borrowed.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_markup_characters_become_entities() {
        assert_eq!(
            escape(r#"<a href='x'>"Q&A"</a>"#),
            "&lt;a href=&#39;x&#39;&gt;&quot;Q&amp;A&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(
            escape("日本語 text"),
            Cow::Borrowed("日本語 text")
        ));
    }
}
