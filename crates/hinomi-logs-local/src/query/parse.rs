//! Over 400 lines: one recursive-descent parser and its table of cases.
//! The Lucene query syntax of Kibana's bar, parsed as Elasticsearch's `query_string` does.
//!
//! Elasticsearch uses Lucene's classic query parser, whose boolean logic is not precedence
//! based: each clause gets an occurrence from its modifier (`+`, `-`, `!`, `NOT`) and the
//! conjunction before it (`AND` makes both neighbours required, `OR` leaves them optional, the
//! default operator is `OR`). [`parse`] reproduces `QueryParserBase.addClause` exactly, so
//! `a OR b AND c` means `a (+b +c)` here too. The result is an AST; [`super::translate`] maps
//! it to tantivy queries field by field.

use std::ops::Bound;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    Must,
    Should,
    MustNot,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `*`, `*:*`, or an empty query.
    MatchAll,
    Bool(Vec<(Occur, Node)>),
    Leaf {
        field: Option<String>,
        value: Value,
    },
}

/// A piece of a wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wild {
    Lit(char),
    /// `*`
    Any,
    /// `?`
    One,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Unquoted term; `fuzzy` is `~` (with its edit distance when given).
    Term {
        text: String,
        fuzzy: Option<Option<u8>>,
    },
    Phrase {
        text: String,
        slop: u32,
    },
    /// A term with unescaped `*` / `?`.
    Wildcard(Vec<Wild>),
    Regex(String),
    Range {
        lower: Bound<String>,
        upper: Bound<String>,
    },
    /// `_exists_:f` and `f:*`.
    Exists,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub position: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at character {}", self.message, self.position)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Conj {
    None,
    And,
    Or,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Modifier {
    None,
    Required,
    Not,
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

/// Parses the bar's text; blank text is [`Node::MatchAll`].
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        at: 0,
    };
    let node = parser.query(false)?;
    parser.skip_ws();
    if parser.at < parser.chars.len() {
        return Err(parser.error(format!("unexpected '{}'", parser.chars[parser.at])));
    }
    Ok(node.unwrap_or(Node::MatchAll))
}

fn is_special(c: char) -> bool {
    matches!(
        c,
        '+' | '-' | '!' | '(' | ')' | ':' | '^' | '[' | ']' | '"' | '{' | '}' | '~' | '\\' | '/'
    ) || c.is_whitespace()
}

