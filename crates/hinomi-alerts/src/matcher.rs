//! Over 400 lines: the matcher type and its one parser, with its table of cases.
//! Label matchers (`name="v"`, `!=`, `=~`, `!~`), shared by the board's filter, Alertmanager
//! routes and silences.
//!
//! Semantics follow Prometheus and Alertmanager: regular expressions are anchored at both ends,
//! and a missing label matches as the empty string (so `team!="x"` matches an alert without a
//! `team` label). Parse errors carry a character position so the UI can point at the mistake.

use crate::alert::LabelSet;
use hinomi_core::texts::user_lang::say;
use regex::Regex;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
pub enum MatchOp {
    #[serde(rename = "=")]
    Equal,
    #[serde(rename = "!=")]
    NotEqual,
    #[serde(rename = "=~")]
    Regex,
    #[serde(rename = "!~")]
    NotRegex,
}

impl MatchOp {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "=",
            Self::NotEqual => "!=",
            Self::Regex => "=~",
            Self::NotRegex => "!~",
        }
    }

    pub fn is_regex(self) -> bool {
        matches!(self, Self::Regex | Self::NotRegex)
    }

    pub fn is_negative(self) -> bool {
        matches!(self, Self::NotEqual | Self::NotRegex)
    }
}

#[derive(Debug, Clone)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
    /// Compiled, anchored; only for the regex operators.
    regex: Option<Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.op == other.op && self.value == other.value
    }
}

impl Matcher {
    pub fn new(
        name: impl Into<String>,
        op: MatchOp,
        value: impl Into<String>,
    ) -> Result<Self, regex::Error> {
        let value = value.into();
        let regex = if op.is_regex() {
            Some(Regex::new(&format!("^(?:{value})$"))?)
        } else {
            None
        };
        Ok(Self {
            name: name.into(),
            op,
            value,
            regex,
        })
    }

    /// An equality matcher; cannot fail.
    pub fn equal(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            op: MatchOp::Equal,
            value: value.into(),
            regex: None,
        }
    }

    pub fn matches_value(&self, value: &str) -> bool {
        match (&self.regex, self.op) {
            (_, MatchOp::Equal) => value == self.value,
            (_, MatchOp::NotEqual) => value != self.value,
            (Some(regex), MatchOp::Regex) => regex.is_match(value),
            (Some(regex), MatchOp::NotRegex) => !regex.is_match(value),
            (None, _) => false,
        }
    }

    pub fn matches(&self, labels: &LabelSet) -> bool {
        self.matches_value(labels.get(&self.name).map_or("", String::as_str))
    }
}

/// `name op "value"`, quoted with exactly the escapes [`parse_matchers`] reads (`\\`, `\"`,
/// `\n`, `\t`) and every other character as it is, so what is shown reads back as the same
/// matcher. (Rust's `{:?}` would write `\u{..}`, `\r` and `\0`, which the parser keeps as
/// written: a value with a control character or an unprintable code point changed on the way.)
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}\"", self.name, self.op.as_str())?;
        for c in self.value.chars() {
            match c {
                '\\' => f.write_str("\\\\")?,
                '"' => f.write_str("\\\"")?,
                '\n' => f.write_str("\\n")?,
                '\t' => f.write_str("\\t")?,
                other => fmt::Write::write_char(f, other)?,
            }
        }
        f.write_str("\"")
    }
}

pub fn all_match(matchers: &[Matcher], labels: &LabelSet) -> bool {
    matchers.iter().all(|matcher| matcher.matches(labels))
}

/// A parse error at a character (not byte) offset into the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct ParseError {
    pub position: u32,
    pub message: String,
}

/// Parses a list of matchers the way Alertmanager's configuration and amtool write them:
/// `{a="1", b=~"x|y"}` or `a="1", b=~"x|y"` (braces optional, values optionally quoted).
pub fn parse_matchers(text: &str) -> Result<Vec<Matcher>, ParseError> {
    let mut cursor = Cursor::new(text);
    cursor.skip_spaces();
    let braced = cursor.eat('{');
    let mut matchers = Vec::new();
    loop {
        cursor.skip_spaces();
        match cursor.peek() {
            None if braced => {
                return Err(cursor.error(say("missing closing '}'", "閉じる '}' がありません")));
            }
            None => break,
            Some('}') if braced => {
                cursor.bump();
                cursor.skip_spaces();
                if cursor.peek().is_some() {
                    return Err(cursor.error(say(
                        "unexpected text after '}'",
                        "'}' の後に余分な文字があります",
                    )));
                }
                break;
            }
            Some(_) => {}
        }
        matchers.push(cursor.matcher()?);
        cursor.skip_spaces();
        if !cursor.eat(',') && cursor.peek().is_some_and(|c| c != '}') {
            return Err(cursor.error(say(
                "expected ',' between matchers",
                "マッチャーの間には ',' が必要です",
            )));
        }
    }
    Ok(matchers)
}

