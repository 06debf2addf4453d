//! The board's filter language.
//!
//! ```text
//! {severity="critical", alertname=~"High.*"}   label matchers in braces, comma-separated
//! severity="critical" team!~"db|infra"         or space-separated, without braces
//! state:firing state:pending                   states (several: any of them)
//! 高エラー "disk full"                          free text in any label or annotation value
//! ```
//!
//! Every term must hold, except that several `state:` terms mean "any of these states". Free
//! text ignores case. Errors say at which character the problem is, so the UI can underline it.

use crate::alert::{Alert, AlertState};
use crate::matcher::{Cursor, Matcher, ParseError};
use hinomi_core::texts::user_lang::say;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    matchers: Vec<Matcher>,
    states: Vec<AlertState>,
    /// Lowercased.
    texts: Vec<String>,
    /// Set by [`Filter::restrict_states`] when no state can pass.
    impossible: bool,
}

const STATES: &str = "firing, pending, silenced, inhibited";

impl Filter {
    /// Everything passes.
    pub fn all() -> Self {
        Self::default()
    }

    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut filter = Self::default();
        let mut cursor = Cursor::new(text);
        loop {
            cursor.skip_spaces();
            let Some(next) = cursor.peek() else {
                return Ok(filter);
            };
            match next {
                '{' => filter.braced(&mut cursor)?,
                '"' | '\'' => {
                    let phrase = cursor.quoted()?;
                    filter.push_text(&phrase);
                }
                ',' => {
                    cursor.bump();
                }
                '}' => {
                    return Err(cursor.error(say(
                        "'}' without a matching '{'",
                        "対応する '{' のない '}' があります",
                    )));
                }
                _ => filter.term(&mut cursor)?,
            }
        }
    }

    fn braced(&mut self, cursor: &mut Cursor<'_>) -> Result<(), ParseError> {
        let open = cursor.byte_pos();
        cursor.bump();
        loop {
            cursor.skip_spaces();
            match cursor.peek() {
                None => {
                    let at = cursor.char_pos_of(open);
                    return Err(cursor.error(say(
                        format!("missing '}}' to close the '{{' at character {at}"),
                        format!("{at} 文字目の '{{' を閉じる '}}' がありません"),
                    )));
                }
                Some('}') => {
                    cursor.bump();
                    return Ok(());
                }
                Some(_) => {}
            }
            self.matchers.push(cursor.matcher()?);
            cursor.skip_spaces();
            if !cursor.eat(',') && cursor.peek().is_some_and(|c| c != '}') {
                return Err(cursor.error(say(
                    "expected ',' or '}' after a matcher",
                    "マッチャーの後には ',' か '}' が必要です",
                )));
            }
        }
    }

    /// A matcher, a `state:`, or a free-text word, told apart by what follows the first name.
    fn term(&mut self, cursor: &mut Cursor<'_>) -> Result<(), ParseError> {
        let start = cursor.byte_pos();
        if let Some(name) = cursor.label_name() {
            if cursor.match_op().is_some() {
                cursor.reset(start);
                self.matchers.push(cursor.matcher()?);
                return Ok(());
            }
            if name == "state" && cursor.eat(':') {
                let value_at = cursor.byte_pos();
                let value = word(cursor);
                let state = AlertState::parse(&value.to_ascii_lowercase()).ok_or_else(|| {
                    let message = if value.is_empty() {
                        say(
                            format!("missing state after 'state:' (one of {STATES})"),
                            format!("'state:' の後に状態がありません ({STATES} のいずれか)"),
                        )
                    } else {
                        say(
                            format!("unknown state {value:?} (one of {STATES})"),
                            format!("不明な状態 {value:?} ({STATES} のいずれか)"),
                        )
                    };
                    cursor.error_at(value_at, message)
                })?;
                if !self.states.contains(&state) {
                    self.states.push(state);
                }
                return Ok(());
            }
            cursor.reset(start);
        }
        let text = word(cursor);
        self.push_text(&text);
        Ok(())
    }

    fn push_text(&mut self, text: &str) {
        if !text.is_empty() {
            self.texts.push(text.to_lowercase());
        }
    }

    /// Also requires one of `states` (the board's state toggles). `state:` terms typed in the
    /// filter still apply: an alert must satisfy both.
    pub fn restrict_states(&mut self, states: &[AlertState]) {
        if states.is_empty() {
            self.impossible = true;
        } else if self.states.is_empty() {
            self.states = states.to_vec();
        } else {
            self.states.retain(|state| states.contains(state));
            if self.states.is_empty() {
                self.impossible = true;
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.matchers.is_empty()
            && self.states.is_empty()
            && self.texts.is_empty()
            && !self.impossible
    }

    pub fn matches(&self, alert: &Alert) -> bool {
        !self.impossible
            && (self.states.is_empty() || self.states.contains(&alert.state))
            && self.matchers.iter().all(|m| m.matches(&alert.labels))
            && self.texts.iter().all(|text| contains_text(alert, text))
    }
}

/// Up to the next space (or the end).
fn word(cursor: &mut Cursor<'_>) -> String {
    let mut word = String::new();
    while let Some(c) = cursor.peek().filter(|c| !c.is_whitespace()) {
        word.push(c);
        cursor.bump();
    }
    word
}

fn contains_text(alert: &Alert, lowercase_needle: &str) -> bool {
    let found = |value: &String| {
        // Most values are ASCII; skip the allocation when no case folding can help.
        if value.is_ascii() && lowercase_needle.is_ascii() {
            value.to_ascii_lowercase().contains(lowercase_needle)
        } else {
            value.to_lowercase().contains(lowercase_needle)
        }
    };
    alert.labels.values().any(found) || alert.annotations.values().any(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::tests::labels;
    use crate::alert::{SourceKind, SourceRef};
    use crate::matcher::MatchOp;

    fn alert(pairs: &[(&str, &str)], state: AlertState) -> Alert {
        let mut alert = Alert::new(
            labels(pairs),
            state,
            SourceRef::new("am", SourceKind::Alertmanager),
        );
        alert
            .annotations
            .insert("summary".into(), "高エラー率を検出".into());
        alert
    }

    #[test]
    fn braces_and_spaces_parse_to_the_same_matchers() {
        let braced = Filter::parse(r#"{severity="critical", alertname=~"High.*"}"#).unwrap();
        let spaced = Filter::parse(r#"severity="critical" alertname=~"High.*""#).unwrap();
        let commas = Filter::parse(r#"severity="critical", alertname=~High.*"#).unwrap();
        assert_eq!(braced.matchers, spaced.matchers);
        assert_eq!(braced.matchers, commas.matchers);
        assert_eq!(braced.matchers[1].op, MatchOp::Regex);
        let negative = Filter::parse(r#"team!="db" instance!~"10\..*""#).unwrap();
        assert_eq!(negative.matchers[0].op, MatchOp::NotEqual);
        assert_eq!(negative.matchers[1].op, MatchOp::NotRegex);
    }

    #[test]
    fn matchers_states_and_text_all_apply() {
        let critical = alert(
            &[("alertname", "HighErrorRate"), ("severity", "critical")],
            AlertState::Firing,
        );
        let warning = alert(
            &[("alertname", "HighLatency"), ("severity", "warning")],
            AlertState::Pending,
        );
        let silenced = alert(
            &[("alertname", "DiskFull"), ("severity", "critical")],
            AlertState::Silenced,
        );
        let pick = |text: &str| -> Vec<&str> {
            let filter = Filter::parse(text).unwrap();
            [&critical, &warning, &silenced]
                .into_iter()
                .filter(|a| filter.matches(a))
                .map(|a| a.alertname())
                .collect()
        };
        assert_eq!(pick(""), ["HighErrorRate", "HighLatency", "DiskFull"]);
        assert_eq!(
            pick(r#"alertname=~"High.*""#),
            ["HighErrorRate", "HighLatency"]
        );
        assert_eq!(
            pick(r#"{severity="critical"} state:firing"#),
            ["HighErrorRate"]
        );
        assert_eq!(
            pick("state:pending state:silenced"),
            ["HighLatency", "DiskFull"]
        );
        assert_eq!(pick(r#"severity!="critical""#), ["HighLatency"]);
        assert_eq!(pick("latency"), ["HighLatency"]);
        assert_eq!(pick("エラー率 disk"), ["DiskFull"]);
        assert_eq!(pick(r#""high error""#), Vec::<&str>::new());
        assert_eq!(
            pick("State:FIRING"),
            Vec::<&str>::new(),
            "only lowercase 'state:' is a keyword"
        );
        assert_eq!(pick("state:FIRING"), ["HighErrorRate"]);
    }

    #[test]
    fn errors_have_positions() {
        let err = |text: &str| Filter::parse(text).unwrap_err();
        let e = err(r#"{severity="critical""#);
        assert_eq!(e.position, 20);
        assert!(e.message.contains("character 0"), "{e}");
        let e = err(r#"alertname=~"High(""#);
        assert_eq!(e.position, 11);
        assert!(e.message.contains("regular expression"), "{e}");
        let e = err("state:burning");
        assert_eq!(e.position, 6);
        assert!(
            e.message.contains("burning") && e.message.contains("firing"),
            "{e}"
        );
        let e = err("foo state:");
        assert_eq!(e.position, 10);
        let e = err(r#"severity="critical"#);
        assert_eq!(e.position, 9);
        assert!(e.message.contains("unterminated"));
        let e = err("severity=");
        assert_eq!(e.position, 9);
        let e = err("a }");
        assert_eq!(e.position, 2);
        let e = err(r#"{severity="critical" team="db"}"#);
        assert_eq!(e.position, 21);
        // Positions count characters, not bytes, so Japanese text before the error is fine.
        let e = err("高エラー state:x");
        assert_eq!(e.position, 11);
    }

    #[test]
    fn filter_errors_are_worded_in_japanese_too() {
        use hinomi_core::texts::{Lang, user_lang::with};
        let ja = |text: &str| with(Lang::Ja, || Filter::parse(text).unwrap_err()).message;
        assert_eq!(
            ja(r#"{severity="critical""#),
            "0 文字目の '{' を閉じる '}' がありません"
        );
        assert_eq!(ja("a }"), "対応する '{' のない '}' があります");
        assert!(
            ja("state:burning").starts_with("不明な状態 \"burning\" ("),
            "{}",
            ja("state:burning")
        );
        assert!(ja("foo state:").starts_with("'state:' の後に状態がありません"));
        assert_eq!(
            ja(r#"{severity="critical" team="db"}"#),
            "マッチャーの後には ',' か '}' が必要です"
        );
    }
}