impl Parser {
    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
            position: self.at,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    /// A keyword (`AND`, `OR`, `NOT`, `TO`) followed by a separator.
    fn keyword(&mut self, word: &str) -> bool {
        let n = word.chars().count();
        let matches = self.chars.len() >= self.at + n
            && self.chars[self.at..self.at + n]
                .iter()
                .copied()
                .eq(word.chars())
            && self
                .chars
                .get(self.at + n)
                .is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '"' | ')'));
        if matches {
            self.at += n;
        }
        matches
    }

    fn symbol(&mut self, symbol: &str) -> bool {
        let n = symbol.chars().count();
        let matches = self.chars.len() >= self.at + n
            && self.chars[self.at..self.at + n]
                .iter()
                .copied()
                .eq(symbol.chars());
        if matches {
            self.at += n;
        }
        matches
    }

    /// `Query := (Conjunction? Modifiers? Clause)*`, up to `)` when `nested`.
    fn query(&mut self, nested: bool) -> Result<Option<Node>, ParseError> {
        let mut clauses: Vec<(Occur, Node)> = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => break,
                Some(')') if nested => break,
                Some(')') => return Err(self.error("unbalanced ')'")),
                _ => {}
            }
            let conj = if self.keyword("AND") || self.symbol("&&") {
                Conj::And
            } else if self.keyword("OR") || self.symbol("||") {
                Conj::Or
            } else {
                Conj::None
            };
            if conj != Conj::None && clauses.is_empty() {
                return Err(self.error("a query cannot start with AND or OR"));
            }
            self.skip_ws();
            let modifier = if self.symbol("+") {
                Modifier::Required
            } else if self.symbol("-") || self.keyword("NOT") {
                Modifier::Not
            } else if self.peek() == Some('!') && self.chars.get(self.at + 1) != Some(&'=') {
                self.at += 1;
                Modifier::Not
            } else {
                Modifier::None
            };
            self.skip_ws();
            if self.peek().is_none() || (nested && self.peek() == Some(')')) {
                return Err(self.error("expected a term after an operator"));
            }
            let clause = self.clause()?;
            add_clause(&mut clauses, conj, modifier, clause);
        }
        Ok(match clauses.len() {
            0 => None,
            1 if clauses[0].0 != Occur::MustNot => {
                Some(clauses.pop().map(|(_, n)| n).unwrap_or(Node::MatchAll))
            }
            _ => Some(Node::Bool(clauses)),
        })
    }

    /// `Clause := [field ':'] ( '(' Query ')' | term )`
    fn clause(&mut self) -> Result<Option<Node>, ParseError> {
        let start = self.at;
        let mut field = None;
        if !matches!(self.peek(), Some('(' | '"' | '[' | '{' | '/')) {
            let name = self.raw_term();
            self.skip_ws_inline();
            if !name.is_empty() && self.peek() == Some(':') {
                self.at += 1;
                field = Some(name);
                self.skip_ws();
            } else {
                self.at = start;
            }
        }
        if self.symbol("(") {
            let inner = self.query(true)?;
            if !self.symbol(")") {
                return Err(self.error("missing ')'"));
            }
            self.boost();
            let Some(inner) = inner else {
                return Ok(None);
            };
            return Ok(Some(match field {
                Some(field) => with_default_field(inner, &field),
                None => inner,
            }));
        }
        let value = self.value()?;
        self.boost();
        Ok(Some(match (&field, &value) {
            (Some(f), Value::Exists) if f == "*" => Node::MatchAll,
            (None, Value::Exists) => Node::MatchAll,
            (Some(f), Value::Term { text, .. }) if f == "_exists_" => Node::Leaf {
                field: Some(text.clone()),
                value: Value::Exists,
            },
            _ => Node::Leaf { field, value },
        }))
    }

    fn skip_ws_inline(&mut self) {
        // Lucene allows no space between a field name and ':'; Elasticsearch neither.
    }

    fn boost(&mut self) {
        if self.symbol("^") {
            while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
                self.at += 1;
            }
        }
    }

    /// A field name candidate: term characters with escapes, no wildcards interpretation.
    fn raw_term(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' {
                if let Some(next) = self.chars.get(self.at + 1) {
                    out.push(*next);
                    self.at += 2;
                    continue;
                }
                break;
            }
            if is_special(c) && !(c == '-' || c == '+')
                || (out.is_empty() && matches!(c, '-' | '+'))
            {
                break;
            }
            out.push(c);
            self.at += 1;
        }
        out
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        match self.peek() {
            Some('"') => {
                self.at += 1;
                let mut text = String::new();
                loop {
                    match self.peek() {
                        None => return Err(self.error("missing closing '\"'")),
                        Some('"') => {
                            self.at += 1;
                            break;
                        }
                        Some('\\') => {
                            if let Some(next) = self.chars.get(self.at + 1) {
                                text.push(*next);
                            }
                            self.at += 2;
                        }
                        Some(c) => {
                            text.push(c);
                            self.at += 1;
                        }
                    }
                }
                let slop = if self.symbol("~") {
                    self.number().unwrap_or(0)
                } else {
                    0
                };
                Ok(Value::Phrase { text, slop })
            }
            Some('[' | '{') => self.range(),
            Some('/') => {
                self.at += 1;
                let mut pattern = String::new();
                loop {
                    match self.peek() {
                        None => return Err(self.error("missing closing '/'")),
                        Some('/') => {
                            self.at += 1;
                            break;
                        }
                        Some('\\') if self.chars.get(self.at + 1) == Some(&'/') => {
                            pattern.push('/');
                            self.at += 2;
                        }
                        Some(c) => {
                            pattern.push(c);
                            self.at += 1;
                        }
                    }
                }
                Ok(Value::Regex(pattern))
            }
            Some('>' | '<') => {
                let greater = self.peek() == Some('>');
                self.at += 1;
                // Lucene reads `>=` as one operator only when a plain term follows; before a
                // quote or a space, `=` itself is the bound (and a quoted value becomes the
                // next clause), which is what Elasticsearch then runs.
                let bare_equals = self.peek() == Some('=')
                    && self
                        .chars
                        .get(self.at + 1)
                        .is_none_or(|c| *c == '"' || c.is_whitespace());
                let (inclusive, bound) = if bare_equals {
                    self.at += 1;
                    (false, "=".to_string())
                } else {
                    let inclusive = self.symbol("=");
                    (inclusive, self.bound_text()?)
                };
                let bound = if inclusive {
                    Bound::Included(bound)
                } else {
                    Bound::Excluded(bound)
                };
                Ok(if greater {
                    Value::Range {
                        lower: bound,
                        upper: Bound::Unbounded,
                    }
                } else {
                    Value::Range {
                        lower: Bound::Unbounded,
                        upper: bound,
                    }
                })
            }
            _ => self.term(),
        }
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
            self.at += 1;
        }
        let text: String = self.chars[start..self.at].iter().collect();
        text.parse::<f64>().ok().map(|n| n as u32)
    }

    /// An unquoted term: wildcards, fuzziness.
    fn term(&mut self) -> Result<Value, ParseError> {
        let mut parts = Vec::new();
        let mut wild = false;
        while let Some(c) = self.peek() {
            if c == '\\' {
                match self.chars.get(self.at + 1) {
                    Some(next) => {
                        parts.push(Wild::Lit(*next));
                        self.at += 2;
                        continue;
                    }
                    None => return Err(self.error("a query cannot end with '\\'")),
                }
            }
            let inner_sign = matches!(c, '-' | '+') && !parts.is_empty();
            if (is_special(c) && !inner_sign) || c == ':' {
                break;
            }
            self.at += 1;
            parts.push(match c {
                '*' => {
                    wild = true;
                    Wild::Any
                }
                '?' => {
                    wild = true;
                    Wild::One
                }
                other => Wild::Lit(other),
            });
        }
        if parts.is_empty() {
            return Err(match self.peek() {
                Some(c) => self.error(format!("unexpected '{c}'")),
                None => self.error("expected a term"),
            });
        }
        if parts == [Wild::Any] {
            return Ok(Value::Exists);
        }
        if wild {
            return Ok(Value::Wildcard(parts));
        }
        let text: String = parts
            .iter()
            .map(|p| match p {
                Wild::Lit(c) => *c,
                Wild::Any => '*',
                Wild::One => '?',
            })
            .collect();
        let fuzzy = if self.symbol("~") {
            Some(self.number().map(|n| n.min(2) as u8))
        } else {
            None
        };
        Ok(Value::Term { text, fuzzy })
    }

    fn bound_text(&mut self) -> Result<String, ParseError> {
        if self.peek() == Some('"') {
            match self.value()? {
                Value::Phrase { text, .. } => return Ok(text),
                _ => return Err(self.error("expected a quoted bound")),
            }
        }
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c.is_whitespace() || matches!(c, ']' | '}' | ')') {
                break;
            }
            if c == '\\' {
                if let Some(next) = self.chars.get(self.at + 1) {
                    out.push(*next);
                }
                self.at += 2;
                continue;
            }
            out.push(c);
            self.at += 1;
        }
        if out.is_empty() {
            return Err(self.error("expected a range bound"));
        }
        Ok(out)
    }

    fn range(&mut self) -> Result<Value, ParseError> {
        let lower_inclusive = self.peek() == Some('[');
        self.at += 1;
        self.skip_ws();
        let lower = self.bound_text()?;
        self.skip_ws();
        if !self.keyword("TO") {
            return Err(self.error("expected TO in a range"));
        }
        self.skip_ws();
        let upper = self.bound_text()?;
        self.skip_ws();
        let upper_inclusive = match self.peek() {
            Some(']') => true,
            Some('}') => false,
            _ => return Err(self.error("expected ']' or '}' to close a range")),
        };
        self.at += 1;
        let bound = |text: String, inclusive: bool| {
            if text == "*" {
                Bound::Unbounded
            } else if inclusive {
                Bound::Included(text)
            } else {
                Bound::Excluded(text)
            }
        };
        Ok(Value::Range {
            lower: bound(lower, lower_inclusive),
            upper: bound(upper, upper_inclusive),
        })
    }
}