/// A character cursor over a query, shared by the matcher-list and filter parsers.
pub(crate) struct Cursor<'a> {
    text: &'a str,
    /// Byte offset.
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    pub fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    pub fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    pub fn eat(&mut self, wanted: char) -> bool {
        if self.peek() == Some(wanted) {
            self.pos += wanted.len_utf8();
            true
        } else {
            false
        }
    }

    pub fn eat_str(&mut self, wanted: &str) -> bool {
        if self.rest().starts_with(wanted) {
            self.pos += wanted.len();
            true
        } else {
            false
        }
    }

    pub fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    pub fn byte_pos(&self) -> usize {
        self.pos
    }

    pub fn reset(&mut self, byte_pos: usize) {
        self.pos = byte_pos;
    }

    pub fn char_pos_of(&self, byte_pos: usize) -> u32 {
        u32::try_from(self.text[..byte_pos].chars().count()).unwrap_or(u32::MAX)
    }

    /// A quoted string opened at `start` and never closed.
    fn unterminated(&self, start: usize) -> ParseError {
        self.error_at(
            start,
            say("unterminated quoted string", "引用符が閉じられていません"),
        )
    }

    /// A parse error here; `message` in the user's language (`say`): the board shows it as is.
    pub fn error(&self, message: impl Into<String>) -> ParseError {
        self.error_at(self.pos, message)
    }

    pub fn error_at(&self, byte_pos: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            position: self.char_pos_of(byte_pos),
            message: message.into(),
        }
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, or `None` (cursor unmoved) if there is none here.
    pub fn label_name(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let first = self.peek()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.bump();
        }
        Some(&self.text[start..self.pos])
    }

    /// The operator at the cursor, longest first so `=~` is not read as `=`.
    pub fn match_op(&mut self) -> Option<MatchOp> {
        for (text, op) in [
            ("=~", MatchOp::Regex),
            ("!~", MatchOp::NotRegex),
            ("!=", MatchOp::NotEqual),
            ("=", MatchOp::Equal),
        ] {
            if self.eat_str(text) {
                return Some(op);
            }
        }
        None
    }

    /// A double- or single-quoted string with Go-style escapes.
    pub fn quoted(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        let Some(quote) = self.bump() else {
            return Err(self.error(say(
                "expected a quoted string",
                "引用符で囲んだ文字列が必要です",
            )));
        };
        let mut value = String::new();
        loop {
            match self.bump() {
                None => return Err(self.unterminated(start)),
                Some(c) if c == quote => return Ok(value),
                Some('\\') => match self.bump() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(c @ ('\\' | '"' | '\'')) => value.push(c),
                    // Regexes keep their own escapes (`\.`, `\d`) as written.
                    Some(c) => {
                        value.push('\\');
                        value.push(c);
                    }
                    None => return Err(self.unterminated(start)),
                },
                Some(c) => value.push(c),
            }
        }
    }

    /// One matcher: `name op value`, the value quoted or bare (up to a space, `,` or `}`).
    pub fn matcher(&mut self) -> Result<Matcher, ParseError> {
        let Some(name) = self.label_name() else {
            return Err(self.error(say("expected a label name", "ラベル名が必要です")));
        };
        self.skip_spaces();
        let Some(op) = self.match_op() else {
            return Err(self.error(say(
                format!("expected one of =, !=, =~, !~ after label name {name}"),
                format!("ラベル名 {name} の後には =, !=, =~, !~ のいずれかが必要です"),
            )));
        };
        self.skip_spaces();
        let value_at = self.pos;
        let value = match self.peek() {
            Some('"' | '\'') => self.quoted()?,
            _ => {
                while self
                    .peek()
                    .is_some_and(|c| !c.is_whitespace() && c != ',' && c != '}')
                {
                    self.bump();
                }
                self.text[value_at..self.pos].to_owned()
            }
        };
        if value.is_empty() && self.pos == value_at {
            return Err(self.error_at(
                value_at,
                say(
                    format!("missing value for label {name}"),
                    format!("ラベル {name} の値がありません"),
                ),
            ));
        }
        Matcher::new(name, op, value).map_err(|err| {
            let detail = err.to_string();
            let last_line = detail.lines().last().unwrap_or_default().trim();
            self.error_at(
                value_at,
                say(
                    format!("invalid regular expression for label {name}: {last_line}"),
                    format!("ラベル {name} の正規表現が正しくありません: {last_line}"),
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::tests::labels;

    #[test]
    fn regexes_are_anchored_and_missing_labels_are_empty() {
        let high = Matcher::new("alertname", MatchOp::Regex, "High.*").unwrap();
        assert!(high.matches(&labels(&[("alertname", "HighLatency")])));
        assert!(!high.matches(&labels(&[("alertname", "NotHigh")])));
        let no_team = Matcher::new("team", MatchOp::NotEqual, "db").unwrap();
        assert!(no_team.matches(&LabelSet::new()));
        let empty = Matcher::equal("team", "");
        assert!(empty.matches(&LabelSet::new()));
        let not_re = Matcher::new("severity", MatchOp::NotRegex, "crit.*").unwrap();
        assert!(not_re.matches(&labels(&[("severity", "warning")])));
        assert!(!not_re.matches(&labels(&[("severity", "critical")])));
    }

    #[test]
    fn parses_alertmanager_config_matchers() {
        let parsed = parse_matchers(r#"alertname="Watchdog""#).unwrap();
        assert_eq!(parsed, vec![Matcher::equal("alertname", "Watchdog")]);
        let parsed = parse_matchers(r#"{severity=~"critical|warning", team != db}"#).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].op, MatchOp::Regex);
        assert_eq!(
            parsed[1],
            Matcher::new("team", MatchOp::NotEqual, "db").unwrap()
        );
        assert_eq!(parsed[1].to_string(), r#"team!="db""#);
        let escaped = parse_matchers(r#"path=~"/api/v1\.x""#).unwrap();
        assert_eq!(escaped[0].value, r"/api/v1\.x");
        assert!(escaped[0].matches_value("/api/v1.x"));
        assert!(!escaped[0].matches_value("/api/v1-x"));
    }

    /// Found by the property test `a_written_matcher_reads_back`: `{:?}` wrote U+1134D as
    /// `\u{1134d}` and a carriage return as `\r`, which read back as other values.
    #[test]
    fn a_shown_matcher_reads_back_whatever_its_value_holds() {
        for value in [
            "\u{1134d}",
            "a\rb",
            "nul\0",
            "q\"uo'te\\",
            "tab\tnew\nline",
            "\u{202e}rtl",
        ] {
            let matcher = Matcher::equal("a", value);
            let shown = matcher.to_string();
            assert_eq!(parse_matchers(&shown).unwrap(), vec![matcher], "{shown}");
        }
        assert_eq!(
            Matcher::equal("a", "\u{1134d}").to_string(),
            "a=\"\u{1134d}\""
        );
    }

    #[test]
    fn parse_errors_point_at_the_problem() {
        let err = parse_matchers(r#"{a="1", b=~"(" }"#).unwrap_err();
        assert_eq!(err.position, 11, "{err}");
        assert!(err.message.contains("regular expression"), "{err}");
        let err = parse_matchers(r#"a="1" b="2""#).unwrap_err();
        assert_eq!(err.position, 6);
        let err = parse_matchers(r#"{a="1""#).unwrap_err();
        assert!(err.message.contains("'}'"), "{err}");
        let err = parse_matchers(r#"a="unterminated"#).unwrap_err();
        assert_eq!(err.position, 2);
        assert!(err.message.contains("unterminated"));
        let err = parse_matchers("1a=b").unwrap_err();
        assert_eq!(err.position, 0);
    }

    #[test]
    fn parse_errors_are_worded_in_the_users_language_at_the_same_place() {
        use hinomi_core::texts::{Lang, user_lang::with};
        let both = |text: &str| {
            let en = with(Lang::En, || parse_matchers(text).unwrap_err());
            let ja = with(Lang::Ja, || parse_matchers(text).unwrap_err());
            assert_eq!(en.position, ja.position, "{text}");
            assert_ne!(en.message, ja.message, "{text}");
            ja.message
        };
        assert_eq!(both(r#"{a="1""#), "閉じる '}' がありません");
        assert_eq!(both(r#"a="open"#), "引用符が閉じられていません");
        assert_eq!(both(r#"a="1" b="2""#), "マッチャーの間には ',' が必要です");
        assert_eq!(
            both("a"),
            "ラベル名 a の後には =, !=, =~, !~ のいずれかが必要です"
        );
        assert_eq!(both("a="), "ラベル a の値がありません");
        assert!(both(r#"a=~"(""#).starts_with("ラベル a の正規表現が正しくありません: "));
        assert_eq!(both("1a=b"), "ラベル名が必要です");
    }
}
