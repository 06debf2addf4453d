//! Grafana's regexes are JavaScript's: either `/pattern/flags` or a bare pattern that must
//! match the whole string. This turns both into a [`Regex`] with the same meaning.

use regex::{Regex, RegexBuilder};

/// Parses a Grafana regex string as `stringToJsRegex` does in Grafana.
pub fn parse(text: &str) -> Result<Regex, regex::Error> {
    if let Some(body) = text.strip_prefix('/')
        && let Some(end) = body.rfind('/')
        && body[end + 1..].chars().all(|c| "gimsuy".contains(c))
    {
        let flags = &body[end + 1..];
        return RegexBuilder::new(&body[..end])
            .case_insensitive(flags.contains('i'))
            .multi_line(flags.contains('m'))
            .dot_matches_new_line(flags.contains('s'))
            .build();
    }
    Regex::new(&format!("^(?:{text})$"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_form_is_unanchored_with_flags() {
        let re = parse("/eth[0-9]+/i").unwrap();
        assert!(re.is_match("veth-ETH0"));
        assert!(!parse("/^eth/").unwrap().is_match("veth"));
    }

    #[test]
    fn bare_form_is_anchored() {
        let re = parse("eth.*").unwrap();
        assert!(re.is_match("eth0"));
        assert!(!re.is_match("veth0"));
        // Alternation must not escape the anchors.
        assert!(!parse("a|b").unwrap().is_match("ab"));
    }

    #[test]
    fn named_groups_use_javascript_syntax() {
        let re = parse("/(?<text>[^:]+):(?<value>.*)/").unwrap();
        let caps = re.captures("Node A:10.0.0.1").unwrap();
        assert_eq!(&caps["text"], "Node A");
        assert_eq!(&caps["value"], "10.0.0.1");
    }

    #[test]
    fn javascript_only_syntax_is_an_error_not_a_silent_mismatch() {
        assert!(parse("/(?!x)y/").is_err());
    }
}
