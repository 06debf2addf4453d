//! Hiding credentials written into URLs (`http://user:pw@host`) before text is shown, logged or
//! sent over IPC.
//!
//! Settings refuse such URLs (the secret belongs in the datasource's auth, in the OS keyring),
//! but the typed text still exists: in the settings file, in a problem's message, in the
//! Targets view. [`url_credentials`] works on any text, not only on a URL that parses, because
//! the texts that need it most are the ones that do not parse ("`http://u:p/w@h` is not a
//! URL"). It errs on hiding too much: everything up to the last `@` of a URL (before its query)
//! counts as the user-info part.

use std::borrow::Cow;

/// What replaces a hidden password (or a user-info without a password, which may be a token).
pub const HIDDEN: &str = "***";

/// `text` with the user-info of every `scheme://user:password@host` in it hidden:
/// `http://user:***@host`, or `http://***@host` when there is no `:` (a token as user name).
pub fn url_credentials(text: &str) -> Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        // The URL runs to the next space or quote; its user-info ends at its last `@` before a
        // query or fragment (a password may hold `/`, `:` or `@`).
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .unwrap_or(after.len());
        let url = &after[..end];
        let head = &url[..url.find(['?', '#']).unwrap_or(url.len())];
        match head.rfind('@') {
            Some(at) => {
                let userinfo = &head[..at];
                if let Some((user, _password)) = userinfo.split_once(':') {
                    out.push_str(user);
                    out.push(':');
                }
                out.push_str(HIDDEN);
                out.push_str(&after[at..end]);
                changed = true;
            }
            None => out.push_str(url),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether `text` holds a URL with a user name or password in it.
pub fn has_url_credentials(text: &str) -> bool {
    matches!(url_credentials(text), Cow::Owned(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_the_password_and_keeps_the_user_name() {
        assert_eq!(
            url_credentials("http://alice:s3cret@prom.example:9090/api"),
            "http://alice:***@prom.example:9090/api"
        );
        assert_eq!(
            url_credentials("https://alice:@host"),
            "https://alice:***@host"
        );
    }

    #[test]
    fn hides_a_user_name_alone_as_it_may_be_a_token() {
        assert_eq!(
            url_credentials("https://ghp_abcdef@host/x"),
            "https://***@host/x"
        );
    }

    #[test]
    fn hides_passwords_holding_url_delimiters() {
        for raw in [
            "http://u:pa/ss@host",
            "http://u:p@ss@host/",
            "http://u:p:ss@host",
            "http://u:p%40ss@host",
        ] {
            let shown = url_credentials(raw);
            assert!(!shown.contains("ss@"), "{raw} -> {shown}");
            assert!(shown.starts_with("http://u:***@"), "{raw} -> {shown}");
        }
    }

    #[test]
    fn hides_every_url_in_a_message() {
        let message = "\"http://a:one@h1/x\" is not a URL; see 'https://b:two@h2' or http://h3/";
        let shown = url_credentials(message);
        assert_eq!(
            shown,
            "\"http://a:***@h1/x\" is not a URL; see 'https://b:***@h2' or http://h3/"
        );
    }

    #[test]
    fn leaves_text_without_credentials_alone() {
        for text in [
            "http://127.0.0.1:9090",
            "https://host/path?who=a@b",
            "https://host/#@frag",
            "mail alice@example.com",
            "",
            "http://",
        ] {
            assert!(matches!(url_credentials(text), Cow::Borrowed(_)), "{text}");
            assert!(!has_url_credentials(text), "{text}");
        }
        assert!(has_url_credentials("http://u:p@h"));
    }
}