/// `field:(a b)`: the group's unfielded leaves take the field.
fn with_default_field(node: Node, field: &str) -> Node {
    match node {
        Node::Leaf { field: None, value } => Node::Leaf {
            field: Some(field.to_string()),
            value,
        },
        Node::Bool(clauses) => Node::Bool(
            clauses
                .into_iter()
                .map(|(occur, node)| (occur, with_default_field(node, field)))
                .collect(),
        ),
        other => other,
    }
}

/// Lucene's `QueryParserBase.addClause` with the default operator OR.
fn add_clause(
    clauses: &mut Vec<(Occur, Node)>,
    conj: Conj,
    modifier: Modifier,
    query: Option<Node>,
) {
    if conj == Conj::And
        && let Some(last) = clauses.last_mut()
        && last.0 != Occur::MustNot
    {
        last.0 = Occur::Must;
    }
    let Some(query) = query else {
        return;
    };
    let prohibited = modifier == Modifier::Not;
    let required = modifier == Modifier::Required || (conj == Conj::And && !prohibited);
    let occur = if prohibited {
        Occur::MustNot
    } else if required {
        Occur::Must
    } else {
        Occur::Should
    };
    clauses.push((occur, query));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(field: Option<&str>, text: &str) -> Node {
        Node::Leaf {
            field: field.map(str::to_string),
            value: Value::Term {
                text: text.into(),
                fuzzy: None,
            },
        }
    }

    #[test]
    fn fields_terms_and_the_default_or() {
        assert_eq!(parse("level:ERROR").unwrap(), leaf(Some("level"), "ERROR"));
        assert_eq!(
            parse("a b").unwrap(),
            Node::Bool(vec![
                (Occur::Should, leaf(None, "a")),
                (Occur::Should, leaf(None, "b"))
            ])
        );
        assert_eq!(parse("").unwrap(), Node::MatchAll);
        assert_eq!(parse("  ").unwrap(), Node::MatchAll);
        assert_eq!(parse("*").unwrap(), Node::MatchAll);
        assert_eq!(parse("*:*").unwrap(), Node::MatchAll);
        assert_eq!(
            parse("context.request_id:r-1").unwrap(),
            leaf(Some("context.request_id"), "r-1")
        );
    }

    #[test]
    fn classic_conjunction_rules() {
        // a OR b AND c  →  a +b +c
        assert_eq!(
            parse("a OR b AND c").unwrap(),
            Node::Bool(vec![
                (Occur::Should, leaf(None, "a")),
                (Occur::Must, leaf(None, "b")),
                (Occur::Must, leaf(None, "c"))
            ])
        );
        assert_eq!(
            parse("a AND NOT b").unwrap(),
            Node::Bool(vec![
                (Occur::Must, leaf(None, "a")),
                (Occur::MustNot, leaf(None, "b"))
            ])
        );
        assert_eq!(
            parse("+a -b c").unwrap(),
            Node::Bool(vec![
                (Occur::Must, leaf(None, "a")),
                (Occur::MustNot, leaf(None, "b")),
                (Occur::Should, leaf(None, "c"))
            ])
        );
        assert_eq!(
            parse("NOT a").unwrap(),
            Node::Bool(vec![(Occur::MustNot, leaf(None, "a"))])
        );
        assert_eq!(
            parse("!a").unwrap(),
            Node::Bool(vec![(Occur::MustNot, leaf(None, "a"))])
        );
        assert_eq!(
            parse("a && b || c").unwrap(),
            Node::Bool(vec![
                (Occur::Must, leaf(None, "a")),
                (Occur::Must, leaf(None, "b")),
                (Occur::Should, leaf(None, "c"))
            ])
        );
        // Lower-case words are terms.
        assert_eq!(
            parse("a and b").unwrap(),
            Node::Bool(vec![
                (Occur::Should, leaf(None, "a")),
                (Occur::Should, leaf(None, "and")),
                (Occur::Should, leaf(None, "b"))
            ])
        );
    }

    #[test]
    fn groups_and_field_groups() {
        assert_eq!(
            parse("level:(ERROR OR WARN) AND service:api").unwrap(),
            Node::Bool(vec![
                (
                    Occur::Must,
                    Node::Bool(vec![
                        (Occur::Should, leaf(Some("level"), "ERROR")),
                        (Occur::Should, leaf(Some("level"), "WARN"))
                    ])
                ),
                (Occur::Must, leaf(Some("service"), "api"))
            ])
        );
        assert_eq!(parse("(a)").unwrap(), leaf(None, "a"));
        assert!(parse("(a").is_err());
        assert!(parse("a)").is_err());
    }

    #[test]
    fn phrases_wildcards_fuzzy_regex_exists() {
        assert_eq!(
            parse("message:\"データ 作成\"~2").unwrap(),
            Node::Leaf {
                field: Some("message".into()),
                value: Value::Phrase {
                    text: "データ 作成".into(),
                    slop: 2
                }
            }
        );
        assert_eq!(
            parse("user*").unwrap(),
            Node::Leaf {
                field: None,
                value: Value::Wildcard(vec![
                    Wild::Lit('u'),
                    Wild::Lit('s'),
                    Wild::Lit('e'),
                    Wild::Lit('r'),
                    Wild::Any
                ])
            }
        );
        assert_eq!(
            parse("a\\*b").unwrap(),
            leaf(None, "a*b"),
            "an escaped star is literal"
        );
        assert_eq!(
            parse("timeuot~").unwrap(),
            Node::Leaf {
                field: None,
                value: Value::Term {
                    text: "timeuot".into(),
                    fuzzy: Some(None)
                }
            }
        );
        assert_eq!(
            parse("timeuot~1").unwrap(),
            Node::Leaf {
                field: None,
                value: Value::Term {
                    text: "timeuot".into(),
                    fuzzy: Some(Some(1))
                }
            }
        );
        assert_eq!(
            parse("context.user_id:*").unwrap(),
            Node::Leaf {
                field: Some("context.user_id".into()),
                value: Value::Exists
            }
        );
        assert_eq!(
            parse("_exists_:context.user_id").unwrap(),
            Node::Leaf {
                field: Some("context.user_id".into()),
                value: Value::Exists
            }
        );
        assert_eq!(
            parse("service:/data.*/").unwrap(),
            Node::Leaf {
                field: Some("service".into()),
                value: Value::Regex("data.*".into())
            }
        );
    }

    #[test]
    fn ranges() {
        let range = |text: &str| match parse(text).unwrap() {
            Node::Leaf {
                value: Value::Range { lower, upper },
                ..
            } => (lower, upper),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            range("took:[10 TO 20}"),
            (Bound::Included("10".into()), Bound::Excluded("20".into()))
        );
        assert_eq!(
            range("took:{* TO 20]"),
            (Bound::Unbounded, Bound::Included("20".into()))
        );
        assert_eq!(
            range("took:>=10"),
            (Bound::Included("10".into()), Bound::Unbounded)
        );
        assert_eq!(
            range("took:<10"),
            (Bound::Unbounded, Bound::Excluded("10".into()))
        );
        assert_eq!(
            range("timestamp:[now-1h TO now]"),
            (
                Bound::Included("now-1h".into()),
                Bound::Included("now".into())
            )
        );
        assert_eq!(
            range("timestamp:[\"2024-05-01 10:00:00\" TO *]"),
            (
                Bound::Included("2024-05-01 10:00:00".into()),
                Bound::Unbounded
            )
        );
        assert!(parse("took:[1 20]").is_err());
    }

    #[test]
    fn errors_name_a_position() {
        let err = parse("message:\"open").unwrap_err();
        assert!(err.message.contains('"'), "{err}");
        assert!(parse("AND a").is_err());
        assert!(parse("a AND").is_err());
    }
}
