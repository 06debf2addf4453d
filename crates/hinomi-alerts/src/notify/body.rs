//! The text of a notification's body, as the notification server will read it.
//!
//! A server that advertises the `body-markup` capability reads the body as a small XML-like
//! markup (`<b>`, `<i>`, `<u>`, `<a href>`, `<img src>`; Desktop Notifications Specification,
//! "Markup"). An alert's annotations come from whoever wrote the alert rule or fired the alert:
//! shown raw, `<a href=…>` would be a clickable link and `<img src=…>` an image fetched from
//! anywhere, and a stray `&` or `<` can make the server drop the whole body. So for such a server
//! the body is escaped and shows exactly the annotation's text; other servers get it as it is.

use std::borrow::Cow;

/// `annotation` as the body for a server that reads body markup (`server_reads_markup`, its
/// `body-markup` capability) or not.
pub fn notification_body(annotation: &str, server_reads_markup: bool) -> Cow<'_, str> {
    if server_reads_markup {
        escape_markup(annotation)
    } else {
        Cow::Borrowed(annotation)
    }
}

/// Escapes the characters that markup reads (`&`, `<`, `>`, and the quotes of attributes).
pub use hinomi_core::markup::escape as escape_markup;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_an_annotation_becomes_text() {
        let annotation =
            r#"<img src=x onerror="alert(1)"> <a href='https://evil.example/'>open</a> & <b>"#;
        assert_eq!(
            notification_body(annotation, true),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; \
             &lt;a href=&#39;https://evil.example/&#39;&gt;open&lt;/a&gt; &amp; &lt;b&gt;"
        );
    }

    #[test]
    fn an_entity_is_shown_as_typed_not_decoded() {
        assert_eq!(
            escape_markup("&lt;b&gt; &amp;"),
            "&amp;lt;b&amp;gt; &amp;amp;"
        );
    }

    #[test]
    fn plain_text_and_plain_servers_are_left_alone() {
        assert!(matches!(
            notification_body("高エラー率を検出 (5%, 1 min)", true),
            Cow::Borrowed(_)
        ));
        let raw = "<b>raw</b> & more";
        assert_eq!(notification_body(raw, false), raw);
    }
}
