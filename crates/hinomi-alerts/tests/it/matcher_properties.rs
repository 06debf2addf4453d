//! Properties of the label-matcher parser (routes, silences, the board filter): it never
//! panics, a matcher written out reads back as the same matcher whatever its value holds
//! (quotes, backslashes, newlines, control characters, any Unicode), and what it matches
//! follows from the operator.

use hinomi_alerts::LabelSet;
use hinomi_alerts::matcher::{MatchOp, Matcher, parse_matchers};
use proptest::prelude::*;

fn op() -> impl Strategy<Value = MatchOp> {
    prop_oneof![
        Just(MatchOp::Equal),
        Just(MatchOp::NotEqual),
        Just(MatchOp::Regex),
        Just(MatchOp::NotRegex),
    ]
}

fn name() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,12}"
}

/// Any value for `=`/`!=`; for the regex operators, a value that compiles (regex syntax
/// characters included, so escapes like `\.` and `\d` are exercised).
fn matcher() -> impl Strategy<Value = Matcher> {
    (
        name(),
        op(),
        any::<String>(),
        r#"([a-z0-9.*+?|()\[\]^$-]|\\[.dws])*"#,
    )
        .prop_filter_map("regex does not compile", |(name, op, plain, pattern)| {
            let value = if op.is_regex() { pattern } else { plain };
            Matcher::new(name, op, value).ok()
        })
}

fn rendered(matchers: &[Matcher], braced: bool) -> String {
    let list = matchers
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if braced { format!("{{{list}}}") } else { list }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn never_panics_and_errors_point_into_the_text(text in any::<String>()) {
        if let Err(err) = parse_matchers(&text) {
            prop_assert!(err.position as usize <= text.chars().count(), "{err:?}");
            prop_assert!(!err.message.is_empty());
        }
    }

    #[test]
    fn never_panics_on_matcher_like_text(text in r#"[{}a-z_=!~"', \\.*|\n]{0,40}"#) {
        if let Err(err) = parse_matchers(&text) {
            prop_assert!(err.position as usize <= text.chars().count(), "{err:?}");
        }
    }

    #[test]
    fn a_written_matcher_reads_back(matchers in prop::collection::vec(matcher(), 1..5), braced: bool) {
        let text = rendered(&matchers, braced);
        let parsed = parse_matchers(&text);
        prop_assert_eq!(parsed.as_ref().ok(), Some(&matchers), "{}", text);
    }

    #[test]
    fn equality_matches_exactly_its_value(name in name(), value in any::<String>(), other in any::<String>()) {
        let text = Matcher::equal(name.clone(), value.clone()).to_string();
        let [equal] = <[Matcher; 1]>::try_from(parse_matchers(&text).unwrap()).unwrap();
        let labels = |v: &str| LabelSet::from([(name.clone(), v.to_string())]);
        prop_assert!(equal.matches(&labels(&value)));
        prop_assert_eq!(equal.matches(&labels(&other)), other == value);
        let not_equal = parse_matchers(&text.replacen('=', "!=", 1)).unwrap();
        prop_assert_eq!(not_equal[0].matches(&labels(&other)), other != value);
    }

    #[test]
    fn an_escaped_literal_regex_matches_only_the_whole_value(
        name in name(),
        value in "\\PC{0,12}",
        other in "\\PC{0,12}",
    ) {
        let regex = Matcher::new(name.clone(), MatchOp::Regex, regex::escape(&value)).unwrap();
        let [parsed] = <[Matcher; 1]>::try_from(parse_matchers(&regex.to_string()).unwrap()).unwrap();
        let labels = |v: &str| LabelSet::from([(name.clone(), v.to_string())]);
        prop_assert!(parsed.matches(&labels(&value)));
        // Anchored at both ends, as Prometheus and Alertmanager anchor.
        prop_assert_eq!(parsed.matches(&labels(&other)), other == value);
        prop_assert_eq!(parsed.matches(&labels(&format!("{value}x"))), false);
    }

    #[test]
    fn a_missing_label_matches_as_empty(name in name(), value in "\\PC{0,8}") {
        let missing = LabelSet::new();
        let equal = Matcher::equal(name.clone(), value.clone());
        prop_assert_eq!(equal.matches(&missing), value.is_empty());
        let not_equal = Matcher::new(name, MatchOp::NotEqual, value.clone()).unwrap();
        prop_assert_eq!(not_equal.matches(&missing), !value.is_empty());
    }
}
